"""The list of bookings: the user's facilities only, searchable by registration number and
name, filtered by state, day and room, with a CSV download. Read-only: a booking changes on
its own page (payment, cancellation), which each row links to."""

from flask import url_for
from flask_admin.model.base import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy.orm import Query, joinedload

from admin_app.formatting import jdate
from models.reservation.booking import Booking
from views.base import FacilityScopedView
from views.labels import enum_formatter
from views.reservation.styles import ReservationStyles
from views.reservation.words import booking_slot


def _day(view: BaseModelView, context: Context, model: Booking, name: str) -> str:
    return jdate(model.day)


def _slot(view: BaseModelView, context: Context, model: Booking, name: str) -> str:
    return booking_slot(model)


def _registrant(view: BaseModelView, context: Context, model: Booking, name: str) -> str:
    registrant = model.registrant
    return f"{registrant.registration_number} {registrant.name or gettext('(erased)')}"


def _yen(view: BaseModelView, context: Context, model: Booking, name: str) -> str:
    value = getattr(model, name)
    return "" if value is None else f"{value:,}"


def _link(view: BaseModelView, context: Context, model: Booking, name: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(
        url_for("reservation.booking", id=model.id), escape(jdate(model.day))
    )


class BookingListView(ReservationStyles, FacilityScopedView):
    can_view_details = False
    simple_list_pager = True  # no count(*) over every booking on each page
    # The id breaks ties: pages of a list sorted by day alone overlap and skip rows (PostgreSQL).
    column_default_sort = [("day", True), ("id", True)]
    column_list = ["day", "slot", "room", "registrant", "state", "people", "fee", "refund"]
    column_export_list = [
        "day",
        "slot",
        "facility",
        "room",
        "registrant",
        "state",
        "people",
        "fee",
        "reduction",
        "refund",
    ]
    column_labels = {
        "day": _l("Day of use"),
        "slot": _l("Slot"),
        "facility": _l("Facility"),
        "room": _l("Room"),
        "registrant": _l("Registrant"),
        "state": _l("State"),
        "people": _l("Number of people"),
        "fee": _l("Fee (yen)"),
        "reduction": _l("Fee reduction"),
        "refund": _l("Refund (yen)"),
        "registrant.registration_number": _l("Registration number"),
        "registrant.name": _l("Name"),
        "room.name": _l("Room"),
    }
    column_sortable_list = ["day", "state"]
    column_searchable_list = ["registrant.registration_number", "registrant.name"]
    column_filters = [
        "state",
        "day",
        "room.name",
    ]
    column_formatters = {
        "day": _link,
        "slot": _slot,
        "registrant": _registrant,
        "state": enum_formatter,
        "fee": _yen,
        "refund": _yen,
    }
    column_formatters_export = {
        "day": _day,
        "slot": _slot,
        "registrant": _registrant,
        "state": enum_formatter,
        "reduction": enum_formatter,
        "refund": _yen,
    }

    def get_query(self) -> Query:
        return super().get_query().options(joinedload(Booking.registrant), joinedload(Booking.room))
