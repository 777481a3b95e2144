"""Reservations' part of the daily job: unpaid provisional bookings expire after their deadline;
reminder mails before the day of use (failed mails of earlier days tried again first)."""

from datetime import date

from models.reservation.notices import retry_failed, send_reminders
from models.reservation.registrants import describe
from models.reservation.rules import expire_unpaid


def daily(day: date) -> list[str]:
    """Cancel the provisional bookings not paid by their deadline (the reason recorded), then
    mail the reminders due (a mail failure is recorded and tried again, never raised)."""
    expired = expire_unpaid(day)
    retried, still_failing = retry_failed(day)
    sent, failed = send_reminders(day)
    return [
        f"bookings expired unpaid: {len(expired)}"
        + "".join(f"\n  {b.registrant.registration_number} {describe(b)}" for b in expired),
        f"mails sent: {sent + retried}, failed: {failed + still_failing}",
    ]
