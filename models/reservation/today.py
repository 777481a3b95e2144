"""The counter's day: the day sheet 当日利用一覧 (a facility's active bookings of one day, by
room and slot) and the provisional bookings whose payment deadline is near (the dashboard)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_app.extensions import db
from models.organisation import Facility
from models.reservation.booking import ACTIVE_STATES, Booking, BookingState
from models.reservation.grid import rooms_of
from models.reservation.rooms import Slot, slot_of

DEADLINE_DAYS = 2  # the dashboard lists deadlines from today to the day after tomorrow
DEADLINES_SHOWN = 50


@dataclass(frozen=True)
class SheetRow:
    booking: Booking
    slot: Slot


def day_sheet(facility: Facility, day: date) -> list[SheetRow]:
    """The facility's provisional and confirmed bookings on `day`, in the grid's room order,
    then by starting time."""
    order = {room.id: i for i, room in enumerate(rooms_of(facility.id))}
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.registrant), joinedload(Booking.room))
        .where(
            Booking.facility_id == facility.id,
            Booking.day == day,
            Booking.state.in_(ACTIVE_STATES),
        )
    ).all()
    rows = [SheetRow(b, slot_of(b.room, b.slot)) for b in bookings]
    return sorted(rows, key=lambda r: (order.get(r.booking.room_id, 0), r.slot.start, r.booking.id))


def deadlines_soon(facility_ids: Collection[int], today: date) -> list[Booking]:
    """Provisional bookings of these facilities whose payment deadline is today, tomorrow or
    the day after (earliest first; at most DEADLINES_SHOWN)."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(
                joinedload(Booking.registrant),
                joinedload(Booking.room),
                joinedload(Booking.facility),
            )
            .where(
                Booking.state == BookingState.PROVISIONAL,
                Booking.deadline.between(today, today + timedelta(days=DEADLINE_DAYS)),
                Booking.facility_id.in_(facility_ids),
            )
            .order_by(Booking.deadline, Booking.day, Booking.id)
            .limit(DEADLINES_SHOWN)
        )
    )
