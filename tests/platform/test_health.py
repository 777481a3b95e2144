"""Health check, the public home page, the database's settings, caching headers."""

import pytest
from sqlalchemy import text

from admin_app.extensions import db


def test_healthz_and_readyz_answer_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_public_home_is_japanese_and_open(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "公共施設" in html


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_back_office_pages_are_never_cached(login_as):
    response = login_as("staff1").get("/admin/facility/")
    assert response.headers["Cache-Control"] == "no-store"
