"""The counter's forms: a booking (or a weekly series) and a cancellation."""

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

from models.errors import InputError
from models.reservation.fees import Reduction
from models.reservation.rules import PURPOSE_MAX, REASON_MAX
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


class BookingForm(AppForm):
    registration_number = StringField(
        _l("Registration number"),
        validators=[InputRequired(message=_l("Enter the registration number."))],
        description=_l("The registrant must be confirmed and registered for this facility."),
    )
    people = IntegerField(
        _l("Number of people"),
        validators=[
            InputRequired(message=_l("Enter the number of people (1 or more).")),
            NumberRange(min=1, max=100_000, message=_l("Enter the number of people (1 or more).")),
        ],
    )
    purpose = StringField(
        _l("Purpose of use"),
        validators=[InputRequired(message=_l("Enter the purpose of use."))],
        render_kw={"maxlength": PURPOSE_MAX},
    )
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
