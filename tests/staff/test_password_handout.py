"""No IT administrator alone ever knows a password that opens residents' data, the log or IT's
approvals: such a password is handed out in two halves by two IT administrators, and whoever
handed out an ID's whole password alone neither enters nor approves such a grant for it — over
HTTP, on the ID's page and the IT dashboard."""

from sqlalchemy import func, select

from admin_app.demo.loader import DEMO_PASSWORD
from admin_app.extensions import db
from models import (
    GrantState,
    Role,
    RoleAssignment,
    StaffEvent,
    StaffEventKind,
    StaffSession,
    StaffUser,
)
from models.staff.password_handout import PasswordHandout
from tests.builders import PASSWORD, section_id_of, user_id_of
from tests.builders.registration import make_registrant
from tests.builders.staff import (
    HR_HEADER,
    decide,
    enter,
    grant_id,
    issue,
    make_user,
    second_half,
    security_events,
    shown_password,
    staff_counts,
    upload,
)
from tests.support import csrf_token, logged_in, login

FIRST_HALF = "パスワードの前半"
SECOND_HALF = "パスワードの後半"
NOT_THE_FIRST = "パスワードの前半を渡した人は、後半を渡すことはできません"
HANDED_OUT_ALONE = "このIDのパスワードを一人で渡した人は"
NOT_CHANGED_YET = "パスワードがまだ本人によって変更されていません"
NEW = "correct horse battery staple"


def reset(client, app, login_id: str):
    user_id = user_id_of(app, login_id)
    token = csrf_token(
        client.get(f"/admin/staff_user/details/?id={user_id}").get_data(as_text=True)
    )
    return client.post(
        f"/admin/staff_user/reset-password/?id={user_id}", data={"csrf_token": token}
    )


def change_first_password(client, current: str) -> None:
    token = csrf_token(client.get("/password").get_data(as_text=True))
    response = client.post(
        "/password", data={"current": current, "new": NEW, "repeat": NEW, "csrf_token": token}
    )
    assert response.status_code == 302


def handouts(app) -> list[tuple]:
    with app.app_context():
        return [
            (h.user.login, h.first_by.login, h.second_by.login if h.second_by else None)
            for h in db.session.scalars(select(PasswordHandout).order_by(PasswordHandout.id))
        ]


def events_of(app, login_id: str) -> list[StaffEventKind]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(StaffEvent.kind)
                .join(StaffUser, StaffEvent.user_id == StaffUser.id)
                .where(StaffUser.login == login_id)
                .order_by(StaffEvent.id)
            )
        )


# --- a reset of an ID that opens residents' data: two halves, two IT administrators ----------


