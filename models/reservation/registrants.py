"""What the reservation domain answers for registrations: a 廃止 (withdrawal) is refused while
the registrant holds future bookings, and erasure blanks the bookings' purpose.

Registration calls these through explicit lists — WITHDRAWAL_BLOCKERS in
models/registration/change_notice.py and ERASERS in models/registration/erasure.py — so the
dependency points one way at module level (registration's notice and erasure modules import
this one; nothing here imports them).
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from admin_app.extensions import db
from models.registration.registrant import Registrant
from models.reservation.booking import ACTIVE_STATES, Booking
from models.reservation.lottery import LotteryApplication
from models.reservation.rooms import slot_of


def future_bookings(registrant: Registrant, today: date) -> list[Booking]:
    """The registrant's provisional and confirmed bookings from today on, in date order."""
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.registrant_id == registrant.id,
                Booking.day >= today,
                Booking.state.in_(ACTIVE_STATES),
            )
            .order_by(Booking.day, Booking.id)
        )
    )


def bookings_of(registrant: Registrant, limit: int = 100) -> list[Booking]:
    """The registrant's bookings in every state, the latest day of use first (its page)."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.room))
            .where(Booking.registrant_id == registrant.id)
            .order_by(Booking.day.desc(), Booking.id.desc())
            .limit(limit)
        )
    )


def describe(booking: Booking) -> str:
    """ "2026-12-01 中央公民館 第1会議室 9:00–12:00" (for messages and lists)."""
    return f"{booking.day.isoformat()} {booking.room} {slot_of(booking.room, booking.slot).span}"


def withdrawal_problem(registrant: Registrant, today: date) -> str | None:
    """Why a withdrawal cannot be accepted now (the future bookings, listed), or None."""
    bookings = future_bookings(registrant, today)
    if not bookings:
        return None
    return str(
        _l(
            "The registrant holds future bookings; cancel them first: %(bookings)s",
            bookings="、".join(describe(b) for b in bookings),
        )
    )


def erase_booking_purposes(registrant: Registrant) -> None:
    """Erasure: the bookings and lottery applications stay for statistics, without their
    purpose 利用目的."""
    for model in (Booking, LotteryApplication):
        db.session.execute(
            update(model)
            .where(model.registrant_id == registrant.id)
            .values(purpose=None)
            .execution_options(synchronize_session=False)
        )
