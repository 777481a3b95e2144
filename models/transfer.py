"""Personnel transfers 人事異動, registered in advance from HR.

Registering a transfer writes its effect into the dated role assignments at once (old ones end
the day before, new ones begin on the date, a leaver's ID validity ends the day before), so
permissions change at 00:00 Asia/Tokyo on the date on every request, whether or not a job ran.
The daily job then applies and records the rest: home section, revocation of leavers.
"""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.japanese import InputError
from models.organisation import Facility, Section
from models.staff import Role, RoleAssignment, StaffSession, StaffStatus, StaffUser
from models.staff_lifecycle import StaffEventKind, record
from models.types import UTCDateTime, str_enum


class TransferKind(enum.StrEnum):
    MOVE = "move"  # 異動 (to another section)
    ROLE_CHANGE = "role_change"  # 役割変更
    LEAVE = "leave"  # 退職


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

    user: Mapped[StaffUser] = relationship(foreign_keys=[user_id])
    new_section: Mapped[Section | None] = relationship()
    registered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[registered_by_id])

    def __str__(self) -> str:
        return f"{self.user.login} {self.kind.value} {self.effective_on}"


def register_transfer(user: StaffUser, kind: TransferKind, effective_on: date, *,
                      actor: StaffUser | None, new_section: Section | None = None,
                      new_role: Role | None = None, facilities: list[Facility] | None = None,
                      note: str | None = None, today: date | None = None) -> PersonnelTransfer:
    day = today or today_local()
    if effective_on < day:
        raise InputError(_l("The effective date cannot be in the past."))
    if user.status == StaffStatus.REVOKED:
        raise InputError(_l("This ID is revoked."))
    current = [a for a in user.assignments if a.covers(effective_on) or (
        a.valid_to is None or a.valid_to >= effective_on)]
    if kind == TransferKind.MOVE and new_section is None:
        raise InputError(_l("Choose the new section."))
    if kind in (TransferKind.MOVE, TransferKind.ROLE_CHANGE):
        role = new_role or (current[0].role if current else None)
        section = new_section or (current[0].section if current else user.section)
        if role is None or section is None:
            raise InputError(_l("Choose the new role."))
        if facilities and any(f.section_id != section.id for f in facilities):
            raise InputError(_l("The facilities must belong to the new section."))
    _end_from(user, effective_on)
    if kind == TransferKind.LEAVE:
        user.valid_to = max(user.valid_from, effective_on - timedelta(days=1))
    else:
        db.session.add(RoleAssignment(user=user, role=role, section=section,
                                      valid_from=effective_on, facilities=facilities or []))
    transfer = PersonnelTransfer(
        user=user, kind=kind, effective_on=effective_on, new_section=new_section,
        new_role=new_role, new_facility_ids=[f.id for f in facilities or []] or None,
        note=note, registered_by=actor)
    db.session.add(transfer)
    record(user, StaffEventKind.TRANSFER_REGISTERED, actor, note,
           transfer_kind=kind.value, effective_on=effective_on.isoformat())
    return transfer


def _end_from(user: StaffUser, effective_on: date) -> None:
    """Assignments end the day before the transfer; ones that would only start later go."""
    for assignment in list(user.assignments):
        if assignment.valid_from >= effective_on:
            user.assignments.remove(assignment)
            db.session.delete(assignment)
        elif assignment.valid_to is None or assignment.valid_to >= effective_on:
            assignment.valid_to = effective_on - timedelta(days=1)


def apply_due_transfers(day: date, now: datetime | None = None) -> list[PersonnelTransfer]:
    """The daily job's part: home section, revocation of leavers; each recorded. Idempotent."""
    at = now or now_utc()
    due = db.session.scalars(select(PersonnelTransfer).where(
        PersonnelTransfer.effective_on <= day, PersonnelTransfer.applied_at.is_(None),
        PersonnelTransfer.cancelled_at.is_(None)).order_by(PersonnelTransfer.effective_on,
                                                           PersonnelTransfer.id)).all()
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
        record(user, StaffEventKind.TRANSFER_APPLIED, None, None,
               transfer_id=transfer.id, transfer_kind=transfer.kind.value)
    return list(due)
