"""Grants need two people: nobody grants themselves access, a grant that opens residents' data
or the log is pending (no access) until the right second person approves it, ending and
narrowing apply at once — over HTTP, every step on the ID's page."""

import base64
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from admin_app.extensions import db
from models import (
    Facility,
    GrantState,
    Role,
    RoleAssignment,
    StaffEvent,
    StaffEventKind,
    StaffUser,
    TransferBatch,
)
from models.clock import now_utc
from models.errors import InputError
from models.staff.grants import decide as decide_grant
from models.staff.grants import set_end
from models.staff.transfer import approve_batch, refuse_batch
from tests.builders import PASSWORD, facility_id_of, section_id_of, user_id_of
from tests.builders.registration import make_entered_notice, make_registrant
from tests.builders.staff import (
    HR_HEADER,
    add_role,
    decide,
    enter,
    grant_id,
    grants_of,
    make_user,
    security_events,
    staff_counts,
    upload,
)
from tests.support import csrf_token, logged_in, login

OWN = "自分自身の権限やIDの付与・変更・終了はできません"
WIDER = "権限を広げる変更はここではできません"
# 10:00 on 1 December 2026 in Tokyo, and the days around it.
DEC_1 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DEC_5 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
DEC_11 = datetime(2026, 12, 11, 1, 0, tzinfo=UTC)


def narrow(client, assignment_id: int, **fields):
    page = client.get(f"/admin/role_assignment/edit/?id={assignment_id}").get_data(as_text=True)
    data = {"reason": "担当替え", "csrf_token": csrf_token(page)} | fields
    return client.post(f"/admin/role_assignment/edit/?id={assignment_id}", data=data)


# --- nobody grants themselves anything -------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_it_cannot_grant_itself_any_role_through_the_form(app, login_as, role):
    """The reproduced hole: it1 gave itself counter staff and read residents' data."""
    registrant = make_registrant_in(app, "中央公民館")
    it = login_as("it1")
    before, refused = staff_counts(app), security_events(app)
    kwargs = {"facilities": ("中央公民館",)} if role == "facility_staff" else {}
    response = enter(it, app, "it1", role, **kwargs)
    assert response.status_code == 200
    assert OWN in response.get_data(as_text=True)
    assert staff_counts(app) == before  # no grant, no event
    assert security_events(app) == refused + 1
    assert grants_of(app, "it1") == [
        ("it_admin", "JOHO", date(2026, 4, 1), None, "approved", [], False)
    ]
    for url in (
        f"/admin/registrant/details/?id={registrant}",
        "/admin/registrant/export/csv/",
        "/admin/access_log/",
    ):
        assert it.get(url).status_code == 403


def make_registrant_in(app, facility_name: str, **fields) -> int:
    with app.app_context():
        return make_registrant(facility_name, **fields)


def test_it_cannot_change_widen_or_end_its_own_assignment(app, login_as):
    it = login_as("it1")
    own = grant_id(app, "it1")
    before, refused = staff_counts(app), security_events(app)
    # A forged POST that would also make it a chief of 公民館 (fields the form does not have).
    response = narrow(
        it,
        own,
        valid_to="2030-03-31",
        role="section_chief",
        section=str(section_id_of(app, "KOMINKAN")),
    )
    assert OWN in response.get_data(as_text=True)
    response = narrow(it, own, valid_to="2026-12-31")  # even ending it
    assert OWN in response.get_data(as_text=True)
    assert staff_counts(app) == before
    assert security_events(app) == refused + 2
    assert grants_of(app, "it1") == [
        ("it_admin", "JOHO", date(2026, 4, 1), None, "approved", [], False)
    ]


