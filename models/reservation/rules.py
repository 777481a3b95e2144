"""The booking services: book, book a weekly series, record the payment, cancel, expire the
unpaid. They take and return objects, flush, and never commit (the request, the CLI, the job
or the demo loader commits once). Every refusal is a BookingError (an InputError: str() is
the Japanese message, .field the input it is about); nothing is left in the session then.

Serialisation. Before it checks anything a booking takes its registrant's lock —
`lock_registrant`: on PostgreSQL SELECT … FOR UPDATE of the registrant row, on SQLite BEGIN
IMMEDIATE (the database's write lock, before any read of the transaction) — so two bookings
of one registrant cannot both pass the monthly cap. Two bookings of one slot are kept apart
by the database itself (models.reservation.booking): the loser's flush fails with an
IntegrityError that becomes SlotTaken 「この枠は既に予約されています」, never a 500. State changes
(payment, cancellation, expiry) are guarded UPDATEs (… WHERE state IN …): a payment and the
daily expiry of the same booking never both succeed.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from admin_app.extensions import db
from models.clock import JST, now_utc, today_local
from models.errors import InputError
from models.organisation import Room
from models.registration.registrant import Registrant, RegistrantStatus
from models.reservation.booking import (
    ACTIVE_STATES,
    EXCLUDE_OVERLAP,
    UNIQUE_HOLD,
    Booking,
    BookingHold,
    BookingState,
)
from models.reservation.closures import closure_reason, closures_of
from models.reservation.fees import (
    Reduction,
    is_non_resident,
    quote,
    refund_amount,
    refund_percent,
)
from models.reservation.lottery import lottery_block
from models.reservation.rooms import Slot, slot_of, units_of
from models.staff.access import access_of
from models.staff.accounts import StaffUser
from models.typed_input import text_problem, visible

PURPOSE_MAX = 200
REASON_MAX = 500
SERIES_MAX = 53  # a weekly series covers at most a year

SLOT_TAKEN = _l("This slot is already booked.")
ALREADY_PROCESSED = _l("This booking has already been processed by someone else.")


class BookingError(InputError):
    """A booking, payment or cancellation that cannot be accepted (Japanese message, field)."""


class SlotTaken(BookingError):
    """The slot (or a part of it, or of the hall it belongs to) is held by another booking."""


class BookingNotAllowed(BookingError):
    """The person does not serve the facility (views answer 403, or 404 for an id)."""


@dataclass
class SeriesResult:
    """A weekly series: each occurrence booked on its own, or refused with the reason."""

    bookings: list[Booking] = field(default_factory=list)
    refused: list[tuple[date, str]] = field(default_factory=list)


# --- locks ------------------------------------------------------------------------------------


def lock_registrant(registrant: Registrant) -> None:
    """Serialise the bookings of one registrant until the transaction ends (see the module's
    docstring), then read the registrant's state afresh."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(Registrant.id).where(Registrant.id == registrant.id).with_for_update()
        )
    else:
        write_lock()
    db.session.refresh(
        registrant, ["status", "registered_on", "expires_on", "confirmed_at", "facility_id"]
    )


def write_lock() -> None:
    """SQLite: take the write lock before the transaction reads anything (BEGIN IMMEDIATE);
    a transaction that already wrote holds it (pysqlite begins one only before a write)."""
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# --- checks -----------------------------------------------------------------------------------


def check_staff(by: StaffUser, facility_id: int, at: datetime) -> None:
    if not access_of(by, at).serves(facility_id):
        raise BookingNotAllowed(_l("You do not handle this facility."), field="room")


def check_registrant(registrant: Registrant, room: Room, day: date) -> None:
    """Confirmed, registered for the room's facility, and current on the day of use."""
    if registrant.confirmed_at is None or registrant.status == RegistrantStatus.PENDING:
        raise BookingError(
            _l("This registration is not confirmed yet; it cannot book."), field="registrant"
        )
    if registrant.facility_id != room.facility_id:
        raise BookingError(
            _l("The registrant is not registered for this facility."), field="registrant"
        )
    if not registrant.is_current(day):
        raise BookingError(
            _l(
                "The registration is not valid on the day of use (valid until %(date)s).",
                date=registrant.expires_on.isoformat(),
            ),
            field="registrant",
        )


