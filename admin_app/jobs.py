"""The daily job: apply what the calendar decides (idempotent; safe to run again)."""

from datetime import date, timedelta

from flask import current_app

from admin_app.extensions import db
from models.registration import erase_due, expire_due


def run_daily(day: date) -> list[str]:
    """Expire registrations past their term and erase those past the grace period."""
    grace = timedelta(days=current_app.config["REGISTRATION_GRACE_DAYS"])
    report: list[str] = []
    expired = expire_due(day)
    report.append(f"registrations expired: {len(expired)}"
                  + "".join(f"\n  {r.registration_number}" for r in expired))
    erased = erase_due(day, grace)
    report.append(f"registrations erased (personal data removed): {len(erased)}"
                  + "".join(f"\n  {r.registration_number}" for r in erased))
    db.session.commit()
    return report
