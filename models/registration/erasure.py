"""Erasing a registrant's personal data 個人情報の消去: the registrant's own columns, then every
copy of them, each named in ERASERS — nothing depends on which modules happen to be imported.

What statistics need stays: facility, kind, number, dates, eligibility basis and roster counts.
"""

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select, update

from admin_app.extensions import db
from models.clock import today_local
from models.registration.change_notice import ChangeNotice, RegistrantHistory
from models.registration.registrant import PERSONAL_COLUMNS, Registrant, RegistrantStatus
from models.registration.search import purge_erased_text
from models.reservation.registrants import erase_booking_purposes


def erase_history_values(registrant: Registrant) -> None:
    """Old → new values of the registrant's history (the field and who changed it stay)."""
    db.session.execute(
        update(RegistrantHistory)
        .where(RegistrantHistory.registrant_id == registrant.id)
        .values(old_value=None, new_value=None)
    )


def erase_notice_values(registrant: Registrant) -> None:
    """New values staged on the registrant's change notices."""
    db.session.execute(
        update(ChangeNotice)
        .where(ChangeNotice.registrant_id == registrant.id)
        .values(staged_values=None)
    )


# Every place that keeps a copy of a registrant's personal data, erased with it. Later
# domains (reservations, council minutes) add theirs here: one function, one line.
ERASERS: tuple[Callable[[Registrant], None], ...] = (
    erase_history_values,
    erase_notice_values,
    erase_booking_purposes,  # bookings stay for statistics, without their purpose
    purge_erased_text,  # last: it flushes the erased columns into the search index first
)


def erase_registrant(registrant: Registrant, on: date | None = None) -> Registrant:
    """Erase the registrant's personal data and every copy of it; the status becomes erased.
    Never commits: the caller (the daily job, a test) does."""
    for column in PERSONAL_COLUMNS:
        setattr(registrant, column, None)
    registrant.status = RegistrantStatus.ERASED
    registrant.erased_on = on or today_local()
    for erase in ERASERS:
        erase(registrant)
    return registrant


def erase_due(day: date, grace: timedelta) -> list[Registrant]:
    """Erase the registrations expired (or withdrawn) for longer than the grace period."""
    due = db.session.scalars(
        select(Registrant).where(
            Registrant.status.in_((RegistrantStatus.EXPIRED, RegistrantStatus.WITHDRAWN)),
            Registrant.expired_on <= day - grace,
        )
    ).all()
    return [erase_registrant(registrant, day) for registrant in due]