def test_it_resetting_a_chiefs_password_learns_half_of_it_and_cannot_log_in_as_the_chief(app, demo):
    """The reproduced hole: it1 reset chief1's password, was shown it, logged in as chief1 and
    read residents' addresses and the access log."""
    with app.app_context():
        registrant = make_registrant()
    chief = logged_in(app, "chief1")
    it1 = logged_in(app, "it1")
    response = reset(it1, app, "chief1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and FIRST_HALF in html
    first = shown_password(response)
    assert len(first) == 8
    assert chief.get("/admin/").status_code == 302  # the chief's sessions ended
    for attempt in (first, DEMO_PASSWORD, first + first):
        assert login(app.test_client(), "chief1", attempt).status_code == 401
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief1"))
        assert user.password_hash is None and user.must_change_password
    # it1 cannot hand out the second half as well: refused, recorded, nothing handed out.
    refused = security_events(app)
    response = second_half(it1, app, "chief1")
    assert response.status_code == 403 and NOT_THE_FIRST in response.get_data(as_text=True)
    assert SECOND_HALF not in response.get_data(as_text=True)
    assert security_events(app) == refused + 1
    assert handouts(app) == [("chief1", "it1", None)]
    # A second IT administrator hands out the second half; only both halves log in.
    response = second_half(logged_in(app, "it2"), app, "chief1")
    assert response.status_code == 200 and SECOND_HALF in response.get_data(as_text=True)
    second = shown_password(response)
    assert len(second) == 8 and second != first
    assert handouts(app) == [("chief1", "it1", "it2")]
    assert login(app.test_client(), "chief1", second).status_code == 401
    holder = app.test_client()
    assert login(holder, "chief1", first + second).status_code == 302
    assert (
        holder.get(f"/admin/registrant/details/?id={registrant}").headers["Location"] == "/password"
    )  # the holder sets their own password first
    change_first_password(holder, first + second)
    assert holder.get(f"/admin/registrant/details/?id={registrant}").status_code == 200
    assert events_of(app, "chief1")[-3:] == [
        StaffEventKind.PASSWORD_RESET,
        StaffEventKind.PASSWORD_SECOND_HALF,
        StaffEventKind.PASSWORD_CHANGED,
    ]
    # The second half is handed out once.
    response = second_half(logged_in(app, "it2"), app, "chief1", follow_redirects=True)
    assert "このIDに渡すパスワードの後半はありません" in response.get_data(as_text=True)
    assert handouts(app) == [("chief1", "it1", "it2")]


def test_an_it_administrators_reset_does_not_let_the_resetter_approve_as_them(app, demo):
    """it1 resets it2 to approve its own entries as it2: it gets half; a third IT
    administrator hands out the other half."""
    with app.app_context():
        make_user("it3", Role.IT_ADMIN, "JOHO")
    it1 = logged_in(app, "it1")
    first = shown_password(reset(it1, app, "it2"))
    assert enter(it1, app, "records1", "it_admin", "JOHO").status_code == 302
    for attempt in (first, DEMO_PASSWORD):
        assert login(app.test_client(), "it2", attempt).status_code == 401
    assert second_half(it1, app, "it2").status_code == 403
    second = shown_password(second_half(logged_in(app, "it3", PASSWORD), app, "it2"))
    it2 = app.test_client()
    assert login(it2, "it2", first + second).status_code == 302
    change_first_password(it2, first + second)
    assert decide(it2, grant_id(app, "records1")).status_code == 302  # the real it2 decides


def test_an_id_that_opens_nothing_keeps_a_whole_password_from_one_person(app, demo):
    it1 = logged_in(app, "it1")
    password = shown_password(reset(it1, app, "auditor1"))
    assert len(password) == 16
    assert handouts(app) == []
    assert login(app.test_client(), "auditor1", password).status_code == 302


def test_the_second_half_waits_on_the_ids_page_and_the_it_dashboard(app, demo):
    it1 = logged_in(app, "it1")
    reset(it1, app, "staff1")
    it2 = logged_in(app, "it2")
    dashboard = it2.get("/admin/it_dashboard/").get_data(as_text=True)
    waiting = dashboard.split('<table class="table table-sm" aria-labelledby="second-halves"', 1)[
        1
    ].split("</table>", 1)[0]
    assert "staff1" in waiting and "高橋 美咲" in waiting  # who, and who gave the first half
    assert f"/admin/staff_user/second-half/?id={user_id_of(app, 'staff1')}" in waiting
    details = it2.get(f"/admin/staff_user/details/?id={user_id_of(app, 'staff1')}").get_data(
        as_text=True
    )
    assert f"/admin/staff_user/second-half/?id={user_id_of(app, 'staff1')}" in details
    # it1 handed out the first half: no button for it.
    assert f"/admin/staff_user/second-half/?id={user_id_of(app, 'staff1')}" not in it1.get(
        f"/admin/staff_user/details/?id={user_id_of(app, 'staff1')}"
    ).get_data(as_text=True)


def test_bad_requests_for_a_second_half_change_nothing(app, demo):
    it2 = logged_in(app, "it2")
    before = handouts(app)
    for raw in ("99999999999999999999", "-1", "abc", "999999"):
        response = second_half(it2, app, raw_id=raw)
        assert response.status_code == 404, raw
    response = second_half(it2, app, "auditor1", follow_redirects=True)  # nothing waits
    assert response.status_code == 200
    assert "このIDに渡すパスワードの後半はありません" in response.get_data(as_text=True)
    token = csrf_token(it2.get("/admin/it_dashboard/").get_data(as_text=True))
    assert (
        it2.post(f"/admin/staff_user/second-half/?id={user_id_of(app, 'staff1')}").status_code
        == 400
    )  # no CSRF token
    assert logged_in(app, "staff1").post(
        f"/admin/staff_user/second-half/?id={user_id_of(app, 'staff1')}", data={"csrf_token": token}
    ).status_code in (400, 403)
    assert handouts(app) == before


# --- a new ID with such a role: the first password in two halves too -------------------------


def test_a_new_counter_staff_id_gets_its_first_password_in_two_halves(app, demo):
    """it1 issued an ID for a new counter clerk, was shown its first password, and once the
    chief approved the grant could have logged in before the clerk did."""
    with app.app_context():
        registrant = make_registrant()
    it1 = logged_in(app, "it1")
    response = issue(it1, employee_number="")
    assert FIRST_HALF in response.get_data(as_text=True)
    first = shown_password(response)
    assert len(first) == 8
    assert decide(logged_in(app, "chief1"), grant_id(app, "newstaff1")).status_code == 302
    assert login(app.test_client(), "newstaff1", first).status_code == 401
    second = shown_password(second_half(logged_in(app, "it2"), app, "newstaff1"))
    clerk = app.test_client()
    assert login(clerk, "newstaff1", first + second).status_code == 302
    change_first_password(clerk, first + second)
    assert clerk.get(f"/admin/registrant/details/?id={registrant}").status_code == 200
    assert events_of(app, "newstaff1")[:2] == [StaffEventKind.ISSUED, StaffEventKind.GRANT_ENTERED]


# --- whoever knows an ID's whole password neither enters nor approves its data grants -------


def test_the_it_administrator_who_issued_an_id_alone_cannot_make_it_an_approver(app, demo):
    """The reproduced path: it1 issued 'ghost1' as an auditor (its whole first password shown
    to it1), it2 entered an IT grant for it, it1 approved it — and it1 controlled a second IT
    administrator who approves its own entries."""
    it1 = logged_in(app, "it1")
    password = shown_password(
        issue(it1, login="ghost1", role="auditor", section="1", employee_number="")
    )
    assert len(password) == 16  # an auditor's ID: one person hands it out
    with app.app_context():
        grants_before = db.session.scalar(select(func.count()).select_from(RoleAssignment))
    refused = security_events(app)
    response = enter(it1, app, "ghost1", "facility_staff", facilities=("中央公民館",))
    assert response.status_code == 200
    assert HANDED_OUT_ALONE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == grants_before
    assert security_events(app) == refused + 1
    it2 = logged_in(app, "it2")
    assert enter(it2, app, "ghost1", "it_admin", "JOHO").status_code == 302
    pending = grant_id(app, "ghost1", GrantState.PENDING)
    assert f"/admin/grants/decide/?id={pending}" not in it1.get("/admin/it_dashboard/").get_data(
        as_text=True
    )
    response = decide(it1, pending)
    assert response.status_code == 403 and HANDED_OUT_ALONE in response.get_data(as_text=True)
    assert security_events(app) == refused + 2
    with app.app_context():
        assert db.session.get(RoleAssignment, pending).state == GrantState.PENDING
    ghost = app.test_client()
    assert login(ghost, "ghost1", password).status_code == 302
    assert ghost.get("/admin/staff_user/").status_code in (302, 403)  # no IT screens


def test_a_data_grant_waits_while_the_id_keeps_a_password_one_person_handed_out(app, demo):
    """auditor1's password was reset by it1 alone and not changed yet; HR moves auditor1 to
    the counter: the chief's approval waits until auditor1 has set their own password."""
    it1 = logged_in(app, "it1")
    password = shown_password(reset(it1, app, "auditor1"))
    it2 = logged_in(app, "it2")
    assert (
        enter(it2, app, "auditor1", "facility_staff", facilities=("中央公民館",)).status_code == 302
    )
    pending = grant_id(app, "auditor1", GrantState.PENDING)
    chief = logged_in(app, "chief1")
    response = decide(chief, pending)
    assert NOT_CHANGED_YET in chief.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RoleAssignment, pending).state == GrantState.PENDING
    holder = app.test_client()
    assert login(holder, "auditor1", password).status_code == 302
    change_first_password(holder, password)
    assert decide(chief, pending).status_code == 302
    with app.app_context():
        assert db.session.get(RoleAssignment, pending).state == GrantState.APPROVED


