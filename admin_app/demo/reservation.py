"""Demo reservations: closed days at two facilities, and a month of bookings from tomorrow
at 中央公民館 (with its divided 多目的ホール) and スポーツセンター (with hourly rooms), in every
state — provisional, confirmed (paid or 減免 to zero), cancelled with a refund, expired
unpaid — all made at the counter through the booking rules (models.reservation.rules).

The last PAST_DAYS days have bookings too (for the occupancy report 利用状況): each made
through the same rules as of a moment ten days before its day (`now`), mostly paid, a few
cancelled, the rest expired unpaid by the daily job."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from admin_app.demo.lottery import load_demo_lotteries
from admin_app.extensions import db
from models.clock import JST, now_utc, today_local
from models.organisation import Facility, Room, SlotPattern
from models.registration.registrant import Registrant, RegistrantStatus
from models.reservation.booking import Booking, BookingState
from models.reservation.closures import Closure, ClosureKind, add_closure
from models.reservation.fees import Reduction
from models.reservation.rooms import hourly_run
from models.reservation.rules import BookingError, book, cancel, expire_unpaid, record_payment
from models.staff.accounts import StaffUser

SEED = 2028
DAYS = 30
PAST_DAYS = 75  # the two or three months before today
# facility, the clerk at its counter, bookings tried per day
COUNTERS = (("中央公民館", "staff1", 5), ("スポーツセンター", "staff2", 4))
PURPOSES = [
    "定例練習",
    "月例会",
    "発表会のリハーサル",
    "総会",
    "講座",
    "役員会",
    "交流会",
    "作品展の準備",
    "初心者教室",
    "合同練習",
]
STANDARD_SLOTS = ["am", "am", "pm", "pm", "night", "night", "am_pm", "all_day"]
CANCEL_REASONS = ["利用者の都合", "行事の中止", "日程の変更"]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), JST)


def load_demo_closures(today: date, by: StaffUser) -> int:
    """Closed days: Mondays and the year end at 中央公民館 (and works on half B of the hall),
    the 3rd Wednesday and the year end at スポーツセンター."""
    if db.session.scalar(select(func.count()).select_from(Closure)):
        return 0
    central = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
    sports = db.session.scalar(select(Facility).where(Facility.name == "スポーツセンター"))
    year_end = {
        "starts_on": date(today.year, 12, 28),
        "ends_on": date(today.year + 1, 1, 4),
        "yearly": True,
    }
    add_closure(central, ClosureKind.WEEKLY, "休館日（毎週月曜日）", by=by, weekday=0)
    add_closure(central, ClosureKind.PERIOD, "年末年始の休館", by=by, **year_end)
    half_b = db.session.scalar(
        select(Room).where(Room.facility_id == central.id, Room.name == "多目的ホール 半面B")
    )
    if half_b is not None:
        add_closure(
            central,
            ClosureKind.WORKS,
            "床の改修工事",
            by=by,
            room=half_b,
            starts_on=today + timedelta(days=12),
            ends_on=today + timedelta(days=15),
        )
    add_closure(sports, ClosureKind.MONTHLY, "休館日（第3水曜日）", by=by, weekday=2, nth=3)
    add_closure(sports, ClosureKind.PERIOD, "年末年始の休館", by=by, **year_end)
    return 5 if half_b is not None else 4


def _slot(rng: random.Random, room: Room) -> str:
    if room.slot_pattern == SlotPattern.HOURLY:
        first = rng.randrange(9, 19)
        return hourly_run(first, first + rng.choice((1, 2, 2, 3)))
    return rng.choice(STANDARD_SLOTS)


def _bookers(facility: Facility, today: date) -> list[Registrant]:
    return list(
        db.session.scalars(
            select(Registrant)
            .where(
                Registrant.facility_id == facility.id,
                Registrant.status == RegistrantStatus.ACTIVE,
                Registrant.expires_on > today + timedelta(days=DAYS + 5),
            )
            .order_by(Registrant.id)
            .limit(40)
        )
    )


def _try(
    registrant: Registrant,
    room: Room,
    day: date,
    slot: str,
    rng: random.Random,
    clerk: StaffUser,
    now: datetime,
    reduction: Reduction | None = None,
) -> Booking | None:
    try:
        return book(
            registrant,
            room,
            day,
            slot,
            people=max(1, room.capacity // rng.choice((2, 3, 4))),
            purpose=rng.choice(PURPOSES),
            admission=rng.random() < 0.05,
            reduction=reduction,
            by=clerk,
            now=now,
        )
    except BookingError:  # closed, taken, over the cap: the counter would try another
        return None


def _book_month(
    facility: Facility,
    clerk: StaffUser,
    per_day: int,
    rng: random.Random,
    today: date,
    now: datetime,
) -> list[Booking]:
    registrants = _bookers(facility, today)
    rooms = [r for r in facility.rooms if not r.parent_id]  # halves are booked below
    halves = [r for r in facility.rooms if r.parent_id]
    made: list[Booking] = []
    if not registrants:
        return made
    for offset in range(1, DAYS + 1):
        day = today + timedelta(days=offset)
        for _ in range(per_day):
            room = rng.choice(rooms + halves)
            booking = _try(
                rng.choice(registrants),
                room,
                day,
                _slot(rng, room),
                rng,
                clerk,
                now,
                Reduction.SOCIAL_EDUCATION if rng.random() < 0.1 else None,
            )
            if booking is not None:
                made.append(booking)
    # Unpaid from a fortnight ago: the daily job expires them.
    for offset in (2, 4, 6):
        room = rng.choice(rooms)
        _try(
            rng.choice(registrants),
            room,
            today + timedelta(days=offset),
            _slot(rng, room),
            rng,
            clerk,
            _at(today - timedelta(days=14), 10),
        )
    return made


def _book_past(
    facility: Facility, clerk: StaffUser, per_day: int, rng: random.Random, today: date
) -> None:
    """Bookings of the last PAST_DAYS days, each made, paid or cancelled as of moments before
    its day (the rules refuse a day already past)."""
    registrants = _bookers(facility, today)
    rooms = list(facility.rooms)
    if not registrants:
        return
    for offset in range(PAST_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        made_at = _at(day - timedelta(days=10), 10)
        for _ in range(per_day):
            room = rng.choice(rooms)
            booking = _try(
                rng.choice(registrants),
                room,
                day,
                _slot(rng, room),
                rng,
                clerk,
                made_at,
                Reduction.DISABILITY_GROUP if rng.random() < 0.08 else None,
            )
            if booking is None or booking.state != BookingState.PROVISIONAL:
                continue
            chance = rng.random()
            if chance < 0.8:
                record_payment(booking, by=clerk, now=_at(day - timedelta(days=5), 11))
            elif chance < 0.88:
                cancel(booking, rng.choice(CANCEL_REASONS), by=clerk, now=made_at)
            elif chance < 0.91:
                cancel(booking, "台風接近による臨時休館", by=clerk, now=made_at, by_city=True)
            # else left unpaid: expire_unpaid below expires it


def load_demo_reservations() -> dict[str, int]:
    """Add closures and a month of bookings unless bookings exist; count what was added.
    Never commits: the demo loader does."""
    if db.session.scalar(select(func.count()).select_from(Booking)):
        return {"closures": 0, "bookings": 0, "lottery applications": 0}
    rng, today, now = random.Random(SEED), today_local(), now_utc()
    past_rng = random.Random(SEED + 1)  # its own: the month ahead stays as it was
    clerks = {u.login: u for u in db.session.scalars(select(StaffUser))}
    if not all(login in clerks for _, login, _ in COUNTERS):
        return {"closures": 0, "bookings": 0, "lottery applications": 0}
    closures = load_demo_closures(today, clerks["chief1"])
    for name, login, per_day in COUNTERS:
        facility = db.session.scalar(select(Facility).where(Facility.name == name))
        clerk = clerks[login]
        _book_past(facility, clerk, per_day, past_rng, today)
        made = _book_month(facility, clerk, per_day, rng, today, now)
        for booking in made:
            if booking.state == BookingState.PROVISIONAL and rng.random() < 0.5:
                record_payment(booking, by=clerk, now=now)
        for booking in made[3::9]:
            cancel(booking, rng.choice(CANCEL_REASONS), by=clerk, now=now)
        for booking in made[5::40]:
            if booking.is_active:
                cancel(booking, "台風接近による臨時休館", by=clerk, now=now, by_city=True)
    expire_unpaid(today, now)
    applications = load_demo_lotteries(today, rng)
    db.session.flush()
    return {
        "closures": closures,
        "bookings": db.session.scalar(select(func.count()).select_from(Booking)),
        "lottery applications": applications,
    }
