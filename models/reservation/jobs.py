"""Reservations' part of the daily job: unpaid provisional bookings expire after their deadline."""

from datetime import date

from models.reservation.registrants import describe
from models.reservation.rules import expire_unpaid


def daily(day: date) -> list[str]:
    """Cancel the provisional bookings not paid by their deadline (the reason recorded)."""
    expired = expire_unpaid(day)
    return [
        f"bookings expired unpaid: {len(expired)}"
        + "".join(f"\n  {b.registrant.registration_number} {describe(b)}" for b in expired)
    ]
