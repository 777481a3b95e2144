"""Registrant screens: forms and columns generated from the field inventory, rows scoped to
the user's facilities, printable application forms, renewal."""

from datetime import timedelta

from flask import abort, flash, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.helpers import is_form_submitted
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from admin_app.extensions import db
from admin_app.formatting import jdate_wareki
from models.change_notice import RegistrantHistory, open_notice_of
from models.clock import today_local
from models.inventory import (
    ALL,
    BY_FIELD,
    GROUP,
    INDIVIDUAL,
    REGISTRATION_FORM,
    SYSTEM,
    system_items,
    visible_fields,
)
from models.japanese import InputError, phone_digits, pre_normalise
from models.organisation import Facility
from models.publication import check_circle, confirm
from models.registrant_input import INPUT_FIELDS, applies, clean_registrant, search_condition
from models.registration import (
    CircleCategory,
    EligibilityBasis,
    EligibilityCheck,
    Registrant,
    RegistrantKind,
    Roster,
    renew,
    start_registration,
)
from models.staff import Role
from views.base import FacilityScopedView
from views.labels import choices, enum_formatter, label

COUNTER = frozenset({Role.FACILITY_STAFF, Role.SECTION_CHIEF})
SHOWN = visible_fields(COUNTER)  # the registrant view is open to counter roles only


def _not_in_future(form, field):
    if field.data and field.data > today_local():
        raise ValidationError(gettext("The date cannot be in the future."))


def help_text(item) -> LazyString:
    """Purpose, condition and where it is stored, translated when the form is shown."""
    def text() -> str:
        mark = gettext("Stored on the contractor's server") if item.storage == SYSTEM else ""
        condition = f" {item.condition}" if item.condition else ""
        only = {GROUP: gettext("Required for groups."),
                INDIVIDUAL: gettext("Individuals only.")}.get(item.applies_to, "")
        return f"{item.purpose}{condition} {only}（{mark}）"
    return LazyString(text)


class RequiredMark(InputRequired):
    """Marks a field required (asterisk, `required` attribute); the rule itself is checked in
    models.registrant_input.clean_registrant, for forms and imports alike."""

    def __call__(self, form, field) -> None:
        return None


def _validators(item) -> list:
    return [RequiredMark(), Optional()] if item.required and item.applies_to == ALL \
        else [Optional()]


def _personal_formatter(view, context, model, name):
    value = getattr(model, name)
    if name == "postal_code":
        return model.postal_code_display
    return value if value is not None else ""


def field_label(field: str) -> str:
    return str(BY_FIELD[field].label) if field in BY_FIELD else gettext("Status")


def _date_formatter(view, context, model, name):
    return jdate_wareki(getattr(model, name))


def _name_formatter(view, context, model, name):
    return model.name if model.name is not None else gettext("(erased)")


def _tier_formatter(view, context, model, name):
    tier = model.fee_tier()
    return f"{label(tier)}（{model.school_grade()}）" if tier else "—"


def _qualification_formatter(view, context, model, name):
    ok, reason = model.qualification()
    return Markup("<strong>{}</strong> {}").format(
        gettext("Qualifies") if ok else gettext("Does not qualify"), reason)


def _check_formatter(view, context, model, name):
    check = model.latest_check
    if check is None:
        return gettext("Not checked")
    docs = [str(BY_DOC[f]) for f in BY_DOC if getattr(check, f)]
    return f"{label(check.basis)} / {'、'.join(docs) or '—'} / {check.checked_on} / " \
           f"{check.checked_by.name}"


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

META_LABELS = {**CIRCLE_LABELS,
    "registration_number": _l("Registration number"), "kind": _l("Kind"),
    "facility": _l("Facility"), "status": _l("Status"), "registered_on": _l("Registered on"),
    "expires_on": _l("Expires on"), "fee_tier": _l("Fee tier"),
    "qualification": _l("Roster check"), "latest_check": _l("Eligibility check"),
    "eligibility_checks": _l("Eligibility checks"), "rosters": _l("Rosters"),
}


