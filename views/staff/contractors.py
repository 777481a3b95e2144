"""Contractor companies, approved subcontractors and training records (IT section)."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import Field, Form
from wtforms.validators import Optional, ValidationError

from models.clock import today_local
from models.staff.contractor import (
    ContractorCompany,
    TrainingRecord,
    record_approval,
    record_training,
)
from views.base import AppModelView


def _end_after_start(form: Form, field: Field) -> None:
    if field.data and form.contract_from.data and field.data < form.contract_from.data:
        raise ValidationError(_l("The end date must not be before the start date."))


def _not_future(form: Form, field: Field) -> None:
    if field.data and field.data > today_local():
        raise ValidationError(_l("The date cannot be in the future."))


class ContractorCompanyView(AppModelView):
    column_list = [
        "name",
        "privacy_mark_number",
        "privacy_mark_expires_on",
        "contract_from",
        "contract_to",
        "parent",
        "approved_on",
    ]
    column_default_sort = "name"
    form_columns = [
        "name",
        "privacy_mark_number",
        "privacy_mark_expires_on",
        "contract_from",
        "contract_to",
        "parent",
        "approved_on",
        "approval_scope",
    ]
    column_labels = {
        "name": _l("Company"),
        "privacy_mark_number": _l("Privacy Mark number"),
        "privacy_mark_expires_on": _l("Privacy Mark valid until"),
        "contract_from": _l("Contract from"),
        "contract_to": _l("Contract to"),
        "parent": _l("Subcontractor of"),
        "approved_on": _l("Subcontracting approved on"),
        "approval_scope": _l("Approved scope"),
        "approved_by": _l("Approved by"),
    }
    form_args = {
        "contract_to": {"validators": [_end_after_start]},
        "approved_on": {"validators": [Optional(), _not_future]},
    }

    def on_model_change(self, form: Form, model: ContractorCompany, is_created: bool) -> None:
        record_approval(model, current_user._get_current_object())


class TrainingRecordView(AppModelView):
    column_list = ["user", "trained_on", "course", "recorded_by"]
    column_default_sort = ("trained_on", True)
    form_columns = ["user", "trained_on", "course"]
    column_labels = {
        "user": _l("Staff member"),
        "trained_on": _l("Trained on"),
        "course": _l("Course"),
        "recorded_by": _l("Recorded by"),
        "recorded_at": _l("Recorded at"),
    }
    form_args = {"trained_on": {"validators": [_not_future]}}

    def on_model_change(self, form: Form, model: TrainingRecord, is_created: bool) -> None:
        record_training(model, current_user._get_current_object())
