"""Back-office screens for sections, facilities and rooms."""

from flask import flash
from flask_admin import Admin
from flask_admin.contrib.sqla.fields import get_field_id
from flask_admin.model.base import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Query
from wtforms import Field, Form
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation

from admin_app.extensions import db
from admin_app.security import visible_facility_ids
from models.errors import InputError
from models.organisation import (
    BOOKING_SETTINGS,
    OPTIONAL_SETTINGS,
    Authority,
    EligibilityRule,
    Facility,
    Room,
    Section,
    SlotPattern,
    eligibility_setting_problem,
)
from models.registration.school import FeeTier
from models.reservation.fees import (
    RoomFee,
    fee_rows_problems,
    multipliers,
)
from models.reservation.rooms import parent_problem
from models.reservation.setup import OLD_FEES, division_change_problem, pattern_change_problem
from views.base import AppModelView
from views.forms import PHONE_FORMAT
from views.labels import choices, enum_formatter, label
from views.reservation.words import TIERS, fee_rows, fee_slot_choices

MAX_FEE = 10_000_000  # yen: beyond any room's fee


class SectionView(AppModelView):
    column_list = ["code", "name", "authority"]
    column_default_sort = "code"
    column_searchable_list = ["name", "code"]
    form_columns = ["code", "name", "authority"]
    column_labels = {"code": _l("Code"), "name": _l("Section name"), "authority": _l("Authority")}
    column_formatters = {"authority": enum_formatter}
    column_formatters_detail = column_formatters
    form_choices = {"authority": choices(Authority)}


def _percent(view: BaseModelView, context: Context, model: Facility, name: str) -> str:
    """A fee multiplier as set, or the app's default it falls back on."""
    value = getattr(model, name)
    if value is not None:
        return f"{value}%"
    non_resident, admission = multipliers(model)
    default = non_resident if name == "non_resident_fee_percent" else admission
    return gettext("Default (%(n)s%%)", n=default)


def _setting_args(name: str, description: LazyString) -> dict:
    """A reservation setting's field: its range from models.organisation.BOOKING_SETTINGS."""
    low, high = BOOKING_SETTINGS[name]
    message = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
    required = Optional() if name in OPTIONAL_SETTINGS else InputRequired(message=message)
    return {
        "validators": [
            _kept_when_absent,
            required,
            NumberRange(min=low, max=high, message=message),
        ],
        "description": description,
        "render_kw": {"min": low, "max": high},
    }


def _kept_when_absent(form: Form, field: Field) -> None:
    """A setting the request does not carry at all keeps its value (a form from before the
    setting existed); sent empty, it is checked (and refused unless optional)."""
    if field.raw_data is None or field.raw_data == []:
        raise StopValidation()


BOOKING_FIELDS = list(BOOKING_SETTINGS)