class RegistrantView(FacilityScopedView):
    details_template = "admin/registrant_details.html"
    simple_list_pager = True  # no count(*) over 100,000 rows on every page
    column_default_sort = "name_kana"
    column_list = ["registration_number", "kind", "name", "name_kana", "facility", "phone",
                   "expires_on", "status"]
    column_details_list = (["registration_number", "kind", "facility", "status",
                            "registered_on", "expires_on"]
                           + [f for f in SHOWN if f != "phone_digits"]
                           + ["fee_tier", "latest_check", "qualification", *CIRCLE_FIELDS,
                              "activity_confirmed_on"])
    column_export_list = ["registration_number", "kind", "facility", "status", "registered_on",
                          "expires_on"] + [f for f in SHOWN if f != "phone_digits"]
    column_searchable_list = ["registration_number", "name", "name_kana", "phone"]
    column_sortable_list = ["registration_number", "name_kana", "expires_on"]
    column_filters = ["kind", "status", "expires_on"]
    column_labels = {**{i.field: i.label for i in REGISTRATION_FORM}, **META_LABELS}
    column_formatters = {"kind": enum_formatter, "status": enum_formatter,
                         "name": _name_formatter, "postal_code": _personal_formatter}
    column_formatters_detail = {**column_formatters, "fee_tier": _tier_formatter,
                                "registered_on": _date_formatter, "expires_on": _date_formatter,
                                "birth_date": _date_formatter,
                                "qualification": _qualification_formatter,
                                "latest_check": _check_formatter,
                                "circle_category": enum_formatter,
                                "publish_consent_on": _date_formatter,
                                "activity_confirmed_on": _date_formatter}
    column_formatters_export = {"kind": enum_formatter, "status": enum_formatter,
                                "postal_code": _personal_formatter}
    form_columns = ["facility", "kind", *INPUT_FIELDS, *CIRCLE_FIELDS]
    form_choices = {"kind": choices(RegistrantKind),
                    "circle_category": [("", "—"), *choices(CircleCategory)]}
    form_args = {
        **{i.field: {"label": i.label, "description": help_text(i), "validators": _validators(i),
                     "filters": [pre_normalise]}
           for i in system_items() if i.field in INPUT_FIELDS},
        "birth_date": {"label": BY_FIELD["birth_date"].label,
                       "description": help_text(BY_FIELD["birth_date"]),
                       "validators": [Optional(), _not_in_future]},
        "kind": {"label": _l("Kind")},
        "facility": {"label": _l("Facility")},
        "circle_category": {"label": CIRCLE_LABELS["circle_category"],
                            "validators": [Optional()], "coerce": lambda v: v or None},
        "recruiting": {"label": CIRCLE_LABELS["recruiting"]},
        "publish_consent_on": {"label": CIRCLE_LABELS["publish_consent_on"],
                               "validators": [Optional()], "description": _l(
                                   "Groups only. Empty: not on the public circle list")},
        "contact_consent": {"label": CIRCLE_LABELS["contact_consent"], "description": _l(
            "Representative and phone number; otherwise enquiries go through the facility")},
    }
    # Room for what people type (full-width digits, 〒, hyphens) before it is normalised.
    form_widget_args = {"postal_code": {"maxlength": 12}, "phone": {"maxlength": 20}}
    inline_models = [
        (EligibilityCheck, {
            "form_columns": ["id", "basis", "doc_member_list", "doc_employment_cert",
                             "doc_student_cert", "doc_identity", "checked_on"],
            "form_label": _l("Eligibility check"),
            "form_choices": {"basis": choices(EligibilityBasis)},
            "column_labels": {"basis": BY_FIELD["basis"].label, **BY_DOC,
                              "checked_on": _l("Checked on")},
            "form_args": {"checked_on": {"validators": [Optional(), _not_in_future]}},
        }),
        (Roster, {
            "form_columns": ["id", "submitted_on", "total_members", "members_resident",
                             "members_working", "members_studying", "paper_location",
                             "destroy_by"],
            "form_label": _l("Roster (member list)"),
            "column_labels": {"submitted_on": _l("Submitted on"),
                              "total_members": _l("Total members"),
                              "members_resident": _l("Members living in the city"),
                              "members_working": _l("Members working in the city"),
                              "members_studying": _l("Members studying in the city"),
                              "paper_location": _l("Where the paper is kept"),
                              "destroy_by": _l("Destroy the paper by")},
            "form_args": {f: {"validators": [NumberRange(min=0, max=100000)]}
                          for f in ("total_members", "members_resident", "members_working",
                                    "members_studying")}
                         | {"submitted_on": {"validators": [Optional(), _not_in_future]},
                            "destroy_by": {"validators": [Optional()]}},
        }),
    ]

    # --- search: registration number, phone, furigana or name, from the start, by index ---
    def search_placeholder(self) -> str:
        return gettext("Number, name, furigana or phone")

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = search_condition(search)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    # --- validation: the same rules as the import, from models.registrant_input ---
    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        if not is_form_submitted() or not hasattr(form, "kind"):
            return valid
        facility, kind = form.facility.data, form.kind.data
        raw = {f: form[f].data for f in INPUT_FIELDS}
        clean, errors = clean_registrant(raw, kind, facility)
        for field, message in errors.items():
            if message not in form[field].errors:  # the form's own check may have said it
                form[field].errors = [*form[field].errors, message]
        for field in INPUT_FIELDS:
            if field not in errors and not form[field].errors:
                form[field].data = clean[field]
        circle_errors = check_circle(kind, {f: form[f].data for f in CIRCLE_FIELDS})
        for field, message in circle_errors.items():
            form[field].errors = [*form[field].errors, message]
        errors_inline = self._check_inline(form, facility)
        return valid and not errors and not circle_errors and not errors_inline

    def _check_inline(self, form, facility) -> bool:
        failed = False
        for entry in form.eligibility_checks.entries:
            basis = entry.form.basis
            if basis.data == EligibilityBasis.JOINT_USE and facility and \
                    not facility.allows_joint_use:
                basis.errors = [*basis.errors, gettext(
                    "This facility does not allow joint use from outside the city.")]
                failed = True
        for entry in form.rosters.entries:
            sub = entry.form
            counts = [sub.total_members.data, sub.members_resident.data,
                      sub.members_working.data, sub.members_studying.data]
            if None in counts:
                continue
            roster = Roster(total_members=counts[0], members_resident=counts[1],
                            members_working=counts[2], members_studying=counts[3])
            try:
                roster.check_counts()
            except InputError as error:
                sub.total_members.errors = [*sub.total_members.errors, str(error)]
                failed = True
        return failed

    def on_model_change(self, form, model, is_created):
        model.phone_digits = phone_digits(model.phone)
        today = today_local()
        if is_created:
            model.created_by_id = current_user.id
            start_registration(model, today)
        for check in model.eligibility_checks:
            check.checked_by_id = check.checked_by_id or current_user.id
            check.checked_on = check.checked_on or today
        for roster in model.rosters:
            roster.verified_by_id = roster.verified_by_id or current_user.id
            roster.submitted_on = roster.submitted_on or today
            roster.destroy_by = roster.destroy_by or model.expires_on + timedelta(days=365)

    # --- change notices on the detail page ---
    @staticmethod
    def open_notice(registrant):
        return open_notice_of(registrant.id)

    @staticmethod
    def history(registrant):
        return db.session.scalars(
            select(RegistrantHistory).where(RegistrantHistory.registrant_id == registrant.id)
            .order_by(RegistrantHistory.changed_at.desc(), RegistrantHistory.id.desc())).all()

    def render(self, template, **kwargs):
        kwargs.setdefault("label", label)
        kwargs.setdefault("field_label", field_label)
        return super().render(template, **kwargs)

    # --- renewal ---
    @action("renew", _l("Renew"), _l("Renew the selected registrations?"))
    def action_renew(self, ids):
        renewed = 0
        for registrant in self.get_query().filter(Registrant.id.in_(self._int_ids(ids))):
            try:
                renew(registrant)
                renewed += 1
            except InputError as error:
                flash(f"{registrant.registration_number}: {error}", "error")
        db.session.commit()
        if renewed:
            flash(gettext("%(n)s registrations renewed.", n=renewed), "success")

    @action("confirm_activity", _l("Activity confirmed (活動調査)"),
            _l("Mark the selected circles as confirmed today?"))
    def action_confirm(self, ids):
        for registrant in self.get_query().filter(Registrant.id.in_(self._int_ids(ids))):
            confirm(registrant, today_local())
        db.session.commit()
        flash(gettext("Marked as confirmed."), "success")

    @staticmethod
    def _int_ids(ids) -> list[int]:
        return [int(i) for i in ids if str(i).isdigit()]

    # --- printable 利用登録申請書 ---
    @expose("/print/")
    def print_view(self):
        registrant = self.get_one(request.args.get("id", ""))
        return self._render_form(registrant.facility, registrant)

    @expose("/blank/")
    def blank_form(self):
        facility_id = request.args.get("facility_id", "")
        if not facility_id.isdigit() or int(facility_id) not in current_user.facility_ids():
            abort(404)
        return self._render_form(db.session.get(Facility, int(facility_id)), None)

    def _render_form(self, facility, registrant):
        kinds = [registrant.kind] if registrant else list(RegistrantKind)
        rows = [(item, [k for k in kinds if applies(item, k, facility)])
                for item in REGISTRATION_FORM]
        rows = [(item, ks) for item, ks in rows if ks and item.field != "phone_digits"]
        return self.render("print/registration_form.html", facility=facility,
                           registrant=registrant, rows=rows, label=label, BY_DOC=BY_DOC)
