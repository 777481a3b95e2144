"""Registrant screens: forms and columns generated from the field inventory, rows scoped to
the user's facilities, the registration's trail (entry, correction, final confirmation; after
it, only items no notice governs are edited, each change in the history), renewal with a fresh
eligibility check, printable application forms. Every rule is in models.registration.trail."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.helpers import is_form_submitted
from flask_admin.model import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Query
from wtforms import Field, Form
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from admin_app.audit import not_found
from admin_app.extensions import db
from admin_app.formatting import jdate_wareki, sdate, sdate_text
from admin_app.security import current_access
from models.clock import today_local
from models.errors import InputError
from models.japanese import pre_normalise
from models.organisation import Facility
from models.public.publication import check_circle, confirm_activity
from models.registration.change_notice import ChangeNotice, RegistrantHistory, open_notice_of
from models.registration.input import INPUT_FIELDS, applies, clean_registrant
from models.registration.inventory import (
    ALL,
    BY_FIELD,
    GROUP,
    INDIVIDUAL,
    REGISTRATION_FORM,
    SYSTEM,
    Item,
    system_items,
    visible_fields,
)
from models.registration.registrant import (
    CURRENT_STATUSES,
    CircleCategory,
    EligibilityBasis,
    EligibilityCheck,
    Registrant,
    RegistrantKind,
    Roster,
    check_basis,
)
from models.registration.search import search_condition
from models.registration.steps import NotAllowed, StepError
from models.registration.trail import (
    GOVERNED,
    RECEIPT,
    amend,
    confirm_registration,
    confirmation_problems,
    hold,
    may_confirm,
    possible_receivers,
    receipt_problems,
    record_changes,
    refuse_locked,
    register,
    renew,
)
from models.reservation.booking import Booking
from models.reservation.registrants import bookings_of
from models.staff.accounts import COUNTER_ROLES, StaffUser
from models.typed_input import query_id
from views.base import FacilityScopedView, exists
from views.labels import choices, enum_formatter, label
from views.outcome import apply_cleaned
from views.reservation.words import BookingRows

SHOWN = visible_fields(COUNTER_ROLES)  # the registrant view is open to counter roles only

BOOKINGS_SHOWN = 20  # the latest; the registrant's booking list has them all


def _not_in_future(form: Form, field: Field) -> None:
    if field.data and field.data > today_local():
        raise ValidationError(gettext("The date cannot be in the future."))


def help_text(item: Item) -> LazyString:
    """Purpose, condition and where it is stored, translated when the form is shown."""

    def text() -> str:
        mark = gettext("Stored on the contractor's server") if item.storage == SYSTEM else ""
        condition = f" {item.condition}" if item.condition else ""
        only = {
            GROUP: gettext("Required for groups."),
            INDIVIDUAL: gettext("Individuals only."),
        }.get(item.applies_to, "")
        return f"{item.purpose}{condition} {only}（{mark}）"

    return LazyString(text)


class RequiredMark(InputRequired):
    """Marks a field required (asterisk, `required` attribute); the rule itself is checked in
    models.registration.input.clean_registrant, for forms and imports alike."""

    def __call__(self, form: Form, field: Field) -> None:
        return None


def _validators(item: Item) -> list[Callable[[Form, Field], None]]:
    return (
        [RequiredMark(), Optional()] if item.required and item.applies_to == ALL else [Optional()]
    )


def _personal_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    value = getattr(model, name)
    if name == "postal_code":
        return model.postal_code_display
    return value if value is not None else ""


def _date_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    return jdate_wareki(getattr(model, name))


def _name_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    return model.name if model.name is not None else gettext("(erased)")


def _tier_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    tier = model.fee_tier()
    return f"{label(tier)}（{model.school_grade()}）" if tier else "—"


def _qualification_formatter(
    view: BaseModelView, context: Context, model: Registrant, name: str
) -> Markup:
    ok, reason = model.qualification()
    return Markup("<strong>{}</strong> {}").format(
        gettext("Qualifies") if ok else gettext("Does not qualify"), reason
    )


def _check_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    check = model.latest_check
    if check is None:
        return gettext("Not checked")
    docs = [str(BY_DOC[f]) for f in BY_DOC if getattr(check, f)]
    return (
        f"{label(check.basis)} / {'、'.join(docs) or '—'} / {sdate(check.checked_on)} / "
        f"{check.checked_by.name}"
    )


BY_DOC = {
    "doc_member_list": _l("Member list"),
    "doc_employment_cert": _l("Certificate of employment"),
    "doc_student_cert": _l("Certificate of enrolment"),
    "doc_identity": _l("Identity document"),
}

CIRCLE_FIELDS = ["circle_category", "recruiting", "publish_consent_on", "contact_consent"]
CIRCLE_LABELS = {
    "circle_category": _l("Category (public circle list)"),
    "recruiting": _l("Recruiting members"),
    "publish_consent_on": _l("Consent to publish (date)"),
    "contact_consent": _l("Consent to publish the contact"),
    "activity_confirmed_on": _l("Activity last confirmed on"),
}
TRAIL_LABELS = {
    "received_by": _l("Received by"),
    "received_on": _l("Received on"),
    "received_trail": _l("Received by / on"),
    "entered_trail": _l("Entered by / on"),
    "confirmed_trail": _l("Confirmed by / on"),
}

META_LABELS = {
    **CIRCLE_LABELS,
    **TRAIL_LABELS,
    "registration_number": _l("Registration number"),
    "kind": _l("Kind"),
    "facility": _l("Facility"),
    "status": _l("Status"),
    "registered_on": _l("Registered on"),
    "expires_on": _l("Expires on"),
    "fee_tier": _l("Fee tier"),
    "qualification": _l("Roster check"),
    "latest_check": _l("Eligibility check"),
    "eligibility_checks": _l("Eligibility checks"),
    "rosters": _l("Rosters"),
}


def trail_text(who: StaffUser | None, when: date | None) -> str:
    """「name / date」 of one step of the trail (empty when the step has not happened)."""
    if when is None:
        return ""
    name = who.name if who else gettext("(before the trail was recorded)")
    return f"{name} / {jdate_wareki(when)}"


def _trail_formatter(view: BaseModelView, context: Context, model: Registrant, name: str) -> str:
    return {
        "received_trail": lambda: trail_text(model.received_by, model.received_on),
        "entered_trail": lambda: trail_text(model.created_by, model.entered_on),
        "confirmed_trail": lambda: trail_text(model.confirmed_by, model.confirmed_at),
    }[name]() or "—"


def field_label(field: str) -> str:
    if field in BY_FIELD:
        return str(BY_FIELD[field].label)
    return str(META_LABELS.get(field) or gettext("Status"))


def history_value(field: str, value: str | None) -> str:
    """A history value as people read it (labels for codes, yes/no for flags)."""
    if value is None:
        return ""
    if field == "circle_category":
        return label(CircleCategory(value))
    if field == "kind":
        return label(RegistrantKind(value))
    if value in ("True", "False"):
        return gettext("Set") if value == "True" else gettext("Not set")
    return sdate_text(value)


class RegistrantView(FacilityScopedView):
    details_template = "admin/registrant_details.html"
    list_template = "admin/registrant_list.html"  # with the link to the blank form
    edit_template = "admin/registrant_edit.html"
    simple_list_pager = True  # no count(*) over 100,000 rows on every page
    column_default_sort = "name_kana"
    column_list = [
        "registration_number",
        "kind",
        "name",
        "name_kana",
        "facility",
        "phone",
        "expires_on",
        "status",
    ]
    column_details_list = (
        ["registration_number", "kind", "facility", "status", "registered_on", "expires_on"]
        + [f for f in SHOWN if f != "phone_digits"]
        + [
            "fee_tier",
            "latest_check",
            "qualification",
            *CIRCLE_FIELDS,
            "activity_confirmed_on",
            "received_trail",
            "entered_trail",
            "confirmed_trail",
        ]
    )
    column_export_list = [
        "registration_number",
        "kind",
        "facility",
        "status",
        "registered_on",
        "expires_on",
    ] + [f for f in SHOWN if f != "phone_digits"]
    column_searchable_list = ["registration_number", "name", "name_kana", "phone"]
    column_sortable_list = ["registration_number", "name_kana", "expires_on"]
    column_filters = ["kind", "status", "expires_on"]
    column_labels = {**{i.field: i.label for i in REGISTRATION_FORM}, **META_LABELS}
    column_formatters = {
        "kind": enum_formatter,
        "status": enum_formatter,
        "name": _name_formatter,
        "postal_code": _personal_formatter,
    }
    column_formatters_detail = {
        **column_formatters,
        "fee_tier": _tier_formatter,
        "registered_on": _date_formatter,
        "expires_on": _date_formatter,
        "birth_date": _date_formatter,
        "qualification": _qualification_formatter,
        "latest_check": _check_formatter,
        "circle_category": enum_formatter,
        "publish_consent_on": _date_formatter,
        "activity_confirmed_on": _date_formatter,
        "received_trail": _trail_formatter,
        "entered_trail": _trail_formatter,
        "confirmed_trail": _trail_formatter,
    }
    column_formatters_export = {
        "kind": enum_formatter,
        "status": enum_formatter,
        "postal_code": _personal_formatter,
    }
    form_columns = ["facility", "kind", *INPUT_FIELDS, "mail_consent", *CIRCLE_FIELDS, *RECEIPT]
    form_choices = {
        "kind": choices(RegistrantKind),
        "circle_category": [("", "—"), *choices(CircleCategory)],
    }
    form_args = {
        **{
            i.field: {
                "label": i.label,
                "description": help_text(i),
                "validators": _validators(i),
                "filters": [pre_normalise],
            }
            for i in system_items()
            if i.field in INPUT_FIELDS
        },
        "birth_date": {
            "label": BY_FIELD["birth_date"].label,
            "description": help_text(BY_FIELD["birth_date"]),
            "validators": [Optional(), _not_in_future],
        },
        "mail_consent": {
            "label": BY_FIELD["mail_consent"].label,
            "description": help_text(BY_FIELD["mail_consent"]),
        },
        "kind": {"label": _l("Kind")},
        "facility": {"label": _l("Facility")},
        "circle_category": {
            "label": CIRCLE_LABELS["circle_category"],
            "validators": [Optional()],
            "coerce": lambda v: v or None,
        },
        "recruiting": {"label": CIRCLE_LABELS["recruiting"]},
        "publish_consent_on": {
            "label": CIRCLE_LABELS["publish_consent_on"],
            "validators": [Optional()],
            "description": _l("Groups only. Empty: not on the public circle list"),
        },
        "contact_consent": {
            "label": CIRCLE_LABELS["contact_consent"],
            "description": _l(
                "Representative and phone number; otherwise enquiries go through the facility"
            ),
        },
        "received_by": {
            "label": TRAIL_LABELS["received_by"],
            "description": _l("Staff section (受付者): who took the paper form at the counter"),
        },
        "received_on": {
            "label": TRAIL_LABELS["received_on"],
            "default": today_local,
            "validators": [Optional()],
            "description": _l("Staff section (受付日)"),
        },
    }
    # Room for what people type (full-width digits, 〒, hyphens) before it is normalised.
    form_widget_args = {"postal_code": {"maxlength": 12}, "phone": {"maxlength": 20}}
    inline_models = [
        (
            EligibilityCheck,
            {
                "form_columns": [
                    "id",
                    "basis",
                    "doc_member_list",
                    "doc_employment_cert",
                    "doc_student_cert",
                    "doc_identity",
                    "checked_on",
                ],
                "form_label": _l("Eligibility check"),
                "form_choices": {"basis": choices(EligibilityBasis)},
                "column_labels": {
                    "basis": BY_FIELD["basis"].label,
                    **BY_DOC,
                    "checked_on": _l("Checked on"),
                },
                "form_args": {"checked_on": {"validators": [Optional(), _not_in_future]}},
            },
        ),
        (
            Roster,
            {
                "form_columns": [
                    "id",
                    "submitted_on",
                    "total_members",
                    "members_resident",
                    "members_working",
                    "members_studying",
                    "paper_location",
                    "destroy_by",
                ],
                "form_label": _l("Roster (member list)"),
                "column_labels": {
                    "submitted_on": _l("Submitted on"),
                    "total_members": _l("Total members"),
                    "members_resident": _l("Members living in the city"),
                    "members_working": _l("Members working in the city"),
                    "members_studying": _l("Members studying in the city"),
                    "paper_location": _l("Where the paper is kept"),
                    "destroy_by": _l("Destroy the paper by"),
                },
                "form_args": {
                    f: {"validators": [NumberRange(min=0, max=100000)]}
                    for f in (
                        "total_members",
                        "members_resident",
                        "members_working",
                        "members_studying",
                    )
                }
                | {
                    "submitted_on": {"validators": [Optional(), _not_in_future]},
                    "destroy_by": {"validators": [Optional()]},
                },
            },
        ),
    ]

    # --- the list opens on current registrations; expired, withdrawn and erased by filter ---
    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):  # noqa: ANN001, ANN201
        by_status = any(
            getattr(self._filters[idx].column, "key", None) == "status" for idx, _, _ in filters
        )
        g.current_registrations_only = not by_status  # per request: the view is shared
        try:
            return super().get_list(page, sort_column, sort_desc, search, filters, *args, **kwargs)
        finally:
            g.pop("current_registrations_only", None)

    def scope(self, query: Query) -> Query:
        query = super().scope(query)
        if g.get("current_registrations_only"):
            query = query.filter(Registrant.status.in_(CURRENT_STATUSES))
        return query

    # --- search: words inside name, furigana, number, phone or activity, by index ---
    def search_placeholder(self) -> str:
        return gettext("Number, name, furigana, phone or activity")

    def _apply_search(
        self, query: Query, count_query: Query | None, joins: dict, count_joins: dict, search: str
    ) -> tuple[Query, Query | None, dict, dict]:
        condition = search_condition(search)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    # --- forms: everything while the entry waits for confirmation; afterwards only what no
    # notice governs, and new (never rewritten) eligibility checks and rosters ---
    def create_form(self, obj: Registrant | None = None) -> Form:
        form = super().create_form(obj)
        form.received_by.query_factory = self._receivers
        if not is_form_submitted():
            form.received_by.data = current_user._get_current_object()
        form._registrant = None
        return form

    def edit_form(self, obj: Registrant | None = None) -> Form:
        form = super().edit_form(obj)
        form._registrant = obj
        if obj is not None and not obj.is_pending:
            for name in (*GOVERNED, *RECEIPT):
                if name in form:
                    del form[name]
            if not is_form_submitted():  # recorded ones are shown on the details page
                form.eligibility_checks.entries = []
                form.rosters.entries = []
            return form
        form.received_by.query_factory = self._receivers
        return form

    def _receivers(self) -> list[StaffUser]:
        return possible_receivers(current_access())

    # --- validation: the same rules as the import, from models.registration.input ---
    def validate_form(self, form: Form) -> bool:
        valid = super().validate_form(form)
        if not is_form_submitted() or not hasattr(form, "_registrant"):
            return valid
        registrant = form._registrant
        if registrant is not None and not registrant.is_pending:
            return self._validate_confirmed(form, registrant) and valid
        facility, kind = form.facility.data, form.kind.data
        raw = {f: form[f].data for f in INPUT_FIELDS}
        clean, errors = clean_registrant(raw, kind, facility)
        apply_cleaned(form, INPUT_FIELDS, clean, errors)
        circle_errors = check_circle(kind, {f: form[f].data for f in CIRCLE_FIELDS})
        errors |= circle_errors | receipt_problems(
            facility, form.received_by.data, form.received_on.data
        )
        for field, message in errors.items():
            if field not in INPUT_FIELDS:
                form[field].errors = [*form[field].errors, message]
        errors_inline = self._check_inline(form, facility)
        return valid and not errors and not errors_inline

    def _validate_confirmed(self, form: Form, registrant: Registrant) -> bool:
        try:
            refuse_locked(registrant, request.form)
        except StepError as error:
            flash(str(error), "error")
            return False
        circle_errors = check_circle(registrant.kind, {f: form[f].data for f in CIRCLE_FIELDS})
        for field, message in circle_errors.items():
            form[field].errors = [*form[field].errors, message]
        return not circle_errors and not self._check_inline(form, registrant.facility)

    def _check_inline(self, form: Form, facility: Facility | None) -> bool:
        failed = False
        for entry in form.eligibility_checks.entries:
            basis = entry.form.basis
            try:
                check_basis(basis.data, facility)
            except InputError as error:
                basis.errors = [*basis.errors, str(error)]
                failed = True
        for entry in form.rosters.entries:
            sub = entry.form
            counts = [
                sub.total_members.data,
                sub.members_resident.data,
                sub.members_working.data,
                sub.members_studying.data,
            ]
            if None in counts:
                continue
            roster = Roster(
                total_members=counts[0],
                members_resident=counts[1],
                members_working=counts[2],
                members_studying=counts[3],
            )
            try:
                roster.check_counts()
            except InputError as error:
                sub.total_members.errors = [*sub.total_members.errors, str(error)]
                failed = True
        return failed

    def on_model_change(self, form: Form, model: Registrant, is_created: bool) -> None:
        user = current_user._get_current_object()
        if is_created:
            register(model, user)
        else:
            amend(model, user)

    def update_model(self, form: Form, model: Registrant) -> bool:
        """Save an edit: refused (nothing changed) when it touches what confirmation fixed;
        every change goes into the history."""
        try:
            if model.is_pending:  # a confirmation at the same moment waits, or came first
                hold(model)
            refuse_locked(model, request.form)
            form.populate_obj(model)
            self._on_model_change(form, model, False)
            record_changes(model, current_user._get_current_object())
            db.session.commit()
        except StepError as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        except Exception as ex:
            db.session.rollback()
            if not self.handle_view_exception(ex):
                raise
            return False
        self.after_model_change(form, model, False)
        return True

    def get_save_return_url(self, model: Registrant, is_created: bool = False) -> str:
        # A new registration opens on its record, where the message gives its number.
        if is_created:
            return self.get_url(".details_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    def after_model_change(self, form: Form, model: Registrant, is_created: bool) -> None:
        if is_created:
            flash(
                gettext(
                    "Registration %(n)s entered. It becomes valid when the section chief "
                    "or a designated confirmer confirms it.",
                    n=model.registration_number,
                ),
                "info",
            )

    # --- the detail page: trail, history, open notice, what confirmation still needs ---
    @staticmethod
    def open_notice(registrant: Registrant) -> ChangeNotice | None:
        return open_notice_of(registrant.id)

    @staticmethod
    def bookings(registrant: Registrant) -> Sequence[Booking]:
        """The registrant's bookings (the latest first), each linking to its page."""
        return bookings_of(registrant, BOOKINGS_SHOWN)

    @staticmethod
    def history(registrant: Registrant) -> Sequence[RegistrantHistory]:
        return db.session.scalars(
            select(RegistrantHistory)
            .where(RegistrantHistory.registrant_id == registrant.id)
            .order_by(RegistrantHistory.changed_at.desc(), RegistrantHistory.id.desc())
        ).all()

    @staticmethod
    def confirmation_problems(registrant: Registrant) -> list[str]:
        return confirmation_problems(registrant) if registrant.is_pending else []

    @staticmethod
    def may_confirm(registrant: Registrant) -> bool:
        return may_confirm(current_access(), registrant)

    def render(self, template: str, **kwargs: Any) -> str:
        kwargs.setdefault("label", label)
        kwargs.setdefault("field_label", field_label)
        kwargs.setdefault("history_value", history_value)
        kwargs.setdefault("booking_rows", BookingRows)
        return super().render(template, **kwargs)

    # --- final confirmation 最終確認: one record, or the selected ones ---
    @expose("/confirm/", methods=("POST",))
    def confirm_view(self) -> ResponseReturnValue:
        registrant = self.get_one(request.args.get("id", ""))
        number = registrant.registration_number
        try:
            confirm_registration(registrant, current_user._get_current_object())
            db.session.commit()
            flash(gettext("Registration %(n)s confirmed: it is now valid.", n=number), "success")
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except StepError as error:
            db.session.rollback()
            flash(
                gettext(
                    "Registration %(n)s was not confirmed: %(reason)s", n=number, reason=str(error)
                ),
                "error",
            )
        return redirect(url_for(".details_view", id=registrant.id))

    def get_actions_list(self) -> tuple[list[tuple[str, str]], dict[str, str]]:
        actions, confirmations = super().get_actions_list()
        if not current_access().confirm_sections:
            actions = [a for a in actions if a[0] != "confirm_registration"]
        return actions, confirmations

    @action(
        "confirm_registration",
        _l("Confirm (final check)"),
        _l("Confirm the selected registrations? They become valid."),
    )
    def action_confirm_registration(self, ids: list[int]) -> None:
        user = current_user._get_current_object()
        done = self._each(ids, lambda r: confirm_registration(r, user))
        if done:
            flash(gettext("%(n)s registrations confirmed.", n=done), "success")

    # --- renewal: only with an eligibility check recorded within RENEWAL_CHECK_MONTHS ---
    @action("renew", _l("Renew"), _l("Renew the selected registrations?"))
    def action_renew(self, ids: list[int]) -> None:
        user = current_user._get_current_object()
        done = self._each(ids, lambda r: renew(r, user))
        if done:
            flash(gettext("%(n)s registrations renewed.", n=done), "success")

    def _each(self, ids: list[int], step: Callable[[Registrant], object]) -> int:
        """Take `step` on each selected registration in scope; those refused stay unchanged
        and are listed with the reason (registration number: reason)."""
        done, refused = 0, []
        for registrant in (
            self.get_query().filter(Registrant.id.in_(ids)).order_by(Registrant.registration_number)
        ):
            try:
                step(registrant)  # refuses before it changes anything
                done += 1
            except StepError as error:
                refused.append(f"{registrant.registration_number}: {error}")
        db.session.commit()
        for line in refused:
            flash(line, "error")
        return done

    @action(
        "confirm_activity",
        _l("Activity confirmed (活動調査)"),
        _l("Mark the selected circles as confirmed today?"),
    )
    def action_confirm(self, ids: list[int]) -> None:
        user = current_user._get_current_object()
        for registrant in self.get_query().filter(Registrant.id.in_(ids)):
            confirm_activity(registrant, today_local())
            record_changes(registrant, user)
        db.session.commit()
        flash(gettext("Marked as confirmed."), "success")

    # --- printable 利用登録申請書 ---
    @expose("/print/")
    def print_view(self) -> str:
        registrant = self.get_one(request.args.get("id", ""))
        return self._render_form(registrant.facility, registrant)

    @expose("/blank/")
    def blank_form(self) -> str:
        if not request.args.get("facility_id"):
            # Asked from a menu: offer the facilities this person serves.
            return self.render("admin/blank_form_choice.html", facilities=self.facility_choices())
        facility_id = query_id(request.args.get("facility_id"))
        if facility_id is None:
            abort(404)
        if not current_access().serves(facility_id):
            not_found(out_of_scope=exists(Facility.id, facility_id))
        return self._render_form(db.session.get(Facility, facility_id), None)

    def _render_form(self, facility: Facility | None, registrant: Registrant | None) -> str:
        kinds = [registrant.kind] if registrant else list(RegistrantKind)
        rows = [
            (item, [k for k in kinds if applies(item, k, facility)]) for item in REGISTRATION_FORM
        ]
        rows = [(item, ks) for item, ks in rows if ks and item.field != "phone_digits"]
        return self.render(
            "print/registration_form.html",
            facility=facility,
            registrant=registrant,
            rows=rows,
            label=label,
            BY_DOC=BY_DOC,
            trail_text=trail_text,
        )
