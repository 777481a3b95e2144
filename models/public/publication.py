"""What may be published, and keeping it current: the rules staff work under for circles
(groups' public fields) and the talent bank, and the yearly 活動調査 check. (The version stamp
that tells the public site its pages changed: models.public.version.)"""

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from admin_app.extensions import db
from models.clock import today_local
from models.errors import InputError
from models.japanese import check_email, check_phone
from models.public.talent import TalentEntry, end_of_fiscal_year
from models.registration.input import kana_check, text_check
from models.registration.registrant import Registrant, RegistrantKind, RegistrantStatus
from models.typed_input import typed_value_problem

CONFIRM_EVERY = timedelta(days=365)  # 活動調査: a public entry is confirmed once a year


# --- who is listed: consented and current on the day of the request --------------------------

def circle_listed(day: date) -> ColumnElement[bool]:
    return and_(Registrant.kind == RegistrantKind.GROUP,
                Registrant.status == RegistrantStatus.ACTIVE,
                Registrant.registered_on <= day, Registrant.expires_on >= day,
                Registrant.publish_consent_on.is_not(None),
                Registrant.publish_consent_on <= day)


def talent_listed(day: date) -> ColumnElement[bool]:
    return and_(TalentEntry.registered_on <= day, TalentEntry.expires_on >= day,
                TalentEntry.publish_consent_on.is_not(None),
                TalentEntry.publish_consent_on <= day)


# --- checking what staff typed -----------------------------------------------------------------

def check_consent(consent_on: date | None, contact_consent: bool) -> dict[str, str]:
    """Consent dates are never in the future; a contact is published only with publication."""
    errors = {}
    if consent_on and consent_on > today_local():
        errors["publish_consent_on"] = str(_l("The date cannot be in the future."))
    if contact_consent and not consent_on:
        errors["contact_consent"] = str(_l(
            "The contact can be published only when publication itself was consented to."))
    return errors


def check_circle(kind: str | None, values: dict[str, Any]) -> dict[str, str]:
    """The public fields of a registration: for groups only."""
    if kind != RegistrantKind.GROUP:
        given = [f for f in ("circle_category", "publish_consent_on", "recruiting",
                             "contact_consent") if values.get(f)]
        return {f: str(_l("Only groups are listed on the public circle list.")) for f in given}
    errors = check_consent(values.get("publish_consent_on"), bool(values.get("contact_consent")))
    if values.get("publish_consent_on") and not values.get("circle_category"):
        errors["circle_category"] = str(_l("Choose a category for the public circle list."))
    return errors


TALENT_CHECKS = {
    "name": text_check(100), "display_name": text_check(100), "display_kana": kana_check,
    "offer": text_check(500), "area": text_check(100), "conditions": text_check(200),
    "qualifications": text_check(200), "phone": lambda v: check_phone(str(v)),
    "email": lambda v: check_email(str(v)),
}
TALENT_REQUIRED = ("name", "display_name", "display_kana", "offer")


def clean_talent(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalised values and per-field Japanese messages, as for registrations."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in TALENT_CHECKS.items():
        value = raw.get(name)
        problem, empty = typed_value_problem(value)
        if problem:
            errors[name] = problem
            continue
        if empty:
            clean[name] = None
            if name in TALENT_REQUIRED:
                errors[name] = str(_l("This item is required."))
            continue
        try:
            clean[name] = check(value)
        except InputError as error:
            errors[name] = str(error)
    errors |= check_consent(raw.get("publish_consent_on"), bool(raw.get("contact_consent")))
    if raw.get("contact_consent") and not (clean.get("phone") or clean.get("email")):
        errors.setdefault("contact_consent", str(
            _l("Enter a phone number or e-mail address to publish.")))
    return clean, errors


def start_talent_entry(entry: TalentEntry, today: date | None = None) -> None:
    day = today or today_local()
    entry.registered_on = entry.registered_on or day
    entry.expires_on = entry.expires_on or end_of_fiscal_year(entry.registered_on)


# --- keeping it current: the yearly 活動調査 ---------------------------------------------------

def unconfirmed_circles(day: date, facility_ids: list[int]) -> list[Registrant]:
    """Listed circles whose activity was last confirmed (or registered) over a year ago."""
    last = func.coalesce(Registrant.activity_confirmed_on, Registrant.registered_on)
    return list(db.session.scalars(select(Registrant).where(
        circle_listed(day), Registrant.facility_id.in_(facility_ids),
        last < day - CONFIRM_EVERY).order_by(last, Registrant.id).limit(200)))


def unconfirmed_talents(day: date, facility_ids: list[int]) -> list[TalentEntry]:
    last = func.coalesce(TalentEntry.confirmed_on, TalentEntry.registered_on)
    return list(db.session.scalars(select(TalentEntry).where(
        talent_listed(day), TalentEntry.facility_id.in_(facility_ids),
        last < day - CONFIRM_EVERY).order_by(last, TalentEntry.id).limit(200)))


def confirm(entry: Registrant | TalentEntry, day: date | None = None) -> None:
    """The entry was checked with the group or person: still active, details current."""
    if isinstance(entry, Registrant):
        entry.activity_confirmed_on = day or today_local()
    else:
        entry.confirmed_on = day or today_local()


def matches(text: str, *columns) -> ColumnElement[bool]:
    """A keyword anywhere in any of the columns (the public lists are a few thousand rows)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))