def check_use(room: Room, people: int | None, purpose: str | None) -> str:
    """Number of people and the purpose; returns the purpose as stored."""
    if people is None or people < 1:
        raise BookingError(_l("Enter the number of people (1 or more)."), field="people")
    if people > room.capacity:
        raise BookingError(
            _l("The room holds at most %(n)s people.", n=room.capacity), field="people"
        )
    if not visible(purpose or ""):
        raise BookingError(_l("Enter the purpose of use."), field="purpose")
    if problem := text_problem(purpose):
        raise BookingError(problem, field="purpose")
    purpose = visible(purpose)
    if len(purpose) > PURPOSE_MAX:
        raise BookingError(_l("Enter at most %(n)s characters.", n=PURPOSE_MAX), field="purpose")
    return purpose


def horizon(registrant: Registrant, room: Room, today: date) -> date:
    """The last day this registrant may book at this facility today: 市外 (joint use by a
    non-resident) fewer months ahead than 市内."""
    facility = room.facility
    months = (
        facility.booking_months_ahead_non_resident
        if is_non_resident(registrant)
        else facility.booking_months_ahead
    )
    return today + relativedelta(months=months)


def check_not_past(day: date, slot: Slot, at: datetime) -> None:
    if slot.starts_on(day).replace(tzinfo=JST) <= at:
        raise BookingError(_l("The date of use is in the past."), field="day")


def check_when(registrant: Registrant, room: Room, day: date, slot: Slot, at: datetime) -> None:
    """Within the horizon, not in a lottery, not closed."""
    today = today_local(at)
    last = horizon(registrant, room, today)
    if day > last:
        raise BookingError(
            _l("This registrant can book up to %(date)s.", date=last.isoformat()), field="day"
        )
    lottery = lottery_block(room, day, today)
    if lottery is not None:
        raise BookingError(
            _l(
                "This month is allotted by lottery; first-come booking opens on %(date)s.",
                date=lottery.first_come_on.isoformat(),
            ),
            field="day",
        )
    check_open(room, day, slot)


def check_open(room: Room, day: date, slot: Slot) -> None:
    """Not closed 休館 (the closure's reason in the message)."""
    reason = closure_reason(room, day, slot, closures_of(room.facility_id))
    if reason is not None:
        raise BookingError(_l("Closed: %(reason)s", reason=reason), field="day")


def bookings_in_month(registrant: Registrant, facility_id: int, day: date) -> int:
    """The registrant's active bookings at the facility in the month of `day`."""
    first = day.replace(day=1)
    return db.session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.registrant_id == registrant.id,
            Booking.facility_id == facility_id,
            Booking.day >= first,
            Booking.day < first + relativedelta(months=1),
            Booking.state.in_(ACTIVE_STATES),
        )
    )


def check_cap(registrant: Registrant, room: Room, day: date) -> None:
    cap = room.facility.booking_cap_per_month
    if bookings_in_month(registrant, room.facility_id, day) >= cap:
        raise BookingError(
            _l(
                "The registrant already has %(n)s bookings at this facility in "
                "%(month)s, the most allowed.",
                n=cap,
                month=day.strftime("%Y-%m"),
            ),
            field="registrant",
        )


def payment_deadline(room: Room, booked_on: date, day: date) -> date:
    """納付期限: `payment_days` after booking, never later than the day before use (a booking
    for today or tomorrow is paid at once)."""
    latest = day - timedelta(days=1)
    return max(booked_on, min(booked_on + timedelta(days=room.facility.payment_days), latest))


# --- booking ----------------------------------------------------------------------------------


def book(
    registrant: Registrant,
    room: Room,
    day: date,
    slot: str,
    *,
    people: int,
    purpose: str,
    admission: bool = False,
    reduction: Reduction | None = None,
    by: StaffUser,
    now: datetime | None = None,
) -> Booking:
    """Book one slot for a registrant at the counter; provisional, or confirmed at once when
    減免 brings the fee to zero. BookingError (SlotTaken, BookingNotAllowed) when refused."""
    at = now or now_utc()
    check_staff(by, room.facility_id, at)
    the_slot = _slot(room, slot)
    lock_registrant(registrant)
    return _book_one(
        registrant,
        room,
        day,
        the_slot,
        people=people,
        purpose=purpose,
        admission=admission,
        reduction=reduction,
        by=by,
        at=at,
    )


