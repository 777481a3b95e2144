"""Services never commit: each is called inside a session that is then rolled back, and the
database must be exactly as before (no commit happened, nothing persisted). The one documented
exception, confirm_notice's first commit, is tested in test_change_notice_concurrency."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from admin_app.demo.registration import load_demo_registrants
from admin_app.extensions import db
from admin_app.imports.registrants import import_registrants
from admin_app.imports.transfers import import_transfers
from admin_app.security import hash_password
from models import (
    ChangeNotice,
    ContractorCompany,
    Facility,
    Registrant,
    RegistrantKind,
    Role,
    Section,
    StaffKind,
    StaffUser,
    TalentEntry,
    TalentField,
    TrainingRecord,
)
from models.clock import today_local
from models.errors import InputError
from models.public.publication import confirm_activity
from models.public.talent import start_talent_entry
from models.registration.change_notice import NoticeType, ReceivedVia, decide_against, enter
from models.registration.change_notice import receive as receive_notice
from models.registration.erasure import erase_registrant
from models.registration.trail import amend, confirm_registration, register, renew
from models.staff.contractor import record_approval, record_training
from models.staff.grants import approve, enter_grant, refuse, set_end
from models.staff.lifecycle import issue_id, reset_password, revoke, suspend
from models.staff.transfer import TransferKind, register_transfer
from tests.builders.registration import (
    make_entered_notice,
    make_received_notice,
    make_registrant,
    resident_check,
)
from tests.builders.staff import make_user


def staff(login: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.login == login))


def snapshot() -> dict[str, int]:
    """How many rows each table has."""
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


def new_registrant() -> Registrant:
    facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
    return Registrant(
        facility=facility,
        kind=RegistrantKind.INDIVIDUAL,
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        postal_code="1890014",
        address="本町1",
        phone="042-393-5111",
        received_by=staff("staff1"),
        received_on=today_local(),
    )


def new_user(login: str) -> StaffUser:
    section = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
    return StaffUser(
        login=login,
        name="新規 職員",
        kind=StaffKind.EMPLOYEE,
        section=section,
        valid_from=today_local(),
    )


def grant_for_chief(ids) -> object:
    """A pending grant (a chief's role needs a second person) entered by it1."""
    section = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
    user = db.session.get(StaffUser, ids["plain"])
    return enter_grant(user, Role.SECTION_CHIEF, section, today_local(), actor=staff("it1"))


def added(obj):
    db.session.add(obj)
    return obj


def renewable(ids) -> Registrant:
    registrant = db.session.get(Registrant, ids["old"])
    registrant.eligibility_checks.append(resident_check(staff("staff1"), today_local()))
    return registrant


TRANSFERS_CSV = "login,kind,effective_on\nstaff2,退職,2099-04-01\n"
REGISTRANTS_CSV = (
    "facility,kind,name,name_kana,postal_code,address,phone\n"
    "中央公民館,個人,山田 花子,ヤマダ ハナコ,189-0014,本町1,042-393-5111\n"
)

# name -> the service call, given the ids of what the test built (and committed) first.
SERVICES: dict[str, Callable[[dict], object]] = {
    "register": lambda ids: register(new_registrant(), staff("staff1")),
    "amend": lambda ids: amend(db.session.get(Registrant, ids["pending"]), staff("staff1")),
    "confirm_registration": lambda ids: confirm_registration(
        db.session.get(Registrant, ids["pending"]), staff("chief1")
    ),
    "renew": lambda ids: renew(renewable(ids), staff("staff1")),
    "receive notice": lambda ids: receive_notice(
        db.session.get(Registrant, ids["current"]),
        staff("staff1"),
        notice_type=NoticeType.CHANGE,
        received_on=today_local(),
        via=ReceivedVia.COUNTER,
    ),
    "enter notice": lambda ids: enter(
        db.session.get(ChangeNotice, ids["received"]), staff("staff1"), {"phone": "090-1234-5678"}
    ),
    "decide_against": lambda ids: decide_against(
        db.session.get(ChangeNotice, ids["entered"]), staff("chief1"), "reject", "理由"
    ),
    "erase_registrant": lambda ids: erase_registrant(db.session.get(Registrant, ids["old"])),
    "issue_id": lambda ids: issue_id(
        new_user("newid1"), staff("it1"), hash_password, Role.FACILITY_STAFF
    ),
    "enter_grant": grant_for_chief,
    "approve grant": lambda ids: approve(grant_for_chief(ids), staff("it2")),
    "refuse grant": lambda ids: refuse(grant_for_chief(ids), staff("it2"), "不要"),
    "end grant": lambda ids: set_end(
        staff("staff1").assignments[0], today_local(), staff("it1"), "異動"
    ),
    "reset_password": lambda ids: reset_password(staff("staff1"), staff("it1"), hash_password),
    "suspend": lambda ids: suspend(staff("staff1"), staff("it1"), "休職"),
    "revoke": lambda ids: revoke(staff("staff1"), staff("it1"), "退職"),
    "register_transfer": lambda ids: register_transfer(
        staff("staff2"), TransferKind.LEAVE, today_local() + timedelta(days=30), actor=staff("it1")
    ),
    "import_transfers": lambda ids: import_transfers(TRANSFERS_CSV.encode(), actor=staff("it1")),
    "import_registrants": lambda ids: import_registrants(REGISTRANTS_CSV.encode(), staff("staff1")),
    "record_approval": lambda ids: added(
        record_approval(
            ContractorCompany(
                name="再委託株式会社",
                contract_from=date(2026, 4, 1),
                contract_to=date(2030, 3, 31),
                approved_on=today_local(),
            ),
            staff("it1"),
        )
    ),
    "record_training": lambda ids: record_training(
        TrainingRecord(user=staff("staff1"), trained_on=today_local(), course="研修"), staff("it1")
    ),
    "start_talent_entry": lambda ids: added(
        start_talent_entry(
            TalentEntry(
                facility=db.session.get(Registrant, ids["current"]).facility,
                field=TalentField.ARTS,
                name="講師 一郎",
                display_name="講師 一郎",
                display_kana="コウシ イチロウ",
                offer="書道",
            )
        )
    ),
    "confirm_activity": lambda ids: confirm_activity(db.session.get(Registrant, ids["current"])),
}
# These change rows without adding any (the others add at least one row).
UPDATES = {
    "amend",
    "confirm_registration",
    "enter notice",
    "decide_against",
    "erase_registrant",
    "confirm_activity",
}


@pytest.fixture
def ids(app, demo):
    with app.app_context():
        built = {
            "plain": make_user("plain1"),
            "pending": make_registrant(name="確認待ちの会", confirmed=False),
            "current": make_registrant(name="有効の会"),
            "old": make_registrant(
                name="古い会", registered_on=today_local() - timedelta(days=3 * 365 - 10)
            ),
        }
        other = make_registrant(name="届出の会")
        built["received"] = make_received_notice(other).id
        built["entered"] = make_entered_notice(make_registrant(name="入力済みの会"))
        db.session.commit()
    return built


@pytest.fixture
def commits():
    """Every commit of any session while the test runs."""
    seen: list[Session] = []

    def count(session):
        seen.append(session)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


@pytest.mark.parametrize("name", list(SERVICES))
def test_a_service_never_commits(app, ids, commits, name):
    with app.app_context():
        before = snapshot()
        db.session.rollback()
        commits.clear()
        result = SERVICES[name](ids)
        db.session.flush()  # whatever it changed reaches the database, uncommitted
        grown = snapshot() != before
        assert commits == [], f"{name} committed"
        db.session.rollback()
        assert snapshot() == before, f"{name} left rows behind after the rollback"
    assert result is not None and (grown or name in UPDATES)


def test_the_demo_loader_alone_commits(app, demo, commits):
    """load_demo_registrants (like every demo loader) leaves the commit to load_demo_data."""
    with app.app_context():
        before = snapshot()
        commits.clear()
        assert load_demo_registrants(count=5) == 5
        assert commits == [] and snapshot() != before
        db.session.rollback()
        assert snapshot() == before


def test_a_refused_step_leaves_the_database_as_it_was(app, ids, commits):
    """The caller rolls back on InputError: nothing of the refused step remains."""
    with app.app_context():
        before = snapshot()
        db.session.rollback()
        registrant = db.session.get(Registrant, ids["current"])
        with pytest.raises(InputError):
            receive_notice(
                registrant,
                staff("staff1"),
                notice_type=NoticeType.CHANGE,
                received_on=today_local() + timedelta(days=1),
                via=ReceivedVia.COUNTER,
            )
        db.session.rollback()
        assert snapshot() == before and commits == []
