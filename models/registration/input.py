"""Checking what was typed (or imported) for a registrant: one function for forms and imports."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy.sql import ColumnElement

from models.clock import today_local
from models.japanese import (
    InputError,
    check_email,
    check_kana,
    check_phone,
    check_postal_code,
    nfkc,
    normalise_name,
    phone_digits,
)
from models.organisation import Facility
from models.registration.inventory import ALL, Item, system_items
from models.registration.registrant import Registrant, RegistrantStatus
from models.typed_input import typed_value_problem

REQUIRED = _l("This item is required.")
NOT_COLLECTED = _l("This item is not collected for this registration: leave it empty.")


def applies(item: Item, kind: str | None, facility: Facility | None) -> bool:
    """Is the item asked for at all for this kind of registrant at this facility?"""
    if item.applies_to != ALL and item.applies_to != kind:
        return False
    if item.field == "birth_date":
        return bool(facility and facility.individual_fee_by_age)
    return True


def text_check(limit: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = normalise_name(str(value))
        if len(text) > limit:
            raise InputError(_l("Enter at most %(n)s characters.", n=limit))
        return text

    return check


def kana_check(value: Any) -> str:
    text = check_kana(str(value))
    if len(text) > 100:
        raise InputError(_l("Enter at most %(n)s characters.", n=100))
    return text


def check_birth_date(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = nfkc(str(value)).replace("/", "-").replace(".", "-")
        try:
            value = date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError as error:
            raise InputError(_l("Enter the date as YYYY-MM-DD.")) from error
    if not date(1900, 1, 1) <= value <= today_local():
        raise InputError(_l("Enter a date of birth between 1900 and today."))
    return value


CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": text_check(100),
    "name_kana": kana_check,
    "representative_name": text_check(100),
    "representative_kana": kana_check,
    "postal_code": lambda v: check_postal_code(str(v)),
    "address": text_check(200),
    "phone": lambda v: check_phone(str(v)),
    "email": lambda v: check_email(str(v)),
    "birth_date": check_birth_date,
    "activity": text_check(500),
    "schedule": text_check(200),
}

INPUT_FIELDS = [i.field for i in system_items() if i.field in CHECKS]


def clean_registrant(
    raw: dict[str, Any], kind: str | None, facility: Facility | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalised values and per-field Japanese error messages (empty when all is well)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in system_items():
        if item.field not in CHECKS:
            continue
        value = raw.get(item.field)
        problem, empty = typed_value_problem(value)
        if problem:
            errors[item.field] = problem
            continue
        if not applies(item, kind, facility):
            if not empty:
                errors[item.field] = str(NOT_COLLECTED)
            clean[item.field] = None
            continue
        if empty:
            if item.required:
                errors[item.field] = str(REQUIRED)
            clean[item.field] = None
            continue
        try:
            clean[item.field] = CHECKS[item.field](value)
        except InputError as error:
            errors[item.field] = str(error)
    clean["phone_digits"] = phone_digits(clean.get("phone"))
    return clean, errors


def expiring_soon_condition(today: date, until: date) -> ColumnElement[bool]:
    return and_(
        Registrant.status == RegistrantStatus.ACTIVE,
        Registrant.expires_on >= today,
        Registrant.expires_on <= until,
    )
