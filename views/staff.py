"""Back-office screens for staff IDs and their role assignments (IT section only)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional, Regexp, ValidationError

from models.staff import Role, StaffKind, StaffStatus
from views.base import AppModelView
from views.labels import choices, enum_formatter

LOGIN = Regexp(r"^[a-z0-9][a-z0-9._-]{2,63}$",
               message=_l("Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores."))


def _not_before(start_field: str):
    def check(form, field):
        start = form[start_field].data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))
    return check


class StaffUserView(AppModelView):
    column_list = ["login", "name", "employee_number", "kind", "section", "status",
                   "valid_from", "valid_to", "last_login_at"]
    column_details_list = column_list + ["assignments", "created_at"]
    column_default_sort = "login"
    column_searchable_list = ["login", "name", "employee_number"]
    column_filters = ["status", "kind"]
    form_columns = ["login", "name", "employee_number", "kind", "section", "status",
                    "valid_from", "valid_to"]
    column_labels = {"login": _l("Login ID"), "name": _l("Name"),
                     "employee_number": _l("Employee number"), "kind": _l("Kind"),
                     "section": _l("Section"), "status": _l("Status"),
                     "valid_from": _l("Valid from"), "valid_to": _l("Valid to"),
                     "last_login_at": _l("Last login"), "assignments": _l("Role assignments"),
                     "created_at": _l("Issued at")}
    column_formatters = {"kind": enum_formatter, "status": enum_formatter}
    column_formatters_detail = column_formatters
    form_choices = {"kind": choices(StaffKind), "status": choices(StaffStatus)}
    form_args = {"login": {"validators": [LOGIN]},
                 "valid_to": {"validators": [Optional(), _not_before("valid_from")]}}


class RoleAssignmentView(AppModelView):
    column_list = ["user", "role", "section", "facilities", "valid_from", "valid_to"]
    column_default_sort = ("valid_from", True)
    column_filters = ["role", "valid_from", "valid_to"]
    form_columns = ["user", "role", "section", "facilities", "valid_from", "valid_to"]
    column_labels = {"user": _l("Staff member"), "role": _l("Role"), "section": _l("Section"),
                     "facilities": _l("Facilities"), "valid_from": _l("Valid from"),
                     "valid_to": _l("Valid to")}
    column_formatters = {"role": enum_formatter}
    column_formatters_detail = column_formatters
    form_choices = {"role": choices(Role)}
    form_args = {"valid_to": {"validators": [Optional(), _not_before("valid_from")]}}
