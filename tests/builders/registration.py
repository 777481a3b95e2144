"""Registration builders: registrants and change notices through the domain rules."""

import re
from datetime import date, datetime, time

from sqlalchemy import select

from admin_app.extensions import db
from models import (
    EligibilityBasis,
    EligibilityCheck,
    Facility,
    Registrant,
    RegistrantKind,
    Role,
    Roster,
    StaffUser,
)
from models.clock import JST, today_local
from models.registration.change_notice import NoticeType, ReceivedVia, enter, receive
from models.registration.trail import confirm_registration, register
from models.staff.access import accesses_of
from tests.builders import facility_id
from tests.builders.staff import make_user
from tests.support import csrf_token


def resident_check(clerk: StaffUser, on: date, **fields) -> EligibilityCheck:
    """A check of residency on an identity document, by `clerk` on `on` (not yet added)."""
    return EligibilityCheck(
        basis=EligibilityBasis.RESIDENT,
        doc_identity=True,
        checked_by=clerk,
        checked_on=on,
        **fields,
    )


def make_registrant(
    facility_name: str = "中央公民館",
    kind: str = "group",
    *,
    registered_on: date | None = None,
    confirmed: bool = True,
    check: bool = True,
    roster: bool = True,
    entered_by: str | None = None,
    confirmed_by: str | None = None,
    **fields,
) -> int:
    """A registrant created through the domain rules — received and entered by counter staff
    of the facility, with an eligibility check and (groups) a qualifying roster, confirmed by
    the section's chief as of its registration date unless `confirmed=False`; returns its id
    (inside an app context)."""
    facility = db.session.scalar(select(Facility).where(Facility.name == facility_name))
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.id)).all()
    by_login = {u.login: u for u in users}
    section = facility.section_id
    access = accesses_of(users)
    enterer = (
        by_login[entered_by]
        if entered_by
        else next(
            (
                u
                for u in users
                if access[u.id].serves(facility.id) and not access[u.id].may_confirm_for(section)
            ),
            None,
        )
    )
    day = registered_on or today_local()
    values = {
        "name": "テスト合唱団",
        "name_kana": "テストガッショウダン",
        "postal_code": "1890014",
        "address": "東村山市本町1丁目2番3号",
        "phone": "042-393-5111",
    }
    if kind == "group":
        values |= {"representative_name": "代表 太郎", "representative_kana": "ダイヒョウ タロウ"}
    values |= fields
    registrant = Registrant(
        facility=facility,
        kind=RegistrantKind(kind),
        registered_on=registered_on,
        received_by=enterer,
        received_on=day,
        **values,
    )
    register(registrant, enterer, today=registered_on)
    clerk = enterer or users[0]
    if check:
        registrant.eligibility_checks.append(resident_check(clerk, day))
    if roster and kind == "group":
        registrant.rosters.append(
            Roster(
                submitted_on=day,
                total_members=10,
                members_resident=10,
                verified_by=clerk,
                paper_location="事務室",
                destroy_by=registrant.expires_on,
            )
        )
    db.session.flush()
    if confirmed:
        confirmer = (
            by_login[confirmed_by]
            if confirmed_by
            else next(
                u for u in users if access[u.id].may_confirm_for(section) and u is not enterer
            )
        )
        confirm_registration(registrant, confirmer, now=datetime.combine(day, time(12), JST))
    db.session.commit()
    return registrant.id


def make_received_notice(
    registrant_id: int,
    receiver: str = "staff1",
    notice_type: str = "change",
    received_on: date | None = None,
):
    """A change notice received at the counter (not yet entered); returns it."""
    notice = _received_notice(registrant_id, receiver, notice_type, received_on)
    db.session.commit()
    return notice


def make_entered_notice(
    registrant_id: int,
    enterer: str = "staff1",
    values: dict | None = None,
    notice_type: str = "change",
    received_on: date | None = None,
) -> int:
    """A change notice received and entered by `enterer`; returns its id."""
    notice = _received_notice(registrant_id, enterer, notice_type, received_on)
    clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == enterer))
    enter(notice, clerk, values if values is not None else {"phone": "090-1111-2222"})
    db.session.commit()
    return notice.id


def _received_notice(registrant_id: int, receiver: str, notice_type: str, received_on: date | None):
    """Receive a notice without committing (the builders above commit once)."""
    clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == receiver))
    return receive(
        db.session.get(Registrant, registrant_id),
        clerk,
        notice_type=NoticeType(notice_type),
        received_on=received_on or today_local(),
        via=ReceivedVia.COUNTER,
    )


# --- over HTTP, as the logged-in client --------------------------------------------------------


def selected(page: str, field: str) -> str:
    """The value a select of the form offers pre-selected (e.g. the receiver: oneself)."""
    select_html = re.search(rf'<select[^>]*id="{field}".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select_html).group(1)


def post_new(client, app, **fields):
    """POST of the registrant create form: a group at 中央公民館 typed as people type."""
    page = client.get("/admin/registrant/new/").get_data(as_text=True)
    with app.app_context():
        default_facility = facility_id("中央公民館")
    data = {
        "received_by": selected(page, "received_by"),
        "received_on": today_local().isoformat(),
        "facility": default_facility,
        "kind": "group",
        "name": "萩山コーラスの会",
        "name_kana": "はぎやまこーらすのかい",
        "representative_name": "山田 花子",
        "representative_kana": "やまだ はなこ",
        "postal_code": "１８９－００１４",
        "address": "東村山市本町１丁目２番３号",
        "phone": "０４２－３９３－５１１１",
        "email": "",
        "birth_date": "",
        "activity": "合唱",
        "csrf_token": csrf_token(page),
    }
    return client.post("/admin/registrant/new/", data=data | fields)


def entered(client, app, **fields) -> int:
    """staff-entered registration (POST of the create form); returns its id."""
    response = post_new(client, app, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        return db.session.scalar(select(Registrant.id).order_by(Registrant.id.desc()))


def edit_data(form_html: str, **changes) -> dict:
    """What the edit form would post as shown (its inputs), with `changes`."""
    form_html = max(form_html.split("<form")[1:], key=len).split("</form>", 1)[0]
    data = {"csrf_token": csrf_token(form_html)}
    for tag in re.findall(r"<input[^>]*>", form_html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if "name" not in attrs or (attrs.get("type") == "checkbox" and " checked" not in tag):
            continue
        data.setdefault(attrs["name"], attrs.get("value", ""))
    for name in re.findall(r'<select[^>]*?name="([^"]+)"', form_html):
        match = re.search(rf'<select[^>]*?name="{name}".*?</select>', form_html, re.S)
        chosen = re.search(r'<option selected value="([^"]*)"', match.group(0))
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(
        r'<textarea[^>]*?name="([^"]+)"[^>]*>([^<]*)</textarea>', form_html
    ):
        data[name] = value.strip()
    return {k: v for k, v in (data | changes).items() if v is not None}


# --- set up directly (each opens its own app context) -----------------------------------------


def designated_confirmer(app, login_id: str = "confirmer1") -> str:
    """A counter clerk of 公民館 designated to confirm; returns the login."""
    with app.app_context():
        uid = make_user(login_id, Role.FACILITY_STAFF, "KOMINKAN")
        db.session.get(StaffUser, uid).assignments[0].designated_confirmer = True
        db.session.commit()
    return login_id


def add_check(app, rid, on: date, clerk_login: str = "staff1") -> None:
    """An eligibility check of a registrant recorded on `on`."""
    with app.app_context():
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == clerk_login))
        db.session.add(resident_check(clerk, on, registrant_id=rid))
        db.session.commit()
