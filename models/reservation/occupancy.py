"""Occupancy 利用状況 of a facility's rooms, per month: part slots available against part
slots booked, by resident category (市内/市外) and fee tier, 減免 granted, and cancellations.

The rules (what each figure counts):

- A *cell* is one (room, day, part slot): 午前/午後/夜間 of a standard room, one hour of an
  hourly room. A cell is **available** when no closure closes it — the same rule as booking
  and the grid (closures.reason_in over family_of(room): a closure of 半面B closes the 全面
  hall too, one of the hall closes its halves). Past cells count: this is a record of use.
- **Booked** part slots of a room are the part slots of its provisional and confirmed
  bookings: a 全日 booking counts 3, 午前・午後 2, an hourly run "h10-12" 2. A booking counts
  once, on the room it booked: a 全面 booking counts for the hall and not for its halves, a
  半面A booking for 半面A and not for the hall.
- The **facility line** measures floor time, so that a divided hall is not counted twice:
  its available cells are those of the *units* (leaf rooms: the halves, not the 全面 hall,
  plus every undivided room) and its booked cells are the active holds on them
  (BookingHold: a 全面 全日 booking holds 3 part slots × 2 halves = 6 unit cells of 6).
  Its other figures (市内/市外, tiers, 減免, cancellations) are the sums of the rooms' rows,
  each booking once.
- 市内/市外 and the tier are those stored on the booking when it was made (Booking.non_resident,
  Booking.tier), counted in booked part slots.
- **減免**: active bookings with a reduction. The yen granted is exact from the stored columns:
  the fee the booking would have cost without 減免 — table_fee × 市外 % × admission %, rounded
  down to 10 yen, as fees.compute does with 0 % — minus the fee charged.
- **Cancellations** by the month of the day of use, in bookings: by staff (取消), by the city
  (closure, disaster: Booking.cancelled_by_city), expired unpaid (the daily job).

Figures come from one grouped query on the bookings of the period (ix_booking_facility_day)
and one on the active holds of the facility's units; closures are a handful of rows read once
and checked per day (per slot only on a day some closure touches).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, extract, func, select

from admin_app.extensions import db
from models.errors import InputError
from models.organisation import Facility, Room
from models.registration.school import FeeTier
from models.reservation.booking import ACTIVE_STATES, Booking, BookingHold, BookingState
from models.reservation.closures import Closure, closures_of, reason_in
from models.reservation.grid import rooms_of
from models.reservation.rooms import any_slot, family_of, part_slots

MONTHS_MAX = 24  # a report covers at most two years
BAD_MONTH = _l("Enter a month as YYYY-MM.")
TOO_LONG = _l("Choose at most %(n)s months.", n=MONTHS_MAX)
BACKWARDS = _l("The last month cannot be before the first month.")


@dataclass
class Figures:
    """One room (or the facility) in one month."""

    available: int = 0  # open part slots
    closed: int = 0  # part slots closed
    booked: int = 0  # part slots of provisional + confirmed bookings
    provisional: int = 0
    confirmed: int = 0
    resident: int = 0  # booked part slots, 市内
    non_resident: int = 0  # booked part slots, 市外
    by_tier: dict[FeeTier, int] = field(default_factory=lambda: dict.fromkeys(FeeTier, 0))
    bookings: int = 0  # active bookings
    reduced: int = 0  # active bookings with 減免
    reduced_yen: int = 0  # yen granted
    cancelled_by_staff: int = 0
    cancelled_by_city: int = 0
    expired: int = 0

    @property
    def rate(self) -> float | None:
        """Booked part slots per available one, in percent (None when nothing was open)."""
        return round(100 * self.booked / self.available, 1) if self.available else None


@dataclass
class Occupancy:
    facility: Facility
    months: list[date]  # first days, in order
    rooms: list[Room]  # display order: each whole followed by its parts
    rows: dict[tuple[int, date], Figures]  # (room id, month) → figures
    totals: dict[date, Figures]  # month → the facility line (floor time, see the module)

    def row(self, room: Room, month: date) -> Figures:
        return self.rows[(room.id, month)]


def parse_month(text: str | None) -> date | None:
    """ "2026-10" → date(2026, 10, 1); None when absent; InputError (field "month") when not a
    month."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        if not 2000 <= year <= 2100 or len(text) != 7:
            raise ValueError
        return date(year, month, 1)
    except ValueError:
        raise InputError(BAD_MONTH, field="month") from None


def months_between(first: date, last: date) -> list[date]:
    """The first days of first's month … last's month; InputError when backwards or too long."""
    first, last = first.replace(day=1), last.replace(day=1)
    if last < first:
        raise InputError(BACKWARDS, field="last")
    months = []
    month = first
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    if len(months) > MONTHS_MAX:
        raise InputError(TOO_LONG, field="last")
    return months


def occupancy(facility: Facility, months: list[date]) -> Occupancy:
    """The figures of every room of `facility` in each of `months` (first days, in order)."""
    rooms = rooms_of(facility.id)
    first, end = months[0], months[-1] + relativedelta(months=1)
    rows = {(room.id, month): Figures() for room in rooms for month in months}
    totals = {month: Figures() for month in months}
    _count_cells(rooms, closures_of(facility.id), first, end, rows, totals)
    _count_bookings(facility.id, first, end, rows, totals)
    _count_unit_holds([r.id for r in rooms if not r.children], first, end, totals)
    return Occupancy(facility, months, rooms, rows, totals)


