"""A room's slots 利用区分 and its parts.

Standard rooms (the facility default) have three part slots — 午前 9:00–12:00, 午後
13:00–17:00, 夜間 18:00–21:00 — and two combined slots that book their parts: 午前・午後
(9:00–17:00) and 全日 (9:00–21:00). Hourly rooms are booked by the hour from 9:00 to 21:00:
part slots "h09" … "h20" (one hour each) and runs "h10-12" (10:00–12:00, parts h10 and h11).

A *unit* is a leaf room. Booking a room holds one row per (unit, day, part slot): a 全面 hall
holds the rows of 半面A and 半面B, so one UNIQUE index on those rows keeps the whole and its
halves apart (models.reservation.booking.BookingHold).
"""

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from models.errors import InputError
from models.organisation import Room, SlotPattern

OPENS, CLOSES = 9, 21  # hourly rooms: the first and the last hour


class StandardSlot(enum.StrEnum):
    """The slots of a standard room (labels: views/labels/reservation.py)."""

    AM = "am"  # 午前 9:00–12:00
    PM = "pm"  # 午後 13:00–17:00
    NIGHT = "night"  # 夜間 18:00–21:00
    AM_PM = "am_pm"  # 午前・午後 9:00–17:00 (books 午前 and 午後)
    ALL_DAY = "all_day"  # 全日 9:00–21:00 (books 午前, 午後 and 夜間)


@dataclass(frozen=True)
class Slot:
    """A bookable slot: its code, its span, and the part slots it holds."""

    code: str
    start: time
    end: time
    parts: tuple["Slot", ...] = ()  # empty for a part slot itself

    @property
    def part_slots(self) -> tuple["Slot", ...]:
        return self.parts or (self,)

    @property
    def is_part(self) -> bool:
        return not self.parts

    @property
    def span(self) -> str:
        """ "9:00–12:00" (the same in every language)."""
        return f"{self.start.hour}:{self.start.minute:02d}–{self.end.hour}:{self.end.minute:02d}"

    def starts_on(self, day: date) -> datetime:
        """Naive local (Japan) start, as the hold rows store it."""
        return datetime.combine(day, self.start)

    def ends_on(self, day: date) -> datetime:
        return datetime.combine(day, self.end)


_AM = Slot(StandardSlot.AM.value, time(9), time(12))
_PM = Slot(StandardSlot.PM.value, time(13), time(17))
_NIGHT = Slot(StandardSlot.NIGHT.value, time(18), time(21))
STANDARD_SLOTS: tuple[Slot, ...] = (
    _AM,
    _PM,
    _NIGHT,
    Slot(StandardSlot.AM_PM.value, time(9), time(17), (_AM, _PM)),
    Slot(StandardSlot.ALL_DAY.value, time(9), time(21), (_AM, _PM, _NIGHT)),
)
HOURLY_PARTS: tuple[Slot, ...] = tuple(
    Slot(f"h{h:02d}", time(h), time(h + 1)) for h in range(OPENS, CLOSES)
)
_HOURLY = {s.code: s for s in HOURLY_PARTS}
_STANDARD = {s.code: s for s in STANDARD_SLOTS}
_RUN = re.compile(r"h(\d{2})-(\d{2})")

UNKNOWN_SLOT = _l("This slot does not exist for this room.")


def part_slots(room: Room) -> tuple[Slot, ...]:
    """The part slots of a room, in time order (the grid's columns)."""
    return HOURLY_PARTS if room.slot_pattern == SlotPattern.HOURLY else STANDARD_SLOTS[:3]


def slots_of(room: Room) -> tuple[Slot, ...]:
    """Every slot offered for booking: the parts, then the combined slots (standard rooms)."""
    return HOURLY_PARTS if room.slot_pattern == SlotPattern.HOURLY else STANDARD_SLOTS