def test_it_cannot_register_a_transfer_of_its_own(app, login_as):
    it = login_as("it1")
    page = it.get("/admin/personnel_transfer/register/").get_data(as_text=True)
    before, refused = staff_counts(app), security_events(app)
    response = it.post(
        "/admin/personnel_transfer/register/",
        data={
            "user": str(user_id_of(app, "it1")),
            "kind": "move",
            "effective_on": "2099-04-01",
            "new_section": str(section_id_of(app, "KOMINKAN")),
            "new_role": "section_chief",
            "note": "",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 200 and OWN in response.get_data(as_text=True)
    assert staff_counts(app) == before
    assert security_events(app) == refused + 1
    assert grants_of(app, "it1")[0][3] is None  # its own assignment did not end either


def test_it_cannot_upload_hrs_list_naming_itself_the_whole_file_is_refused(app, login_as):
    it = login_as("it1")
    page = it.get("/admin/personnel_transfer/upload/").get_data(as_text=True)
    raw = (
        HR_HEADER
        + "staff1,異動,2099-04-01,SPORTS,facility_staff,スポーツセンター,\n"
        + "it1,役割変更,2099-04-01,KOMINKAN,section_chief,,\n"
    ).encode()
    before, refused = staff_counts(app), security_events(app)
    html = it.post(
        "/admin/personnel_transfer/upload/",
        data={"file": (io.BytesIO(raw), "t.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert f"row 3: login: {OWN}" in html
    assert 'name="content"' not in html  # nothing offered for import
    # Sending the file straight to the import step changes nothing either.
    response = it.post(
        "/admin/personnel_transfer/upload/",
        data={"content": base64.b64encode(raw).decode(), "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 200 and OWN in response.get_data(as_text=True)
    assert staff_counts(app) == before
    assert security_events(app) == refused + 2
    assert grants_of(app, "staff1")[0][3] is None


def test_it_cannot_issue_an_id_with_its_own_employee_number(app, login_as):
    it = login_as("it1")
    page = it.get("/admin/staff_user/issue/").get_data(as_text=True)
    before, refused = staff_counts(app), security_events(app)
    html = it.post(
        "/admin/staff_user/issue/",
        data={
            "login": "takahashi2",
            "name": "高橋 美咲",
            "employee_number": "E10004",
            "kind": "employee",
            "section": str(section_id_of(app, "KOMINKAN")),
            "role": "section_chief",
            "valid_from": "2026-04-01",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert OWN in html
    assert staff_counts(app) == before
    assert security_events(app) == refused + 1


def test_nobody_suspends_revokes_resets_or_edits_their_own_id(app, login_as):
    it = login_as("it1")
    me = user_id_of(app, "it1")
    page = it.get(f"/admin/staff_user/details/?id={me}").get_data(as_text=True)
    token = csrf_token(page)
    before, refused = staff_counts(app), security_events(app)
    for action in ("revoke", "suspend"):
        html = it.post(
            f"/admin/staff_user/lifecycle/?id={me}",
            data={"action": action, "reason": "テスト", "csrf_token": token},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert OWN in html
    html = it.post(
        f"/admin/staff_user/reset-password/?id={me}",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert OWN in html and 'data-testid="first-password"' not in html
    html = it.post(
        f"/admin/staff_user/edit/?id={me}",
        data={"name": "高橋 美咲", "employee_number": "E99999", "csrf_token": token},
    ).get_data(as_text=True)
    assert OWN in html
    assert staff_counts(app) == before
    assert security_events(app) == refused + 4
    with app.app_context():
        user = db.session.get(StaffUser, me)
        assert (user.status.value, user.employee_number) == ("active", "E10004")
    assert it.get("/admin/staff_user/").status_code == 200  # still logged in, still IT


# --- a pending grant gives nothing; the right second person approves; dates still apply -------


def test_a_pending_grant_gives_no_access_until_the_chief_approves_then_dates_apply(app, demo):
    with app.app_context():
        hagiyama = make_registrant(
            "萩山公民館", name="萩山テスト合唱団", name_kana="ハギヤマテストガッショウダン"
        )
    details = f"/admin/registrant/details/?id={hagiyama}"
    with time_machine.travel(DEC_1, tick=False):
        it = logged_in(app, "it1")
        response = enter(
            it,
            app,
            "staff1",
            "facility_staff",
            facilities=("萩山公民館",),
            valid_from="2026-12-01",
            valid_to="2026-12-10",
        )
        assert response.status_code == 302
        pending = grant_id(app, "staff1", GrantState.PENDING)
        staff = logged_in(app, "staff1")
        assert staff.get(details).status_code == 404
        assert "萩山テスト合唱団" not in staff.get("/admin/registrant/").get_data(as_text=True)
        assert "萩山テスト合唱団" not in staff.get("/admin/registrant/export/csv/").get_data(
            as_text=True
        )
        chief = logged_in(app, "chief1")
        home = chief.get("/admin/").get_data(as_text=True)
        assert f'action="/admin/grants/decide/?id={pending}"' in home  # on the chief's home
        assert decide(chief, pending).status_code == 302
        page = staff.get(details)
        assert page.status_code == 200 and "萩山テスト合唱団" in page.get_data(as_text=True)
        assert "萩山テスト合唱団" in staff.get("/admin/registrant/").get_data(as_text=True)
    with time_machine.travel(DEC_11, tick=False):  # the grant's last day was 10 December
        staff = logged_in(app, "staff1")
        assert staff.get(details).status_code == 404
        assert staff.get("/admin/registrant/").status_code == 200  # 中央公民館 goes on
    assert grants_of(app, "staff1")[-1][4] == "approved"


def test_approval_after_the_start_date_takes_effect_from_the_approval(app, demo):
    with app.app_context():
        hagiyama = make_registrant("萩山公民館")
    with time_machine.travel(DEC_1, tick=False):
        enter(
            logged_in(app, "it1"),
            app,
            "staff1",
            "facility_staff",
            facilities=("萩山公民館",),
            valid_from="2026-12-01",
        )
    with time_machine.travel(DEC_5, tick=False):
        staff = logged_in(app, "staff1")
        assert staff.get(f"/admin/registrant/details/?id={hagiyama}").status_code == 404
        decide(logged_in(app, "chief1"), grant_id(app, "staff1", GrantState.PENDING))
        assert staff.get(f"/admin/registrant/details/?id={hagiyama}").status_code == 200


def test_the_enterer_the_grantee_another_chief_and_it_cannot_approve_the_chief_can(app, demo):
    it1 = logged_in(app, "it1")
    assert enter(it1, app, "it2", "facility_staff").status_code == 302  # whole 公民館
    pending = grant_id(app, "it2", GrantState.PENDING)
    refused = security_events(app)
    for who, password in (("it1", None), ("it2", None), ("chief2", None)):
        response = decide(logged_in(app, who, password), pending)
        assert response.status_code == 403, who
    assert "承認・却下できません" in decide(it1, pending).get_data(as_text=True)
    # The enterer (twice) and the grantee are recorded; another section's chief is just refused.
    assert security_events(app) == refused + 3
    assert grants_of(app, "it2")[-1][4] == "pending"
    chief1 = logged_in(app, "chief1")
    assert decide(chief1, pending).status_code == 302
    with app.app_context():
        grant = db.session.get(RoleAssignment, pending)
        assert (grant.state, grant.decided_by.login) == (GrantState.APPROVED, "chief1")
    assert decide(chief1, pending).status_code == 302  # a second decision changes nothing
    assert grants_of(app, "it2")[-1][4] == "approved"


def test_a_chief_grant_needs_a_second_it_administrator(app, demo):
    with time_machine.travel(DEC_1, tick=False):
        it1 = logged_in(app, "it1")
        assert enter(it1, app, "staff1", "section_chief").status_code == 302
        pending = grant_id(app, "staff1", GrantState.PENDING)
        staff = logged_in(app, "staff1")
        assert staff.get("/admin/access_log/").status_code == 403
        assert decide(logged_in(app, "chief1"), pending).status_code == 403
        assert decide(it1, pending).status_code == 403
        it2 = logged_in(app, "it2")
        assert f"/admin/grants/decide/?id={pending}" in it2.get("/admin/it_dashboard/").get_data(
            as_text=True
        )
        assert decide(it2, pending).status_code == 302
        assert staff.get("/admin/access_log/").status_code == 200


def test_it_admin_grants_need_a_second_it_administrator_too(app, demo):
    it1 = logged_in(app, "it1")
    assert enter(it1, app, "records1", "it_admin", "JOHO").status_code == 302
    records = logged_in(app, "records1")
    assert records.get("/admin/staff_user/").status_code == 403  # pending: no IT screens
    pending = grant_id(app, "records1", GrantState.PENDING)
    assert decide(it1, pending).status_code == 403
    assert decide(logged_in(app, "it2"), pending).status_code == 302
    assert records.get("/admin/staff_user/").status_code == 200


def test_with_no_chief_on_the_start_date_a_second_it_administrator_approves(app, demo):
    """市民スポーツ課's chief leaves on 31 December; a grant from 1 January is IT's to approve."""
    with app.app_context():  # the demo chief of 市民スポーツ課 leaves at the end of the year
        chief2 = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief2"))
        set_end(chief2.assignments[0], date(2026, 12, 31), None, "年度途中の退任（テスト）")
        db.session.commit()
    with time_machine.travel(DEC_1, tick=False):
        it1 = logged_in(app, "it1")
        enter(
            it1,
            app,
            "records1",
            "facility_staff",
            "SPORTS",
            facilities=("スポーツセンター",),
            valid_from="2027-01-01",
            reason="1月からの窓口応援",
        )
        pending = grant_id(app, "records1", GrantState.PENDING)
        assert decide(logged_in(app, "chief2"), pending).status_code == 403
        assert decide(logged_in(app, "chief1"), pending).status_code == 403
        it2 = logged_in(app, "it2")
        assert decide(it2, pending).status_code == 302
        # Within 2026 the same section's chief is the one who approves.
        enter(
            it1,
            app,
            "auditor1",
            "facility_staff",
            "SPORTS",
            facilities=("スポーツセンター",),
            valid_from="2026-12-01",
        )
        during = grant_id(app, "auditor1", GrantState.PENDING)
        assert decide(it2, during).status_code == 403
        assert decide(logged_in(app, "chief2"), during).status_code == 302
    assert grants_of(app, "records1")[-1][4] == "approved"
    assert grants_of(app, "auditor1")[-1][4] == "approved"


def test_refusal_needs_a_reason_and_a_refused_grant_never_gives_access(app, demo):
    with app.app_context():
        hagiyama = make_registrant("萩山公民館")
    it1 = logged_in(app, "it1")
    enter(it1, app, "staff1", "facility_staff", facilities=("萩山公民館",))
    pending = grant_id(app, "staff1", GrantState.PENDING)
    chief = logged_in(app, "chief1")
    assert decide(chief, pending, "refuse").status_code == 302
    assert grants_of(app, "staff1")[-1][4] == "pending"
    assert "理由を入力してください" in chief.get("/admin/").get_data(as_text=True)
    assert decide(chief, pending, "refuse", "萩山公民館の応援は不要").status_code == 302
    assert grants_of(app, "staff1")[-1][4] == "refused"
    assert decide(chief, pending).status_code == 302  # too late to approve
    assert grants_of(app, "staff1")[-1][4] == "refused"
    staff = logged_in(app, "staff1")
    assert staff.get(f"/admin/registrant/details/?id={hagiyama}").status_code == 404
    # A refused grant cannot be revived by editing it either.
    html = narrow(it1, pending, valid_to="").get_data(as_text=True)
    assert "却下された権限付与は有効になることがないため" in html


def test_roles_that_open_nothing_are_in_force_at_once(app, demo):
    it1 = logged_in(app, "it1")
    assert enter(it1, app, "records1", "auditor", "SOMU").status_code == 302
    assert grants_of(app, "records1")[-1][4] == "not_required"
    records = logged_in(app, "records1")
    assert records.get("/admin/log_review/").status_code == 200  # the auditor's screen


# --- contractors -------------------------------------------------------------------------------


def test_a_contractor_id_holds_only_the_contractor_role(app, login_as):
    it = login_as("it1")
    before = staff_counts(app)
    html = enter(it, app, "contractor1", "facility_staff", facilities=("中央公民館",)).get_data(
        as_text=True
    )
    assert "委託社員のIDには「委託業者」の権限しか付与できません" in html
    page = it.get("/admin/personnel_transfer/register/").get_data(as_text=True)
    html = it.post(
        "/admin/personnel_transfer/register/",
        data={
            "user": str(user_id_of(app, "contractor1")),
            "kind": "role_change",
            "effective_on": "2099-04-01",
            "new_section": str(section_id_of(app, "KOMINKAN")),
            "new_role": "section_chief",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert "委託社員のIDには「委託業者」の権限しか付与できません" in html
    page = it.get("/admin/staff_user/issue/").get_data(as_text=True)
    html = it.post(
        "/admin/staff_user/issue/",
        data={
            "login": "worker9",
            "name": "委託 九郎",
            "kind": "contractor",
            "section": str(section_id_of(app, "JOHO")),
            "role": "facility_staff",
            "valid_from": "2026-04-01",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert "委託社員のIDには「委託業者」の権限しか付与できません" in html
    assert staff_counts(app) == before


# --- HR's list: one IT person uploads, another approves -----------------------------------------


def test_hrs_list_waits_for_a_second_it_administrator(app, demo):
    raw = (
        HR_HEADER
        + "staff1,異動,2026-12-01,SPORTS,facility_staff,スポーツセンター,\n"
        + "records1,退職,2027-03-31,,,,定年退職\n"
    ).encode()
    with time_machine.travel(datetime(2026, 11, 20, 1, 0, tzinfo=UTC), tick=False):
        it1 = logged_in(app, "it1")
        assert upload(it1, raw).status_code == 302
        with app.app_context():
            batch = db.session.scalar(select(TransferBatch))
            assert (batch.state, batch.uploaded_by.login) == (GrantState.PENDING, "it1")
            batch_id = batch.id
        assert grants_of(app, "staff1")[-1][4] == "pending"
        refused = security_events(app)
        assert decide(it1, batch_id, batch=True).status_code == 403  # the uploader
        assert security_events(app) == refused + 1
        assert decide(logged_in(app, "chief1"), batch_id, batch=True).status_code == 403
        # A grant of the list is decided with the list, not on its own.
        it2 = logged_in(app, "it2")
        assert decide(it2, grant_id(app, "staff1", GrantState.PENDING)).status_code == 302
        assert "一覧全体として承認・却下してください" in it2.get("/admin/").get_data(as_text=True)
        assert grants_of(app, "staff1")[-1][4] == "pending"
    with time_machine.travel(DEC_1, tick=False):
        response = login(app.test_client(), "staff1")
        assert response.status_code == 401  # the old role ended, the new one is pending
        it2 = logged_in(app, "it2")
        assert f"/admin/grants/decide-batch/?id={batch_id}" in it2.get(
            "/admin/it_dashboard/"
        ).get_data(as_text=True)
        assert decide(it2, batch_id, batch=True).status_code == 302
        staff = logged_in(app, "staff1")
        assert "スポーツセンター" in staff.get("/admin/facility/").get_data(as_text=True)
    with app.app_context():
        batch = db.session.get(TransferBatch, batch_id)
        assert (batch.state, batch.decided_by.login) == (GrantState.APPROVED, "it2")
    assert grants_of(app, "staff1")[-1][4] == "approved"


def test_a_refused_list_never_gives_its_new_roles(app, demo):
    raw = (HR_HEADER + "staff1,異動,2099-12-01,SPORTS,facility_staff,スポーツセンター,\n").encode()
    upload(logged_in(app, "it1"), raw)
    with app.app_context():
        batch_id = db.session.scalar(select(TransferBatch.id))
    it2 = logged_in(app, "it2")
    assert decide(it2, batch_id, "refuse", "人事課に確認中", batch=True).status_code == 302
    assert grants_of(app, "staff1")[-1][4] == "refused"
    with app.app_context():
        event = db.session.scalar(
            select(StaffEvent).where(StaffEvent.kind == StaffEventKind.GRANT_REFUSED)
        )
        assert (event.user.login, event.actor.login, event.reason) == (
            "staff1",
            "it2",
            "人事課に確認中",
        )


def test_a_list_imported_on_the_command_line_is_pending_too(app, demo, tmp_path):
    path = tmp_path / "transfers.csv"
    path.write_bytes(
        (HR_HEADER + "staff1,異動,2026-12-01,SPORTS,facility_staff,スポーツセンター,\n").encode()
    )
    with time_machine.travel(datetime(2026, 11, 20, 1, 0, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["import", "transfers", str(path)])
        assert result.exit_code == 0
    with time_machine.travel(DEC_1, tick=False):
        assert login(app.test_client(), "staff1").status_code == 401
        with app.app_context():
            batch_id = db.session.scalar(select(TransferBatch.id))
        assert decide(logged_in(app, "it2"), batch_id, batch=True).status_code == 302
        assert login(app.test_client(), "staff1").status_code == 302


# --- ending and narrowing: at once, without a second person, recorded --------------------------


def test_narrowing_and_ending_take_effect_at_once_and_are_recorded(app, demo):
    with app.app_context():
        helper = make_user("helper1")  # counter staff of the whole 公民館 section
        hagiyama = make_registrant("萩山公民館")
    with time_machine.travel(DEC_1, tick=False):
        staff = logged_in(app, "helper1", PASSWORD)
        assert staff.get(f"/admin/registrant/details/?id={hagiyama}").status_code == 200
        it1 = logged_in(app, "it1")
        own = grant_id(app, "helper1")
        response = narrow(
            it1, own, facilities=[str(facility_id_of(app, "中央公民館"))], reason="中央公民館専任に"
        )
        assert response.status_code == 302
        assert staff.get(f"/admin/registrant/details/?id={hagiyama}").status_code == 404
        response = narrow(
            it1,
            own,
            facilities=[str(facility_id_of(app, "中央公民館"))],
            valid_to="2026-11-30",
            reason="異動内示",
        )
        assert response.status_code == 302
        assert staff.get("/admin/registrant/").status_code == 302  # no valid role: logged out
    with app.app_context():
        events = db.session.execute(
            select(StaffEvent.kind, StaffEvent.reason, StaffEvent.actor_id)
            .where(StaffEvent.user_id == helper)
            .order_by(StaffEvent.id)
        ).all()
    assert [(k, r) for k, r, _ in events] == [
        (StaffEventKind.GRANT_SET_UP, None),
        (StaffEventKind.GRANT_NARROWED, "中央公民館専任に"),
        (StaffEventKind.GRANT_ENDED, "異動内示"),
    ]
    assert events[1][2] == events[2][2] == user_id_of(app, "it1")
    assert grants_of(app, "helper1") == [
        (
            "facility_staff",
            "KOMINKAN",
            date(2026, 4, 1),
            date(2026, 11, 30),
            "approved",
            ["中央公民館"],
            False,
        )
    ]


def test_a_forged_edit_that_widens_is_refused_and_changes_nothing(app, demo):
    with app.app_context():
        make_user("helper1")
        add_role(
            user_id_of(app, "helper1"),
            Role.FACILITY_STAFF,
            "SPORTS",
            date(2026, 4, 1),
            date(2027, 3, 31),
        )
    it1 = logged_in(app, "it1")
    staff1 = grant_id(app, "staff1")
    helper_sports = grant_id(app, "helper1")
    before = grants_of(app, "staff1"), grants_of(app, "helper1"), staff_counts(app)
    central = str(facility_id_of(app, "中央公民館"))
    hagiyama = str(facility_id_of(app, "萩山公民館"))
    attempts = [
        (staff1, {"facilities": [central, hagiyama]}),  # an added facility
        (staff1, {}),  # an emptied list: the whole section
        (staff1, {"facilities": [central], "designated_confirmer": "y"}),
        (helper_sports, {"valid_to": ""}),  # no end instead of 31 March
        (helper_sports, {"valid_to": "2027-12-31"}),  # a later end
    ]
    for assignment, fields in attempts:
        response = narrow(it1, assignment, **fields)
        assert response.status_code == 200, fields
    assert WIDER in narrow(it1, helper_sports, valid_to="2027-12-31").get_data(as_text=True)
    assert WIDER in narrow(it1, staff1).get_data(as_text=True)
    assert (grants_of(app, "staff1"), grants_of(app, "helper1"), staff_counts(app)) == before


def test_assignments_are_never_deleted_or_edited_inline(app, login_as):
    it = login_as("it1")
    staff1 = grant_id(app, "staff1")
    token = csrf_token(it.get("/admin/role_assignment/").get_data(as_text=True))
    before = staff_counts(app)
    assert (
        it.post(
            "/admin/role_assignment/delete/", data={"id": str(staff1), "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        it.post(
            "/admin/role_assignment/ajax/update/",
            data={"list_form_pk": str(staff1), "valid_to": "", "csrf_token": token},
        ).status_code
        == 403
    )
    assert (
        it.post(
            "/admin/role_assignment/action/",
            data={"action": "delete", "rowid": str(staff1), "csrf_token": token},
        ).status_code
        == 403
    )
    assert staff_counts(app) == before


def test_a_facility_is_not_moved_to_another_section_behind_the_grants(app, login_as):
    it = login_as("it1")
    hagiyama = facility_id_of(app, "萩山公民館")
    page = it.get(f"/admin/facility/edit/?id={hagiyama}").get_data(as_text=True)
    response = it.post(
        f"/admin/facility/edit/?id={hagiyama}",
        data={
            "section": str(section_id_of(app, "SPORTS")),
            "name": "萩山公民館",
            "kind": "公民館",
            "eligibility_rule": "residents_only",
            "eligibility_check_required": "y",
            "address": "東村山市萩山町1丁目",
            "phone": "042-395-0002",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302  # saved ...
    with app.app_context():
        saved = db.session.get(Facility, hagiyama)
        assert saved.address == "東村山市萩山町1丁目"
        assert saved.section.code == "KOMINKAN"  # ... but the section stays


# --- every step on the ID's page --------------------------------------------------------------


def test_every_grant_approval_refusal_and_end_shows_on_the_ids_page(app, demo):
    it1 = logged_in(app, "it1")
    enter(
        it1,
        app,
        "staff1",
        "facility_staff",
        facilities=("萩山公民館",),
        reason="萩山公民館の窓口応援",
    )
    approved = grant_id(app, "staff1", GrantState.PENDING)
    chief = logged_in(app, "chief1")
    decide(chief, approved)
    enter(
        it1,
        app,
        "staff1",
        "facility_staff",
        facilities=("秋津公民館",),
        confirmer=True,
        reason="秋津公民館の確認者",
    )
    decide(chief, grant_id(app, "staff1", GrantState.PENDING), "refuse", "確認者は不要")
    narrow(
        it1,
        approved,
        valid_to="2099-03-31",
        facilities=[str(facility_id_of(app, "萩山公民館"))],
        reason="応援は年度末まで",
    )
    html = it1.get(f"/admin/staff_user/details/?id={user_id_of(app, 'staff1')}").get_data(
        as_text=True
    )
    history = html.split('data-testid="history"')[1]
    for text in (
        "初期設定での付与",
        "権限付与の入力",
        "萩山公民館の窓口応援",
        "権限付与の承認",
        "鈴木 一郎",
        "高橋 美咲",
        "権限付与の却下",
        "確認者は不要",
        "権限の終了日の設定",
        "応援は年度末まで",
        "秋津公民館",
        "変更届の確認者",
    ):
        assert text in history, text
    grants = html.split('data-testid="grants"')[1].split("</table>")[0]
    for text in ("承認済み", "却下", "確認者は不要", "2099/03/31"):
        assert text in grants, text


def test_the_demo_has_a_grant_waiting_for_its_chief(app, login_as):
    html = login_as("chief1").get("/admin/").get_data(as_text=True)
    waiting = html.split('data-testid="grants-to-decide"')[1].split("</table>")[0]
    assert "佐藤 健一 (staff2)" in waiting and "富士見公民館" in waiting
    assert "承認する" in waiting


def test_the_enterer_and_the_uploader_are_offered_no_approve_button(app, demo):
    it1 = logged_in(app, "it1")
    enter(it1, app, "staff1", "section_chief")
    upload(
        it1, (HR_HEADER + "staff2,異動,2099-12-01,KOMINKAN,facility_staff,萩山公民館,\n").encode()
    )
    pending = grant_id(app, "staff1", GrantState.PENDING)
    with app.app_context():
        batch_id = db.session.scalar(select(TransferBatch.id))
    mine = it1.get("/admin/it_dashboard/").get_data(as_text=True)
    theirs = logged_in(app, "it2").get("/admin/it_dashboard/").get_data(as_text=True)
    for url in (
        f"/admin/grants/decide/?id={pending}",
        f"/admin/grants/decide-batch/?id={batch_id}",
    ):
        assert url not in mine and url in theirs
    assert "他の人の承認待ちの権限付与" in mine  # it1 sees it waiting for someone else


def test_a_suspended_chief_does_not_approve_a_second_it_administrator_does(app, demo):
    it1 = logged_in(app, "it1")
    enter(it1, app, "staff1", "facility_staff", facilities=("萩山公民館",))
    pending = grant_id(app, "staff1", GrantState.PENDING)
    it2 = logged_in(app, "it2")
    assert decide(it2, pending).status_code == 403  # 公民館 has a chief: the chief decides
    page = it1.get(f"/admin/staff_user/details/?id={user_id_of(app, 'chief1')}").get_data(
        as_text=True
    )
    it1.post(
        f"/admin/staff_user/lifecycle/?id={user_id_of(app, 'chief1')}",
        data={"action": "suspend", "reason": "長期休職", "csrf_token": csrf_token(page)},
    )
    assert decide(it2, pending).status_code == 302
    assert grants_of(app, "staff1")[-1][4] == "approved"


def test_narrowing_refuses_an_added_facility_even_where_the_form_would_not_offer_it(app, demo):
    """The form offers only the grant's own facilities; the rule holds without the form."""
    from models.errors import InputError
    from models.staff.grants import narrow as narrow_grant

    with app.app_context():
        grant = db.session.get(RoleAssignment, grant_id(app, "staff1"))
        it1 = db.session.get(StaffUser, user_id_of(app, "it1"))
        wider = db.session.scalars(
            select(Facility).where(Facility.name.in_(("中央公民館", "萩山公民館")))
        ).all()
        with pytest.raises(InputError, match="権限を広げる変更"):
            narrow_grant(grant, it1, reason="応援", facilities=wider)
        db.session.rollback()
    assert grants_of(app, "staff1")[0][5] == ["中央公民館"]


def test_a_pending_grant_counts_nowhere_access_is_decided(app, demo):
    """The stale report, the ID's page and the chief's access-log people list count only
    grants in force."""
    with time_machine.travel(DEC_1, tick=False):
        pending_counts_nowhere(app)


def pending_counts_nowhere(app):
    it1 = logged_in(app, "it1")
    enter(
        it1,
        app,
        "records1",
        "facility_staff",
        "KOMINKAN",
        facilities=("萩山公民館",),
        valid_from="2026-04-01",
    )
    with app.app_context():  # records1 keeps only the pending grant
        for grant in db.session.scalars(
            select(RoleAssignment)
            .join(RoleAssignment.user)
            .where(StaffUser.login == "records1", RoleAssignment.state != GrantState.PENDING)
        ):
            grant.valid_to = date(2026, 4, 1)
        db.session.commit()
    report = it1.get("/admin/it_dashboard/").get_data(as_text=True)
    assert "records1" in report.split('data-testid="no_assignment"')[1].split("</table>")[0]
    page = it1.get(f"/admin/staff_user/details/?id={user_id_of(app, 'records1')}").get_data(
        as_text=True
    )
    assert "権限の割当が承認待ちです。" in page
    chief = logged_in(app, "chief1")
    assert "(records1)</option>" not in chief.get("/admin/access_log/").get_data(as_text=True)
    decide(chief, grant_id(app, "records1", GrantState.PENDING))
    assert "(records1)</option>" in chief.get("/admin/access_log/").get_data(as_text=True)
    report = it1.get("/admin/it_dashboard/").get_data(as_text=True)
    assert 'data-testid="no_assignment"' not in report  # nobody left without a role


def test_it_lists_grants_by_approval_state_and_a_bad_filter_is_ignored(app, login_as):
    it = login_as("it1")
    enter(it, app, "records1", "facility_staff", facilities=("萩山公民館",))
    html = it.get("/admin/role_assignment/").get_data(as_text=True)
    state = html.split('"\\u627f\\u8a8d": [{"arg": "')[1].split('"')[0]  # the 承認 filter
    pending = it.get(f"/admin/role_assignment/?flt1_{state}=pending").get_data(as_text=True)
    assert "伊藤 由美" in pending and "山田 花子" not in pending
    approved = it.get(f"/admin/role_assignment/?flt1_{state}=approved").get_data(as_text=True)
    assert "山田 花子" in approved and "萩山公民館" not in approved
    response = it.get(f"/admin/role_assignment/?flt1_{state}=bogus")
    assert response.status_code == 200 and "伊藤 由美" in response.get_data(as_text=True)


def test_a_pending_confirmer_grant_confirms_no_change_notice(app, demo):
    from models import ChangeNotice, NoticeState

    with app.app_context():
        make_user("helper1")  # counter staff of 公民館, not a confirmer
        notice_id = make_entered_notice(make_registrant("中央公民館"))
    enter(
        logged_in(app, "it1"),
        app,
        "helper1",
        "facility_staff",
        facilities=("中央公民館",),
        confirmer=True,
        reason="変更届の確認者に指定",
    )
    helper = logged_in(app, "helper1", PASSWORD)

    def confirm():
        page = helper.get(f"/admin/change_notice/details/?id={notice_id}")
        return helper.post(
            f"/admin/change_notice/decide/?id={notice_id}",
            data={"action": "confirm", "csrf_token": csrf_token(page.get_data(as_text=True))},
        )

    assert confirm().status_code == 403
    decide(logged_in(app, "chief1"), grant_id(app, "helper1", GrantState.PENDING))
    assert confirm().status_code == 302
    with app.app_context():
        assert db.session.get(ChangeNotice, notice_id).state == NoticeState.CONFIRMED


def test_a_list_that_only_ends_access_needs_no_second_person(app, demo):
    it1 = logged_in(app, "it1")
    response = upload(it1, (HR_HEADER + "records1,退職,2099-03-31,,,,定年退職\n").encode())
    assert response.status_code == 302
    page = it1.get(response.headers["Location"]).get_data(as_text=True)
    assert "1件の人事異動を取り込みました" in page
    assert "一覧を承認して初めて有効になります" not in page
    with app.app_context():
        assert db.session.scalar(select(TransferBatch.state)) == GrantState.NOT_REQUIRED
    assert grants_of(app, "records1")[0][3] == date(2099, 3, 30)  # ended at once
    response = upload(
        it1,
        (HR_HEADER + "staff1,異動,2099-12-01,SPORTS,facility_staff,スポーツセンター,\n").encode(),
    )
    assert "一覧を承認して初めて有効になります" in it1.get(response.headers["Location"]).get_data(
        as_text=True
    )


# --- an employee number is the person's, however it is typed ---------------------------------


@pytest.mark.parametrize(
    "typed",
    [" E10004", "E10004 ", "e10004", "Ｅ１０００４", "E 10004", "E\u200b10004", "ｅ１０００４"],
)
def test_its_own_employee_number_typed_another_way_is_its_own(app, login_as, typed):
    """An ID for oneself under another login: it1's number with a space, in lower case or
    full-width was accepted as someone else's."""
    it = login_as("it1")
    page = it.get("/admin/staff_user/issue/").get_data(as_text=True)
    before, refused = staff_counts(app), security_events(app)
    html = it.post(
        "/admin/staff_user/issue/",
        data={
            "login": "takahashi2",
            "name": "高橋 美咲",
            "employee_number": typed,
            "kind": "employee",
            "section": str(section_id_of(app, "SOMU")),
            "role": "auditor",
            "valid_from": "2026-04-01",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert OWN in html and 'data-testid="first-password"' not in html
    assert staff_counts(app) == before
    assert security_events(app) == refused + 1


def test_an_employee_number_is_stored_one_way_and_belongs_to_one_id(app, login_as):
    it = login_as("it1")
    page = it.get("/admin/staff_user/issue/").get_data(as_text=True)
    data = {
        "name": "新人 太郎",
        "kind": "employee",
        "section": str(section_id_of(app, "SOMU")),
        "role": "auditor",
        "valid_from": "2026-04-01",
        "csrf_token": csrf_token(page),
    }
    response = it.post(
        "/admin/staff_user/issue/",
        data=data | {"login": "newstaff1", "employee_number": " ｅ２０００１ "},
    )
    assert 'data-testid="first-password"' in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(StaffUser.employee_number).where(StaffUser.login == "newstaff1")
            )
            == "E20001"
        )
    before = staff_counts(app)
    html = it.post(
        "/admin/staff_user/issue/", data=data | {"login": "newstaff2", "employee_number": "e10003"}
    ).get_data(as_text=True)  # chief1's
    assert "この職員番号は別のIDに登録されています" in html
    assert staff_counts(app) == before


def test_an_id_is_not_edited_to_carry_its_editors_employee_number(app, login_as):
    it = login_as("it1")
    records = user_id_of(app, "records1")
    page = it.get(f"/admin/staff_user/edit/?id={records}").get_data(as_text=True)
    before, refused = staff_counts(app), security_events(app)
    for typed in ("ｅ１０００４", "E10004 "):
        html = it.post(
            f"/admin/staff_user/edit/?id={records}",
            data={"name": "伊藤 由美", "employee_number": typed, "csrf_token": csrf_token(page)},
        ).get_data(as_text=True)
        assert OWN in html
    html = it.post(
        f"/admin/staff_user/edit/?id={records}",
        data={"name": "伊藤 由美", "employee_number": "e10003", "csrf_token": csrf_token(page)},
    ).get_data(as_text=True)
    assert "この職員番号は別のIDに登録されています" in html
    assert staff_counts(app) == before
    assert security_events(app) == refused + 2
    with app.app_context():
        assert db.session.get(StaffUser, records).employee_number == "E10005"
    response = it.post(
        f"/admin/staff_user/edit/?id={records}",
        data={
            "name": "伊藤 由美",
            "employee_number": "ｅ１０００８",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(StaffUser, records).employee_number == "E10008"


def test_a_list_or_a_grant_is_decided_once(app, demo):
    """A second decision (someone else's, a moment later) is refused and changes nothing."""
    raw = (HR_HEADER + "staff1,異動,2099-12-01,SPORTS,facility_staff,スポーツセンター,\n").encode()
    upload(logged_in(app, "it1"), raw)
    with app.app_context():
        batch = db.session.scalar(select(TransferBatch))
        it2 = db.session.scalar(select(StaffUser).where(StaffUser.login == "it2"))
        assert approve_batch(batch, it2) == 1
        with pytest.raises(InputError, match="moment ago|直前に別の人"):
            refuse_batch(batch, it2, "遅れて")
        grant = batch.grants()[0]
        with pytest.raises(InputError, match="moment ago|直前に別の人"):
            decide_grant(grant, it2, GrantState.REFUSED, now_utc(), "遅れて")
        db.session.refresh(batch)
        db.session.refresh(grant)
        assert (batch.state, grant.state) == (GrantState.APPROVED, GrantState.APPROVED)
