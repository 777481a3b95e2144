"""`flask create-admin`: the first IT administrator of an empty deployment, with a one-time
password that opens nothing but the password change; refused while an active IT administrator
exists unless forced with a recorded reason; bad input refused with nothing written."""

import re

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import (
    Role,
    RoleAssignment,
    Section,
    StaffEvent,
    StaffEventKind,
    StaffStatus,
    StaffUser,
)
from models.staff.access import access_of
from tests.support import count, csrf_token, login

NEW_PASSWORD = "hinoki no mori wo aruku 2026"
FIRST = ["it.tanaka", "--name", "田中 一郎", "--section", "JOHO", "--section-name", "情報政策課"]


def create_admin(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def written(app) -> tuple[int, ...]:
    """Everything the command writes: IDs, sections, grants, ID events."""
    return tuple(count(app, m) for m in (StaffUser, Section, RoleAssignment, StaffEvent))


def one_time_password(output: str) -> str:
    return re.search(r"One-time password .*: (\S+)$", output, re.M).group(1)


def post(client, url: str, **fields):
    """POST with the session's CSRF token (the password page's: one token per session)."""
    token = csrf_token(client.get("/password").get_data(as_text=True))
    return client.post(url, data={**fields, "csrf_token": token})


def test_an_empty_deployment_gets_its_first_it_administrator(app):
    assert written(app) == (0, 0, 0, 0)
    result = create_admin(app, *FIRST)
    assert result.exit_code == 0, result.output
    password = one_time_password(result.output)
    assert result.output.count(password) == 1  # shown once
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "it.tanaka"))
        assert user.name == "田中 一郎" and user.section.code == "JOHO"
        assert user.section.name == "情報政策課" and user.must_change_password
        assert access_of(user).has(Role.IT_ADMIN)  # in force now: no second person to wait for
        assert password not in (user.password_hash or "")
        kinds = [e.kind for e in db.session.scalars(select(StaffEvent))]
        assert sorted(kinds) == sorted([StaffEventKind.GRANT_SET_UP, StaffEventKind.ISSUED])
        user_id = user.id

    client = app.test_client()
    response = login(client, "it.tanaka", password)  # the real login form, with its CSRF token
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).headers["Location"].endswith("/password")
    # Until the one-time password is changed, every back-office page leads to the change ...
    for url in ("/admin/", "/admin/it_dashboard/", "/admin/staff_user/", "/admin/section/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/password"), url
    # ... and nothing can be done: a new section is not created.
    kyodo = {"code": "KYODO", "name": "市民協働課", "authority": "mayor"}
    refused = post(client, "/admin/section/new/", **kyodo)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/password")
    assert count(app, Section) == 1
    page = client.get("/password").get_data(as_text=True)
    assert 'name="new"' in page

    changed = post(client, "/password", current=password, new=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert changed.status_code == 302
    dashboard = client.get("/admin/it_dashboard/")
    assert dashboard.status_code == 200
    created = post(client, "/admin/section/new/", **kyodo)
    assert created.status_code == 302 and count(app, Section) == 2  # IT's screens work now
    # The ID's history says it came from the command line, and why.
    history = client.get(f"/admin/staff_user/details/?id={user_id}").get_data(as_text=True)
    assert "コマンド（サーバ上）" in history and "最初のIT管理者（flask create-admin）" in history
    assert login(app.test_client(), "it.tanaka", password).status_code == 401  # used up
    assert login(app.test_client(), "it.tanaka", NEW_PASSWORD).status_code == 302


def test_a_second_administrator_needs_force_and_a_reason(app):
    first = create_admin(app, *FIRST)
    assert first.exit_code == 0
    before = written(app)

    second = ["it.second", "--name", "二人目", "--section", "JOHO"]
    refused = create_admin(app, *second)
    assert refused.exit_code == 1
    assert "Refused: An active IT administrator exists (it.tanaka)" in refused.output
    assert "One-time password" not in refused.output
    for no_reason in (["--force"], ["--force", "--reason", "   "]):
        result = create_admin(app, *second, *no_reason)
        assert result.exit_code == 1 and "--force needs --reason" in result.output
    assert written(app) == before

    reason = "一人目が長期休職、IT課長の指示"
    forced = create_admin(app, *second, "--force", "--reason", reason)
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "it.second"))
        assert access_of(user).has(Role.IT_ADMIN) and user.must_change_password
        event = db.session.scalar(
            select(StaffEvent).where(
                StaffEvent.user_id == user.id, StaffEvent.kind == StaffEventKind.ISSUED
            )
        )
        assert event.reason == reason and event.actor_id is None
        assert event.details == {"by": "command_line", "command": "create-admin", "forced": True}


