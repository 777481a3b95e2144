"""The public availability calendar 空き状況 residents see without logging in: one room, one
month, each day × part slot ○ free, × taken, 抽選 in a lottery, 休 closed or past.

Nothing about who booked ever reaches it: the holds are read as bare (unit, day, part slot)
keys by a query that selects no booking or registrant column (the back office's grid reads the
same holds, by the same conditions, with who holds them: models.reservation.grid). A closure
shows as 休 without its reason: the reason is free text staff write for staff.

Which months: from this month to the month of the facility's booking horizon (市内, the longer
one; models.reservation.rules.horizon).
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from admin_app.extensions import db
from models.organisation import Facility, Room
from models.reservation.booking import BookingHold
from models.reservation.closures import Closure, closures_of
from models.reservation.grid import (
    CellState,
    active_holds_in,
    holder_of,
    month_of,
    open_cell,
    rooms_of,
)
from models.reservation.lottery import lottery_cells
from models.reservation.rooms import Slot, family_of, part_slots, units_of

Key = tuple[int, date, str]  # (room id, day, part slot code)


class PublicState(enum.StrEnum):
    FREE = "free"  # ○
    TAKEN = "taken"  # × provisional or confirmed, whoever holds it
    LOTTERY = "lottery"  # 抽選 applications open, or drawn and first-come not open yet
    CLOSED = "closed"  # 休
    PAST = "past"  # －


@dataclass(frozen=True)
class MonthCalendar:
    room: Room
    month: date  # its first day
    days: list[date]
    slots: tuple[Slot, ...]  # the columns
    cells: dict[tuple[date, str], PublicState]
    previous: date | None  # the first day of the month before, when residents may see it
    next: date | None

    def cell(self, day: date, slot: Slot) -> PublicState:
        return self.cells[(day, slot.code)]


def taken(room_ids: list[int], first: date, last: date) -> set[Key]:
    """The (unit, day, part slot) keys held by an active booking: no column of the booking
    or of who made it is read."""
    rows = db.session.execute(
        select(BookingHold.room_id, BookingHold.day, BookingHold.slot).where(
            *active_holds_in(room_ids, first, last)
        )
    )
    return {(room_id, day, slot) for room_id, day, slot in rows}


def public_facilities() -> list[Facility]:
    """Facilities with rooms, in id order (the demo's order: 中央公民館 first)."""
    return list(
        db.session.scalars(select(Facility).where(Facility.rooms.any()).order_by(Facility.id))
    )


def facility_rooms(facility_id: int) -> list[Room]:
    """The facility's rooms, each whole followed by its parts (the back office's order)."""
    return rooms_of(facility_id)


def months_shown(facility: Facility, today: date) -> tuple[date, date]:
    """The first days of the first and the last month residents may look at."""
    first = today.replace(day=1)
    last = (today + relativedelta(months=facility.booking_months_ahead)).replace(day=1)
    return first, last


def month_calendar(room: Room, month: date, now: datetime) -> MonthCalendar | None:
    """`room`'s month (any day of it) as of `now` (naive Japan time); None when the month is
    outside what residents may see."""
    today = now.date()
    first_month, last_month = months_shown(room.facility, today)
    month = month.replace(day=1)
    if not first_month <= month <= last_month:
        return None
    days = month_of(month)
    units = [unit.id for unit in units_of(room)]
    family = family_of(room)
    # As mappings once, for the lookup the back office's grid uses (holder_of).
    holds = dict.fromkeys(taken(units, days[0], days[-1]), True)
    lottery = dict.fromkeys(lottery_cells([room.id, *units], days[0], days[-1], today), True)
    closures = closures_of(room.facility_id)
    slots = part_slots(room)
    cells: dict[tuple[date, str], PublicState] = {}
    for day in days:
        for slot in slots:
            cells[(day, slot.code)] = _state(
                holds, lottery, closures, room.id, units, family, day, slot, now
            )
    previous = month - relativedelta(months=1)
    following = month + relativedelta(months=1)
    return MonthCalendar(
        room,
        month,
        days,
        slots,
        cells,
        previous if previous >= first_month else None,
        following if following <= last_month else None,
    )


def _state(
    holds: dict[Key, bool],
    lottery: dict[Key, bool],
    closures: list[Closure],
    room_id: int,
    units: list[int],
    family: set[int],
    day: date,
    slot: Slot,
    now: datetime,
) -> PublicState:
    if holder_of(holds, units, day, slot):
        return PublicState.TAKEN
    state = open_cell(closures, family, day, slot, now).state
    if state == CellState.FREE and holder_of(lottery, [room_id, *units], day, slot):
        return PublicState.LOTTERY
    return _PUBLIC[state]


_PUBLIC = {
    CellState.FREE: PublicState.FREE,
    CellState.CLOSED: PublicState.CLOSED,
    CellState.PAST: PublicState.PAST,
}
