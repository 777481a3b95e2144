"""Benchmark: the access log at 1,000,000 rows — the chief's pages, verify, logging overhead.

Builds its own database (temporary SQLite, or BENCH_DATABASE_URL for PostgreSQL), loads N
chained rows (default 1,000,000) spread over a year, then prints:
  * median / p95 of the chief's first page and every filter (through the real app),
  * `audit verify` over the whole chain,
  * a list page with logging on versus off (the ratio should stay within 1.10): one client,
    time per request; and under load (gunicorn, wrk), requests per second.

    .venv/bin/python bench/access_log.py [N]
"""

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import analyze, bench_database, built_app, timed  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
REPEAT = 30
BATCH = 20_000
SCREENS = [
    "registrant.index_view",
    "registrant.details_view",
    "registrant.edit_view",
    "facility.index_view",
    "change_notice.details",
    "admin.index",
    "registrant.export",
    "room.index_view",
]
ACTIONS = ["list", "view", "edit", "view", "list", "view", "export", "list"]


def build(app) -> None:
    from sqlalchemy import insert, select, update

    from admin_app.audit import chain_key
    from admin_app.demo.loader import load_demo_data
    from admin_app.extensions import db
    from models import AccessLog, AccessLogHead, StaffUser
    from models.access_log.chain import chain_rows, ids_follow_bulk_load

    load_demo_data(with_registrants=False)
    users = [(u.id, u.section_id) for u in db.session.scalars(select(StaffUser))]
    head = db.session.get(AccessLogHead, 1)
    next_id, prev = head.last_id + 1, head.last_hash
    rng = random.Random(1)
    start = datetime(2025, 11, 26, tzinfo=UTC)
    step = timedelta(days=365) / N
    key = chain_key()
    made = 0
    while made < N:
        size = min(BATCH, N - made)
        rows = []
        for i in range(made, made + size):
            user_id, section_id = users[rng.randrange(len(users))]
            k = rng.randrange(len(SCREENS))
            rows.append(
                {
                    "at": start + step * i,
                    "user_id": user_id,
                    "section_id": section_id,
                    "endpoint": SCREENS[k],
                    "record_ids": str(rng.randrange(1, 100_000))
                    if "details" in SCREENS[k] or "edit" in SCREENS[k]
                    else None,
                    "action": ACTIONS[k],
                    "method": "GET",
                    "remote_addr": "10.1.2.3",
                    "status": 200,
                }
            )
        chained, last_id, prev = chain_rows(key, next_id, prev, rows)
        db.session.execute(insert(AccessLog), chained)
        next_id, made = last_id + 1, made + size
    db.session.execute(
        update(AccessLogHead)
        .where(AccessLogHead.id == 1)
        .values(last_id=next_id - 1, last_hash=prev)
    )
    ids_follow_bulk_load(db.session.connection())
    db.session.commit()
    analyze()


def main() -> None:
    bench_database("bench-access-log-")
    from sqlalchemy import select

    from admin_app.audit import chain_key
    from admin_app.extensions import db
    from models import AccessLog, StaffUser
    from models.access_log.chain import verify
    from tests.support import login

    app = built_app(build, f"{N:,} chained log rows")
    with app.app_context():
        staff1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff1"))
        record = db.session.scalar(
            select(AccessLog.record_ids).where(AccessLog.record_ids.is_not(None)).limit(1)
        )
    client = app.test_client()
    login(client, "chief1")
    html = client.get("/admin/access_log/").get_data(as_text=True)
    cursor = (
        html.split("before=")[1].split('"')[0].replace("&amp;", "&") if "before=" in html else ""
    )
    pages = {
        "first page": "/admin/access_log/",
        "next page (keyset)": f"/admin/access_log/?before={cursor}",
        "one person (pivot)": f"/admin/access_log/?user={staff1}",
        "one record (pivot)": f"/admin/access_log/?record={record}&record_screen=registrant",
        "date range (a week)": "/admin/access_log/?from=2026-03-01&to=2026-03-07",
        "screen": "/admin/access_log/?screen=registrant.edit_view",
        "action = export": "/admin/access_log/?action=export",
        "person + range + action": f"/admin/access_log/?user={staff1}&from=2026-01-01"
        f"&to=2026-06-30&action=view",
    }
    print(f"{'chief page':<28} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages.items():
        median, p95 = timed(client, url)
        print(f"{name:<28} {median:>10.1f} {p95:>8.1f}")

    with app.app_context(), db.engine.connect() as conn:
        t = time.perf_counter()
        result = verify(conn, chain_key())
        print(f"audit verify: {result.ok} {result.rows:,} rows in {time.perf_counter() - t:.1f} s")

    # Logging on versus off, interleaved so both see the same machine.
    staff = app.test_client()
    login(staff, "staff1")
    on, off = [], []
    for i in range(400):
        app.config["AUDIT_ENABLED"] = i % 2 == 0
        t = time.perf_counter()
        assert staff.get("/admin/facility/").status_code == 200
        (on if i % 2 == 0 else off).append((time.perf_counter() - t) * 1000)
    app.config["AUDIT_ENABLED"] = True
    m_on, m_off = statistics.median(on), statistics.median(off)
    print(f"list page with logging on {m_on:.2f} ms, off {m_off:.2f} ms, ratio {m_on / m_off:.3f}")
    throughput(app)
    with app.app_context():
        db.engine.dispose()


def throughput(app) -> None:
    """The same page under gunicorn and wrk, logging on versus off, runs interleaved."""
    from bench.load import compare, served, session_cookie
    from tests.support import DEMO_PASSWORD

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with (
        served("bench.served:create(audit=True)", url) as on_base,
        served("bench.served:create(audit=False)", url) as off_base,
    ):
        rates = compare(
            {
                name: (
                    f"{base}/admin/facility/",
                    {"Cookie": session_cookie(base, "staff1", DEMO_PASSWORD)},
                )
                for name, base in (("on", on_base), ("off", off_base))
            }
        )
    print(
        f"under load (gunicorn, wrk 8 connections): logging on {rates['on']:.0f} req/s, "
        f"off {rates['off']:.0f} req/s, ratio off/on {rates['off'] / rates['on']:.3f}"
    )


if __name__ == "__main__":
    main()
