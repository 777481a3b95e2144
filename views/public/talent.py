"""人材バンク screens: forms and columns from the field inventory, rows scoped to the user's
facilities, checked like registrations (models.public.talent.clean_talent)."""

from flask import flash
from flask_admin.actions import action
from flask_admin.helpers import is_form_submitted
from flask_admin.model import BaseModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from jinja2.runtime import Context
from wtforms import Form
from wtforms.validators import Optional

from admin_app.extensions import db
from admin_app.formatting import jdate_wareki
from models.clock import today_local
from models.japanese import pre_normalise
from models.public.publication import confirm_activity
from models.public.talent import (
    TALENT_CHECKS,
    TALENT_REQUIRED,
    TalentEntry,
    TalentField,
    clean_talent,
    start_talent_entry,
)
from models.registration.inventory import system_items
from views.base import FacilityScopedView
from views.labels import choices, enum_formatter
from views.outcome import apply_cleaned
from views.registration.registrants import RequiredMark, help_text

ITEMS = system_items("TalentEntry")
META = {
    "facility": _l("Managing facility"),
    "field": _l("Field"),
    "registered_on": _l("Registered on"),
    "expires_on": _l("Expires on"),
    "publish_consent_on": _l("Consent to publish (date)"),
    "contact_consent": _l("Consent to publish the contact"),
    "confirmed_on": _l("Activity last confirmed on"),
    "updated_at": _l("Last updated"),
}


def _date(view: BaseModelView, context: Context, model: TalentEntry, name: str) -> str:
    return jdate_wareki(getattr(model, name))


class TalentEntryView(FacilityScopedView):
    column_default_sort = "display_kana"
    column_list = [
        "display_name",
        "display_kana",
        "field",
        "facility",
        "publish_consent_on",
        "contact_consent",
        "expires_on",
        "confirmed_on",
    ]
    column_details_list = [
        "facility",
        "field",
        *[i.field for i in ITEMS],
        "registered_on",
        "expires_on",
        "publish_consent_on",
        "contact_consent",
        "confirmed_on",
        "updated_at",
    ]
    column_searchable_list = ["display_name", "display_kana", "offer"]
    column_sortable_list = ["display_kana", "expires_on", "confirmed_on"]
    column_filters = ["field", "expires_on"]
    column_labels = {**{i.field: i.label for i in ITEMS}, **META}
    column_formatters = {
        "field": enum_formatter,
        "expires_on": _date,
        "publish_consent_on": _date,
        "confirmed_on": _date,
    }
    column_formatters_detail = {**column_formatters, "registered_on": _date}
    form_columns = [
        "facility",
        "field",
        *TALENT_CHECKS,
        "publish_consent_on",
        "contact_consent",
        "expires_on",
    ]
    form_choices = {"field": choices(TalentField)}
    form_args = {
        **{
            i.field: {
                "label": i.label,
                "description": help_text(i),
                "filters": [pre_normalise],
                "validators": [RequiredMark(), Optional()]
                if i.field in TALENT_REQUIRED
                else [Optional()],
            }
            for i in ITEMS
        },
        "facility": {"label": META["facility"]},
        "field": {"label": META["field"]},
        "publish_consent_on": {
            "label": META["publish_consent_on"],
            "validators": [Optional()],
            "description": _l("Empty: not published on the public site"),
        },
        "contact_consent": {
            "label": META["contact_consent"],
            "description": _l("Otherwise enquiries go through the facility"),
        },
        "expires_on": {
            "label": META["expires_on"],
            "validators": [Optional()],
            "description": _l("31 March of the fiscal year; renewable"),
        },
    }
    form_widget_args = {"phone": {"maxlength": 20}}

    def validate_form(self, form: Form) -> bool:
        valid = super().validate_form(form)
        if not is_form_submitted() or not hasattr(form, "display_name"):
            return valid
        raw = {f: form[f].data for f in TALENT_CHECKS} | {
            "publish_consent_on": form.publish_consent_on.data,
            "contact_consent": form.contact_consent.data,
        }
        clean, errors = clean_talent(raw)
        apply_cleaned(form, TALENT_CHECKS, clean, errors)
        return valid and not errors

    def on_model_change(self, form: Form, model: TalentEntry, is_created: bool) -> None:
        if is_created:
            start_talent_entry(model)

    @action("renew", _l("Renew to the next 31 March"), _l("Renew the selected entries?"))
    def action_renew(self, ids: list[int]) -> None:
        for entry in self._selected(ids):
            entry.renew()
        db.session.commit()
        flash(gettext("The selected entries were renewed."), "success")

    @action(
        "confirm_activity",
        _l("Activity confirmed (活動調査)"),
        _l("Mark the selected entries as confirmed today?"),
    )
    def action_confirm(self, ids: list[int]) -> None:
        for entry in self._selected(ids):
            confirm_activity(entry, today_local())
        db.session.commit()
        flash(gettext("Marked as confirmed."), "success")

    def _selected(self, ids: list[int]) -> list[TalentEntry]:
        return self.get_query().filter(TalentEntry.id.in_(ids)).all()  # keys (handle_action)
