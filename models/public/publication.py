"""What may be published, and keeping it current: who is listed, the rules staff work under for
circles (groups' public fields; the talent bank's input rules: models.public.talent), and the
yearly 活動調査 check. (The version stamp
that tells the public site its pages changed: models.public.version.)"""

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from admin_app.extensions import db
from models.clock import today_local
from models.public.consent import check_consent
from models.public.talent import TalentEntry
from models.registration.registrant import Registrant, RegistrantKind, RegistrantStatus

CONFIRM_EVERY = timedelta(days=365)  # 活動調査: a public entry is confirmed once a year


# --- who is listed: consented and current on the day of the request --------------------------


def circle_listed(day: date) -> ColumnElement[bool]:
    return and_(
        Registrant.kind == RegistrantKind.GROUP,
        Registrant.status == RegistrantStatus.ACTIVE,
        Registrant.registered_on <= day,
        Registrant.expires_on >= day,
        Registrant.publish_consent_on.is_not(None),
        Registrant.publish_consent_on <= day,
    )


def talent_listed(day: date) -> ColumnElement[bool]:
    return and_(
        TalentEntry.registered_on <= day,
        TalentEntry.expires_on >= day,
        TalentEntry.publish_consent_on.is_not(None),
        TalentEntry.publish_consent_on <= day,
    )


# --- checking what staff typed -----------------------------------------------------------------


def check_circle(kind: str | None, values: dict[str, Any]) -> dict[str, str]:
    """The public fields of a registration: for groups only."""
    if kind != RegistrantKind.GROUP:
        given = [
            f
            for f in ("circle_category", "publish_consent_on", "recruiting", "contact_consent")
            if values.get(f)
        ]
        return {f: str(_l("Only groups are listed on the public circle list.")) for f in given}
    errors = check_consent(values.get("publish_consent_on"), bool(values.get("contact_consent")))
    if values.get("publish_consent_on") and not values.get("circle_category"):
        errors["circle_category"] = str(_l("Choose a category for the public circle list."))
    return errors


# --- keeping it current: the yearly 活動調査 ---------------------------------------------------


def unconfirmed_circles(day: date, facility_ids: list[int]) -> list[Registrant]:
    """Listed circles whose activity was last confirmed (or registered) over a year ago."""
    last = func.coalesce(Registrant.activity_confirmed_on, Registrant.registered_on)
    return list(
        db.session.scalars(
            select(Registrant)
            .where(
                circle_listed(day),
                Registrant.facility_id.in_(facility_ids),
                last < day - CONFIRM_EVERY,
            )
            .order_by(last, Registrant.id)
            .limit(200)
        )
    )


def unconfirmed_talents(day: date, facility_ids: list[int]) -> list[TalentEntry]:
    last = func.coalesce(TalentEntry.confirmed_on, TalentEntry.registered_on)
    return list(
        db.session.scalars(
            select(TalentEntry)
            .where(
                talent_listed(day),
                TalentEntry.facility_id.in_(facility_ids),
                last < day - CONFIRM_EVERY,
            )
            .order_by(last, TalentEntry.id)
            .limit(200)
        )
    )


def confirm_activity(
    entry: Registrant | TalentEntry, day: date | None = None
) -> Registrant | TalentEntry:
    """活動調査: the entry was checked with the group or person: still active, details current."""
    if isinstance(entry, Registrant):
        entry.activity_confirmed_on = day or today_local()
    else:
        entry.confirmed_on = day or today_local()
    return entry


def matches(text: str, *columns) -> ColumnElement[bool]:
    """A keyword anywhere in any of the columns (the public lists are a few thousand rows)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))
