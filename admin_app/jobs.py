"""The daily job: apply what the calendar decides (idempotent; safe to run again)."""

from datetime import date, timedelta

from flask import current_app

from admin_app.extensions import db
from models.access_log.review import ReviewStatus, section_statuses
from models.public.talent import erase_ended
from models.registration.erasure import erase_due
from models.registration.registrant import expire_due
from models.staff.transfer import apply_due_transfers


def run_daily(day: date) -> list[str]:
    """Apply due personnel transfers; expire registrations past their term and erase those
    past the grace period (talent-bank entries too)."""
    transfers = apply_due_transfers(day)
    report: list[str] = [f"transfers applied: {len(transfers)}" + "".join(
        f"\n  {t.user.login} {t.kind.value} {t.effective_on}" for t in transfers)]
    grace = timedelta(days=current_app.config["REGISTRATION_GRACE_DAYS"])
    expired = expire_due(day)
    report.append(f"registrations expired: {len(expired)}"
                  + "".join(f"\n  {r.registration_number}" for r in expired))
    erased = erase_due(day, grace)
    report.append(f"registrations erased (personal data removed): {len(erased)}"
                  + "".join(f"\n  {r.registration_number}" for r in erased))
    ended = erase_ended(day, grace)
    report.append(f"talent-bank entries erased (ended before the grace period): {len(ended)}")
    overdue = [(s.name, last) for s, last, status in section_statuses(None, day)
               if status == ReviewStatus.OVERDUE]
    report.append(f"sections with an overdue log review: {len(overdue)}" + "".join(
        f"\n  {name} (last: {last.isoformat() if last else 'never'})" for name, last in overdue))
    db.session.commit()
    return report
