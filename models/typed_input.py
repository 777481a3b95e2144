"""What a person can type: free text without control characters and not made only of
invisible characters, and dates within a sensible range. One rule for forms, imports and the
query parameters of custom screens; every refusal comes with a Japanese message."""

import re
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from models.clock import today_local
from models.errors import InputError
from models.japanese import nfkc

# C0 and C1 controls (NUL among them, which PostgreSQL text refuses) and DEL; tab and line
# breaks are what people type into a text area, so they stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width characters, the word joiner, the BOM and the bidirectional marks: nothing shows.
INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")

FIRST_YEAR = 1900
YEARS_AHEAD = 100

HAS_CONTROL = _l("Control characters cannot be entered. Please retype the text.")
ONLY_INVISIBLE = _l("The text consists only of invisible characters. Please enter visible text.")
REQUIRED = _l("This item is required.")


def visible(value: str) -> str:
    """The text without invisible characters and surrounding white space."""
    return INVISIBLE.sub("", value).strip()


def text_problem(value: str | None, *, required: bool = False) -> str | None:
    """Why a typed text cannot be accepted, or None. Empty input is left to the caller
    (optional fields may be empty); a required item that shows nothing is empty."""
    if not value:
        return None
    if CONTROL.search(value):
        return str(HAS_CONTROL)
    if not visible(value):
        if required:
            return str(REQUIRED)
        return str(ONLY_INVISIBLE) if value.strip() else None  # white space only: empty
    return None


def typed_value_problem(value: object) -> tuple[str | None, bool]:
    """For one item of a form or an import row: why it cannot be accepted (control
    characters), and whether it is empty (nothing visible: required items then fail as
    empty, optional ones are stored as nothing)."""
    if value is None:
        return None, True
    if not isinstance(value, str):
        return None, False
    if CONTROL.search(value):
        return str(HAS_CONTROL), False
    return None, not visible(nfkc(value))


def date_bounds(today: date | None = None) -> tuple[date, date]:
    """The dates a form accepts: from 1 January 1900 to a hundred years from today."""
    return date(FIRST_YEAR, 1, 1), (today or today_local()) + relativedelta(years=YEARS_AHEAD)


def date_problem(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    first, last = date_bounds()
    if not first <= day <= last:
        return str(
            _l(
                "Enter a date between %(first)s and %(last)s.",
                first=first.isoformat(),
                last=last.isoformat(),
            )
        )
    return None


def check_date(value: date | None) -> date | None:
    problem = date_problem(value)
    if problem:
        raise InputError(problem)
    return value


def parse_date(text: str | None) -> date:
    """A typed date (YYYY-MM-DD, slashes allowed) within the accepted range; InputError else."""
    try:
        day = date.fromisoformat((text or "").strip().replace("/", "-"))
    except ValueError as error:
        raise InputError(_l("Enter the date as YYYY-MM-DD.")) from error
    return check_date(day)


# A record id as URLs and forms carry it: ASCII digits only (str.isdigit() also takes "²",
# which int() refuses) and within a BIGINT (a larger one overflows in the database).
ID_DIGITS = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1


def query_id(text: str | None) -> int | None:
    """A record id (or page number) from a URL parameter or form; anything else — other
    digits, signs, spaces, a number beyond any id — counts as absent."""
    if not isinstance(text, str) or not ID_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def query_date(text: str | None) -> date | None:
    """A date from a URL parameter; anything unusable counts as absent."""
    try:
        return parse_date(text)
    except InputError:
        return None
