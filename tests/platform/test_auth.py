"""Login, logout, sessions that end at once, idle timeout, cookies and CSRF."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from admin_app.extensions import db
from models import AccessAction, AccessLog, Section, StaffSession, StaffStatus, StaffUser
from tests.builders import PASSWORD
from tests.builders.staff import make_user
from tests.support import csrf_token, login

BAD_LOGIN_JA = "ログインIDまたはパスワードが正しくありません。"


def test_login_page_is_japanese(client):
    html = client.get("/login").get_data(as_text=True)
    assert "職員ログイン" in html and "ログインID" in html and "パスワード" in html


@pytest.mark.parametrize(
    "login_id,password", [("staff1", "wrong-password-123"), ("nobody", "demo-password-2026")]
)
def test_unknown_user_and_wrong_password_get_the_same_message(client, demo, login_id, password):
    response = login(client, login_id, password)
    assert response.status_code == 401
    assert BAD_LOGIN_JA in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # still anonymous


def test_good_login_reaches_the_back_office_and_logout_ends_it(client, demo):
    response = login(client, "staff1")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    html = client.get("/admin/").get_data(as_text=True)
    assert "山田 花子" in html
    token = csrf_token(html)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_redirects_only_to_a_path_on_this_site(client, demo):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"login": "staff1", "password": "demo-password-2026", "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/"


def test_each_login_gets_a_new_session_id(app, client, demo):
    login(client, "staff1")
    first = client.get_cookie("fbo_session").value
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/admin/").get_data(as_text=True))}
    )
    login(client, "staff1")
    assert client.get_cookie("fbo_session").value != first
    with app.app_context():
        sessions = db.session.scalars(select(StaffSession)).all()
        assert len(sessions) == 2
        assert len({s.token_hash for s in sessions}) == 2
        assert [s.end_reason for s in sessions if s.ended_at] == ["logout"]


def test_session_cookie_is_httponly_and_samesite(client, demo):
    response = login(client, "staff1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "change",
    [
        {"status": StaffStatus.SUSPENDED},
        {"status": StaffStatus.REVOKED},
        {"valid_to": date(2026, 5, 1)},
    ],
)
def test_an_existing_session_stops_working_at_once(app, client, demo, change):
    login(client, "staff1")
    assert client.get("/admin/facility/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        for key, value in change.items():
            setattr(user, key, value)
        db.session.commit()
    response = client.get("/admin/facility/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_user_without_a_valid_assignment_cannot_log_in(app, client, demo):
    with app.app_context():
        make_user("future1", role_from=date(2099, 4, 1))
    response = login(client, "future1", PASSWORD)
    assert response.status_code == 401
    assert BAD_LOGIN_JA in response.get_data(as_text=True)


def test_idle_session_expires_after_30_minutes(app, client, demo):
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, "staff1")
        clock.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200  # activity renews the idle timer
        clock.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get("/admin/").status_code == 302


def test_idle_session_is_refused_by_the_server_even_if_the_cookie_is_kept(
    app, client, demo, monkeypatch
):
    # A client that ignores the cookie's expiry still gets nothing after 30 idle minutes.
    monkeypatch.setattr(app, "permanent_session_lifetime", timedelta(days=1))
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, "staff1")
        clock.shift(timedelta(minutes=31))
        assert client.get("/admin/").status_code == 302
    with app.app_context():
        reasons = db.session.scalars(select(StaffSession.end_reason)).all()
    assert reasons == ["idle_timeout"]


def test_password_is_stored_as_argon2id(app, demo):
    with app.app_context():
        stored = db.session.scalar(
            select(StaffUser.password_hash).where(StaffUser.login == "staff1")
        )
    assert stored.startswith("$argon2id$")


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", data={"login": "staff1", "password": "demo-password-2026"})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_admin_delete_without_csrf_token_is_refused_and_nothing_changes(app, client, demo):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Section))
        section_id = db.session.scalar(select(Section.id).limit(1))
    login(client, "it1")
    response = client.post("/admin/section/delete/", data={"id": section_id})
    assert response.status_code == 400
    response = client.post(
        "/admin/section/action/", data={"action": "delete", "rowid": [section_id]}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Section)) == before


def test_logout_is_recorded_with_the_user(app, client, demo):
    login(client, "staff1")
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/admin/").get_data(as_text=True))}
    )
    with app.app_context():
        row = db.session.scalar(select(AccessLog).where(AccessLog.action == AccessAction.LOGOUT))
        user_id = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff1"))
    assert row is not None and row.user_id == user_id
