"""Registrations' part of the daily job: expiry, and erasure after the grace period."""

from datetime import date, timedelta

from flask import current_app

from models.registration.erasure import erase_due
from models.registration.registrant import expire_due


def daily(day: date) -> list[str]:
    """Expire registrations past their term; erase those past the grace period."""
    grace = timedelta(days=current_app.config["REGISTRATION_GRACE_DAYS"])
    expired = expire_due(day)
    erased = erase_due(day, grace)
    return [
        f"registrations expired: {len(expired)}"
        + "".join(f"\n  {r.registration_number}" for r in expired),
        f"registrations erased (personal data removed): {len(erased)}"
        + "".join(f"\n  {r.registration_number}" for r in erased),
    ]
