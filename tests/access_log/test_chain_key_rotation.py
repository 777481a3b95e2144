"""Rotating AUDIT_CHAIN_KEY: the new key signs from now on, AUDIT_CHAIN_OLD_KEYS (oldest
first) lets the rows and checkpoints signed before verify — and a row signed with an old key
after the new one took over is reported, as is a rotation whose old key was not kept."""

import pytest

from admin_app.extensions import db
from models.access_log.chain import append
from models.clock import now_utc
from tests.builders import section_id, user_id

KEY_A = "a-first-chain-key-" + "a" * 30
KEY_B = "b-second-chain-key-" + "b" * 30


def row(app) -> dict:
    with app.app_context():
        return {
            "at": now_utc(),
            "user_id": user_id("staff1"),
            "section_id": section_id("KOMINKAN"),
            "endpoint": "registrant.details_view",
            "record_ids": "7",
            "action": "view",
            "method": "GET",
            "remote_addr": "127.0.0.1",
            "status": 200,
        }


def sign(app, key: str, count: int) -> None:
    with app.app_context():
        for _ in range(count):
            append(db.engine, key.encode(), row(app))


def verify(app, monkeypatch, current: str, old: str = "", *extra: str):
    monkeypatch.setitem(app.config, "AUDIT_CHAIN_KEY", current)
    monkeypatch.setitem(app.config, "AUDIT_CHAIN_OLD_KEYS", old)
    return app.test_cli_runner().invoke(args=["audit", "verify", *extra])


@pytest.fixture
def rotated(app, demo, monkeypatch):
    """Three rows under key A, a checkpoint under A, then rotation: two rows under B."""
    sign(app, KEY_A, 3)
    monkeypatch.setitem(app.config, "AUDIT_CHAIN_KEY", KEY_A)
    checkpoint = app.test_cli_runner().invoke(args=["audit", "checkpoint"]).output.strip()
    sign(app, KEY_B, 2)
    return checkpoint


def test_old_rows_and_checkpoints_verify_with_the_old_key_kept(app, monkeypatch, rotated, tmp_path):
    kept = tmp_path / "checkpoints.txt"
    kept.write_text(rotated.splitlines()[0] + "\n")  # the line; then what was done with it
    result = verify(app, monkeypatch, KEY_B, KEY_A, "--checkpoint", str(kept))
    assert result.exit_code == 0, result.output
    assert "OK 5 rows; 1 checkpoints hold" in result.output


def test_without_the_old_key_the_first_old_row_is_reported(app, monkeypatch, rotated):
    result = verify(app, monkeypatch, KEY_B)
    assert result.exit_code != 0
    assert "BROKEN at row" in result.output and "(0 rows verified before it)" in result.output


def test_a_row_signed_with_the_old_key_after_the_new_one_is_reported(app, monkeypatch, rotated):
    sign(app, KEY_A, 1)  # someone who kept the old key forges a new row
    result = verify(app, monkeypatch, KEY_B, KEY_A)
    assert result.exit_code != 0
    assert "content changed" in result.output and "(5 rows verified before it)" in result.output