def slot_of(room: Room, code: str) -> Slot:
    """The slot of this room with this code ("am", "all_day", "h10", "h10-12"); InputError
    (field "slot") for a code the room does not have."""
    if room.slot_pattern != SlotPattern.HOURLY:
        if code in _STANDARD:
            return _STANDARD[code]
        raise InputError(UNKNOWN_SLOT, field="slot")
    return _hourly(code)


def any_slot(code: str) -> Slot:
    """The slot a code names in either pattern (for showing a stored code); InputError when
    it names none."""
    return _STANDARD[code] if code in _STANDARD else _hourly(code)


def _hourly(code: str) -> Slot:
    if code in _HOURLY:
        return _HOURLY[code]
    match = _RUN.fullmatch(code or "")
    if match:
        first, end = int(match.group(1)), int(match.group(2))
        if OPENS <= first < end <= CLOSES:
            if end == first + 1:
                return _HOURLY[f"h{first:02d}"]
            parts = tuple(_HOURLY[f"h{h:02d}"] for h in range(first, end))
            return Slot(f"h{first:02d}-{end:02d}", time(first), time(end), parts)
    raise InputError(UNKNOWN_SLOT, field="slot")


def hourly_run(first: int, end: int) -> str:
    """The code of an hourly run, e.g. hourly_run(10, 12) == "h10-12"."""
    return f"h{first:02d}" if end == first + 1 else f"h{first:02d}-{end:02d}"


def units_of(room: Room) -> list[Room]:
    """The leaf rooms a booking of `room` holds: itself, or its parts' units (in id order)."""
    if not room.children:
        return [room]
    return [unit for child in room.children for unit in units_of(child)]


def ancestors_of(room: Room) -> list[Room]:
    """The rooms `room` is a part of (its parent, the parent's parent …)."""
    found = []
    while room.parent is not None:
        room = room.parent
        found.append(room)
    return found


def family_of(room: Room) -> set[int]:
    """Ids of every room whose booking or closure touches this one: the room, its units and
    everything in between, and the rooms it is part of."""
    ids = {room.id} | {r.id for r in ancestors_of(room)}
    stack = list(room.children)
    while stack:
        child = stack.pop()
        ids.add(child.id)
        stack.extend(child.children)
    return ids


# --- setting rooms up: a room's parent (the checks the screens and the flush guard share) -----

NOT_ITSELF = _l("A room cannot be a part of itself.")
SAME_FACILITY = _l("Choose a room of the same facility.")
NO_CYCLE = _l("This room cannot be a part of one of its own parts.")
SAME_PATTERN = _l(
    "A part is booked by the slots of the room it divides: choose a room with the same "
    "slot pattern."
)
MAX_DEPTH = 20  # deeper than any real division; stops a walk over a cycle already stored


def facility_key(room: Room) -> object:
    """What identifies a room's facility before and after a flush: its id, or the pending
    facility itself (the relationship wins when both were set, the id when only it was)."""
    state = inspect(room)
    if state.attrs.facility_id.history.added and not state.attrs.facility.history.added:
        return room.facility_id
    facility = room.facility
    if facility is None:
        return room.facility_id
    return facility.id if facility.id is not None else facility


def parent_problem(
    parent: Room | None, *, room: Room | None, facility: object, pattern: SlotPattern | str
) -> InputError | None:
    """Why `parent` cannot be the room `room` is a part of (InputError, field "parent"), or
    None. `room` is None for a room not created yet; `facility` is facility_key(room) (or the
    chosen facility's id); `pattern` the room's slot pattern."""
    if parent is None:
        return None
    if room is not None and parent is room:
        return InputError(NOT_ITSELF, field="parent")
    if facility_key(parent) != facility:
        return InputError(SAME_FACILITY, field="parent")
    above: Room | None = parent
    for _ in range(MAX_DEPTH):
        above = above.parent
        if above is None:
            break
        if above is room:
            return InputError(NO_CYCLE, field="parent")
    else:
        return InputError(NO_CYCLE, field="parent")
    if parent.slot_pattern != pattern:
        return InputError(SAME_PATTERN, field="parent")
    return None