def test_an_it_administrator_who_is_no_longer_active_does_not_block(app):
    """A suspended IT administrator cannot issue IDs: the command is how IT gets back in."""
    assert create_admin(app, *FIRST).exit_code == 0
    with app.app_context():
        db.session.scalar(select(StaffUser)).status = StaffStatus.SUSPENDED
        db.session.commit()
    again = create_admin(app, "it.kimura", "--name", "木村 花子", "--section", "JOHO")
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["it.x", "--name", "某", "--section", "NOWHERE"], "No section 'NOWHERE'. Sections: "),
        (["IT Admin!", "--name", "某", "--section", "KOMINKAN"], "Use 3 to 64 lower-case letters"),
        (["ab", "--name", "某", "--section", "KOMINKAN"], "Use 3 to 64 lower-case letters"),
        (["staff1", "--name", "某", "--section", "KOMINKAN"], "The login ID 'staff1' exists"),
        (["it.x", "--name", "  ", "--section", "KOMINKAN"], "--name: "),
        (["it.x", "--name", "\u200b", "--section", "KOMINKAN"], "--name: "),
        (["it.x", "--name", "某\x01", "--section", "KOMINKAN"], "--name: "),
        (["it.x", "--name", "某" * 101, "--section", "KOMINKAN"], "--name: at most 100"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(app, demo, args, message):
    """With the demo organisation there is an active IT administrator: --force with a reason
    is given so that only the input itself can be what is refused."""
    before = written(app)
    result = create_admin(app, *args, "--force", "--reason", "テスト")
    assert result.exit_code == 1 and f"Refused: {message}" in result.output
    assert "One-time password" not in result.output and "Traceback" not in result.output
    assert written(app) == before


def test_an_unknown_section_is_refused_with_the_codes_there_are(app, demo):
    result = create_admin(
        app, "it.x", "--name", "某", "--section", "NOWHERE", "--force", "--reason", "テスト"
    )
    assert result.exit_code == 1
    assert "Sections: JOHO, KOMINKAN, KYODO, SOMU, SPORTS;" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "X" * 21, "--section-name", "課"], "--section: at most 20 characters"),
        (["--section", "JOHO", "--section-name", "課" * 101], "--section-name: at most 100"),
        (["--section", "JOHO", "--section-name", "\u200b"], "--section-name: "),
        (["--section", " ", "--section-name", "情報政策課"], "Give --section."),
        (["--section", "JOHO", "--reason", "理" * 301], "--reason: at most 300 characters"),
        (["--section", "JOHO", "--reason", "理由\x07"], "--reason: "),
    ],
)
def test_bad_input_on_an_empty_deployment_is_refused_and_nothing_is_written(app, args, message):
    """What PostgreSQL would refuse with a traceback (too long, control characters) and what
    shows nothing is refused with a message first."""
    args = ["it.x", "--name", "某", *args]
    if "--section-name" not in args:
        args += ["--section-name", "情報政策課"]
    result = create_admin(app, *args)
    assert result.exit_code == 1, result.output
    assert f"Refused: {message}" in result.output and "Traceback" not in result.output
    assert written(app) == (0, 0, 0, 0)
