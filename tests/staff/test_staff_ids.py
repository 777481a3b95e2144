"""Staff IDs for IT: issue, first-password change, suspend/reactivate/revoke, events."""

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import (
    GrantState,
    RoleAssignment,
    StaffEvent,
    StaffEventKind,
    StaffSession,
    StaffStatus,
    StaffUser,
)
from models.errors import InputError
from models.staff.password_policy import check_new_password
from tests.builders.staff import decide, issue, second_half, shown_password
from tests.support import csrf_token, logged_in, login


def user(app, login_id) -> StaffUser:
    with app.app_context():
        u = db.session.scalar(select(StaffUser).where(StaffUser.login == login_id))
        db.session.expunge(u)
        return u


def test_it_issues_an_id_with_a_random_first_password_shown_once(app, login_as):
    """A counter clerk's ID: the first password comes in two halves from two IT
    administrators, each shown once (tests/staff/test_password_handout.py)."""
    client = login_as("it1")
    response = issue(client)
    assert response.status_code == 200
    first = shown_password(response)
    assert response.headers["Cache-Control"] == "no-store"
    shown = second_half(logged_in(app, "it2"), app, "newstaff1")
    assert shown.headers["Cache-Control"] == "no-store"
    second = shown_password(shown)
    password = first + second
    assert len(password) == 16
    u = user(app, "newstaff1")
    assert u.must_change_password and u.password_hash is None  # until the holder sets one
    with app.app_context():
        from models import PasswordHandout

        handout = db.session.scalar(select(PasswordHandout).where(PasswordHandout.user_id == u.id))
        for half, stored in ((first, handout.first_hash), (second, handout.second_hash)):
            assert stored.startswith("$argon2id$") and half not in stored
        kinds = db.session.scalars(
            select(StaffEvent.kind).where(StaffEvent.user_id == u.id).order_by(StaffEvent.id)
        )
        assert list(kinds) == [
            StaffEventKind.ISSUED,
            StaffEventKind.GRANT_ENTERED,
            StaffEventKind.PASSWORD_SECOND_HALF,
        ]
        # Counter staff reads residents' data: the role waits for the chief's approval.
        states = db.session.scalars(
            select(RoleAssignment.state).where(RoleAssignment.user_id == u.id)
        )
        assert list(states) == [GrantState.PENDING]
    assert "鈴木 一郎" in response.get_data(as_text=True)  # who approves: 公民館's chief
    # The ID page never shows it again.
    details = client.get(f"/admin/staff_user/details/?id={u.id}").get_data(as_text=True)
    assert first not in details and second not in details


def test_ids_are_never_reused_even_after_revocation(app, login_as):
    client = login_as("it1")
    issue(client)
    u = user(app, "newstaff1")
    t = csrf_token(client.get(f"/admin/staff_user/details/?id={u.id}").get_data(as_text=True))
    client.post(
        f"/admin/staff_user/lifecycle/?id={u.id}",
        data={"action": "revoke", "reason": "退職", "csrf_token": t},
    )
    response = issue(client, name="別人 花子", employee_number="E20002")
    assert "このログインIDは既に存在します" in response.get_data(as_text=True)
    assert user(app, "newstaff1").name == "新人 太郎"


