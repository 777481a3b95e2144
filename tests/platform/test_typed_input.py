"""What no person types is refused: NUL before any view (a Japanese 400, counted as a failed
login on the login page), control characters and invisible-only text at the field, dates
before 1900 or a century ahead — with a Japanese message and an unchanged database."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.imports.registrants import import_registrants
from models import (
    ChangeNotice,
    ContractorCompany,
    Facility,
    LoginAttempt,
    LogReview,
    NoticeState,
    PersonnelTransfer,
    Registrant,
    RoleAssignment,
    Roster,
    SecurityEvent,
    SecurityEventKind,
    StaffEvent,
    StaffSession,
    StaffStatus,
    StaffUser,
)
from models.typed_input import date_bounds
from tests.builders.registration import make_entered_notice, make_registrant, post_new
from tests.builders.staff import issue, make_user
from tests.support import count, csrf_token, login, token

NUL_JA = "入力できない文字（NUL）が含まれているため、処理しませんでした。"
CONTROL_JA = "制御文字は入力できません。入力し直してください。"
INVISIBLE_JA = "目に見えない文字だけが入力されています。文字を入力してください。"
REQUIRED_JA = "この項目は必須です。"
DATE_JA = "日付は 1900-01-01 から"
LOCKED_JA = "失敗が続いたため、しばらくログインを制限しています"


def one_id(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(*where).order_by(model.id).limit(1))


def refused_with_400(response) -> bool:
    return response.status_code == 400 and NUL_JA in response.get_data(as_text=True)


def new_contractor(it_client, name: str):
    return it_client.post(
        "/admin/contractor_company/new/",
        data={
            "name": name,
            "privacy_mark_number": "1",
            "contract_from": "2026-04-01",
            "contract_to": "2027-03-31",
            "csrf_token": token(it_client, "/admin/contractor_company/new/"),
        },
    )


def reject_notice(app, login_as, reason: str):
    """chief1 rejects a freshly entered change notice with this reason: (client, response)."""
    with app.app_context():
        notice_id = make_entered_notice(make_registrant())
    client = login_as("chief1")
    return client, client.post(
        f"/admin/change_notice/decide/?id={notice_id}",
        data={
            "action": "reject",
            "reason": reason,
            "csrf_token": token(client, f"/admin/change_notice/details/?id={notice_id}"),
        },
    )


# --- NUL: the fourteen reproduced requests --------------------------------------------------


def test_nul_in_the_login_is_a_400_and_counts_as_a_failed_login(app, demo, client):
    before = count(app, StaffSession)
    response = client.post(
        "/login",
        data={"login": "staff1\x00", "password": "x", "csrf_token": token(client, "/login")},
    )
    assert refused_with_400(response)
    assert count(app, SecurityEvent, SecurityEvent.kind == SecurityEventKind.LOGIN_FAILED) == 1
    assert count(app, LoginAttempt) == 2  # one for the address, one for the login
    assert count(app, StaffSession) == before
    # It counts against staff1 like any failure: five lock the login.
    for _ in range(4):
        client.post(
            "/login",
            data={"login": "staff1\x00", "password": "x", "csrf_token": token(client, "/login")},
        )
    locked = login(client, "staff1")
    assert locked.status_code == 429 and LOCKED_JA in locked.get_data(as_text=True)


@pytest.fixture
def it_client(login_as):
    return login_as("it1")


def test_nul_in_the_staff_issue_form_changes_nothing(app, it_client):
    before = count(app, StaffUser)
    for field, value in (("name", "新人\x00太郎"), ("employee_number", "E2\x000001")):
        data = {
            "login": "newstaff1",
            "name": "新人 太郎",
            "employee_number": "E20001",
            "kind": "employee",
            "section": "4",
            "role": "facility_staff",
            "valid_from": "2026-04-01",
            "csrf_token": token(it_client, "/admin/staff_user/issue/"),
        }
        data[field] = value
        assert refused_with_400(it_client.post("/admin/staff_user/issue/", data=data)), field
    assert count(app, StaffUser) == before


def test_nul_in_a_lifecycle_reason_changes_nothing(app, it_client):
    staff2 = one_id(app, StaffUser, StaffUser.login == "staff2")
    events = count(app, StaffEvent)
    response = it_client.post(
        f"/admin/staff_user/lifecycle/?id={staff2}",
        data={
            "action": "suspend",
            "reason": "理由\x00",
            "csrf_token": token(it_client, f"/admin/staff_user/details/?id={staff2}"),
        },
    )
    assert refused_with_400(response)
    assert (
        count(app, StaffUser, StaffUser.id == staff2, StaffUser.status == StaffStatus.ACTIVE) == 1
    )
    assert count(app, StaffEvent) == events


def test_nul_in_a_contractor_name_changes_nothing(app, it_client):
    before = count(app, ContractorCompany)
    assert refused_with_400(new_contractor(it_client, "株式会社\x00テスト"))
    assert count(app, ContractorCompany) == before


def test_nul_in_a_notice_decision_reason_changes_nothing(app, demo, login_as):
    _, response = reject_notice(app, login_as, "不備\x00")
    assert refused_with_400(response)
    assert count(app, ChangeNotice, ChangeNotice.state == NoticeState.ENTERED) == 1


@pytest.mark.parametrize(
    "login_id,url",
    [
        ("chief1", "/admin/access_log/?record=%00"),
        ("chief1", "/admin/access_log/?screen=a%00"),
        ("staff1", "/admin/talent_entry/?search=a%00b"),
        ("it1", "/admin/staff_user/?search=a%00b"),
        ("it1", "/admin/section/?search=a%00b"),
        ("it1", "/admin/facility/?search=a%00b"),
        ("it1", "/admin/room/?search=a%00b"),
    ],
)
def test_nul_in_a_query_parameter_is_a_japanese_400(login_as, login_id, url):
    assert refused_with_400(login_as(login_id).get(url))


# --- NUL anywhere else a request can carry it -----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/static/site.css%00", "/admin/registrant%00/", "/circles%00", "/%00"]
)
def test_nul_in_the_path_is_a_400(client, path):
    assert refused_with_400(client.get(path))


def test_nul_in_a_json_body_or_a_file_name_is_a_400(app, client):
    assert refused_with_400(client.post("/login", json={"login": "staff1\u0000"}))
    response = client.post(
        "/login", data={"file": (io.BytesIO(b"x"), "a\x00.csv")}, content_type="multipart/form-data"
    )
    assert refused_with_400(response)


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"--xyz\r\ngarbage without headers", "multipart/form-data; boundary=xyz"),
        (b"--xyz", "multipart/form-data"),
        (b"\xff\xfe\x00\x00login=%ZZ", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
    ],
)
def test_malformed_bodies_never_give_a_500(client, demo, body, content_type):
    response = client.post("/login", data=body, content_type=content_type)
    assert 400 <= response.status_code < 500


# --- Free text: control characters, invisible-only text, blank names -----------------------


@pytest.mark.parametrize(
    "name,message",
    [
        ("   ", REQUIRED_JA),
        ("\u3000", REQUIRED_JA),
        ("\u200b\u200b", REQUIRED_JA),
        ("\u202e\u2066", REQUIRED_JA),
        ("\x01山田", CONTROL_JA),
        ("山田\x1b[0m", CONTROL_JA),
    ],
    ids=["spaces", "ideographic-space", "zero-width", "bidi", "control", "escape"],
)
def test_no_staff_id_is_issued_with_a_blank_or_controlled_name(app, it_client, name, message):
    before = count(app, StaffUser)
    response = issue(it_client, name=name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count(app, StaffUser) == before


def test_the_same_checks_hold_on_every_text_of_a_form(app, it_client):
    before = count(app, StaffUser)
    html = issue(it_client, employee_number="\u200b").get_data(as_text=True)
    assert INVISIBLE_JA in html  # optional, but never invisible-only
    assert count(app, StaffUser) == before
    assert issue(it_client, employee_number="E\u200d20001").status_code == 200
    assert count(app, StaffUser) == before + 1  # visible text around a joiner is text


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"name": "\u200b"}, REQUIRED_JA),
        ({"name": "\ufeff \u2060"}, REQUIRED_JA),
        ({"address": "本町\x07"}, CONTROL_JA),
        ({"activity": "\u200f"}, INVISIBLE_JA),
        (
            {
                "rosters-0-total_members": "10",
                "rosters-0-members_resident": "8",
                "rosters-0-members_working": "0",
                "rosters-0-members_studying": "0",
                "rosters-0-paper_location": "事務室\x0b",
            },
            CONTROL_JA,
        ),
    ],
    ids=[
        "zero-width-name",
        "bom-and-joiner-name",
        "control-address",
        "bidi-mark-activity",
        "control-in-roster",
    ],
)
def test_a_registrant_named_by_an_invisible_character_is_refused(app, login_as, fields, message):
    client = login_as("staff1")
    response = post_new(client, app, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert html.count(message) == 1  # said once, at the field
    assert count(app, Registrant) == 0 and count(app, Roster) == 0


def test_contractor_name_with_a_control_character_is_refused(app, it_client):
    before = count(app, ContractorCompany)
    response = new_contractor(it_client, "\x07ベル株式会社")
    assert response.status_code == 200 and CONTROL_JA in response.get_data(as_text=True)
    assert count(app, ContractorCompany) == before


def test_facility_address_of_invisible_characters_only_is_refused(app, it_client):
    before = count(app, Facility)
    response = it_client.post(
        "/admin/facility/new/",
        data={
            "section": "1",
            "name": "新施設",
            "kind": "集会所",
            "eligibility_rule": "residents_only",
            "eligibility_check_required": "y",
            "address": "\u202e\u2066",
            "phone": "",
            "csrf_token": token(it_client, "/admin/facility/new/"),
        },
    )
    assert response.status_code == 200 and INVISIBLE_JA in response.get_data(as_text=True)
    assert count(app, Facility) == before


def test_review_findings_with_a_control_character_are_refused(app, login_as):
    client = login_as("chief1")
    before = count(app, LogReview)
    page = client.get("/admin/log_review/").get_data(as_text=True)
    section = page.split('name="section"')[1].split('value="')[1].split('"')[0]
    response = client.post(
        "/admin/log_review/record/",
        data={
            "section": section,
            "period_from": "2026-04-01",
            "period_to": "2026-04-07",
            "findings": "noted",
            "findings_text": "確認\x0c済み",
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    )
    assert CONTROL_JA in response.get_data(as_text=True)
    assert count(app, LogReview) == before


def test_a_decision_reason_of_invisible_characters_is_refused(app, demo, login_as):
    client, response = reject_notice(app, login_as, "\u200b\u200b")
    assert response.status_code == 302  # back to the notice, with the message there
    assert INVISIBLE_JA in client.get(response.headers["Location"]).get_data(as_text=True)
    assert count(app, ChangeNotice, ChangeNotice.state == NoticeState.ENTERED) == 1


def test_a_grant_refusal_reason_with_a_control_character_is_refused_with_the_message(
    app, demo, login_as
):
    from models import GrantState, Role, RoleAssignment, Section, StaffUser
    from models.staff.grants import enter_grant

    with app.app_context():
        staff1 = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        it1 = db.session.scalar(select(StaffUser).where(StaffUser.login == "it1"))
        section = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
        grant = enter_grant(
            staff1, Role.SECTION_CHIEF, section, date(2026, 12, 1), actor=it1, reason="昇任"
        )
        db.session.commit()
        grant_id = grant.id
    client = login_as("it2")
    response = client.post(
        f"/admin/grants/decide/?id={grant_id}",
        data={"action": "refuse", "reason": "理由\x07", "csrf_token": token(client, "/admin/")},
    )
    assert response.status_code == 302
    assert CONTROL_JA in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RoleAssignment, grant_id).state == GrantState.PENDING


# --- Dates: from 1900 to a century ahead ------------------------------------------------------


def test_a_notice_received_in_1899_is_refused(app, demo, login_as):
    with app.app_context():
        rid = make_registrant()
    client = login_as("staff1")
    url = f"/admin/change_notice/receive/?registrant_id={rid}"
    response = client.post(
        url,
        data={
            "notice_type": "change",
            "received_on": "1899-12-31",
            "received_via": "mail",
            "csrf_token": token(client, url),
        },
    )
    assert response.status_code == 200 and DATE_JA in response.get_data(as_text=True)
    assert count(app, ChangeNotice) == 0


def test_model_form_dates_are_bounded(app, it_client):
    with app.app_context():
        user_id = one_id(app, StaffUser, StaffUser.login == "staff2")
    before = count(app, RoleAssignment)
    for day in ("1899-12-31", (date_bounds()[1] + timedelta(days=1)).isoformat()):
        response = it_client.post(
            "/admin/role_assignment/new/",
            data={
                "user": user_id,
                "role": "auditor",
                "section": "1",
                "valid_from": day,
                "reason": "監査応援",
                "csrf_token": token(it_client, "/admin/role_assignment/new/"),
            },
        )
        assert response.status_code == 200 and DATE_JA in response.get_data(as_text=True), day
    assert count(app, RoleAssignment) == before
    ok = it_client.post(
        "/admin/role_assignment/new/",
        data={
            "user": user_id,
            "role": "auditor",
            "section": "1",
            "valid_from": "1900-01-01",
            "reason": "監査応援",
            "csrf_token": token(it_client, "/admin/role_assignment/new/"),
        },
    )
    assert ok.status_code == 302 and count(app, RoleAssignment) == before + 1


def test_a_transfer_a_century_ahead_is_refused(app, it_client):
    staff2 = one_id(app, StaffUser, StaffUser.login == "staff2")
    before = count(app, PersonnelTransfer)
    url = "/admin/personnel_transfer/register/"
    response = it_client.post(
        url,
        data={
            "user": staff2,
            "kind": "leave",
            "effective_on": "2300-04-01",
            "csrf_token": token(it_client, url),
        },
    )
    assert response.status_code == 200 and DATE_JA in response.get_data(as_text=True)
    assert count(app, PersonnelTransfer) == before


def test_imports_use_the_same_rules(app, demo, it_client):
    header = (
        "facility,kind,name,name_kana,representative_name,representative_kana,"
        "postal_code,address,phone,email,birth_date,activity,registered_on\n"
    )
    rows = [
        "中央公民館,個人,\u200b,ヤマダ,,,189-0014,本町1,042-393-5111,,,,\n",
        "中央公民館,個人,山田 太郎,ヤマダ タロウ,,,189-0014,本町\x01,042-393-5111,,,,\n",
        "中央公民館,個人,山田 次郎,ヤマダ ジロウ,,,189-0014,本町2,042-393-5111,,,,1899-12-31\n",
    ]
    with app.app_context():
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        result = import_registrants((header + "".join(rows)).encode(), clerk)
    assert result.errors[0] == f"row 2: name: {REQUIRED_JA}"
    assert result.errors[1] == f"row 3: address: {CONTROL_JA}"
    assert result.errors[2].startswith(f"row 4: registered_on: {DATE_JA}")
    assert count(app, Registrant) == 0

    csv = (
        "login,kind,effective_on,section_code,role,facilities,note\n"
        "staff2,退職,1899-12-31,,,,\n"
        "staff1,退職,2099-12-01,,,,人事課\x07通知\n"
    ).encode()
    html = it_client.post(
        "/admin/personnel_transfer/upload/",
        data={
            "file": (io.BytesIO(csv), "t.csv"),
            "csrf_token": token(it_client, "/admin/personnel_transfer/upload/"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert f"row 2: effective_on: {DATE_JA}" in html
    assert f"row 3: note: {CONTROL_JA}" in html
    assert count(app, PersonnelTransfer, PersonnelTransfer.kind == "leave") == 0


def test_date_parameters_of_custom_screens_out_of_range_count_as_absent(login_as):
    client = login_as("chief1")
    plain = client.get("/admin/access_log/")
    assert plain.status_code == 200
    for query in (
        "from=1899-12-31",
        "to=9999-12-31",
        "from=0001-01-01&to=2999-01-01",
        "before=0001-01-01T00:00:00_1",
        "before=9999-12-31T23:59:59_9",
    ):
        response = client.get(f"/admin/access_log/?{query}")
        assert response.status_code == 200, query


def test_today_and_1900_are_inside_the_bounds():
    first, last = date_bounds(date(2026, 11, 27))
    assert first == date(1900, 1, 1) and last == date(2126, 11, 27)


def test_the_daily_job_refuses_a_date_out_of_range(app):
    result = app.test_cli_runner().invoke(args=["jobs", "daily", "--date", "0001-01-01"])
    assert result.exit_code == 2 and DATE_JA in result.output


def test_white_space_in_an_optional_field_is_just_empty(app, it_client):
    before = count(app, StaffUser)
    response = issue(it_client, employee_number="  ")
    assert response.status_code == 200 and INVISIBLE_JA not in response.get_data(as_text=True)
    assert count(app, StaffUser) == before + 1


def test_every_form_of_ours_has_the_typed_input_checks(app):
    """A new FlaskForm or ModelView cannot forget the checks: they all build on our bases."""
    from flask_wtf import FlaskForm

    from views.base import AppModelView
    from views.forms import AdminForm, AppForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [f for f in subclasses(FlaskForm) if f.__module__.startswith("views.")]
    assert ours and all(issubclass(f, AppForm) for f in ours), ours
    views = [v for v in app.extensions["admin"][0]._views if hasattr(v, "form_base_class")]
    assert views and all(
        isinstance(v, AppModelView) and v.form_base_class is AdminForm for v in views
    )


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"reason": "\x01担当替え"}, CONTROL_JA),
        ({"reason": "\u200b\u2060"}, REQUIRED_JA),
        ({"valid_to": "9999-12-31"}, DATE_JA),
        ({"valid_to": "1899-12-31"}, DATE_JA),
    ],
    ids=["control-reason", "invisible-reason", "far-future-end", "end-before-1900"],
)
def test_narrowing_a_grant_takes_the_same_checks_as_every_form(app, it_client, fields, message):
    """The narrowing form is its own form class: it must not skip the checks."""

    with app.app_context():
        helper = make_user("helper1")  # open-ended: a far end is still "narrower"
        grant = db.session.scalar(select(RoleAssignment.id).where(RoleAssignment.user_id == helper))
    url = f"/admin/role_assignment/edit/?id={grant}"
    before = (
        count(app, StaffEvent),
        count(app, RoleAssignment, RoleAssignment.id == grant, RoleAssignment.valid_to.is_(None)),
    )
    response = it_client.post(
        url, data={"reason": "担当替え", "csrf_token": token(it_client, url)} | fields
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert (
        (
            count(app, StaffEvent),
            count(
                app, RoleAssignment, RoleAssignment.id == grant, RoleAssignment.valid_to.is_(None)
            ),
        )
        == before
        == (before[0], 1)
    )


def test_every_form_class_of_the_views_builds_on_our_bases(app):
    """Not only FlaskForm screens: a form class a view hands to Flask-Admin itself (as the
    narrowing form of grants) must not bypass the checks either."""
    from wtforms import Form

    from views.forms import AdminForm, AppForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {f for f in subclasses(Form) if f.__module__.startswith("views.")}
    assert ours and [f for f in ours if not issubclass(f, AdminForm | AppForm)] == []
    for view in app.extensions["admin"][0]._views:
        for form in (
            (view.get_create_form(), view.get_edit_form()) if hasattr(view, "get_edit_form") else ()
        ):
            assert issubclass(form, AdminForm | AppForm), (view.endpoint, form)