def book_series(
    registrant: Registrant,
    room: Room,
    first_day: date,
    last_day: date,
    slot: str,
    *,
    people: int,
    purpose: str,
    admission: bool = False,
    reduction: Reduction | None = None,
    by: StaffUser,
    now: datetime | None = None,
) -> SeriesResult:
    """The same slot every week from first_day to last_day, each occurrence a booking of its
    own (cancelled alone later); they share a series_id. Per occurrence: what can be booked
    is booked, the rest is reported with its reason (a closed day, a taken slot, the cap).
    BookingError, and nothing booked, when no occurrence can be booked or the request
    itself is wrong (another facility, the registrant, the people or purpose, the dates)."""
    at = now or now_utc()
    check_staff(by, room.facility_id, at)
    the_slot = _slot(room, slot)
    if last_day < first_day:
        raise BookingError(_l("The last day cannot be before the first day."), field="last_day")
    days = [first_day + timedelta(weeks=n) for n in range((last_day - first_day).days // 7 + 1)]
    if len(days) > SERIES_MAX:
        raise BookingError(
            _l("A weekly series covers at most %(n)s weeks.", n=SERIES_MAX), field="last_day"
        )
    lock_registrant(registrant)
    purpose = check_use(room, people, purpose)
    result = SeriesResult()
    series_id = uuid.uuid4().hex
    for day in days:
        try:
            result.bookings.append(
                _book_one(
                    registrant,
                    room,
                    day,
                    the_slot,
                    people=people,
                    purpose=purpose,
                    admission=admission,
                    reduction=reduction,
                    by=by,
                    at=at,
                    series_id=series_id,
                )
            )
        except BookingError as error:
            if error.field not in ("day", "slot", "registrant") or isinstance(
                error, BookingNotAllowed
            ):
                raise
            result.refused.append((day, str(error)))
    if not result.bookings:
        raise BookingError(
            _l(
                "None of the dates could be booked: %(reasons)s",
                reasons=" / ".join(f"{day.isoformat()} {reason}" for day, reason in result.refused),
            ),
            field="day",
        )
    return result


def _slot(room: Room, code: str) -> Slot:
    try:
        return slot_of(room, code)
    except InputError as error:
        raise BookingError(error.message, field="slot") from None


def _book_one(
    registrant: Registrant,
    room: Room,
    day: date,
    slot: Slot,
    *,
    people: int,
    purpose: str,
    admission: bool,
    reduction: Reduction | None,
    by: StaffUser,
    at: datetime,
    series_id: str | None = None,
    won_until: date | None = None,
) -> Booking:
    """Check and insert one booking (the registrant's lock is held). `won_until`: a lottery
    win, provisional until that day — the horizon, the lottery and the monthly cap do not
    apply to it (the draw has its own caps)."""
    check_not_past(day, slot, at)
    check_registrant(registrant, room, day)
    purpose = check_use(room, people, purpose)
    if won_until is None:
        check_when(registrant, room, day, slot, at)
        check_cap(registrant, room, day)
    else:
        check_open(room, day, slot)
    try:
        fee = quote(registrant, room, day, slot, admission=admission, reduction=reduction)
    except InputError as error:
        raise BookingError(error.message, field=error.field) from None
    booking = Booking(
        registrant=registrant,
        facility_id=room.facility_id,
        room=room,
        day=day,
        slot=slot.code,
        series_id=series_id,
        state=BookingState.PROVISIONAL,
        people=people,
        purpose=purpose,
        admission=admission,
        tier=fee.tier,
        non_resident=fee.non_resident,
        table_fee=fee.table_fee,
        non_resident_percent=fee.non_resident_percent,
        admission_percent=fee.admission_percent,
        reduction=fee.reduction,
        reduction_percent=fee.reduction_percent,
        fee=fee.amount,
        deadline=won_until or payment_deadline(room, today_local(at), day),
        created_by=by,
        created_at=at,
    )
    if fee.amount == 0:  # 減免 to zero: nothing to pay, confirmed at once
        booking.state = BookingState.CONFIRMED
        booking.paid_at, booking.paid_by = at, by
    # In key order, so that concurrent bookings of a hall and its halves wait, not deadlock.
    booking.holds = [
        BookingHold(
            room_id=unit.id,
            day=day,
            slot=part.code,
            starts=part.starts_on(day),
            ends=part.ends_on(day),
        )
        for unit in sorted(units_of(room), key=lambda r: r.id)
        for part in slot.part_slots
    ]
    insert_holding(booking)
    return booking


def insert_holding(booking: Booking) -> None:
    """Insert the booking and its holds; a held slot → SlotTaken, and the session as before."""
    db.session.flush()  # what the session held before is not part of the savepoint
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError as error:
        if not is_slot_clash(error):
            raise
        raise SlotTaken(SLOT_TAKEN, field="slot") from None


def is_slot_clash(error: IntegrityError) -> bool:
    text = str(error.orig)
    return (
        UNIQUE_HOLD in text
        or EXCLUDE_OVERLAP in text
        or "UNIQUE constraint failed: booking_hold." in text
    )


# --- payment, cancellation, expiry ------------------------------------------------------------


def _transition(booking: Booking, from_states: tuple[BookingState, ...], **values) -> None:
    """Move the booking on, exactly once: a guarded UPDATE; BookingError when another
    transaction moved it first. Holds are released when it leaves the active states."""
    db.session.flush()
    moved = db.session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.state.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.expire(booking)
        raise BookingError(ALREADY_PROCESSED, field="state")
    if values.get("state") not in ACTIVE_STATES:
        release(booking)
    db.session.expire(booking)


def release(booking: Booking) -> None:
    """The booking's holds become inactive: its slots are free again."""
    db.session.execute(
        update(BookingHold)
        .where(BookingHold.booking_id == booking.id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    for hold in list(booking.holds):
        db.session.expire(hold)


def record_payment(booking: Booking, *, by: StaffUser, now: datetime | None = None) -> Booking:
    """The fee was paid at the counter: 仮予約 → 本予約."""
    at = now or now_utc()
    check_staff(by, booking.facility_id, at)
    if booking.state != BookingState.PROVISIONAL:
        raise BookingError(_l("Only a provisional booking can be paid."), field="state")
    _transition(
        booking,
        (BookingState.PROVISIONAL,),
        state=BookingState.CONFIRMED,
        paid_at=at,
        paid_by_id=by.id,
    )
    return booking


def cancel(
    booking: Booking,
    reason: str,
    *,
    by: StaffUser,
    now: datetime | None = None,
    by_city: bool = False,
) -> Booking:
    """取消 with a reason; a paid fee is refunded by the rules of models.reservation.fees
    (all of it when `by_city`: the city closed the facility, or a disaster)."""
    at = now or now_utc()
    check_staff(by, booking.facility_id, at)
    if problem := text_problem(reason, required=True):
        raise BookingError(problem, field="reason")
    reason = visible(reason or "")
    if not reason:
        raise BookingError(_l("Enter the reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise BookingError(_l("Enter at most %(n)s characters.", n=REASON_MAX), field="reason")
    if not booking.is_active:
        raise BookingError(_l("This booking is no longer active."), field="state")
    today = today_local(at)
    if booking.day < today:
        raise BookingError(_l("A booking whose day has passed cannot be cancelled."), field="state")
    percent = refund_percent(booking.day, today, by_city)
    paid = booking.is_paid and booking.fee > 0
    _transition(
        booking,
        ACTIVE_STATES,
        state=BookingState.CANCELLED,
        cancelled_at=at,
        cancelled_by_id=by.id,
        cancel_reason=reason,
        cancelled_by_city=by_city,
        refund_percent=percent if paid else None,
        refund=refund_amount(booking.fee, percent) if paid else None,
    )
    return booking


def expire_unpaid(day: date, now: datetime | None = None) -> list[Booking]:
    """Provisional bookings whose deadline passed before `day` are cancelled as expired, with
    the reason recorded (the daily job; idempotent)."""
    at = now or now_utc()
    due = db.session.scalars(
        select(Booking)
        .where(Booking.state == BookingState.PROVISIONAL, Booking.deadline < day)
        .order_by(Booking.id)
    ).all()
    expired = []
    for booking in due:
        reason = str(_l("Not paid by the deadline (%(date)s).", date=booking.deadline.isoformat()))
        try:
            _transition(
                booking,
                (BookingState.PROVISIONAL,),
                state=BookingState.EXPIRED,
                cancelled_at=at,
                cancel_reason=reason,
            )
        except BookingError:
            continue  # paid meanwhile
        expired.append(booking)
    return expired