def test_first_login_must_change_the_password_then_other_sessions_end(app, login_as, client):
    it = login_as("it1")
    password = shown_password(issue(it)) + shown_password(
        second_half(logged_in(app, "it2"), app, "newstaff1")
    )
    assert login(app.test_client(), "newstaff1", password).status_code == 401  # role pending
    chief = app.test_client()
    login(chief, "chief1")
    with app.app_context():
        grant_id = db.session.scalar(
            select(RoleAssignment.id)
            .join(RoleAssignment.user)
            .where(StaffUser.login == "newstaff1")
        )
    assert decide(chief, grant_id).status_code == 302
    other = app.test_client()
    assert login(client, "newstaff1", password).status_code == 302
    assert login(other, "newstaff1", password).status_code == 302
    response = client.get("/admin/facility/")
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    page = client.get("/password").get_data(as_text=True)
    assert "初回ログインです" in page
    t = csrf_token(page)
    for new, message in (
        ("short-pass", "12文字以上"),
        ("passwordpassword", "推測されやすい"),
        ("newstaff1", "12文字以上"),
    ):
        html = client.post(
            "/password", data={"current": password, "new": new, "repeat": new, "csrf_token": t}
        ).get_data(as_text=True)
        assert message in html
    html = client.post(
        "/password",
        data={
            "current": "wrong-current-password",
            "new": "correct horse battery",
            "repeat": "correct horse battery",
            "csrf_token": t,
        },
    )
    assert "現在のパスワードが正しくありません" in html.get_data(as_text=True)
    response = client.post(
        "/password",
        data={
            "current": password,
            "new": "correct horse battery staple",
            "repeat": "correct horse battery staple",
            "csrf_token": t,
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/facility/").status_code == 200
    assert other.get("/admin/facility/").status_code == 302  # the other session ended
    assert not user(app, "newstaff1").must_change_password


@pytest.mark.parametrize(
    "password,ok",
    [
        ("a" * 11, False),
        ("a" * 129, False),
        ("qwerty123456", False),
        ("1qaz2wsx3edc", False),
        ("passwordpassword", False),
        ("abcabcabcabc", False),
        ("staff1", False),
        ("八王子の空は高く青い", False),
        ("tea kettle on the windowsill", True),
        ("東村山の秋津町で見た夕焼け空", True),
    ],
)
def test_password_policy(app, password, ok):
    with app.app_context():
        if ok:
            check_new_password(password, "staff1")
        else:
            with pytest.raises(InputError):
                check_new_password(password, "staff1")


def lifecycle(client, user_id, action, reason="確認のため"):
    t = csrf_token(client.get(f"/admin/staff_user/details/?id={user_id}").get_data(as_text=True))
    return client.post(
        f"/admin/staff_user/lifecycle/?id={user_id}",
        data={"action": action, "reason": reason, "csrf_token": t},
    )


def test_suspend_ends_sessions_at_once_reactivate_and_revoke(app, login_as, client):
    it = login_as("it1")
    staff = app.test_client()
    login(staff, "staff1")
    assert staff.get("/admin/facility/").status_code == 200
    staff_id = user(app, "staff1").id
    lifecycle(it, staff_id, "suspend", "")  # a reason is required
    assert user(app, "staff1").status == StaffStatus.ACTIVE
    lifecycle(it, staff_id, "suspend", "不正アクセスの疑い")
    assert user(app, "staff1").status == StaffStatus.SUSPENDED
    response = staff.get("/admin/facility/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert login(staff, "staff1").status_code == 401
    lifecycle(it, staff_id, "reactivate", "調査の結果問題なし")
    assert login(staff, "staff1").status_code == 302
    lifecycle(it, staff_id, "revoke", "退職")
    assert staff.get("/admin/facility/").status_code == 302
    u = user(app, "staff1")
    assert u.status == StaffStatus.REVOKED
    with app.app_context():
        events = db.session.execute(
            select(StaffEvent.kind, StaffEvent.reason, StaffEvent.actor_id)
            .where(StaffEvent.user_id == staff_id)
            .order_by(StaffEvent.id)
        ).all()
        it_id = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "it1"))
        open_sessions = db.session.scalars(
            select(StaffSession).where(
                StaffSession.user_id == staff_id, StaffSession.ended_at.is_(None)
            )
        ).all()
    assert [(k.value, r) for k, r, _ in events] == [
        ("grant_set_up", None),
        ("suspended", "不正アクセスの疑い"),
        ("reactivated", "調査の結果問題なし"),
        ("revoked", "退職"),
    ]
    assert events[0][2] is None  # the demo organisation's set-up
    assert {a for _, _, a in events[1:]} == {it_id}
    assert open_sessions == []


def test_only_it_manages_ids(app, login_as):
    client = login_as("chief1")
    staff_id = user(app, "staff1").id
    assert client.get("/admin/staff_user/issue/").status_code == 403
    t = csrf_token(client.get("/admin/").get_data(as_text=True))
    assert (
        client.post(
            f"/admin/staff_user/lifecycle/?id={staff_id}",
            data={"action": "suspend", "reason": "x", "csrf_token": t},
        ).status_code
        == 403
    )
    assert user(app, "staff1").status == StaffStatus.ACTIVE


def test_it_never_sees_residents_personal_data(app, demo_registrants, login_as):
    from models import Registrant

    with app.app_context():
        names = [n for n in db.session.scalars(select(Registrant.name).limit(50)) if n]
    client = login_as("it1")
    pages = [
        client.get(url).get_data(as_text=True)
        for url in (
            "/admin/",
            "/admin/it_dashboard/",
            "/admin/staff_user/",
            "/admin/personnel_transfer/",
            "/admin/system_health/",
            "/admin/inventory/",
        )
    ]
    assert not [n for n in names for page in pages if n in page]
    for url in ("/admin/registrant/", "/admin/change_notice/", "/admin/registrant/export/csv/"):
        assert client.get(url).status_code == 403


def test_no_id_for_staff_of_an_unapproved_subcontractor(app, login_as):
    from models import ContractorCompany

    with app.app_context():
        sub = db.session.scalar(
            select(ContractorCompany).where(ContractorCompany.parent_id.is_not(None))
        )
        sub.approved_on, sub.approved_by_id = None, None
        db.session.commit()
        sub_id = sub.id
    client = login_as("it1")
    html = issue(
        client,
        login="subworker1",
        kind="contractor",
        contractor_company=str(sub_id),
        role="contractor_operator",
        section="2",
        employee_number="",
    ).get_data(as_text=True)
    assert "再委託が承認されていない" in html
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.login == "subworker1")) is None


def test_issuing_an_id_is_a_link_away_from_the_staff_list_and_the_it_dashboard(login_as):
    client = login_as("it1")
    for url in ("/admin/staff_user/", "/admin/it_dashboard/"):
        html = client.get(url).get_data(as_text=True)
        assert 'href="/admin/staff_user/issue/"' in html, url
