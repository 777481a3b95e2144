"""The counter's reservation screens: the availability grid (a week or a month), booking a free
slot (the fee shown before confirming), a booking's page with payment and cancellation, and
the 使用許可書 to print.

Thin: the rules are in models.reservation; every record is looked up within the user's
facilities, and one outside them is 404 (logged as out of scope)."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from admin_app.audit import not_found
from admin_app.extensions import db
from admin_app.security import allowed, current_access
from models.clock import JST, now_utc, today_local
from models.errors import InputError
from models.organisation import Facility, Room
from models.registration.registrant import Registrant
from models.reservation.booking import Booking, BookingState
from models.reservation.counter import CounterRequest, Preview, place, preview
from models.reservation.fees import Reduction, refund_amount, refund_percent
from models.reservation.grid import CellState, grid_for, month_of, week_of
from models.reservation.notices import reminder_of
from models.reservation.registrants import bookings_of
from models.reservation.rooms import Slot, slot_of
from models.reservation.rules import BookingError, BookingNotAllowed, cancel, record_payment
from models.reservation.today import day_sheet
from models.typed_input import query_date, query_id
from views.base import exists, scoped_one
from views.labels import label
from views.reservation.forms import (
    BOOKING_FIELDS,
    BookingForm,
    CancelForm,
    at_field,
    run_service,
)
from views.reservation.grid_html import GridCells
from views.reservation.styles import ReservationStyles
from views.reservation.words import BookingRows, slot_name

PERIODS = ("week", "month")
REGISTRANT_LIST_MAX = 500  # a registrant's bookings on one page (the booking list has the rest)
# What each cell shows (the legend explains them; screen readers hear the state's label).
MARKS = {
    CellState.FREE: "○",
    CellState.PROVISIONAL: _l("P"),
    CellState.CONFIRMED: _l("B"),
    CellState.CLOSED: _l("C"),
    CellState.LOTTERY: _l("Lot"),
    CellState.PAST: "－",
}


def scoped_bookings() -> Select[tuple[Booking]]:
    return select(Booking).where(Booking.facility_id.in_(current_access().facility_ids))


class ReservationView(ReservationStyles, BaseView):
    def is_accessible(self) -> bool:
        return allowed("reservation.index")

    # --- records within the user's facilities ------------------------------------------------

    def _facility(self) -> Facility:
        served = sorted(current_access().facility_ids)
        raw = request.args.get("facility_id")
        facility_id = query_id(raw) if raw else (served[0] if served else None)
        if facility_id is None:
            abort(404)
        if facility_id not in served:
            not_found(out_of_scope=exists(Facility.id, facility_id))
        return db.session.get(Facility, facility_id)

    @staticmethod
    def _served() -> list[Facility]:
        """The user's facilities, for the facility chooser."""
        return list(
            db.session.scalars(
                select(Facility)
                .where(Facility.id.in_(current_access().facility_ids))
                .order_by(Facility.id)
            )
        )

    def _room(self) -> Room:
        room_id = query_id(request.args.get("room_id"))
        if room_id is None:
            abort(404)
        room = db.session.get(Room, room_id)
        if room is None or not current_access().serves(room.facility_id):
            not_found(out_of_scope=room is not None)
        return room

    def _booking(self) -> Booking:
        return scoped_one(
            scoped_bookings().options(joinedload(Booking.registrant), joinedload(Booking.room)),
            Booking.id,
            request.args.get("id"),
        )

    # --- the grid ----------------------------------------------------------------------------

    @expose("/")
    def index(self) -> str:
        facility = self._facility()
        period = request.args.get("period") if request.args.get("period") in PERIODS else "week"
        today = today_local()
        start = query_date(request.args.get("start")) or today
        if not date(2000, 1, 1) <= start <= today + relativedelta(years=3):
            start = today
        if period == "month":
            days = month_of(start)
            back, forward = days[0] - relativedelta(months=1), days[0] + relativedelta(months=1)
        else:
            days = week_of(start)
            back, forward = start - timedelta(days=7), start + timedelta(days=7)
        now = datetime.now(JST).replace(tzinfo=None)
        grid = grid_for(facility, days, now)
        return self.render(
            "admin/reservation/grid.html",
            grid=grid,
            period=period,
            start=start,
            back=back,
            forward=forward,
            today=today,
            facilities=self._served(),
            cells=GridCells(grid, period, MARKS),
            CellState=CellState,
            marks=MARKS,
            label=label,
            slot_name=slot_name,
        )

    # --- the day sheet ------------------------------------------------------------------------

    @expose("/day/")
    def day_sheet(self) -> str:
        """当日利用一覧: one day's bookings of a facility, by room and slot, to print (A4)."""
        facility = self._facility()
        day = query_date(request.args.get("day")) or today_local()
        return self.render(
            "print/day_sheet.html",
            facility=facility,
            day=day,
            rows=day_sheet(facility, day),
            facilities=self._served(),
            slot_name=slot_name,
            label=label,
            BookingState=BookingState,
            printed=datetime.now(JST),
        )

    # --- booking at the counter --------------------------------------------------------------

    @expose("/book/", methods=("GET", "POST"))
    def book(self) -> ResponseReturnValue:
        room = self._room()
        day = query_date(request.args.get("day"))
        try:
            slot = slot_of(room, request.args.get("slot") or "")
        except InputError:
            abort(404)
        if day is None:
            abort(404)
        form = BookingForm()
        if request.method == "GET" and request.args.get("registrant_id"):
            form.registration_number.data = self._number_of(request.args.get("registrant_id"))
        shown = None
        if form.validate_on_submit():
            counter_request = CounterRequest(
                room=room,
                day=day,
                slot=slot.code,
                registration_number=form.registration_number.data,
                people=form.people.data,
                purpose=form.purpose.data,
                admission=form.admission.data,
                reduction=Reduction(form.reduction.data) if form.reduction.data else None,
                repeat_until=form.repeat_until.data,
            )
            if request.form.get("step") == "book":
                return self._place(counter_request, form) or self._book_page(
                    room, day, slot, form, None
                )
            try:
                shown = preview(counter_request, by=current_user)
            except BookingError as error:
                at_field(form, BOOKING_FIELDS, error)
        return self._book_page(room, day, slot, form, shown)

    def _place(self, counter_request: CounterRequest, form: BookingForm) -> ResponseReturnValue:
        try:
            placed = place(counter_request, by=current_user)
            db.session.commit()
        except BookingError as error:
            db.session.rollback()
            if isinstance(error, BookingNotAllowed):
                abort(403)
            at_field(form, BOOKING_FIELDS, error)
            return None
        first = placed.bookings[0]
        flash(
            gettext(
                "Booked: %(n)s booking(s), %(yen)s yen in all.",
                n=len(placed.bookings),
                yen=f"{placed.total:,}",
            ),
            "success",
        )
        for day, reason in placed.refused:
            flash(
                gettext("Not booked on %(day)s: %(reason)s", day=day.isoformat(), reason=reason),
                "warning",
            )
        return redirect(url_for(".booking", id=first.id))

    def _book_page(
        self, room: Room, day: date, slot: Slot, form: BookingForm, shown: Preview | None
    ) -> str:
        return self.render(
            "admin/reservation/book.html",
            room=room,
            day=day,
            slot=slot,
            form=form,
            shown=shown,
            slot_name=slot_name,
            label=label,
        )

    @staticmethod
    def _number_of(raw_id: str | None) -> str | None:
        registrant_id = query_id(raw_id)
        if registrant_id is None:
            return None
        return db.session.scalar(
            select(Registrant.registration_number).where(
                Registrant.id == registrant_id,
                Registrant.facility_id.in_(current_access().facility_ids),
            )
        )

    # --- a registrant's bookings -------------------------------------------------------------

    @expose("/registrant/")
    def registrant(self) -> str:
        registrant = scoped_one(
            select(Registrant).where(Registrant.facility_id.in_(current_access().facility_ids)),
            Registrant.id,
            request.args.get("id"),
        )
        return self.render(
            "admin/reservation/registrant.html",
            registrant=registrant,
            bookings=bookings_of(registrant, REGISTRANT_LIST_MAX),
            limit=REGISTRANT_LIST_MAX,
            booking_rows=BookingRows,
            label=label,
        )

    # --- a booking ---------------------------------------------------------------------------

    @expose("/booking/")
    def booking(self) -> str:
        booking = self._booking()
        series = (
            db.session.scalars(
                scoped_bookings()
                .where(Booking.series_id == booking.series_id, Booking.id != booking.id)
                .order_by(Booking.day)
            ).all()
            if booking.series_id
            else []
        )
        return self.render(
            "admin/reservation/booking.html",
            booking=booking,
            series=series,
            slot=slot_of(booking.room, booking.slot),
            slot_name=slot_name,
            label=label,
            BookingState=BookingState,
            today=today_local(),
            reminder=reminder_of(booking),
        )

    @expose("/pay/", methods=("POST",))
    def pay(self) -> ResponseReturnValue:
        booking = self._booking()
        booking_id = booking.id
        if run_service(lambda: record_payment(booking, by=current_user)):
            flash(gettext("Payment recorded: the booking is confirmed."), "success")
        return redirect(url_for(".booking", id=booking_id))

    @expose("/cancel/", methods=("GET", "POST"))
    def cancel(self) -> ResponseReturnValue:
        booking = self._booking()
        booking_id = booking.id
        form = CancelForm()
        if form.validate_on_submit() and run_service(
            lambda: cancel(booking, form.reason.data, by=current_user, by_city=form.by_city.data),
            form,
        ):
            flash(gettext("The booking was cancelled."), "success")
            return redirect(url_for(".booking", id=booking_id))
        today = today_local()
        paid = booking.fee if booking.is_paid else 0
        refunds = {
            by_city: refund_amount(paid, refund_percent(booking.day, today, by_city))
            for by_city in (False, True)
        }
        return self.render(
            "admin/reservation/cancel.html",
            booking=booking,
            form=form,
            refunds=refunds,
            percent=refund_percent(booking.day, today),
            paid=paid,
            slot=slot_of(booking.room, booking.slot),
            slot_name=slot_name,
            label=label,
        )

    @expose("/permit/")
    def permit(self) -> str:
        booking = self._booking()
        if booking.state != BookingState.CONFIRMED:
            abort(404)
        return self.render(
            "print/permit.html",
            booking=booking,
            slot=slot_of(booking.room, booking.slot),
            slot_name=slot_name,
            label=label,
            issued=today_local(now_utc()),
        )
