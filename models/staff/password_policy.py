"""Password rules (NIST SP 800-63B style): 12 to 128 characters, no composition rules,
not a commonly used password (zxcvbn's list of 30,000) or a repetition, not the login ID."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from models.errors import InputError

MIN_LENGTH = 12
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, login: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InputError(_l("Use at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise InputError(_l("Use at most %(n)s characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or lowered == login.lower() or _repeats(lowered):
        raise InputError(_l("This password is too common or too easy to guess."))


def _repeats(text: str) -> bool:
    """A short unit, or a common password, repeated: "aaaaaaaaaaaa", "passwordpassword"."""
    for size in range(1, len(text) // 2 + 1):
        unit = text[:size]
        if (
            len(text) % size == 0
            and unit * (len(text) // size) == text
            and (size <= 4 or unit in common_passwords())
        ):
            return True
    return False
