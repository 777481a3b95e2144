"""Staff IDs, their effective-dated role assignments and their server-side sessions."""

import enum
import hashlib
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.organisation import Facility, Section
from models.types import UTCDateTime, str_enum


class Role(enum.StrEnum):
    FACILITY_STAFF = "facility_staff"
    SECTION_CHIEF = "section_chief"
    IT_ADMIN = "it_admin"
    CONTRACTOR_OPERATOR = "contractor_operator"
    RECORDS_OFFICER = "records_officer"
    AUDITOR = "auditor"


# The counter 窓口: who receives residents at a facility (registrations, change notices, the
# talent bank) and may see their personal data.
COUNTER_ROLES = frozenset({Role.FACILITY_STAFF, Role.SECTION_CHIEF})


# A login ID: 3 to 64 lower-case letters, digits, dots, hyphens or underscores.
LOGIN_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"


class StaffKind(enum.StrEnum):
    EMPLOYEE = "employee"  # 職員
    CONTRACTOR = "contractor"  # 委託社員


class StaffStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class GrantState(enum.StrEnum):
    """Where a role assignment stands on its way to being in force (models.staff.grants)."""

    PENDING = "pending"  # entered, waiting for a second person: never in force
    APPROVED = "approved"
    REFUSED = "refused"
    NOT_REQUIRED = "not_required"  # a role that opens no residents' data and no log


IN_FORCE = frozenset({GrantState.APPROVED, GrantState.NOT_REQUIRED})

# Roles that read residents' data or the log, and IT (an approver, who could otherwise issue
# an accomplice's ID and approve its own grants through it): a second person approves their
# grants (models.staff.grants); their passwords are handed out in halves
# (models.staff.password_handout).
SECOND_PERSON_ROLES = frozenset({Role.FACILITY_STAFF, Role.SECTION_CHIEF, Role.IT_ADMIN})


def needs_second_person(role: Role, designated_confirmer: bool = False) -> bool:
    return role in SECOND_PERSON_ROLES or designated_confirmer


assignment_facility = Table(
    "assignment_facility",
    db.metadata,
    Column("assignment_id", ForeignKey("role_assignment.id", ondelete="CASCADE"), primary_key=True),
    Column("facility_id", ForeignKey("facility.id"), primary_key=True),
)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    employee_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[StaffKind] = mapped_column(
        str_enum(StaffKind, "staff_kind"), default=StaffKind.EMPLOYEE
    )
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    contractor_company_id: Mapped[int | None] = mapped_column(ForeignKey("contractor_company.id"))
    status: Mapped[StaffStatus] = mapped_column(
        str_enum(StaffStatus, "staff_status"), default=StaffStatus.ACTIVE
    )
    # The ID itself is usable only between these dates (Japan calendar, inclusive).
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    section: Mapped[Section | None] = relationship()
    contractor_company = relationship("ContractorCompany", foreign_keys=[contractor_company_id])
    assignments: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user",
        order_by="RoleAssignment.valid_from",
        foreign_keys="RoleAssignment.user_id",
    )

    # Flask-Login identifies a login by its server-side session token, not by user id,
    # so ending the session row ends the login at once.
    session_token = None  # str | None, set per request by the user loader

    def get_id(self) -> str | None:
        return self.session_token

    def __str__(self) -> str:
        return f"{self.name} ({self.login})"

    def is_usable(self, at: datetime | None = None) -> bool:
        """Active and inside its validity on the Japan calendar date of `at` (what else it may
        do, and why not: models.staff.access)."""
        day = today_local(at)
        return (
            self.status == StaffStatus.ACTIVE
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


class RoleAssignment(db.Model):
    """A role held in a section, optionally limited to facilities, between two dates."""

    __tablename__ = "role_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    # Japan calendar dates, inclusive: effective from 00:00 Asia/Tokyo on valid_from.
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    # A facility staff member the chief designated to confirm change notices.
    designated_confirmer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)  # entered at
    # The approval trail (models.staff.grants). A row made without it is pending: deny by default.
    state: Mapped[GrantState] = mapped_column(
        str_enum(GrantState, "grant_state"), default=GrantState.PENDING
    )
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(String(300))
    # Grants registered from HR's list are approved or refused with their batch.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_batch.id"), index=True)

    user: Mapped[StaffUser] = relationship(back_populates="assignments", foreign_keys=[user_id])
    section: Mapped[Section] = relationship()
    facilities: Mapped[list[Facility]] = relationship(
        secondary=assignment_facility, order_by=Facility.id
    )
    entered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[entered_by_id])
    decided_by: Mapped[StaffUser | None] = relationship(foreign_keys=[decided_by_id])
    batch = relationship("TransferBatch")

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __str__(self) -> str:
        return f"{self.role.value} @ {self.section.name if self.section else '?'}"


class StaffSession(db.Model):
    """One login. Only a hash of the token is stored, so a database reader cannot reuse it."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[StaffUser] = relationship()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def start(cls, user: StaffUser) -> str:
        """Open a new session for the user and return its token (a fresh id at every login)."""
        token = secrets.token_urlsafe(32)
        db.session.add(cls(token_hash=cls.hash_token(token), user_id=user.id))
        user.session_token = token
        return token

    @classmethod
    def find_active(cls, token: str) -> "StaffSession | None":
        return db.session.scalar(
            select(cls).where(cls.token_hash == cls.hash_token(token), cls.ended_at.is_(None))
        )

    def end(self, reason: str) -> None:
        self.ended_at = now_utc()
        self.end_reason = reason

    @classmethod
    def end_all_for(cls, user_id: int, reason: str, except_id: int | None = None) -> int:
        """End every open session of a user (suspension, revocation, password change)."""
        sessions = db.session.scalars(
            select(cls).where(
                cls.user_id == user_id,
                cls.ended_at.is_(None),
                or_(except_id is None, cls.id != except_id),
            )
        ).all()
        for s in sessions:
            s.end(reason)
        return len(sessions)
