"""The access log's hash chain: `flask audit verify` finds a changed, deleted or inserted row,
even when the append-only triggers were dropped first; parallel writers keep it whole."""

import hashlib
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from admin_app.extensions import db
from models import AccessLog
from models.access_log import chain as audit_chain
from models.append_only import create_statements, drop_statements
from tests.support import csrf_token, gunicorn

ROOT = Path(__file__).resolve().parents[2]


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def some_rows(login_as, n=6):
    client = login_as("staff1")
    for _ in range(n):
        client.get("/admin/facility/")


def tamper(app, *statements):
    with app.app_context(), db.engine.begin() as conn:
        dialect = conn.dialect.name
        for statement in drop_statements(dialect, "access_log"):
            conn.execute(text(statement))
        for statement in statements:
            conn.execute(text(statement))
        for statement in create_statements(dialect, "access_log"):
            conn.execute(text(statement))


def ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AccessLog.id).order_by(AccessLog.id)))


def test_an_untouched_log_verifies(app, login_as):
    some_rows(login_as)
    result = verify(app)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"OK {len(ids(app))} rows"
    assert "WARNING no checkpoint was checked" in result.stderr  # nothing to hold the end


def test_a_changed_row_is_found(app, login_as):
    some_rows(login_as)
    target = ids(app)[3]
    tamper(app, f"UPDATE access_log SET status = 500 WHERE id = {target}")
    result = verify(app)
    assert result.exit_code != 0
    assert f"BROKEN at row {target}: content changed" in result.output


def test_a_deleted_row_is_found(app, login_as):
    some_rows(login_as)
    target = ids(app)[2]
    tamper(app, f"DELETE FROM access_log WHERE id = {target}")
    result = verify(app)
    assert result.exit_code != 0 and f"BROKEN at row {target + 1}" in result.output


def test_deleting_the_newest_rows_is_found(app, login_as):
    some_rows(login_as)
    last = ids(app)[-1]
    tamper(app, f"DELETE FROM access_log WHERE id >= {last - 1}")
    result = verify(app)
    assert result.exit_code != 0 and "missing" in result.output


def test_an_inserted_row_is_found_even_with_a_plausible_hash(app, login_as):
    """Without the key (not in the database) a forger cannot make a row that links."""
    some_rows(login_as)
    with app.app_context():
        last = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        forged = hashlib.sha256(b"forged").hexdigest()
        new_id = last.id + 1
    tamper(
        app,
        "INSERT INTO access_log (id, lane, at, user_id, section_id, endpoint, record_ids, "
        f"action, method, remote_addr, status, prev_hash, row_hash) VALUES ({new_id}, "
        f"{last.lane}, "
        f"'{last.at.isoformat()}', NULL, NULL, 'registrant.details_view', '1', 'view', "
        f"'GET', '127.0.0.1', 200, '{last.row_hash}', '{forged}')",
        f"UPDATE access_log_head SET last_id = {new_id}, last_hash = '{forged}' "
        f"WHERE id = {last.lane}",
    )
    result = verify(app)
    assert result.exit_code != 0
    assert f"BROKEN at row {new_id}: content changed" in result.output


@pytest.mark.slow
def test_parallel_requests_to_several_gunicorn_workers_keep_the_chain_whole(app, demo):
    """Four worker processes, 12 clients, 240 requests at once: one unbroken chain."""
    with gunicorn(app, 4) as base:
        logins = ["staff1", "chief1", "it1", "staff2", "auditor1", "records1"] * 2
        sessions = []
        for login_id in logins:
            s = requests.Session()
            token = csrf_token(s.get(f"{base}/login", timeout=10).text)
            assert (
                s.post(
                    f"{base}/login",
                    data={"login": login_id, "password": "demo-password-2026", "csrf_token": token},
                    allow_redirects=False,
                    timeout=10,
                ).status_code
                == 302
            )
            sessions.append(s)
        errors: list[int] = []

        def hammer(session):
            for _ in range(20):
                status = session.get(f"{base}/admin/facility/", timeout=30).status_code
                if status not in (200, 403):
                    errors.append(status)

        threads = [threading.Thread(target=hammer, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
    result = verify(app)
    assert result.exit_code == 0, result.output
    rows = int(result.output.split()[1])
    assert rows >= 12 * 20 + 12  # every request and every login, one chain
    with app.app_context():
        lanes = set(db.session.scalars(select(AccessLog.lane).distinct()))
    if db_dialect(app) == "postgresql":  # each worker process appends on its own lane
        assert len(lanes) > 1, lanes
    else:  # SQLite has one writer at a time: one lane
        assert lanes == {1}


def db_dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def rows_on_lanes(app, monkeypatch, lanes=(2, 3, 2, 3, 2, 3)) -> dict[int, list[int]]:
    """Rows written as if by worker processes on the given lanes (PostgreSQL's writers)."""
    from admin_app.audit import chain_key
    from models.access_log.chain import LANES, append
    from models.access_log.entries import AccessAction
    from models.clock import now_utc

    written: dict[int, list[int]] = {}
    with app.app_context():
        for lane in lanes:
            monkeypatch.setattr(audit_chain.os, "getpid", lambda lane=lane: LANES * 1000 + lane - 1)
            row_id = append(
                db.engine,
                chain_key(),
                {
                    "at": now_utc(),
                    "user_id": None,
                    "section_id": None,
                    "endpoint": "x",
                    "record_ids": None,
                    "action": AccessAction.LIST,
                    "method": "GET",
                    "remote_addr": "127.0.0.1",
                    "status": 200,
                },
            )
            written.setdefault(lane, []).append(row_id)
    return written


@pytest.mark.postgres_only
def test_lanes_interleave_and_verify(app, monkeypatch):
    written = rows_on_lanes(app, monkeypatch)
    with app.app_context():
        stored = dict(db.session.execute(select(AccessLog.id, AccessLog.lane)).all())
    assert {lane: sorted(i for i, x in stored.items() if x == lane) for lane in (2, 3)} == written
    result = verify(app)
    assert result.exit_code == 0 and result.stdout.strip() == "OK 6 rows", result.output
    assert "WARNING no checkpoint was checked" in result.stderr


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement,lane,index,found",
    [
        ("DELETE FROM access_log WHERE id = {}", 3, -1, "missing (lane 3)"),
        ("UPDATE access_log SET lane = 3 WHERE id = {}", 2, 1, "does not link"),
    ],
    ids=["the-newest-row-of-one-lane-deleted", "a-row-moved-to-another-lane"],
)
def test_tampering_within_lanes_is_found(app, monkeypatch, statement, lane, index, found):
    written = rows_on_lanes(app, monkeypatch)
    tamper(app, statement.format(written[lane][index]))
    result = verify(app)
    assert result.exit_code != 0 and found in result.output


def test_a_deleted_lane_head_is_found(app, login_as):
    some_rows(login_as, n=2)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM access_log_head WHERE id = 7"))
    result = verify(app)
    assert result.exit_code != 0 and "head is missing" in result.output
