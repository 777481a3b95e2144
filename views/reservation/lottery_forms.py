"""The lottery's forms: setting up a lottery month (the chief) and an application at the
counter."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models.reservation.rules import PURPOSE_MAX
from views.forms import AppForm

# Where a service's refusal (LotteryError.field) is shown on the forms.
APPLICATION_FIELDS = {
    "registrant": "registration_number",
    "room": "room",
    "day": "day",
    "slot": "slot",
    "people": "people",
    "purpose": "purpose",
}
LOTTERY_FIELDS = {
    "rooms": "rooms",
    "month": "month",
    "opens_on": "opens_on",
    "closes_on": "closes_on",
    "confirm_by": "confirm_by",
}


class LotteryForm(AppForm):
    month = SelectField(_l("Month of use"), validators=[InputRequired()])
    rooms = SelectMultipleField(
        _l("Rooms in the lottery"),
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[InputRequired(message=_l("Choose at least one room."))],
    )
    opens_on = DateField(
        _l("Applications open"),
        validators=[Optional()],
        description=_l("Empty: the default day of the month two months before the month of use."),
    )
    closes_on = DateField(_l("Applications close"), validators=[Optional()])
    draws_on = DateField(_l("Draw"), validators=[Optional()])
    first_come_on = DateField(_l("First-come booking opens"), validators=[Optional()])
    confirm_by = DateField(_l("Wins to be confirmed (paid) by"), validators=[Optional()])
    max_applications = IntegerField(
        _l("Applications per registrant"),
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )
    max_wins = IntegerField(
        _l("Wins per registrant"), validators=[InputRequired(), NumberRange(min=1, max=50)]
    )
    residents_only = BooleanField(_l("Registrants living or working in the city (市内) only"))


class ApplicationForm(AppForm):
    registration_number = StringField(
        _l("Registration number"),
        validators=[InputRequired(message=_l("Enter the registration number."))],
    )
    room = SelectField(_l("Room"), coerce=int, validators=[InputRequired()])
    day = DateField(
        _l("Day of use"), validators=[InputRequired(message=_l("Enter the day of use."))]
    )
    slot = SelectField(_l("Slot"), validators=[InputRequired()])
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
