"""The daily job: apply what the calendar decides (idempotent; safe to run again).

Each domain's part is its models/<domain>/jobs.py `daily(day) -> report lines`; run_daily runs
them in order and commits once.
"""

from collections.abc import Callable
from datetime import date

from admin_app.extensions import db
from models.access_log import jobs as access_log
from models.public import jobs as public
from models.registration import jobs as registration
from models.reservation import jobs as reservation
from models.staff import jobs as staff

Job = Callable[[date], list[str]]

# Add your domain here: (domain, its daily jobs in the order they run and report).
DOMAINS: tuple[tuple[str, tuple[Job, ...]], ...] = (
    ("platform", ()),
    ("staff", (staff.daily,)),
    ("registration", (registration.daily,)),
    ("public", (public.daily,)),
    ("reservation", (reservation.daily,)),
    ("access_log", (access_log.daily,)),
)


def run_daily(day: date) -> list[str]:
    """Apply due personnel transfers; expire registrations past their term and erase those
    past the grace period (talent-bank entries too); list overdue log reviews."""
    report = [line for _, jobs in DOMAINS for job in jobs for line in job(day)]
    db.session.commit()
    return report
