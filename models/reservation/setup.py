"""Setting a facility's rooms up for reservations: what a room may be part of, when its slot
pattern or its division may change, and which rows its fee table may hold.

The screens check these first and show each refusal at its field (views/organisation.py);
the flush guard below holds them on every other path (CLI, imports, a shell): a flush that
would break one raises the same InputError and writes nothing.

- a part (Room.parent) is a room of the same facility, never the room itself nor one of its
  own parts, with the same slot pattern (the parts hold the whole's part slots);
- a room's slot pattern never changes once the room, a part of it or the room it divides has
  bookings (their slot codes would no longer exist), and its fee rows fit the pattern;
- a division never changes while the rooms it joins have bookings still to come (a hall's
  bookings would not hold a half added later).
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from admin_app.extensions import db
from models.clock import today_local
from models.errors import InputError
from models.organisation import Room, SlotPattern
from models.reservation.booking import Booking, BookingHold
from models.reservation.fees import RoomFee, fee_rows_problems
from models.reservation.rooms import facility_key, family_of, parent_problem

PATTERN_IN_USE = _l(
    "This room, or a room it is joined with, has bookings: its slot pattern cannot change "
    "(add a new room instead)."
)
DIVISION_IN_USE = _l(
    "This room, or a room it is joined with, has bookings still to come: the division cannot "
    "change until they are used or cancelled."
)
PARTS_DIFFER = _l(
    "The rooms this room is divided into have another facility or slot pattern: change the "
    "division first."
)
OLD_FEES = _l(
    "The fee table has rows for slots this slot pattern does not have: delete them in the "
    "same save."
)


# --- the checks (the screens call them with what the form asks for) ---------------------------


def division_change_problem(
    room: Room | None, old_parent: Room | None, new_parent: Room | None
) -> InputError | None:
    """A room (None: not created yet) moving from `old_parent` to `new_parent`: refused while
    a room joined with either has bookings still to come (field "parent")."""
    ids = _ids(room, old_parent, new_parent)
    if ids and db.session.scalar(
        select(BookingHold.id)
        .where(
            BookingHold.room_id.in_(ids),
            BookingHold.active,
            BookingHold.day >= today_local(),
        )
        .limit(1)
    ):
        return InputError(DIVISION_IN_USE, field="parent")
    return None


def pattern_change_problem(
    room: Room, pattern: SlotPattern | str, parts: list[Room]
) -> InputError | None:
    """A stored room changing to `pattern`: refused once it, a part of it or the room it
    divides has bookings, or while its `parts` keep another pattern (field "slot_pattern")."""
    if db.session.scalar(select(Booking.id).where(Booking.room_id.in_(_ids(room))).limit(1)):
        return InputError(PATTERN_IN_USE, field="slot_pattern")
    if any(part.slot_pattern != pattern for part in parts):
        return InputError(PARTS_DIFFER, field="slot_pattern")
    return None


def _ids(*rooms: Room | None) -> set[int]:
    ids: set[int] = set()
    for room in rooms:
        if room is not None:
            ids |= family_of(room)
    return {i for i in ids if i is not None}


# --- the flush guard ------------------------------------------------------------------------


def _old_parent(room: Room) -> Room | None:
    """The parent the room had before this flush (loaded, or from its id)."""
    state = inspect(room)
    deleted = state.attrs.parent.history.deleted
    if deleted and deleted[0] is not None:
        return deleted[0]
    old_id = (state.attrs.parent_id.history.deleted or [None])[0]
    return db.session.get(Room, old_id) if old_id is not None else None


def _parent(room: Room) -> Room | None:
    """The parent the flush would store (an id set alone counts)."""
    state = inspect(room)
    if state.attrs.parent_id.history.added and not state.attrs.parent.history.added:
        return db.session.get(Room, room.parent_id) if room.parent_id is not None else None
    return room.parent


def _changed(room: Room, *names: str) -> bool:
    state = inspect(room)
    return any(state.attrs[name].history.has_changes() for name in names)


def _room_problem(session: Session, room: Room) -> InputError | None:
    pending = inspect(room).pending
    parent = _parent(room)
    problem = parent_problem(
        parent, room=room, facility=facility_key(room), pattern=room.slot_pattern
    )
    if problem is not None:
        return problem
    parts = [part for part in room.children if part not in session.deleted]
    moved_away = not pending and _changed(room, "facility", "facility_id")
    if moved_away and any(facility_key(part) != facility_key(room) for part in parts):
        return InputError(PARTS_DIFFER, field="slot_pattern")  # (a new part checks itself)
    if not pending and _changed(room, "slot_pattern"):
        problem = pattern_change_problem(room, room.slot_pattern, parts)
    moved = parent is not None if pending else _changed(room, "parent", "parent_id")
    if problem is None and moved:
        problem = division_change_problem(room, _old_parent(room), parent)
    if problem is None and (pending or _changed(room, "slot_pattern")):
        fees = [f for f in room.fees if f not in session.deleted]
        if fee_rows_problems(room.slot_pattern, [(f.slot, f.tier, f.amount) for f in fees]):
            problem = InputError(OLD_FEES, field="slot_pattern")
    return problem


def _guard_fee(fee: RoomFee) -> None:
    if fee.room is None:
        return  # no room: the database refuses it (room_id NOT NULL)
    problems = fee_rows_problems(fee.room.slot_pattern, [(fee.slot, fee.tier, fee.amount)])
    if problems:
        raise problems[0][1]


@event.listens_for(Session, "before_flush")
def _guard(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """No flush stores a room or a fee row these rules refuse."""
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Room):
            problem = _room_problem(session, obj)
            if problem is not None:
                raise problem
        elif isinstance(obj, RoomFee) and (obj in session.new or session.is_modified(obj)):
            _guard_fee(obj)
