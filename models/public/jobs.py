"""The talent bank's part of the daily job: erasure after the grace period."""

from datetime import date, timedelta

from flask import current_app

from models.public.talent import erase_ended


def daily(day: date) -> list[str]:
    """Erase talent-bank entries that ended before the grace period."""
    grace = timedelta(days=current_app.config["REGISTRATION_GRACE_DAYS"])
    ended = erase_ended(day, grace)
    return [f"talent-bank entries erased (ended before the grace period): {len(ended)}"]
