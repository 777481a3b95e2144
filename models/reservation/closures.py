"""Closed days 休館日 and blackout periods 使用停止 of a facility, each with the reason staff
see: every week on a weekday (毎週月曜日), a monthly nth weekday (第3水曜日), dates and ranges
(12/28–1/4, optionally every year), and works closing a room or the facility for a period.

A closure with a room closes that room, the rooms it is part of (a closed 半面A cannot be
booked as part of the 全面 hall) and its parts; without a room the whole facility. A closure
with a slot closes only the slots that hold that part slot (works in the evenings only).
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc
from models.errors import InputError
from models.organisation import Facility, Room
from models.reservation.booking import ACTIVE_STATES, Booking
from models.reservation.rooms import (
    HOURLY_PARTS,
    STANDARD_SLOTS,
    UNKNOWN_SLOT,
    Slot,
    family_of,
    part_slots,
    slot_of,
)
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, str_enum


class ClosureKind(enum.StrEnum):
    WEEKLY = "weekly"  # every week on `weekday` (0 = Monday … 6 = Sunday)
    MONTHLY = "monthly"  # the `nth` `weekday` of every month (第3水曜日)
    PERIOD = "period"  # starts_on … ends_on (one day when equal); every year when `yearly`
    WORKS = "works"  # a blackout for works 工事 (a room or the facility), starts_on … ends_on


class Closure(db.Model):
    __tablename__ = "closure"
    __table_args__ = (
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("nth IS NULL OR nth BETWEEN 1 AND 5", name="nth_range"),
        CheckConstraint(
            "(kind NOT IN ('weekly', 'monthly') OR weekday IS NOT NULL) AND "
            "(kind <> 'monthly' OR nth IS NOT NULL) AND "
            "(kind NOT IN ('period', 'works') OR "
            "(starts_on IS NOT NULL AND ends_on IS NOT NULL))",
            name="kind_has_its_values",
        ),
        Index("ix_closure_facility_kind", "facility_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))  # None: the facility
    kind: Mapped[ClosureKind] = mapped_column(str_enum(ClosureKind, "closure_kind"))
    weekday: Mapped[int | None]
    nth: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    yearly: Mapped[bool] = mapped_column(default=False)  # a PERIOD that recurs every year
    slot: Mapped[str | None] = mapped_column(String(10))  # a part slot code; None: all day
    reason: Mapped[str] = mapped_column(String(200))  # what staff see (休館日, 年末年始, 工事)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    facility: Mapped[Facility] = relationship()
    room: Mapped[Room | None] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()

    def __str__(self) -> str:
        return self.reason

    def covers_day(self, day: date) -> bool:
        if self.kind == ClosureKind.WEEKLY:
            return day.weekday() == self.weekday
        if self.kind == ClosureKind.MONTHLY:
            return day.weekday() == self.weekday and (day.day - 1) // 7 + 1 == self.nth
        if self.kind == ClosureKind.PERIOD and self.yearly:
            return _within_yearly(day, self.starts_on, self.ends_on)
        return self.starts_on <= day <= self.ends_on

    def covers_slot(self, slot: Slot | None) -> bool:
        return (
            self.slot is None
            or slot is None
            or self.slot in {part.code for part in slot.part_slots}
        )


def _within_yearly(day: date, first: date, last: date) -> bool:
    """Within first…last by month and day, in any year (12/28–1/4 wraps over New Year)."""
    start, end, key = (first.month, first.day), (last.month, last.day), (day.month, day.day)
    return start <= key <= end if start <= end else (key >= start or key <= end)


def closures_of(facility_id: int) -> list[Closure]:
    """Every closure of a facility (a handful of rows: read once per booking or grid)."""
    return list(
        db.session.scalars(
            select(Closure).where(Closure.facility_id == facility_id).order_by(Closure.id)
        )
    )


def closure_reason(
    room: Room, day: date, slot: Slot | None = None, closures: list[Closure] | None = None
) -> str | None:
    """Why the room is closed on that day (in that slot), or None when it is open. Pass
    `closures` (closures_of(facility)) to check many cells with one query."""
    return reason_in(
        closures if closures is not None else closures_of(room.facility_id),
        family_of(room),
        day,
        slot,
    )


def reason_in(
    closures: list[Closure], family: set[int], day: date, slot: Slot | None
) -> str | None:
    """The first of `closures` that closes a room of `family` (family_of(room)) on the day,
    in the slot: its reason, or None."""
    for closure in closures:
        if (
            (closure.room_id is None or closure.room_id in family)
            and closure.covers_day(day)
            and closure.covers_slot(slot)
        ):
            return closure.reason
    return None


def closed_rooms(closures: list[Closure], rooms: list[Room], day: date) -> dict[int, str]:
    """For a grid: the rooms closed all day or in part on `day`, with the first reason."""
    found: dict[int, str] = {}
    for room in rooms:
        reason = closure_reason(room, day, None, closures)
        if reason is not None:
            found[room.id] = reason
    return found


# --- adding closures (staff screens and the demo call these) -----------------------------------


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InputError(_l("Enter the reason."), field="reason")
    if len(reason) > 200:
        raise InputError(_l("Enter at most %(n)s characters.", n=200), field="reason")
    return reason


def add_closure(
    facility: Facility,
    kind: ClosureKind,
    reason: str,
    *,
    by: StaffUser | None,
    room: Room | None = None,
    weekday: int | None = None,
    nth: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    yearly: bool = False,
    slot: str | None = None,
) -> Closure:
    """A closure, checked (InputError with a field); added to the session, never committed.
    It keeps only the values of its kind (a weekday for weekly and monthly, nth for monthly,
    the days for period and works, yearly for a period)."""
    if room is not None and room.facility_id != facility.id:
        raise InputError(_l("This room belongs to another facility."), field="room")
    dated = kind in (ClosureKind.PERIOD, ClosureKind.WORKS)
    weekday = weekday if kind in (ClosureKind.WEEKLY, ClosureKind.MONTHLY) else None
    nth = nth if kind == ClosureKind.MONTHLY else None
    starts_on, ends_on = (starts_on, ends_on) if dated else (None, None)
    yearly = bool(yearly) and kind == ClosureKind.PERIOD
    if kind in (ClosureKind.WEEKLY, ClosureKind.MONTHLY) and weekday not in range(7):
        raise InputError(_l("Choose the day of the week."), field="weekday")
    if kind == ClosureKind.MONTHLY and nth not in range(1, 6):
        raise InputError(_l("Choose which week of the month (1st to 5th)."), field="nth")
    if dated:
        if starts_on is None or ends_on is None:
            raise InputError(_l("Enter the first and the last day."), field="starts_on")
        if ends_on < starts_on and not yearly:
            raise InputError(_l("The last day cannot be before the first day."), field="ends_on")
    if slot is not None and slot not in closable_slots(room):
        raise InputError(UNKNOWN_SLOT, field="slot")
    closure = Closure(
        facility=facility,
        room=room,
        kind=kind,
        weekday=weekday,
        nth=nth,
        starts_on=starts_on,
        ends_on=ends_on,
        yearly=yearly,
        slot=slot,
        reason=_check_reason(reason),
        created_by=by,
    )
    db.session.add(closure)
    return closure


def closable_slots(room: Room | None) -> tuple[str, ...]:
    """The part slots a closure may close: the room's, or for the whole facility every part
    slot of either pattern (午前 … 夜間, 9:00 … 20:00)."""
    if room is not None:
        return tuple(part.code for part in part_slots(room))
    return tuple(part.code for part in (*STANDARD_SLOTS[:3], *HOURLY_PARTS))


def bookings_on(closure: Closure, today: date) -> list[Booking]:
    """The active bookings (provisional or confirmed) from `today` on that the closure closes,
    by day: staff cancel them (by the city, full refund) — nothing cancels them by itself."""
    found = []
    for booking in db.session.scalars(
        select(Booking)
        .where(
            Booking.facility_id == closure.facility_id,
            Booking.state.in_(ACTIVE_STATES),
            Booking.day >= today,
        )
        .order_by(Booking.day, Booking.id)
    ):
        if reason_in([closure], family_of(booking.room), booking.day, _slot(booking)):
            found.append(booking)
    return found


def _slot(booking: Booking) -> Slot | None:
    try:
        return slot_of(booking.room, booking.slot)
    except InputError:  # a slot the room no longer has: count the booking as closed
        return None
