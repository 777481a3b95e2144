"""Personnel transfers 人事異動, registered in advance from HR.

Registering a transfer writes its effect into the dated role assignments at once (old ones end
the day before, new ones begin on the date, a leaver's ID validity ends the day before), so
permissions change at 00:00 Asia/Tokyo on the date on every request, whether or not a job ran.
Ending needs no second person; the new assignment is a grant (models.staff.grants), pending until a
second person approves it when its role opens residents' data or the log. HR's list comes as a
batch that a second IT administrator — not the uploader, not named in it — approves or refuses
as a whole. The daily job then applies and records the rest: home section, revocation of leavers.
"""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.organisation import Facility, Section
from models.staff import password_handout as handout
from models.staff.access import Access, access_of
from models.staff.accounts import (
    GrantState,
    Role,
    RoleAssignment,
    StaffSession,
    StaffStatus,
    StaffUser,
    needs_second_person,
)
from models.staff.events import StaffEventKind, record
from models.staff.grants import check_grant, decide, decide_once, enter_grant, set_end
from models.staff.lifecycle import need_reason
from models.staff.separation import NotAllowed, refuse_own_entry, refuse_self
from models.types import UTCDateTime, str_enum


class TransferKind(enum.StrEnum):
    MOVE = "move"  # 異動 (to another section)
    ROLE_CHANGE = "role_change"  # 役割変更
    LEAVE = "leave"  # 退職


class TransferBatch(db.Model):
    """One upload of HR's list: its new grants wait for the batch's approval."""

    __tablename__ = "transfer_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None: CLI
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    state: Mapped[GrantState] = mapped_column(
        str_enum(GrantState, "grant_state"), default=GrantState.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(String(300))

    uploaded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[uploaded_by_id])
    decided_by: Mapped[StaffUser | None] = relationship(foreign_keys=[decided_by_id])
    transfers: Mapped[list["PersonnelTransfer"]] = relationship(
        back_populates="batch", order_by="PersonnelTransfer.id"
    )

    def grants(self) -> list[RoleAssignment]:
        return list(
            db.session.scalars(
                select(RoleAssignment)
                .where(RoleAssignment.batch_id == self.id)
                .order_by(RoleAssignment.id)
            )
        )


class PersonnelTransfer(db.Model):
    __tablename__ = "personnel_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, "transfer_kind"))
    effective_on: Mapped[date] = mapped_column(index=True)
    new_section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    new_role: Mapped[Role | None] = mapped_column(str_enum(Role, "transfer_role"))
    new_facility_ids: Mapped[list | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(300))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_batch.id"), index=True)

    batch: Mapped[TransferBatch | None] = relationship(back_populates="transfers")
    user: Mapped[StaffUser] = relationship(foreign_keys=[user_id])
    new_section: Mapped[Section | None] = relationship()
    registered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[registered_by_id])

    def __str__(self) -> str:
        return f"{self.user.login} {self.kind.value} {self.effective_on}"


def register_transfer(
    user: StaffUser,
    kind: TransferKind,
    effective_on: date,
    *,
    actor: StaffUser | None,
    new_section: Section | None = None,
    new_role: Role | None = None,
    facilities: list[Facility] | None = None,
    note: str | None = None,
    today: date | None = None,
    batch: TransferBatch | None = None,
) -> PersonnelTransfer:
    """Checks everything before it changes anything; `actor` None is the command line."""
    refuse_self(actor, user, "register a transfer of their own")
    day = today or today_local()
    if effective_on < day:
        raise InputError(_l("The effective date cannot be in the past."))
    if user.status == StaffStatus.REVOKED:
        raise InputError(_l("This ID is revoked."))
    current = [
        a
        for a in user.assignments
        if a.state != GrantState.REFUSED and (a.valid_to is None or a.valid_to >= effective_on)
    ]
    if kind == TransferKind.MOVE and new_section is None:
        raise InputError(_l("Choose the new section."))
    if kind in (TransferKind.MOVE, TransferKind.ROLE_CHANGE):
        role = new_role or (current[0].role if current else None)
        section = new_section or (current[0].section if current else user.section)
        if role is None or section is None:
            raise InputError(_l("Choose the new role."))
        if facilities and any(f.section_id != section.id for f in facilities):
            raise InputError(_l("The facilities must belong to the new section."))
        check_grant(user, role, section, effective_on, None, facilities or [], False)
        if needs_second_person(role):  # before anything is written (see enter_grant)
            handout.refuse_handed_out_alone(
                actor, user, "register a transfer of an ID whose password they handed out alone"
            )
    transfer = PersonnelTransfer(
        user=user,
        kind=kind,
        effective_on=effective_on,
        new_section=new_section,
        new_role=new_role,
        new_facility_ids=[f.id for f in facilities or []] or None,
        note=note,
        registered_by=actor,
        batch=batch,
    )
    db.session.add(transfer)
    extra = {} if actor is not None else {"by": "command_line"}
    record(
        user,
        StaffEventKind.TRANSFER_REGISTERED,
        actor,
        note,
        transfer_kind=kind.value,
        effective_on=effective_on.isoformat(),
        **extra,
    )
    _end_from(user, effective_on, actor, note)
    if kind == TransferKind.LEAVE:
        user.valid_to = max(user.valid_from, effective_on - timedelta(days=1))
    else:
        enter_grant(
            user,
            role,
            section,
            effective_on,
            actor=actor,
            facilities=facilities or [],
            reason=note,
            batch=batch,
        )
    return transfer


