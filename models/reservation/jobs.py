"""Reservations' part of the daily job: lotteries whose draw day has come are drawn (their
results mailed), unpaid provisional bookings (lottery wins included) expire after their
deadline, and reminder mails go out before the day of use (failed mails of earlier days tried
again first)."""

from datetime import date, datetime, time

from models.clock import JST, now_utc, today_local
from models.reservation.draw import draw, due_draws
from models.reservation.lottery import Outcome
from models.reservation.notices import retry_failed, send_reminders
from models.reservation.registrants import describe
from models.reservation.rules import expire_unpaid


def daily(day: date) -> list[str]:
    """Draw the due lotteries (a fresh seed each, recorded); cancel the provisional bookings
    not paid by their deadline (the reason recorded); mail the reminders due (a mail failure
    is recorded and tried again, never raised)."""
    now = now_utc()
    if today_local(now) != day:  # run for another day (a catch-up): act as on that morning
        now = datetime.combine(day, time(6), JST)
    report = []
    for lottery in due_draws(day):
        decided = draw(lottery, by=None, now=now)
        won = sum(1 for a in decided if a.outcome == Outcome.WON)
        report.append(
            f"lottery drawn: {lottery} seed {lottery.seed}: {len(decided)} applications, {won} won"
        )
    expired = expire_unpaid(day)
    retried, still_failing = retry_failed(day)
    sent, failed = send_reminders(day)
    return [
        *report,
        f"bookings expired unpaid: {len(expired)}"
        + "".join(f"\n  {b.registrant.registration_number} {describe(b)}" for b in expired),
        f"mails sent: {sent + retried}, failed: {failed + still_failing}",
    ]
