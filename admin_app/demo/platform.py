"""Demo data for the shared organisation: the sections, their facilities and rooms."""

from typing import TypeVar

from sqlalchemy import select

from admin_app.extensions import db
from models.organisation import Authority, EligibilityRule, Facility, Room, Section

M = TypeVar("M", bound=db.Model)

SECTIONS = [
    ("SOMU", "総務課", Authority.MAYOR),
    ("JOHO", "情報システム課", Authority.MAYOR),
    ("KYODO", "市民協働課", Authority.MAYOR),
    ("KOMINKAN", "公民館", Authority.BOARD_OF_EDUCATION),
    ("SPORTS", "市民スポーツ課", Authority.BOARD_OF_EDUCATION),
]

FACILITIES = [
    # section, name, kind, rule, address, phone, rooms (name, capacity)
    (
        "KOMINKAN",
        "中央公民館",
        "公民館",
        EligibilityRule.RESIDENTS_ONLY,
        "東村山市本町2丁目",
        "042-395-0001",
        [
            ("ホール", 300),
            ("第1会議室", 30),
            ("第2会議室", 24),
            ("視聴覚室", 60),
            ("調理実習室", 24),
            ("和室", 20),
        ],
    ),
    (
        "KOMINKAN",
        "萩山公民館",
        "公民館",
        EligibilityRule.RESIDENTS_ONLY,
        "東村山市萩山町",
        "042-395-0002",
        [("集会室", 50), ("和室", 15), ("工作室", 20)],
    ),
    (
        "KOMINKAN",
        "富士見公民館",
        "公民館",
        EligibilityRule.RESIDENTS_ONLY,
        "東村山市富士見町",
        "042-395-0003",
        [("講座室", 40), ("音楽室", 25), ("和室", 18)],
    ),
    (
        "KOMINKAN",
        "秋津公民館",
        "公民館",
        EligibilityRule.RESIDENTS_ONLY,
        "東村山市秋津町",
        "042-395-0004",
        [("集会室", 45), ("実習室", 20)],
    ),
    (
        "SPORTS",
        "スポーツセンター",
        "スポーツセンター",
        EligibilityRule.JOINT_USE,
        "東村山市久米川町",
        "042-395-0005",
        [
            ("第1体育室", 200),
            ("第2体育室", 100),
            ("卓球室", 40),
            ("トレーニング室", 30),
            ("柔道場", 40),
            ("剣道場", 40),
        ],
    ),
    (
        "KYODO",
        "本町集会所",
        "集会所",
        EligibilityRule.RESIDENTS_ONLY,
        "東村山市本町",
        "042-395-0006",
        [("集会室", 30)],
    ),
]

# One registration-number series per kind of facility.
PREFIX = {"公民館": "K", "スポーツセンター": "S", "集会所": "C"}


def _get_or_create(model: type[M], lookup: dict, **values: object) -> M:
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


def is_empty() -> bool:
    return db.session.scalar(select(Section.id).limit(1)) is None


def load_demo_organisation() -> dict[str, int]:
    """Create whatever sections, facilities and rooms are missing; count what was added."""
    added = {"sections": 0, "facilities": 0, "rooms": 0}
    sections: dict[str, Section] = {}
    for code, name, authority in SECTIONS:
        existed = db.session.scalar(select(Section).filter_by(code=code))
        sections[code] = existed or _get_or_create(
            Section, {"code": code}, name=name, authority=authority
        )
        added["sections"] += existed is None
    for code, name, kind, rule, address, phone, rooms in FACILITIES:
        existed = db.session.scalar(select(Facility).filter_by(name=name))
        facility = existed or _get_or_create(
            Facility,
            {"name": name},
            section=sections[code],
            kind=kind,
            eligibility_rule=rule,
            address=address,
            phone=phone,
            number_prefix=PREFIX[kind],
            individual_fee_by_age=kind == "スポーツセンター",
            group_min_in_city_percent=0 if rule == EligibilityRule.JOINT_USE else 50,
        )
        added["facilities"] += existed is None
        for room_name, capacity in rooms:
            if (
                db.session.scalar(select(Room).filter_by(facility_id=facility.id, name=room_name))
                is None
            ):
                db.session.add(Room(facility=facility, name=room_name, capacity=capacity))
                added["rooms"] += 1
    db.session.flush()
    return added
