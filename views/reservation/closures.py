"""Closed days 休館日 and blackouts of the user's facilities: the list (when, in words), a new
closure through models.reservation.closures.add_closure (each refusal at its field, nothing
saved) and deletion. A new closure cancels nothing: the page warns of the bookings it falls
on, which staff cancel (by the city, full refund)."""

from flask import flash, url_for
from flask_admin.model.base import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Query, joinedload
from wtforms import BooleanField, DateField, Form, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from admin_app.extensions import db
from admin_app.formatting import jdate
from models.clock import JST, today_local
from models.errors import InputError
from models.organisation import Facility, Room
from models.reservation.closures import (
    Closure,
    ClosureKind,
    add_closure,
    bookings_on,
    closable_slots,
)
from models.reservation.registrants import describe
from views.base import FacilityScopedView
from views.forms import AdminForm
from views.labels import choices, enum_formatter
from views.reservation.words import closure_slot, closure_when, fee_slot_name, weekday_name

SHOWN = 5  # bookings named in the warning (the list has them all)


def _number(raw: str | None) -> int | None:
    """A select's value as a number; "" is none (anything else fails the choice check)."""
    return int(raw) if raw not in (None, "") else None


class ClosureForm(AdminForm):
    """A new closure; its choices are set per request (the user's facilities and rooms)."""

    facility = SelectField(_l("Facility"), coerce=_number, validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=choices(ClosureKind), validators=[InputRequired()])
    room = SelectField(
        _l("Room"),
        coerce=_number,
        validators=[Optional()],
        description=_l("Empty: the whole facility. A room closes its parts and the whole too."),
    )
    weekday = SelectField(
        _l("Day of the week"),
        coerce=_number,
        validators=[Optional()],
        description=_l("Every week, or monthly"),
    )
    nth = SelectField(
        _l("Which one of the month"),
        coerce=_number,
        validators=[Optional()],
        description=_l("Monthly: the 1st to the 5th such weekday of the month"),
    )
    starts_on = DateField(
        _l("First day"), validators=[Optional()], description=_l("Dates or period, and works")
    )
    ends_on = DateField(
        _l("Last day"), validators=[Optional()], description=_l("The same day for one day")
    )
    yearly = BooleanField(
        _l("Every year"), description=_l("Dates or period only, e.g. 12/28 to 1/4 every year")
    )
    slot = SelectField(
        _l("Slot"),
        validators=[Optional()],
        description=_l("Empty: all day (e.g. works in the evenings only: 夜間)"),
    )
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(message=_l("Enter the reason."))],
        description=_l("What staff see in the availability grid and at the counter"),
        render_kw={"maxlength": 200},
    )


def _when(view: BaseModelView, context: Context, model: Closure, name: str) -> str:
    return closure_when(model)


def _slot(view: BaseModelView, context: Context, model: Closure, name: str) -> str:
    return closure_slot(model)


def _entered_at(view: BaseModelView, context: Context, model: Closure, name: str) -> str:
    at = model.created_at.astimezone(JST)
    return f"{jdate(at)} {at:%H:%M}"


def _room(view: BaseModelView, context: Context, model: Closure, name: str) -> str:
    return model.room.name if model.room is not None else gettext("Whole facility")


class ClosureView(FacilityScopedView):
    # No edit (the permission table allows none): a closure is deleted and added again.
    form = ClosureForm
    column_list = ["facility", "kind", "when", "room", "slot", "reason"]
    column_details_list = [
        "facility",
        "kind",
        "when",
        "room",
        "slot",
        "reason",
        "created_by",
        "created_at",
    ]
    column_default_sort = ("id", True)
    column_sortable_list = ["kind"]
    column_filters = ["kind"]
    column_labels = {
        "facility": _l("Facility"),
        "kind": _l("Kind"),
        "when": _l("Closed on"),
        "room": _l("Room"),
        "slot": _l("Slot"),
        "reason": _l("Reason"),
        "created_by": _l("Entered by"),
        "created_at": _l("Entered at"),
    }
    column_formatters = {"kind": enum_formatter, "when": _when, "room": _room, "slot": _slot}
    column_formatters_detail = column_formatters | {"created_at": _entered_at}

    def get_query(self) -> Query:
        return super().get_query().options(joinedload(Closure.room))

    def create_form(self, obj: Closure | None = None) -> Form:
        # Not FacilityScopedView's: this form's facility is a plain select, filled here.
        form = super(FacilityScopedView, self).create_form(obj)
        facilities = self.facility_choices()
        form.facility.choices = [(str(f.id), f.name) for f in facilities]
        rooms = db.session.scalars(
            select(Room)
            .where(Room.facility_id.in_([f.id for f in facilities]))
            .order_by(Room.facility_id, Room.id)
        ).all()
        several = len(facilities) > 1
        form.room.choices = [("", gettext("Whole facility"))] + [
            (str(r.id), f"{r.facility.name} {r.name}" if several else r.name) for r in rooms
        ]
        form.weekday.choices = [("", "—")] + [(str(d), weekday_name(d)) for d in range(7)]
        form.nth.choices = [("", "—")] + [
            (str(n), gettext("No. %(n)s of the month", n=n)) for n in range(1, 6)
        ]
        form.slot.choices = [("", gettext("All day"))] + [
            (code, fee_slot_name(code)) for code in closable_slots(None)
        ]
        return form

    def create_model(self, form: Form) -> Closure | bool:
        """Through add_closure: a refusal goes to its field and nothing is saved."""
        facility = db.session.get(Facility, form.facility.data)
        room = db.session.get(Room, form.room.data) if form.room.data is not None else None
        try:
            closure = add_closure(
                facility,
                ClosureKind(form.kind.data),
                form.reason.data,
                by=current_user,
                room=room,
                weekday=form.weekday.data,
                nth=form.nth.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                yearly=form.yearly.data,
                slot=form.slot.data or None,
            )
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            field = form[error.field] if error.field in form else form.reason
            field.errors = [*field.errors, str(error)]
            return False
        self.after_model_change(form, closure, True)
        return closure

    def after_model_change(self, form: Form, model: Closure, is_created: bool) -> None:
        if not is_created:
            return
        found = bookings_on(model, today_local())
        if not found:
            return
        named = "、".join(describe(b) for b in found[:SHOWN])
        flash(
            Markup('{} <a href="{}">{}</a>').format(
                gettext(
                    "%(n)s booking(s) still to come fall on this closure (%(which)s%(more)s). "
                    "Nothing was cancelled: cancel them as cancelled by the city "
                    "(full refund).",
                    n=len(found),
                    which=named,
                    more="…" if len(found) > SHOWN else "",
                ),
                url_for("booking.index_view"),
                gettext("Bookings"),
            ),
            "warning",
        )
