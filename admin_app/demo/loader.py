"""Demo data for `flask demo-data`: a realistic, idempotent organisation and one login per role.

Loaded only when asked for (`make run` asks). The shared password is for demonstration only.
"""

from datetime import date

from sqlalchemy import select

from admin_app.demo.registrants import load_demo_notices, load_demo_registrants
from admin_app.demo.staff import load_demo_reviews, load_demo_staff_extras
from admin_app.demo.talent import load_demo_talent
from admin_app.extensions import db
from admin_app.security import hash_password
from models.organisation import Authority, EligibilityRule, Facility, Room, Section
from models.staff.accounts import Role, StaffKind, StaffUser
from models.staff.grants import set_up_grant

DEMO_PASSWORD = "demo-password-2026"
FISCAL_YEAR_START = date(2026, 4, 1)

SECTIONS = [
    ("SOMU", "総務課", Authority.MAYOR),
    ("JOHO", "情報システム課", Authority.MAYOR),
    ("KYODO", "市民協働課", Authority.MAYOR),
    ("KOMINKAN", "公民館", Authority.BOARD_OF_EDUCATION),
    ("SPORTS", "市民スポーツ課", Authority.BOARD_OF_EDUCATION),
]

FACILITIES = [
    # section, name, kind, rule, address, phone, rooms (name, capacity)
    ("KOMINKAN", "中央公民館", "公民館", EligibilityRule.RESIDENTS_ONLY, "東村山市本町2丁目",
     "042-395-0001", [("ホール", 300), ("第1会議室", 30), ("第2会議室", 24), ("視聴覚室", 60),
                      ("調理実習室", 24), ("和室", 20)]),
    ("KOMINKAN", "萩山公民館", "公民館", EligibilityRule.RESIDENTS_ONLY, "東村山市萩山町",
     "042-395-0002", [("集会室", 50), ("和室", 15), ("工作室", 20)]),
    ("KOMINKAN", "富士見公民館", "公民館", EligibilityRule.RESIDENTS_ONLY, "東村山市富士見町",
     "042-395-0003", [("講座室", 40), ("音楽室", 25), ("和室", 18)]),
    ("KOMINKAN", "秋津公民館", "公民館", EligibilityRule.RESIDENTS_ONLY, "東村山市秋津町",
     "042-395-0004", [("集会室", 45), ("実習室", 20)]),
    ("SPORTS", "スポーツセンター", "スポーツセンター", EligibilityRule.JOINT_USE,
     "東村山市久米川町", "042-395-0005",
     [("第1体育室", 200), ("第2体育室", 100), ("卓球室", 40), ("トレーニング室", 30),
      ("柔道場", 40), ("剣道場", 40)]),
    ("KYODO", "本町集会所", "集会所", EligibilityRule.RESIDENTS_ONLY, "東村山市本町",
     "042-395-0006", [("集会室", 30)]),
]

# One registration-number series per kind of facility.
PREFIX = {"公民館": "K", "スポーツセンター": "S", "集会所": "C"}

# login, name, employee number, kind, section, role, facilities (None = whole section)
USERS = [
    ("staff1", "山田 花子", "E10001", StaffKind.EMPLOYEE, "KOMINKAN", Role.FACILITY_STAFF,
     ["中央公民館"]),
    ("staff2", "佐藤 健一", "E10002", StaffKind.EMPLOYEE, "SPORTS", Role.FACILITY_STAFF,
     ["スポーツセンター"]),
    ("chief1", "鈴木 一郎", "E10003", StaffKind.EMPLOYEE, "KOMINKAN", Role.SECTION_CHIEF, None),
    # The chiefs who confirm registrations at the other sections' facilities.
    ("chief2", "中村 直樹", "E10009", StaffKind.EMPLOYEE, "SPORTS", Role.SECTION_CHIEF, None),
    ("chief3", "小川 陽子", "E10010", StaffKind.EMPLOYEE, "KYODO", Role.SECTION_CHIEF, None),
    ("it1", "高橋 美咲", "E10004", StaffKind.EMPLOYEE, "JOHO", Role.IT_ADMIN, None),
    # A second IT administrator: the second person for chief and IT grants and HR's lists.
    ("it2", "木村 直樹", "E10007", StaffKind.EMPLOYEE, "JOHO", Role.IT_ADMIN, None),
    ("contractor1", "田中 誠", None, StaffKind.CONTRACTOR, "JOHO", Role.CONTRACTOR_OPERATOR,
     None),
    ("records1", "伊藤 由美", "E10005", StaffKind.EMPLOYEE, "SOMU", Role.RECORDS_OFFICER, None),
    ("auditor1", "渡辺 正", "E10006", StaffKind.EMPLOYEE, "SOMU", Role.AUDITOR, None),
]


def _get_or_create(model, lookup: dict, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


def is_empty() -> bool:
    return db.session.scalar(select(Section.id).limit(1)) is None


def load_demo_data(with_registrants: bool = True) -> dict[str, int]:
    """Create whatever of the demo set is missing; return how many rows of each were added.
    Commits once, at the end (and confirm_notice's documented commit on the way)."""
    added = {"sections": 0, "facilities": 0, "rooms": 0, "users": 0, "registrants": 0}
    sections: dict[str, Section] = {}
    for code, name, authority in SECTIONS:
        existed = db.session.scalar(select(Section).filter_by(code=code))
        sections[code] = existed or _get_or_create(Section, {"code": code}, name=name,
                                                   authority=authority)
        added["sections"] += existed is None
    facilities: dict[str, Facility] = {}
    for code, name, kind, rule, address, phone, rooms in FACILITIES:
        existed = db.session.scalar(select(Facility).filter_by(name=name))
        facility = existed or _get_or_create(
            Facility, {"name": name}, section=sections[code], kind=kind, eligibility_rule=rule,
            address=address, phone=phone, number_prefix=PREFIX[kind],
            individual_fee_by_age=kind == "スポーツセンター",
            group_min_in_city_percent=0 if rule == EligibilityRule.JOINT_USE else 50)
        added["facilities"] += existed is None
        facilities[name] = facility
        for room_name, capacity in rooms:
            if db.session.scalar(select(Room).filter_by(facility_id=facility.id,
                                                        name=room_name)) is None:
                db.session.add(Room(facility=facility, name=room_name, capacity=capacity))
                added["rooms"] += 1
    password_hash = None
    for login, name, number, kind, code, role, facility_names in USERS:
        if db.session.scalar(select(StaffUser).filter_by(login=login)) is not None:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = StaffUser(login=login, name=name, employee_number=number, kind=kind,
                         section=sections[code], valid_from=FISCAL_YEAR_START,
                         password_hash=password_hash)
        db.session.add(user)
        set_up_grant(user, role, sections[code], FISCAL_YEAR_START,
                     facilities=[facilities[n] for n in facility_names or []])
        added["users"] += 1
    db.session.flush()
    load_demo_staff_extras(password_hash or hash_password(DEMO_PASSWORD))
    load_demo_reviews()
    if with_registrants:
        added["registrants"] = load_demo_registrants()
        added["change notices"] = load_demo_notices()
        added["talent-bank entries"] = load_demo_talent()
    db.session.commit()  # the one commit: the loaders above never commit
    return added
