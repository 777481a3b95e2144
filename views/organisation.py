"""Back-office screens for sections, facilities and rooms."""

from flask_admin import Admin
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Query
from wtforms import Form
from wtforms.validators import NumberRange, Optional

from admin_app.extensions import db
from admin_app.security import visible_facility_ids
from models.organisation import (
    Authority,
    EligibilityRule,
    Facility,
    Room,
    Section,
    eligibility_setting_problem,
)
from views.base import AppModelView
from views.forms import PHONE_FORMAT
from views.labels import choices, enum_formatter


class SectionView(AppModelView):
    column_list = ["code", "name", "authority"]
    column_default_sort = "code"
    column_searchable_list = ["name", "code"]
    form_columns = ["code", "name", "authority"]
    column_labels = {"code": _l("Code"), "name": _l("Section name"), "authority": _l("Authority")}
    column_formatters = {"authority": enum_formatter}
    column_formatters_detail = column_formatters
    form_choices = {"authority": choices(Authority)}


class FacilityView(AppModelView):
    column_list = ["name", "kind", "section", "eligibility_rule", "phone"]
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
    }
    column_formatters = {"eligibility_rule": enum_formatter}
    column_formatters_detail = column_formatters
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


class RoomView(AppModelView):
    column_list = ["facility", "name", "capacity"]
    column_default_sort = "id"
    column_searchable_list = ["name"]
    form_columns = ["facility", "name", "capacity"]
    column_labels = {
        "facility": _l("Facility"),
        "name": _l("Room name"),
        "capacity": _l("Capacity"),
    }
    form_args = {"capacity": {"validators": [NumberRange(min=1, max=2000)]}}

    def scope(self, query: Query) -> Query:
        ids = visible_facility_ids()
        return query if ids is None else query.filter(Room.facility_id.in_(ids))


def add_views(admin: Admin) -> None:
    """The Organisation menu."""
    org = _l("Organisation")
    admin.add_view(SectionView(Section, db, name=_l("Sections"), category=org, endpoint="section"))
    admin.add_view(
        FacilityView(Facility, db, name=_l("Facilities"), category=org, endpoint="facility")
    )
    admin.add_view(RoomView(Room, db, name=_l("Rooms"), category=org, endpoint="room"))