class FacilityView(AppModelView):
    column_list = ["name", "kind", "section", "eligibility_rule", "phone"]
    column_details_list = [
        "name",
        "kind",
        "section",
        "eligibility_rule",
        "eligibility_check_required",
        "address",
        "phone",
        "number_prefix",
        "registration_term_years",
        "individual_fee_by_age",
        "group_min_members",
        "group_min_in_city_percent",
        *BOOKING_FIELDS,
    ]
    column_default_sort = "id"
    column_searchable_list = ["name"]
    form_columns = [
        "section",
        "name",
        "kind",
        "eligibility_rule",
        "eligibility_check_required",
        "address",
        "phone",
        *BOOKING_FIELDS,
    ]
    column_labels = {
        "name": _l("Facility name"),
        "kind": _l("Kind"),
        "section": _l("Section"),
        "eligibility_rule": _l("Eligibility"),
        "address": _l("Address"),
        "phone": _l("Phone"),
        "rooms": _l("Rooms"),
        "eligibility_check_required": _l("Eligibility check required"),
        "number_prefix": _l("Registration number prefix"),
        "registration_term_years": _l("Registration term (years)"),
        "individual_fee_by_age": _l("Individual fee by age"),
        "group_min_members": _l("Minimum members of a group"),
        "group_min_in_city_percent": _l("Members from the city, at least (%)"),
        "booking_months_ahead": _l("Bookable months ahead (residents)"),
        "booking_months_ahead_non_resident": _l("Bookable months ahead (outside the city)"),
        "booking_cap_per_month": _l("Bookings per registrant per month, at most"),
        "payment_days": _l("Days to pay after booking"),
        "non_resident_fee_percent": _l("Fee outside the city (%)"),
        "admission_fee_percent": _l("Fee when admission is charged (%)"),
    }
    column_formatters = {"eligibility_rule": enum_formatter}
    column_formatters_detail = {
        "eligibility_rule": enum_formatter,
        "non_resident_fee_percent": _percent,
        "admission_fee_percent": _percent,
    }
    form_choices = {"eligibility_rule": choices(EligibilityRule)}
    form_args = {
        "phone": {"validators": [Optional(), PHONE_FORMAT]},
        "eligibility_check_required": {
            "description": _l(
                "A registration is confirmed, and renewed, only with a recorded "
                "eligibility check (利用要件確認); only a joint-use facility may do "
                "without"
            )
        },
        "booking_months_ahead": _setting_args(
            "booking_months_ahead",
            _l("A resident may book up to this many months from today (1 to 12)"),
        ),
        "booking_months_ahead_non_resident": _setting_args(
            "booking_months_ahead_non_resident",
            _l("Joint use from outside the city: up to this many months from today (1 to 12)"),
        ),
        "booking_cap_per_month": _setting_args(
            "booking_cap_per_month",
            _l("Provisional and confirmed bookings of one registrant per month of use (1 to 31)"),
        ),
        "payment_days": _setting_args(
            "payment_days",
            _l(
                "A provisional booking is paid within this many days, never later than the "
                "day before use (1 to 30)"
            ),
        ),
        "non_resident_fee_percent": _setting_args(
            "non_resident_fee_percent",
            _l("100 to 300; empty: the city's default"),
        ),
        "admission_fee_percent": _setting_args(
            "admission_fee_percent",
            _l("100 to 300; empty: the city's default"),
        ),
    }

    def scope(self, query: Query) -> Query:
        ids = visible_facility_ids()
        return query if ids is None else query.filter(Facility.id.in_(ids))

    def validate_form(self, form: Form) -> bool:
        valid = super().validate_form(form)
        if "eligibility_check_required" in form and "eligibility_rule" in form:
            problem = eligibility_setting_problem(
                form.eligibility_rule.data, bool(form.eligibility_check_required.data)
            )
            if problem:
                form.eligibility_check_required.errors = [
                    *form.eligibility_check_required.errors,
                    problem,
                ]
                return False
        return valid

    def edit_form(self, obj: Facility | None = None) -> Form:
        # A facility stays in its section: moving it would open its residents' data to another
        # section's chief and staff without a second person (models.staff.grants).
        form = super().edit_form(obj)
        del form.section
        return form


def _rooms_in_scope() -> list[Room]:
    """The rooms a room may be made part of: those of the user's facilities (the rule that
    they share the room's facility is models.reservation.rooms.parent_problem's)."""
    ids = visible_facility_ids()
    query = select(Room).join(Room.facility).order_by(Room.facility_id, Room.id)
    if ids is not None:
        query = query.where(Room.facility_id.in_(ids))
    return list(db.session.scalars(query))


