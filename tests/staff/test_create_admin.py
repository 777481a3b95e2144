"""`flask create-admin`: the first IT administrator of an empty deployment, with a one-time
password that opens nothing but the password change; refused while an active IT administrator
exists unless forced with a recorded reason."""

import re

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Role, StaffEvent, StaffEventKind, StaffUser
from models.staff.access import access_of
from tests.support import csrf_token, login

NEW_PASSWORD = "hinoki no mori wo aruku 2026"


def create_admin(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def staff_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffUser))


def one_time_password(output: str) -> str:
    return re.search(r"One-time password .*: (\S+)$", output, re.M).group(1)


def test_an_empty_deployment_gets_its_first_it_administrator(app):
    result = create_admin(
        app, "it.tanaka", "--name", "田中 一郎", "--section", "JOHO", "--section-name", "情報政策課"
    )
    assert result.exit_code == 0, result.output
    password = one_time_password(result.output)
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "it.tanaka"))
        assert user.must_change_password and user.section.name == "情報政策課"
        assert access_of(user).has(Role.IT_ADMIN)
        assert password not in (user.password_hash or "")
        kinds = [e.kind for e in db.session.scalars(select(StaffEvent))]
        assert sorted(kinds) == sorted([StaffEventKind.GRANT_SET_UP, StaffEventKind.ISSUED])

    client = app.test_client()
    assert login(client, "it.tanaka", password).status_code == 302
    # Until the one-time password is changed, every back-office page leads to the change.
    for url in ("/admin/", "/admin/staff_user/", "/admin/staff_user/issue/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/password")
    page = client.get("/password").get_data(as_text=True)
    response = client.post(
        "/password",
        data={
            "current": password,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/staff_user/").status_code == 200  # IT's own screens open
    assert login(app.test_client(), "it.tanaka", password).status_code == 401  # used up


def test_a_second_administrator_needs_force_and_a_reason(app):
    first = create_admin(app, "it.first", "--name", "一人目", "--section", "JOHO",
                         "--section-name", "情報政策課")  # fmt: skip
    assert first.exit_code == 0
    before = staff_count(app)

    refused = create_admin(app, "it.second", "--name", "二人目", "--section", "JOHO")
    assert refused.exit_code != 0
    assert "An active IT administrator exists (it.first)" in refused.output
    no_reason = create_admin(app, "it.second", "--name", "二人目", "--section", "JOHO", "--force")
    assert no_reason.exit_code != 0 and "--force needs --reason" in no_reason.output
    assert staff_count(app) == before

    forced = create_admin(
        app, "it.second", "--name", "二人目", "--section", "JOHO",
        "--force", "--reason", "一人目が長期休職、IT課長の指示",
    )  # fmt: skip
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        event = db.session.scalar(
            select(StaffEvent)
            .join(StaffUser, StaffEvent.user_id == StaffUser.id)
            .where(StaffUser.login == "it.second", StaffEvent.kind == StaffEventKind.ISSUED)
        )
        assert event.reason == "一人目が長期休職、IT課長の指示"
        assert event.details["forced"] is True and event.actor_id is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["it.x", "--name", "某", "--section", "NOWHERE"], "No section 'NOWHERE'. Sections:"),
        (["IT Admin!", "--name", "某", "--section", "KOMINKAN"], "lower-case letters"),
        (["staff1", "--name", "某", "--section", "KOMINKAN"], "login ID 'staff1' exists"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(app, demo, args, message):
    """With the demo organisation there is an active IT administrator: --force with a reason
    is given so that only the input itself can be what is refused."""
    before = staff_count(app)
    result = create_admin(app, *args, "--force", "--reason", "テスト")
    assert result.exit_code != 0 and message in result.output
    assert staff_count(app) == before
