"""The form bases of every back-office form: each text field refuses control characters and
text made only of invisible characters, each date field refuses dates before 1900 or a
century ahead (models.typed_input). FlaskForm screens use AppForm; Flask-Admin's model forms,
inline forms included, use AdminForm. CSRF stays with the global CSRFProtect."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import flash
from flask_admin.contrib.sqla.form import InlineModelConverter
from flask_admin.form import BaseForm
from flask_admin.form.widgets import DatePickerWidget
from flask_admin.model.form import InlineFormAdmin
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeField, Field, Form, PasswordField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Regexp, StopValidation, ValidationError

from models.staff.accounts import LOGIN_PATTERN
from models.typed_input import date_problem, text_problem

# Formats checked at the field (the models check again on every path).
PHONE_FORMAT = Regexp(
    r"^0\d{1,4}-\d{1,4}-\d{3,4}$",
    message=_l("Enter the phone number with hyphens, e.g. 042-393-5111."),
)
LOGIN_FORMAT = Regexp(
    LOGIN_PATTERN,
    message=_l("Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores."),
)


def typed_text(form: Form, field: Field) -> None:
    """Checks what was typed (raw_data, before any filter cleaned it up)."""
    raw = field.raw_data[0] if field.raw_data else field.data
    if not isinstance(raw, str):
        return
    problem = text_problem(raw, required=bool(field.flags.required))
    if problem:
        raise StopValidation(problem)


def date_in_range(form: Form, field: Field) -> None:
    problem = date_problem(field.data)
    if problem:
        raise ValidationError(problem)


def input_checks(field: Field) -> list[Callable[[Form, Field], None]]:
    if isinstance(field, PasswordField):
        return []  # a password is any characters (NUL is refused before any view)
    if isinstance(field, StringField):
        return [typed_text]
    if isinstance(field, DateField | DateTimeField):
        return [date_in_range]
    return []


# A picked or typed day reads 2026/11/26; 2026-11-26 is still understood when typed or sent.
DAY_FORMATS = ["%Y/%m/%d", "%Y-%m-%d"]
PICKER_FORMAT = "YYYY/MM/DD"  # the same, in moment.js's words, for the date picker


class TypedInputMeta:
    """Puts the checks first on every field a form binds; date pickers write 2026/11/26."""

    def bind_field(self, form: Form, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
        field = super().bind_field(form, unbound_field, options)
        checks = input_checks(field)
        if checks:
            field.validators = [*checks, *field.validators]
        # Only Flask-Admin's picker: a browser's <input type="date"> needs 2026-11-26.
        if isinstance(field, DateField) and isinstance(field.widget, DatePickerWidget):
            field.format = field.strptime_format = DAY_FORMATS  # read, and shown, as above
            field.render_kw = {**(field.render_kw or {}), "data-date-format": PICKER_FORMAT}
        return field


class AppForm(FlaskForm):
    class Meta(TypedInputMeta):
        pass

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        # Flask-Admin's form macros show only `str` errors; validators' messages are lazy.
        for field in self:
            if isinstance(field.errors, list):
                field.errors = [e if isinstance(e, dict | list) else str(e) for e in field.errors]
        return valid

    def flash_errors(self) -> None:
        """For a small form posted from another page: each problem as a message there."""
        for field in self:
            for error in field.errors:
                flash(f"{field.label.text}: {error}" if field.label.text else str(error), "error")


class AdminForm(BaseForm):
    class Meta(TypedInputMeta):
        pass


class AdminInlineConverter(InlineModelConverter):
    """Inline forms (eligibility checks, rosters) get the same base as their parent form."""

    def get_info(self, p: tuple[type, dict[str, Any]] | InlineFormAdmin | type) -> InlineFormAdmin:
        info = super().get_info(p)
        if not getattr(info, "form_base_class", None):
            info.form_base_class = AdminForm
        return info