def _fee_table(view: BaseModelView, context: Context, model: Room, name: str) -> Markup:
    """The room's fee table: a row per slot, a column per tier (yen; — where none is set)."""
    rows = fee_rows(model)
    if not rows:
        return Markup('<span data-testid="fee-table">{}</span>').format(
            gettext("No fees set: the room cannot be booked yet.")
        )
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(label(t)) for t in TIERS)
    body = Markup("").join(
        Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            slot, Markup("").join(Markup("<td>{}</td>").format(amount) for amount in amounts)
        )
        for slot, amounts in rows
    )
    return Markup(
        '<table class="table table-sm w-auto mb-0" data-testid="fee-table"><thead><tr>'
        '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(gettext("Slot"), head, body)


def _rooms(view: BaseModelView, context: Context, model: Room, name: str) -> str:
    return "、".join(room.name for room in getattr(model, name))


class RoomView(AppModelView):
    """Rooms with what booking them needs: the slot pattern, the room a part divides (a half
    of a hall) and the fee table (a row per slot and tier). The rules are
    models.reservation.setup's; the form shows each refusal at its field."""

    column_list = ["facility", "name", "capacity", "slot_pattern", "parent"]
    column_details_list = [
        "facility",
        "name",
        "capacity",
        "slot_pattern",
        "parent",
        "children",
        "fees",
    ]
    column_default_sort = "id"
    column_searchable_list = ["name"]
    form_columns = ["facility", "name", "capacity", "slot_pattern", "parent", "fees"]
    column_labels = {
        "facility": _l("Facility"),
        "name": _l("Room name"),
        "capacity": _l("Capacity"),
        "slot_pattern": _l("Slot pattern"),
        "parent": _l("Part of"),
        "children": _l("Divided into"),
        "fees": _l("Fee table (yen)"),
    }
    column_formatters = {"slot_pattern": enum_formatter}
    column_formatters_detail = {
        "slot_pattern": enum_formatter,
        "children": _rooms,
        "fees": _fee_table,
    }
    form_choices = {"slot_pattern": choices(SlotPattern)}
    form_args = {
        "capacity": {"validators": [NumberRange(min=1, max=2000)]},
        "slot_pattern": {
            "description": _l(
                "Morning / afternoon / evening (and both or all day), or by the hour from "
                "9:00 to 21:00"
            )
        },
        "parent": {
            "query_factory": _rooms_in_scope,
            "description": _l(
                "For a divided room (a half of a hall): the whole room, of the same facility. "
                "Booking the whole holds its parts, and a part holds the whole."
            ),
        },
    }
    inline_models = [
        (
            RoomFee,
            {
                "form_columns": ["id", "slot", "tier", "amount"],
                "form_label": _l("Fee"),
                "form_choices": {"slot": fee_slot_choices(), "tier": choices(FeeTier)},
                "column_labels": {
                    "slot": _l("Slot"),
                    "tier": _l("Fee tier"),
                    "amount": _l("Amount (yen)"),
                },
                "form_args": {
                    "amount": {"validators": [InputRequired(), NumberRange(min=0, max=MAX_FEE)]},
                    "slot": {
                        "description": _l(
                            "A combined slot without a row costs the sum of its parts; an "
                            "hour without a row of its own costs the per-hour row"
                        )
                    },
                },
            },
        )
    ]

    def scope(self, query: Query) -> Query:
        ids = visible_facility_ids()
        return query if ids is None else query.filter(Room.facility_id.in_(ids))

    def create_form(self, obj: Room | None = None) -> Form:
        form = super().create_form(obj)
        form._room = None
        return form

    def edit_form(self, obj: Room | None = None) -> Form:
        # A room stays at its facility: its bookings, closures and registrants are there.
        form = super().edit_form(obj)
        del form.facility
        form._room = obj
        return form

    def validate_form(self, form: Form) -> bool:
        valid = super().validate_form(form)
        if not hasattr(form, "_room") or "slot_pattern" not in form:
            return valid
        room: Room | None = form._room
        facility = room.facility if room is not None else form.facility.data
        if facility is None or form.slot_pattern.data not in set(SlotPattern):
            return False
        pattern = SlotPattern(form.slot_pattern.data)
        problems = [
            parent_problem(form.parent.data, room=room, facility=facility.id, pattern=pattern),
            *self._changes_problems(room, pattern, form.parent.data),
        ]
        for problem in problems:
            if problem is not None:
                _at(form[problem.field], problem)
        fee_problems = self._fee_problems(form, room, pattern)
        return valid and not any(problems) and not fee_problems

    @staticmethod
    def _changes_problems(
        room: Room | None, pattern: SlotPattern, parent: Room | None
    ) -> list[InputError | None]:
        """What the change asks of a stored room's bookings (models.reservation.setup)."""
        if room is None:
            return [division_change_problem(None, None, parent) if parent else None]
        changes = []
        if pattern != room.slot_pattern:
            changes.append(pattern_change_problem(room, pattern, list(room.children)))
        if parent is not room.parent:
            changes.append(division_change_problem(room, room.parent, parent))
        return changes

    @staticmethod
    def _fee_problems(form: Form, room: Room | None, pattern: SlotPattern) -> bool:
        """The fee rows as they would be saved (those the form leaves alone, then its own),
        each problem at its row's field — or at the slot pattern for a row not on the form."""
        entries = [e for e in form.fees.entries if not form.fees.should_delete(e)]
        posted = {get_field_id(e) for e in form.fees.entries}
        kept = [f for f in (room.fees if room is not None else []) if str(f.id) not in posted]
        rows = [(f.slot, f.tier, f.amount) for f in kept] + [
            (e.form.slot.data, e.form.tier.data, e.form.amount.data) for e in entries
        ]
        problems = fee_rows_problems(pattern, rows)
        for index, problem in problems:
            if index < len(kept):
                _at(form.slot_pattern, InputError(OLD_FEES))
            else:
                _at(entries[index - len(kept)].form[problem.field], problem)
        return bool(problems)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, InputError):  # the flush guard, past the form's checks
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)


def _at(field: Field, problem: InputError) -> None:
    """A rule's refusal at its field, unless the field's own check already refused it."""
    if not field.errors:
        field.errors = [str(problem)]


def add_views(admin: Admin) -> None:
    """The Organisation menu."""
    org = _l("Organisation")
    admin.add_view(SectionView(Section, db, name=_l("Sections"), category=org, endpoint="section"))
    admin.add_view(
        FacilityView(Facility, db, name=_l("Facilities"), category=org, endpoint="facility")
    )
    admin.add_view(RoomView(Room, db, name=_l("Rooms"), category=org, endpoint="room"))
