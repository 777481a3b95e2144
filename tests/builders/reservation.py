"""Reservation builders: rooms, fees and bookings through the domain rules (inside an app
context; the demo organisation loaded: 中央公民館 with its divided 多目的ホール, スポーツセンター
with hourly rooms)."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from admin_app.extensions import db
from models import (
    Booking,
    BookingHold,
    Closure,
    EligibilityBasis,
    Facility,
    Registrant,
    Room,
    StaffUser,
)
from models.clock import JST, now_utc, today_local
from models.registration.school import FeeTier
from models.registration.trail import confirm_registration
from models.reservation.fees import set_fee
from models.reservation.rules import book
from models.staff.access import access_of
from tests.builders.registration import make_registrant

HALL, HALF_A, HALF_B = "多目的ホール（全面）", "多目的ホール 半面A", "多目的ホール 半面B"
PURPOSE = "合唱の練習"


def room(name: str, facility_name: str = "中央公民館") -> Room:
    return db.session.scalar(
        select(Room).join(Room.facility).where(Room.name == name, Facility.name == facility_name)
    )


def staff(login: str = "staff1") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.login == login))


def registrant(registrant_id: int) -> Registrant:
    return db.session.get(Registrant, registrant_id)


def soon(days: int = 10) -> date:
    """A day ahead of today (Japan), within every horizon."""
    return today_local() + timedelta(days=days)


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The first day with this weekday (0 = Monday) after `after` (default: tomorrow on)."""
    day = (after or today_local()) + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, hour: int = 10) -> datetime:
    """An aware moment in Japan on a day."""
    return datetime.combine(day, time(hour), JST)


def set_fees(room_: Room, amounts: dict[str, int], tier: FeeTier = FeeTier.ADULT) -> None:
    for slot, amount in amounts.items():
        set_fee(room_, slot, tier, amount)
    db.session.commit()


def make_booker(
    facility_name: str = "中央公民館", kind: str = "group", *, non_resident: bool = False, **fields
) -> int:
    """A confirmed, current registrant of the facility (市外 when non_resident); its id."""
    if not non_resident:
        return make_registrant(facility_name, kind, **fields)
    rid = make_registrant(facility_name, kind, confirmed=False, **fields)
    entry = registrant(rid)
    entry.eligibility_checks[0].basis = EligibilityBasis.JOINT_USE
    chief = next(
        u
        for u in db.session.scalars(select(StaffUser).order_by(StaffUser.id))
        if access_of(u).may_confirm_for(entry.facility.section_id)
    )
    confirm_registration(entry, chief, now=at(entry.registered_on, 12))
    db.session.commit()
    return rid


def make_booking(
    registrant_id: int,
    room_name: str = "第1会議室",
    day: date | None = None,
    slot: str = "am",
    *,
    facility_name: str = "中央公民館",
    by: str = "staff1",
    people: int = 10,
    purpose: str = PURPOSE,
    now: datetime | None = None,
    **options,
) -> int:
    """A booking through rules.book, committed; its id."""
    booking = book(
        registrant(registrant_id),
        room(room_name, facility_name),
        day or soon(),
        slot,
        people=people,
        purpose=purpose,
        by=staff(by),
        now=now or now_utc(),
        **options,
    )
    db.session.commit()
    return booking.id


def counts() -> tuple[int, int, int]:
    """Rows of bookings, of their holds, and of active holds."""
    return (
        db.session.scalar(select(func.count()).select_from(Booking)),
        db.session.scalar(select(func.count()).select_from(BookingHold)),
        db.session.scalar(select(func.count()).select_from(BookingHold).where(BookingHold.active)),
    )


def closures() -> int:
    return db.session.scalar(select(func.count()).select_from(Closure))
