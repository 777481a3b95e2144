"""Demo data for staff IDs: one login per role (USERS, all with DEMO_PASSWORD, demo only). For
the IT section: a contractor with a valid Privacy Mark and an approved subcontractor, training
for contractor1, one pending transfer (its grant waiting for the chief's approval), one stale
ID and one lapsed contractor ID — so every IT screen has something to show and every demo login
still works."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from admin_app.demo.guard import refuse_in_production
from admin_app.extensions import db
from admin_app.security import hash_password
from models.clock import now_utc, today_local
from models.organisation import Facility, Section
from models.staff.accounts import Role, StaffKind, StaffUser
from models.staff.contractor import (
    ContractorCompany,
    TrainingRecord,
    record_approval,
    record_training,
)
from models.staff.grants import set_up_grant
from models.staff.transfer import PersonnelTransfer, TransferKind, register_transfer

DEMO_PASSWORD = "demo-password-2026"
FISCAL_YEAR_START = date(2026, 4, 1)

# login, name, employee number, kind, section, role, facilities (None = whole section)
USERS = [
    (
        "staff1",
        "山田 花子",
        "E10001",
        StaffKind.EMPLOYEE,
        "KOMINKAN",
        Role.FACILITY_STAFF,
        ["中央公民館"],
    ),
    (
        "staff2",
        "佐藤 健一",
        "E10002",
        StaffKind.EMPLOYEE,
        "SPORTS",
        Role.FACILITY_STAFF,
        ["スポーツセンター"],
    ),
    ("chief1", "鈴木 一郎", "E10003", StaffKind.EMPLOYEE, "KOMINKAN", Role.SECTION_CHIEF, None),
    # The chiefs who confirm registrations at the other sections' facilities.
    ("chief2", "中村 直樹", "E10009", StaffKind.EMPLOYEE, "SPORTS", Role.SECTION_CHIEF, None),
    ("chief3", "小川 陽子", "E10010", StaffKind.EMPLOYEE, "KYODO", Role.SECTION_CHIEF, None),
    ("it1", "高橋 美咲", "E10004", StaffKind.EMPLOYEE, "JOHO", Role.IT_ADMIN, None),
    # A second IT administrator: the second person for chief and IT grants and HR's lists.
    ("it2", "木村 直樹", "E10007", StaffKind.EMPLOYEE, "JOHO", Role.IT_ADMIN, None),
    ("contractor1", "田中 誠", None, StaffKind.CONTRACTOR, "JOHO", Role.CONTRACTOR_OPERATOR, None),
    ("records1", "伊藤 由美", "E10005", StaffKind.EMPLOYEE, "SOMU", Role.RECORDS_OFFICER, None),
    ("auditor1", "渡辺 正", "E10006", StaffKind.EMPLOYEE, "SOMU", Role.AUDITOR, None),
]


def load_demo_staff() -> dict[str, int]:
    """One login per role (USERS) with its grant, then the IT section's extras; count the
    logins added."""
    refuse_in_production()
    sections = {s.code: s for s in db.session.scalars(select(Section))}
    facilities = {f.name: f for f in db.session.scalars(select(Facility))}
    added = 0
    password_hash = None
    for login, name, number, kind, code, role, facility_names in USERS:
        if db.session.scalar(select(StaffUser).filter_by(login=login)) is not None:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = StaffUser(
            login=login,
            name=name,
            employee_number=number,
            kind=kind,
            section=sections[code],
            valid_from=FISCAL_YEAR_START,
            password_hash=password_hash,
        )
        db.session.add(user)
        set_up_grant(
            user,
            role,
            sections[code],
            FISCAL_YEAR_START,
            facilities=[facilities[n] for n in facility_names or []],
        )
        added += 1
    db.session.flush()
    load_demo_staff_extras(password_hash or hash_password(DEMO_PASSWORD))
    return {"users": added}


def next_april_first(today: date) -> date:
    return date(today.year + (today.month >= 4), 4, 1)


def load_demo_staff_extras(password_hash: str) -> int:
    if db.session.scalar(select(ContractorCompany.id).limit(1)) is not None:
        return 0
    today = today_local()
    users = {u.login: u for u in db.session.scalars(select(StaffUser))}
    it = users["it1"]
    joho = db.session.scalar(select(Section).where(Section.code == "JOHO"))
    company = ContractorCompany(
        name="株式会社東村山システムサービス",
        privacy_mark_number="10820123(05)",
        privacy_mark_expires_on=today + relativedelta(years=2),
        contract_from=date(2026, 4, 1),
        contract_to=today + relativedelta(years=5),
    )
    sub = ContractorCompany(
        name="株式会社多摩データセンター",
        privacy_mark_number="10861234(02)",
        privacy_mark_expires_on=today + relativedelta(years=1),
        contract_from=date(2026, 4, 1),
        contract_to=today + relativedelta(years=5),
        parent=company,
        approved_on=date(2026, 4, 1),
        approval_scope="データセンターの設備運用（サーバ室の入退室管理）",
    )
    db.session.add_all([company, record_approval(sub, it)])
    contractor = users["contractor1"]
    contractor.contractor_company = company
    record_training(
        TrainingRecord(
            user=contractor,
            trained_on=today - timedelta(days=30),
            course="個人情報保護・情報セキュリティ研修",
        ),
        it,
    )
    # A contractor ID whose training lapsed (14 months ago): the stale report lists it.
    lapsed = StaffUser(
        login="contractor2",
        name="小林 翔",
        kind=StaffKind.CONTRACTOR,
        section=joho,
        contractor_company=company,
        valid_from=date(2025, 4, 1),
        password_hash=password_hash,
    )
    db.session.add(lapsed)
    set_up_grant(lapsed, Role.CONTRACTOR_OPERATOR, joho, date(2025, 4, 1))
    record_training(
        TrainingRecord(
            user=lapsed,
            trained_on=today - relativedelta(months=14),
            course="個人情報保護・情報セキュリティ研修",
        ),
        it,
    )
    # An ID nobody used for 200 days.
    stale = StaffUser(
        login="olduser1",
        name="加藤 浩",
        employee_number="E09001",
        section=joho,
        valid_from=date(2024, 4, 1),
        password_hash=password_hash,
        last_login_at=now_utc() - timedelta(days=200),
    )
    db.session.add(stale)
    set_up_grant(stale, Role.AUDITOR, joho, date(2024, 4, 1))
    db.session.flush()
    # staff2 moves to 富士見公民館 next April (registered in advance, from HR); the new grant
    # waits for chief1, the chief of 公民館, to approve it.
    if db.session.scalar(select(PersonnelTransfer.id).limit(1)) is None:
        kominkan = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
        fujimi = db.session.scalar(select(Facility).where(Facility.name == "富士見公民館"))
        register_transfer(
            users["staff2"],
            TransferKind.MOVE,
            next_april_first(today),
            actor=it,
            new_section=kominkan,
            new_role=Role.FACILITY_STAFF,
            facilities=[fujimi],
            note="4月1日付 人事異動（人事課通知）",
        )
    db.session.flush()
    return 1
