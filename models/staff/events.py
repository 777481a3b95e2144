"""The record of an ID's life: one StaffEvent per step (issue, suspension, grant, transfer,
password handed out), with who, when and why. Every module of the staff domain writes here."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, str_enum


class StaffEventKind(enum.StrEnum):
    ISSUED = "issued"
    SUSPENDED = "suspended"
    REACTIVATED = "reactivated"
    REVOKED = "revoked"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    # The second half of a password handed out in two halves (models.staff.password_handout).
    PASSWORD_SECOND_HALF = "password_second_half"
    TRANSFER_REGISTERED = "transfer_registered"
    TRANSFER_APPLIED = "transfer_applied"
    # Grants of roles (models.staff.grants): every step of the approval trail, and every end.
    GRANT_SET_UP = "grant_set_up"  # loaded with the initial organisation, no second person
    GRANT_ENTERED = "grant_entered"
    GRANT_APPROVED = "grant_approved"
    GRANT_REFUSED = "grant_refused"
    GRANT_NARROWED = "grant_narrowed"
    GRANT_ENDED = "grant_ended"


class StaffEvent(db.Model):
    __tablename__ = "staff_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    kind: Mapped[StaffEventKind] = mapped_column(str_enum(StaffEventKind, "staff_event_kind"))
    reason: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None = job
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    details: Mapped[dict | None] = mapped_column(JSON)

    user = relationship(StaffUser, foreign_keys=[user_id])
    actor = relationship(StaffUser, foreign_keys=[actor_id])


def record(
    user: StaffUser,
    kind: StaffEventKind,
    actor: StaffUser | None,
    reason: str | None = None,
    **details,
) -> StaffEvent:
    event = StaffEvent(user=user, kind=kind, actor=actor, reason=reason, details=details or None)
    db.session.add(event)
    return event