def test_a_reset_ends_the_holders_sessions_and_is_on_the_ids_page(app, demo):
    it1 = logged_in(app, "it1")
    reset(it1, app, "staff1")
    with app.app_context():
        staff1 = user_id_of(app, "staff1")
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(StaffSession)
                .where(StaffSession.user_id == staff1, StaffSession.ended_at.is_(None))
            )
            == 0
        )
    details = it1.get(f"/admin/staff_user/details/?id={staff1}").get_data(as_text=True)
    assert "パスワードの前半を渡しました" in details and "高橋 美咲" in details
    assert "パスワードの後半を待っています" in details


def test_nor_by_a_transfer_or_hrs_list_and_nobody_approves_such_a_list_for_them(app, demo):
    """The same rule on every path that gives a role: the single transfer, HR's list
    (refused whole, before anything is written) and the approval of a list naming the ID."""
    import base64
    import io

    from models import PersonnelTransfer, TransferBatch

    it1 = logged_in(app, "it1")
    shown_password(issue(it1, login="ghost1", role="auditor", section="1", employee_number=""))
    before, refused = staff_counts(app), security_events(app)
    page = it1.get("/admin/personnel_transfer/register/").get_data(as_text=True)
    html = it1.post(
        "/admin/personnel_transfer/register/",
        data={
            "user": str(user_id_of(app, "ghost1")),
            "kind": "move",
            "effective_on": "2099-04-01",
            "new_section": str(section_id_of(app, "KOMINKAN")),
            "new_role": "section_chief",
            "note": "",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert HANDED_OUT_ALONE in html
    raw = (
        HR_HEADER + "staff1,異動,2099-04-01,SPORTS,facility_staff,スポーツセンター,\n"
        "ghost1,役割変更,2099-04-01,KOMINKAN,facility_staff,中央公民館,\n"
    ).encode()
    page = it1.get("/admin/personnel_transfer/upload/").get_data(as_text=True)
    html = it1.post(
        "/admin/personnel_transfer/upload/",
        data={"file": (io.BytesIO(raw), "t.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert f"row 3: login: {HANDED_OUT_ALONE}" in html and 'name="content"' not in html
    html = it1.post(
        "/admin/personnel_transfer/upload/",
        data={"content": base64.b64encode(raw).decode(), "csrf_token": csrf_token(page)},
    ).get_data(as_text=True)
    assert HANDED_OUT_ALONE in html
    assert staff_counts(app) == before  # no transfer, no grant, no event, no list
    assert security_events(app) == refused + 3
    # it2 uploads the list: it1 may not approve it.
    assert upload(logged_in(app, "it2"), raw).status_code == 302
    with app.app_context():
        batch_id = db.session.scalar(select(TransferBatch.id))
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(PersonnelTransfer)
                .where(PersonnelTransfer.batch_id == batch_id)
            )
            == 2
        )
    assert f"/admin/grants/decide-batch/?id={batch_id}" not in it1.get(
        "/admin/it_dashboard/"
    ).get_data(as_text=True)
    response = decide(it1, batch_id, batch=True)
    assert response.status_code == 403 and HANDED_OUT_ALONE in response.get_data(as_text=True)
    assert security_events(app) == refused + 4
    with app.app_context():
        assert db.session.get(TransferBatch, batch_id).state == GrantState.PENDING
