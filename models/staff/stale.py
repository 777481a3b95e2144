"""The stale and orphan report: IDs IT should look at (no valid role, unused for long, leavers
still active, transfers not applied, contractors whose gate has closed)."""

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.staff.accounts import IN_FORCE, RoleAssignment, StaffKind, StaffStatus, StaffUser
from models.staff.contractor import contractor_gate
from models.staff.transfer import PersonnelTransfer, TransferKind

UNUSED_AFTER_DAYS = 90


def stale_report(now: datetime | None = None) -> dict[str, list[StaffUser]]:
    """IDs IT should look at, by reason."""
    at = now or now_utc()
    day = today_local(at)
    active = db.session.scalars(
        select(StaffUser).where(StaffUser.status == StaffStatus.ACTIVE).order_by(StaffUser.login)
    ).all()
    valid_now = set(
        db.session.scalars(
            select(RoleAssignment.user_id).where(
                RoleAssignment.state.in_(IN_FORCE),
                RoleAssignment.valid_from <= day,
                or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= day),
            )
        )
    )
    cutoff = at - timedelta(days=UNUSED_AFTER_DAYS)
    leavers = set(
        db.session.scalars(
            select(PersonnelTransfer.user_id).where(
                PersonnelTransfer.kind == TransferKind.LEAVE, PersonnelTransfer.effective_on <= day
            )
        )
    )
    unapplied = db.session.scalars(
        select(PersonnelTransfer).where(
            PersonnelTransfer.effective_on <= day,
            PersonnelTransfer.applied_at.is_(None),
            PersonnelTransfer.cancelled_at.is_(None),
        )
    ).all()
    return {
        "no_assignment": [u for u in active if u.id not in valid_now],
        "unused": [u for u in active if (u.last_login_at or u.created_at) < cutoff],
        "leavers_active": [u for u in active if u.id in leavers],
        "transfers_not_applied": [t.user for t in unapplied],
        "contractor_lapsed": [
            u for u in active if u.kind == StaffKind.CONTRACTOR and contractor_gate(u, day)
        ],
    }