def _count_cells(
    rooms: list[Room],
    closures: list[Closure],
    first: date,
    end: date,
    rows: dict[tuple[int, date], Figures],
    totals: dict[date, Figures],
) -> None:
    """Available and closed part slots of every room; the units' add up to the facility's."""
    days = [first + timedelta(days=n) for n in range((end - first).days)]
    for room in rooms:
        family, slots = family_of(room), part_slots(room)
        for day in days:
            figures = rows[(room.id, day.replace(day=1))]
            closed = 0
            if reason_in(closures, family, day, None) is not None:  # some closure, some slot
                closed = sum(1 for s in slots if reason_in(closures, family, day, s) is not None)
            figures.closed += closed
            figures.available += len(slots) - closed
            if not room.children:
                totals[day.replace(day=1)].available += len(slots) - closed
                totals[day.replace(day=1)].closed += closed


def full_fee() -> ColumnElement[int]:
    """The fee without 減免, in SQL (fees.compute with 0 %: × 市外 % × admission %, rounded down
    to 10 yen); BIGINT, as yen × two percents overflow a 32-bit integer."""
    exact = (
        cast(Booking.table_fee, BigInteger)
        * Booking.non_resident_percent
        * Booking.admission_percent
        // 10_000
    )
    return exact // 10 * 10  # floor division in SQL on both databases, never a fraction


def _count_bookings(
    facility_id: int,
    first: date,
    end: date,
    rows: dict[tuple[int, date], Figures],
    totals: dict[date, Figures],
) -> None:
    """One grouped query over the period's bookings; the part slots per slot code in Python
    (rooms.any_slot is the one reader of slot codes)."""
    year, month = extract("year", Booking.day), extract("month", Booking.day)
    reduced = Booking.reduction.is_not(None)
    query = (
        select(
            Booking.room_id,
            year,
            month,
            Booking.slot,
            Booking.state,
            Booking.non_resident,
            Booking.tier,
            Booking.cancelled_by_city,
            func.count(),
            func.count(case((reduced, 1))),
            func.coalesce(func.sum(case((reduced, full_fee() - Booking.fee), else_=0)), 0),
        )
        .where(Booking.facility_id == facility_id, Booking.day >= first, Booking.day < end)
        .group_by(
            Booking.room_id,
            year,
            month,
            Booking.slot,
            Booking.state,
            Booking.non_resident,
            Booking.tier,
            Booking.cancelled_by_city,
        )
    )
    for (
        room_id,
        y,
        m,
        slot,
        state,
        non_resident,
        tier,
        by_city,
        n,
        n_reduced,
        yen,
    ) in db.session.execute(query).all():
        month_ = date(int(y), int(m), 1)
        figures = rows.get((room_id, month_))
        if figures is None:  # a room no longer the facility's: not one of its rows
            continue
        _add(figures, slot, BookingState(state), non_resident, tier, by_city, n)
        if BookingState(state) in ACTIVE_STATES:
            figures.reduced += n_reduced
            figures.reduced_yen += int(yen)
    for (_, month_), figures in rows.items():
        _sum_categories(totals[month_], figures)


def _sum_categories(total: Figures, row: Figures) -> None:
    """The facility line's categories: the rooms' sums (its booked cells are the units')."""
    for name in ("resident", "non_resident", "bookings", "reduced", "reduced_yen"):
        setattr(total, name, getattr(total, name) + getattr(row, name))
    for name in ("cancelled_by_staff", "cancelled_by_city", "expired"):
        setattr(total, name, getattr(total, name) + getattr(row, name))
    for tier, parts in row.by_tier.items():
        total.by_tier[tier] += parts


def _add(
    figures: Figures,
    slot: str,
    state: BookingState,
    non_resident: bool,
    tier: FeeTier,
    by_city: bool,
    n: int,
) -> None:
    if state == BookingState.EXPIRED:
        figures.expired += n
        return
    if state == BookingState.CANCELLED:
        if by_city:
            figures.cancelled_by_city += n
        else:
            figures.cancelled_by_staff += n
        return
    parts = n * _parts(slot)
    figures.bookings += n
    figures.booked += parts
    if state == BookingState.CONFIRMED:
        figures.confirmed += parts
    else:
        figures.provisional += parts
    if non_resident:
        figures.non_resident += parts
    else:
        figures.resident += parts
    figures.by_tier[FeeTier(tier)] += parts


def _parts(code: str) -> int:
    try:
        return len(any_slot(code).part_slots)
    except InputError:  # a code no pattern knows (never stored by book()): one slot
        return 1


def _count_unit_holds(
    unit_ids: list[int], first: date, end: date, totals: dict[date, Figures]
) -> None:
    """The facility line's booked cells: active holds on its units, by month and state."""
    if not unit_ids:
        return
    year, month = extract("year", BookingHold.day), extract("month", BookingHold.day)
    query = (
        select(year, month, Booking.state, func.count())
        .select_from(BookingHold)
        .join(Booking, Booking.id == BookingHold.booking_id)
        .where(
            and_(
                BookingHold.room_id.in_(unit_ids),
                BookingHold.day >= first,
                BookingHold.day < end,
                BookingHold.active,
            )
        )
        .group_by(year, month, Booking.state)
    )
    for y, m, state, n in db.session.execute(query).all():
        figures = totals[date(int(y), int(m), 1)]
        figures.booked += n
        if BookingState(state) == BookingState.CONFIRMED:
            figures.confirmed += n
        else:
            figures.provisional += n
