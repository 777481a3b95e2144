"""Demo data for the shared organisation: the sections, their facilities and rooms."""

from typing import TypeVar

from sqlalchemy import select

from admin_app.extensions import db
from models.organisation import Authority, EligibilityRule, Facility, Room, Section, SlotPattern
from models.registration.school import FeeTier
from models.reservation.fees import HOUR, RoomFee

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

# A divided hall 多目的ホール: the whole (全面) and its two halves, booked apart or together.
DIVIDED_HALL = (
    "中央公民館",
    ("多目的ホール（全面）", 120),
    [("多目的ホール 半面A", 60), ("多目的ホール 半面B", 60)],
)
# Rooms booked by the hour (9:00–21:00); every other room by 午前 / 午後 / 夜間.
HOURLY_ROOMS = {("スポーツセンター", "卓球室"), ("スポーツセンター", "トレーニング室")}
TIER_PERCENT = {FeeTier.ADULT: 100, FeeTier.STUDENT: 50, FeeTier.CHILD: 30}


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
            added["rooms"] += _add_room(facility, room_name, capacity) is not None
    added["rooms"] += _add_divided_hall()
    db.session.flush()
    return added


def _add_room(
    facility: Facility, name: str, capacity: int, parent: Room | None = None
) -> Room | None:
    """A room with its slot pattern and fee table, unless it exists; returns the new room."""
    if db.session.scalar(select(Room).filter_by(facility_id=facility.id, name=name)):
        return None
    hourly = (facility.name, name) in HOURLY_ROOMS
    room = Room(
        facility=facility,
        name=name,
        capacity=capacity,
        parent=parent,
        slot_pattern=SlotPattern.HOURLY if hourly else SlotPattern.STANDARD,
    )
    db.session.add(room)
    for slot, amount in demo_fees(capacity, hourly).items():
        for tier, percent in TIER_PERCENT.items():
            db.session.add(
                RoomFee(room=room, slot=slot, tier=tier, amount=amount * percent // 1000 * 10)
            )
    return room


def demo_fees(capacity: int, hourly: bool) -> dict[str, int]:
    """A plausible 一般 fee table (yen) by the room's size; 全日 a little below its parts."""
    unit = 200 + capacity * 10
    if hourly:
        return {HOUR: unit}
    am, pm, night = unit * 3, unit * 4, unit * 4
    return {"am": am, "pm": pm, "night": night, "all_day": (am + pm + night) * 9 // 10}


def _add_divided_hall() -> int:
    facility_name, (whole_name, whole_capacity), halves = DIVIDED_HALL
    facility = db.session.scalar(select(Facility).filter_by(name=facility_name))
    whole = _add_room(facility, whole_name, whole_capacity)
    if whole is None:
        return 0
    for name, capacity in halves:
        _add_room(facility, name, capacity, parent=whole)
    return 1 + len(halves)