def _end_from(
    user: StaffUser, effective_on: date, actor: StaffUser | None, note: str | None
) -> None:
    """Assignments end the day before the transfer; ones that would only start later end
    before they begin (kept, with their trail). Each end is recorded."""
    last_day = effective_on - timedelta(days=1)
    for assignment in list(user.assignments):
        end = max(last_day, assignment.valid_from - timedelta(days=1))
        if assignment.state != GrantState.REFUSED and (
            assignment.valid_to is None or assignment.valid_to > end
        ):
            set_end(assignment, last_day, actor, note, because="transfer")


# --- HR's list as a batch: a second IT administrator approves or refuses it as a whole -------


def may_decide_batch(batch: TransferBatch, access: Access) -> bool:
    """An IT administrator in force now who neither uploaded the list nor is named in it."""
    person_id = access.user_id
    return (
        person_id != batch.uploaded_by_id
        and all(
            t.user_id != person_id and handout.handed_out_alone_by(t.user) != person_id
            for t in batch.transfers
        )
        and access.has(Role.IT_ADMIN)
    )


def pending_batches() -> list[TransferBatch]:
    return list(
        db.session.scalars(
            select(TransferBatch)
            .where(TransferBatch.state == GrantState.PENDING)
            .order_by(TransferBatch.uploaded_at)
        )
    )


def _check_batch_decision(batch: TransferBatch, person: StaffUser, at: datetime) -> None:
    for transfer in batch.transfers:
        refuse_self(person, transfer.user, "decide on HR's list naming themselves")
        handout.refuse_handed_out_alone(
            person,
            transfer.user,
            "decide on HR's list naming an ID whose password they handed out alone",
        )
    refuse_own_entry(
        person, batch.uploaded_by_id, f"decide on HR's list they uploaded (batch {batch.id})"
    )
    if not may_decide_batch(batch, access_of(person, at)):
        raise NotAllowed(_l("Only a second IT administrator can decide on HR's list."))


def _decide_batch(
    batch: TransferBatch,
    person: StaffUser,
    state: GrantState,
    at: datetime,
    reason: str | None = None,
) -> int:
    decide_once(batch, person, state, at, reason)
    grants = [g for g in batch.grants() if g.state == GrantState.PENDING]
    for grant in grants:
        decide(grant, person, state, at, reason)
    return len(grants)


def approve_batch(batch: TransferBatch, person: StaffUser, *, now: datetime | None = None) -> int:
    """Approve HR's list: its pending grants come into force on their dates."""
    at = now or now_utc()
    _check_batch_decision(batch, person, at)
    for grant in batch.grants():
        if grant.state == GrantState.PENDING:
            handout.check_password_is_the_holders(grant.user)
    return _decide_batch(batch, person, GrantState.APPROVED, at)


def refuse_batch(
    batch: TransferBatch, person: StaffUser, reason: str | None, *, now: datetime | None = None
) -> int:
    """Refuse HR's list: its new grants are never in force (the old ones stay ended)."""
    at = now or now_utc()
    _check_batch_decision(batch, person, at)
    return _decide_batch(batch, person, GrantState.REFUSED, at, need_reason(reason))


def apply_due_transfers(day: date, now: datetime | None = None) -> list[PersonnelTransfer]:
    """The daily job's part: home section, revocation of leavers; each recorded. Idempotent."""
    at = now or now_utc()
    due = db.session.scalars(
        select(PersonnelTransfer)
        .where(
            PersonnelTransfer.effective_on <= day,
            PersonnelTransfer.applied_at.is_(None),
            PersonnelTransfer.cancelled_at.is_(None),
        )
        .order_by(PersonnelTransfer.effective_on, PersonnelTransfer.id)
    ).all()
    for transfer in due:
        user = transfer.user
        if transfer.kind == TransferKind.LEAVE:
            if user.status != StaffStatus.REVOKED:
                user.status = StaffStatus.REVOKED
                StaffSession.end_all_for(user.id, "revoked")
                record(user, StaffEventKind.REVOKED, None, "退職（人事異動）")
        elif transfer.new_section_id is not None:
            user.section_id = transfer.new_section_id
        transfer.applied_at = at
        record(
            user,
            StaffEventKind.TRANSFER_APPLIED,
            None,
            None,
            transfer_id=transfer.id,
            transfer_kind=transfer.kind.value,
        )
    return list(due)
