"""Shared by the benchmarks: time a page through the real app."""

import statistics
import time


def timed(client, url: str, repeat: int = 30) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of `repeat` GETs (each must answer 200)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def bench_database(prefix: str) -> None:
    """Point the app at a fresh temporary SQLite file, unless BENCH_DATABASE_URL is set."""
    import os
    import tempfile

    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault(
        "TEST_DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    )


def analyze() -> None:
    """What autovacuum would have done after a bulk load: fresh planner statistics."""
    from sqlalchemy import text

    from admin_app.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


def built_app(build, what: str):
    """A migrated app on the benchmark database, loaded by `build(app)`; prints how long."""
    import time

    from admin_app import create_app
    from admin_app.config import TestConfig
    from admin_app.extensions import db
    from tests.support import reset_database

    app = create_app(TestConfig)
    reset_database(app)
    with app.app_context():
        started = time.perf_counter()
        build(app)
        print(f"built {what} in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
    return app
