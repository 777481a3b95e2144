"""The counter's forms: a booking (or a weekly series) and a cancellation; the fields a
lottery application shares with a booking; how a screen runs a service and shows its refusal."""

from collections.abc import Callable

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    Form,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from admin_app.extensions import db
from models.errors import InputError
from models.reservation.fees import Reduction
from models.reservation.rules import PURPOSE_MAX, REASON_MAX, BookingNotAllowed
from views.forms import AppForm
from views.labels import choices

# Where a service's refusal (BookingError.field) is shown on the booking form.
BOOKING_FIELDS = {
    "registrant": "registration_number",
    "people": "people",
    "purpose": "purpose",
    "reduction": "reduction",
    "repeat_until": "repeat_until",
}


def at_field(form: Form, fields: dict[str, str], error: InputError) -> None:
    """A service's refusal at its field on the form (`fields`: the error's field → the
    form's), or above the form."""
    name = fields.get(error.field or "")
    if name is not None and name in form:
        form[name].errors = [*form[name].errors, str(error)]
    else:
        form.form_errors.append(str(error))


def run_service(
    step: Callable[[], object], form: Form | None = None, fields: dict[str, str] | None = None
) -> bool:
    """Run a reservation service and commit once. A refusal is rolled back: 403 when the
    person does not serve the facility; otherwise its message at its field on `form`
    (`fields`: the error's field → the form's; default the same names), or flashed."""
    try:
        step()
        db.session.commit()
    except BookingNotAllowed:
        db.session.rollback()
        abort(403)
    except InputError as error:
        db.session.rollback()
        name = (fields or {}).get(error.field or "", error.field)
        if form is not None and name in form:
            form[name].errors = [*form[name].errors, str(error)]
        else:
            flash(str(error), "error")
        return False
    return True


def registration_number_field(description: str | None = None) -> StringField:
    return StringField(
        _l("Registration number"),
        validators=[InputRequired(message=_l("Enter the registration number."))],
        description=description,
    )


def people_field() -> IntegerField:
    return IntegerField(
        _l("Number of people"),
        validators=[
            InputRequired(message=_l("Enter the number of people (1 or more).")),
            NumberRange(min=1, max=100_000, message=_l("Enter the number of people (1 or more).")),
        ],
    )


def purpose_field() -> StringField:
    return StringField(
        _l("Purpose of use"),
        validators=[InputRequired(message=_l("Enter the purpose of use."))],
        render_kw={"maxlength": PURPOSE_MAX},
    )


class BookingForm(AppForm):
    registration_number = registration_number_field(
        _l("The registrant must be confirmed and registered for this facility.")
    )
    people = people_field()
    purpose = purpose_field()
    admission = BooleanField(_l("Admission is charged"))
    reduction = SelectField(
        _l("Fee reduction"),
        choices=[("", _l("None")), *choices(Reduction)],
        validators=[Optional()],
    )
    repeat_until = DateField(
        _l("Repeat weekly until"),
        validators=[Optional()],
        description=_l("Leave empty for one booking. Each date becomes a booking of its own."),
    )


class CancelForm(AppForm):
    reason = TextAreaField(
        _l("Reason for cancelling"),
        validators=[InputRequired(message=_l("Enter the reason."))],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
    )
    by_city = BooleanField(
        _l("Cancelled by the city (closure or disaster): full refund"),
    )
