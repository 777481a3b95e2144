"""Small data builders for tests."""

from datetime import date

from sqlalchemy import select

from admin_app.extensions import db
from admin_app.security import hash_password
from models import Role, Section, StaffUser
from models.staff.grants import set_up_grant

PASSWORD = "a-long-test-password-2026"


def make_user(login: str, role: Role = Role.FACILITY_STAFF, section_code: str = "KOMINKAN", *,
              valid_from: date = date(2026, 4, 1), role_from: date = date(2026, 4, 1),
              role_to: date | None = None, **fields) -> int:
    """A staff user with one role assignment in force (set up like the initial organisation,
    no second person); returns its id. Call inside an app context."""
    section = db.session.scalar(select(Section).where(Section.code == section_code))
    user = StaffUser(login=login, name=f"テスト {login}", valid_from=valid_from,
                     password_hash=hash_password(PASSWORD), section=section, **fields)
    db.session.add(user)
    set_up_grant(user, role, section, role_from, role_to)
    db.session.commit()
    return user.id


def add_role(user_id: int, role: Role, section_code: str, valid_from: date,
             valid_to: date | None = None) -> int:
    """Another assignment in force for a test user (set up, no second person); returns its id."""
    section = db.session.scalar(select(Section).where(Section.code == section_code))
    grant = set_up_grant(db.session.get(StaffUser, user_id), role, section, valid_from,
                         valid_to)
    db.session.commit()
    return grant.id


def facility_id(name: str) -> int:
    from models import Facility

    return db.session.scalar(select(Facility.id).where(Facility.name == name))


def make_registrant(facility_name: str = "中央公民館", kind: str = "group", *,
                    registered_on: date | None = None, confirmed: bool = True,
                    check: bool = True, roster: bool = True, entered_by: str | None = None,
                    confirmed_by: str | None = None, **fields) -> int:
    """A registrant created through the domain rules — received and entered by counter staff
    of the facility, with an eligibility check and (groups) a qualifying roster, confirmed by
    the section's chief as of its registration date unless `confirmed=False`; returns its id
    (inside an app context)."""
    from datetime import datetime, time

    from models import (
        EligibilityBasis,
        EligibilityCheck,
        Facility,
        Registrant,
        RegistrantKind,
        Roster,
    )
    from models.clock import JST, today_local
    from models.japanese import phone_digits
    from models.registration.registrant import start_registration
    from models.registration.trail import confirm_registration
    from models.staff.access import accesses_of

    facility = db.session.scalar(select(Facility).where(Facility.name == facility_name))
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.id)).all()
    by_login = {u.login: u for u in users}
    section = facility.section_id
    access = accesses_of(users)
    enterer = by_login[entered_by] if entered_by else next(
        (u for u in users if access[u.id].serves(facility.id)
         and not access[u.id].may_confirm_for(section)), None)
    day = registered_on or today_local()
    values = {"name": "テスト合唱団", "name_kana": "テストガッショウダン",
              "postal_code": "1890014", "address": "東村山市本町1丁目2番3号",
              "phone": "042-393-5111"}
    if kind == "group":
        values |= {"representative_name": "代表 太郎", "representative_kana": "ダイヒョウ タロウ"}
    values |= fields
    registrant = Registrant(facility=facility, kind=RegistrantKind(kind),
                            registered_on=registered_on, created_by=enterer,
                            received_by=enterer, received_on=day, **values)
    registrant.phone_digits = phone_digits(registrant.phone)
    start_registration(registrant, registered_on)
    clerk = enterer or users[0]
    if check:
        registrant.eligibility_checks.append(EligibilityCheck(
            basis=EligibilityBasis.RESIDENT, doc_identity=True, checked_by=clerk,
            checked_on=day))
    if roster and kind == "group":
        registrant.rosters.append(Roster(
            submitted_on=day, total_members=10, members_resident=10, verified_by=clerk,
            paper_location="事務室", destroy_by=registrant.expires_on))
    db.session.add(registrant)
    db.session.flush()
    if confirmed:
        confirmer = by_login[confirmed_by] if confirmed_by else next(
            u for u in users if access[u.id].may_confirm_for(section) and u is not enterer)
        confirm_registration(registrant, confirmer, now=datetime.combine(day, time(12), JST))
    db.session.commit()
    return registrant.id


def make_received_notice(registrant_id: int, receiver: str = "staff1",
                         notice_type: str = "change", received_on: date | None = None):
    """A change notice received at the counter (not yet entered); returns it."""
    from models import Registrant
    from models.clock import today_local
    from models.registration.change_notice import NoticeType, ReceivedVia, receive

    clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == receiver))
    notice = receive(db.session.get(Registrant, registrant_id), clerk,
                     notice_type=NoticeType(notice_type),
                     received_on=received_on or today_local(), via=ReceivedVia.COUNTER)
    db.session.commit()
    return notice


def make_entered_notice(registrant_id: int, enterer: str = "staff1",
                        values: dict | None = None, notice_type: str = "change",
                        received_on: date | None = None) -> int:
    """A change notice received and entered by `enterer`; returns its id."""
    from models.registration.change_notice import enter

    notice = make_received_notice(registrant_id, enterer, notice_type, received_on)
    clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == enterer))
    enter(notice, clerk, values if values is not None else {"phone": "090-1111-2222"})
    db.session.commit()
    return notice.id
