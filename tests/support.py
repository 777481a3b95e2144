"""Helpers every test domain shares: the test database's lifecycle, logging in over HTTP.

Fixtures live in tests/conftest.py; data builders in tests/builders/."""

import re
import socket
from contextlib import contextmanager
from pathlib import Path

import requests
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from admin_app.demo.loader import DEMO_PASSWORD
from admin_app.extensions import db
from models import AccessLogHead
from models.access_log.chain import forget_lane_heads, initial_heads
from models.append_only import APPEND_ONLY_TABLES, create_statements, drop_statements
from models.public.version import stop_watching

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def let_go_of_connections() -> None:
    """What this process keeps open beside the pool: log lanes, the public stamp listener."""
    forget_lane_heads()
    stop_watching()


def reset_database(app) -> None:
    """Start from nothing, then build the schema the way production does: by migration."""
    let_go_of_connections()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.engine.dispose()
            path = Path(db.engine.url.database)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        upgrade()
        db.engine.dispose()


def empty_tables(app) -> None:
    """Back to an empty, migrated database: the append-only triggers are lifted for the
    clean-up only, and the log chain starts afresh."""
    with app.app_context():
        db.session.remove()
        dialect = db.engine.dialect.name
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.connect() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # rows point both ways
                conn.commit()
            for table in APPEND_ONLY_TABLES:
                for statement in drop_statements(dialect, table):
                    conn.execute(text(statement))
            if dialect == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(AccessLogHead.__table__.insert(), initial_heads(first_id=1))
            forget_lane_heads()
            for table in APPEND_ONLY_TABLES:
                for statement in create_statements(dialect, table):
                    conn.execute(text(statement))
            conn.commit()
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def dispose(app) -> None:
    let_go_of_connections()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, login_id: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"login": login_id, "password": password, "csrf_token": token}
    )


def token(client, url: str) -> str:
    """The CSRF token of the page at `url`."""
    return csrf_token(client.get(url).get_data(as_text=True))


def logged_in(app, login_id: str, password: str | None = None):
    """A fresh test client of `app`, logged in as `login_id` (a demo login unless
    `password`)."""
    client = app.test_client()
    response = login(client, login_id, password or DEMO_PASSWORD)
    assert response.status_code == 302, f"login as {login_id} failed"
    return client


def count(app, model, *where) -> int:
    """Rows of `model` (matching `where`)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def detached(app, model, row_id):
    """A row read in its own app context and detached, to compare before and after."""
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        return row


def session_for(base: str, login_id: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """A `requests` session logged in to the app served at `base` over real HTTP."""
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/login", timeout=10).text)
    response = session.post(
        f"{base}/login",
        data={"login": login_id, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f"login as {login_id} failed"
    return session


@contextmanager
def gunicorn(app, workers: int, env: dict[str, str] | None = None):
    """The app served by `workers` gunicorn processes on the test database (with the test
    app's keys, and `env` on top: e.g. REDIS_URL); yields the base URL."""
    from bench.load import served

    keys = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "AUDIT_CHAIN_KEY": app.config["AUDIT_CHAIN_KEY"],
    }
    with served(
        "admin_app:create_app()",
        app.config["SQLALCHEMY_DATABASE_URI"],
        workers=workers,
        env=keys | (env or {}),
    ) as base:
        yield base


def redis_reachable() -> bool:
    """Whether the tests' Redis answers on 127.0.0.1:6379 (CI starts one and never skips)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


# An environment `make serve` accepts (APP_ENV=production): long random-looking keys that
# differ, PostgreSQL, Redis. Tests take it and break one thing at a time.
PRODUCTION_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "Wq3v8ZbLr0TtY6nC1xKp9dFhJ2sM4gA7eR5uVwQz",
    "AUDIT_CHAIN_KEY": "Hk2Ls9Dq7Pf4Jr1Nx8Cv5Bm3Zt6Wg0Ye2Ua9Ro4Ei",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/fbo",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
