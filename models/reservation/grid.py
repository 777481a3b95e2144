"""The availability grid 空き状況: a facility's rooms × days × part slots, each cell free,
provisional 仮予約, confirmed 本予約, closed 休 (with the reason) or past.

A cell of a room is held when any of its units holds the (day, part slot): the 全面 hall shows
the bookings of either half, a half shows the whole's. Two queries whatever the size: the
facility's rooms and the active holds of the period with who holds them (by room and day, on
the partial UNIQUE index of the holds); closures are a handful of rows read once.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from models.organisation import Facility, Room
from models.registration.registrant import Registrant
from models.reservation.booking import Booking, BookingHold, BookingState
from models.reservation.closures import Closure, closures_of, reason_in
from models.reservation.lottery import lottery_cells
from models.reservation.rooms import Slot, family_of, part_slots, units_of

WEEK_DAYS = 7
T = TypeVar("T")


class CellState(enum.StrEnum):
    FREE = "free"  # ○ bookable
    PROVISIONAL = "provisional"  # 仮 held, not paid yet
    CONFIRMED = "confirmed"  # 済 paid
    CLOSED = "closed"  # 休 with the reason
    LOTTERY = "lottery"  # 抽 in a lottery month: booked through the draw until first-come opens
    PAST = "past"  # － over


@dataclass(frozen=True)
class Holder:
    """What the grid shows of the booking that holds a cell (read as plain columns: a month
    holds hundreds, and whole Booking and Registrant rows cost ten times as much to load)."""

    id: int  # the booking's
    state: BookingState
    registration_number: str
    name: str | None  # None once erased


@dataclass(frozen=True)
class Cell:
    state: CellState
    booking: Holder | None = None
    reason: str | None = None  # why it is closed


@dataclass
class Grid:
    facility: Facility
    days: list[date]
    rooms: list[Room]
    columns: dict[int, tuple[Slot, ...]]  # room id → its part slots
    cells: dict[tuple[int, date, str], Cell] = field(default_factory=dict)

    def cell(self, room: Room, day: date, slot: Slot) -> Cell:
        return self.cells[(room.id, day, slot.code)]

    @property
    def first(self) -> date:
        return self.days[0]

    @property
    def last(self) -> date:
        return self.days[-1]


def week_of(day: date) -> list[date]:
    """Seven days from `day` (the grid's week starts on the day asked for)."""
    return [day + timedelta(days=i) for i in range(WEEK_DAYS)]


def month_of(day: date) -> list[date]:
    """Every day of `day`'s month."""
    first = day.replace(day=1)
    last = first + relativedelta(months=1) - timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def rooms_of(facility_id: int) -> list[Room]:
    """The facility's rooms in display order: each whole followed by its parts."""
    rooms = db.session.scalars(
        select(Room)
        .where(Room.facility_id == facility_id)
        .options(selectinload(Room.children))
        .order_by(Room.id)
    ).all()
    ordered: list[Room] = []

    def visit(room: Room) -> None:
        ordered.append(room)
        for child in sorted(room.children, key=lambda r: r.id):
            visit(child)

    for room in rooms:
        if room.parent_id is None:
            visit(room)
    return ordered


def active_holds_in(room_ids: list[int], first: date, last: date) -> list[ColumnElement[bool]]:
    """The conditions of the active holds of these rooms in first…last (the grid's and the
    public calendar's one definition of "taken"), read through uq_booking_hold_active (room_id,
    day, slot), so the cost follows the period, not the bookings the rooms ever had."""
    return [
        BookingHold.room_id.in_(room_ids),
        BookingHold.day.between(first, last),
        BookingHold.active,
    ]


def held(room_ids: list[int], first: date, last: date) -> dict[tuple[int, date, str], Holder]:
    """Active holds of these rooms (a facility's) in first…last: (unit id, day, part) →
    holder."""
    rows = db.session.execute(
        select(
            BookingHold.room_id,
            BookingHold.day,
            BookingHold.slot,
            Booking.id,
            Booking.state,
            Registrant.registration_number,
            Registrant.name,
        )
        .join(Booking, Booking.id == BookingHold.booking_id)
        .join(Registrant, Registrant.id == Booking.registrant_id)
        .where(*active_holds_in(room_ids, first, last))
    ).all()
    return {
        (room_id, day, slot): Holder(booking_id, state, number, name)
        for room_id, day, slot, booking_id, state, number, name in rows
    }


def grid_for(facility: Facility, days: list[date], now: datetime) -> Grid:
    """The grid of `facility` over `days` as of `now` (naive Japan time)."""
    rooms = rooms_of(facility.id)
    holds = held([room.id for room in rooms], days[0], days[-1])
    closures = closures_of(facility.id)
    lottery = lottery_cells([room.id for room in rooms], days[0], days[-1], now.date())
    grid = Grid(facility, days, rooms, {room.id: part_slots(room) for room in rooms})
    for room in rooms:
        units = [unit.id for unit in units_of(room)]
        family = family_of(room)
        for day in days:
            for slot in grid.columns[room.id]:
                cell = _cell(holds, closures, units, family, day, slot, now)
                if cell.state == CellState.FREE and (room.id, day, slot.code) in lottery:
                    cell = Cell(CellState.LOTTERY)
                grid.cells[(room.id, day, slot.code)] = cell
    return grid


def _cell(
    holds: dict[tuple[int, date, str], Holder],
    closures: list[Closure],
    units: list[int],
    family: set[int],
    day: date,
    slot: Slot,
    now: datetime,
) -> Cell:
    booking = holder_of(holds, units, day, slot)
    if booking is not None:
        state = (
            CellState.CONFIRMED
            if booking.state == BookingState.CONFIRMED
            else CellState.PROVISIONAL
        )
        return Cell(state, booking)
    return open_cell(closures, family, day, slot, now)


def holder_of(
    holds: Mapping[tuple[int, date, str], T], units: list[int], day: date, slot: Slot
) -> T | None:
    """What holds the cell: the hold of any of the room's units (the 全面 hall shows either
    half's booking, a half the whole's), or None."""
    for unit in units:
        found = holds.get((unit, day, slot.code))
        if found is not None:
            return found
    return None


def open_cell(
    closures: list[Closure], family: set[int], day: date, slot: Slot, now: datetime
) -> Cell:
    """A cell nothing holds: closed 休 (with the reason), past, or free."""
    reason = reason_in(closures, family, day, slot)
    if reason is not None:
        return Cell(CellState.CLOSED, reason=reason)
    if slot.starts_on(day) <= now:
        return Cell(CellState.PAST)
    return Cell(CellState.FREE)
