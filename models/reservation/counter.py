"""The counter's request 予約申込: what a clerk enters for one booking or a weekly series, the
registrant found by its 登録番号, the fee shown before confirming, then the booking itself.

`preview` runs the same services as `place` and rolls back, so the amount and every refusal
shown before confirming are exactly what booking would give (at that moment).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin_app.extensions import db
from models.japanese import nfkc
from models.organisation import Room
from models.registration.registrant import Registrant
from models.reservation.booking import Booking
from models.reservation.fees import Reduction
from models.reservation.rules import BookingError, SeriesResult, book, book_series
from models.staff.accounts import StaffUser

UNKNOWN_NUMBER = _l("No registrant of this facility has this registration number.")


def registrant_by_number(facility_id: int, number: str | None) -> Registrant:
    """The facility's registrant with this 登録番号 (full-width digits accepted); a
    BookingError at "registrant" otherwise — another facility's number is not found either."""
    wanted = nfkc(number or "").strip()
    registrant = (
        db.session.scalar(
            select(Registrant).where(
                Registrant.facility_id == facility_id,
                Registrant.registration_number == wanted,
            )
        )
        if wanted
        else None
    )
    if registrant is None:
        raise BookingError(UNKNOWN_NUMBER, field="registrant")
    return registrant


@dataclass
class CounterRequest:
    """One booking (repeat_until None) or the same slot weekly until repeat_until."""

    room: Room
    day: date
    slot: str
    registration_number: str
    people: int | None
    purpose: str
    admission: bool = False
    reduction: Reduction | None = None
    repeat_until: date | None = None

    @property
    def is_series(self) -> bool:
        return self.repeat_until is not None and self.repeat_until > self.day


@dataclass
class Placed:
    """What a request booked (one or several) and the dates refused with their reasons."""

    bookings: list[Booking] = field(default_factory=list)
    refused: list[tuple[date, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(b.fee for b in self.bookings)


@dataclass(frozen=True)
class Preview:
    """The fee and the dates, as booking would give them (read before rolling back)."""

    fee: int  # yen per booking (the first)
    table_fee: int
    non_resident_percent: int
    admission_percent: int
    reduction_percent: int
    days: tuple[date, ...]
    refused: tuple[tuple[date, str], ...]
    total: int


def place(request: CounterRequest, *, by: StaffUser, now: datetime | None = None) -> Placed:
    """Book what the request asks; flushes, never commits. BookingError when refused (a
    series: when no date at all can be booked)."""
    registrant = registrant_by_number(request.room.facility_id, request.registration_number)
    options = {
        "people": request.people,
        "purpose": request.purpose,
        "admission": request.admission,
        "reduction": request.reduction,
        "by": by,
        "now": now,
    }
    if request.is_series:
        series: SeriesResult = book_series(
            registrant, request.room, request.day, request.repeat_until, request.slot, **options
        )
        return Placed(series.bookings, series.refused)
    return Placed([book(registrant, request.room, request.day, request.slot, **options)])


def preview(request: CounterRequest, *, by: StaffUser, now: datetime | None = None) -> Preview:
    """What `place` would book, without booking: the same checks, then a rollback."""
    try:
        placed = place(request, by=by, now=now)
        first = placed.bookings[0]
        return Preview(
            fee=first.fee,
            table_fee=first.table_fee,
            non_resident_percent=first.non_resident_percent,
            admission_percent=first.admission_percent,
            reduction_percent=first.reduction_percent,
            days=tuple(b.day for b in placed.bookings),
            refused=tuple(placed.refused),
            total=placed.total,
        )
    finally:
        db.session.rollback()
