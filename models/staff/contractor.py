"""Contractor companies 委託先, their approved subcontractors 再委託, and staff training 研修記録.

A contractor staff ID is usable only while (a) a training record from the last 12 months
exists, (b) the company's Privacy Mark is valid, (c) the contract period covers today — and a
subcontractor needs the city's approval before any of its staff may have an ID.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.staff.accounts import StaffKind, StaffUser
from models.types import UTCDateTime

if TYPE_CHECKING:  # accounts imports this module
    from models.staff.accounts import StaffUser

TRAINING_VALID_MONTHS = 12


class ContractorCompany(db.Model):
    __tablename__ = "contractor_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    privacy_mark_number: Mapped[str | None] = mapped_column(String(40))
    privacy_mark_expires_on: Mapped[date | None]
    contract_from: Mapped[date]
    contract_to: Mapped[date]
    # A subcontractor 再委託先 names its parent and needs the city's approval.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("contractor_company.id"))
    # use_alter: staff IDs point at companies and approvals point at staff IDs.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", use_alter=True))
    approved_on: Mapped[date | None]
    approval_scope: Mapped[str | None] = mapped_column(String(300))

    parent: Mapped["ContractorCompany | None"] = relationship(remote_side=[id])
    approved_by = relationship("StaffUser", foreign_keys=[approved_by_id])

    def __str__(self) -> str:
        return self.name

    @property
    def is_subcontractor(self) -> bool:
        return self.parent_id is not None

    def problems(self, day: date) -> list[str]:
        """Why staff of this company may not work today (empty when they may)."""
        reasons = []
        if not self.privacy_mark_expires_on or self.privacy_mark_expires_on < day:
            reasons.append(str(_l("The company's Privacy Mark is missing or expired.")))
        if not self.contract_from <= day <= self.contract_to:
            reasons.append(str(_l("The contract period does not cover today.")))
        if self.is_subcontractor and self.approved_on is None:
            reasons.append(str(_l("The subcontracting has not been approved by the city.")))
        if self.parent is not None:
            reasons += [r for r in self.parent.problems(day) if r not in reasons]
        return reasons


class TrainingRecord(db.Model):
    """研修記録: a security training a contractor staff member attended."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    trained_on: Mapped[date]
    course: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user = relationship("StaffUser", foreign_keys=[user_id])
    recorded_by = relationship("StaffUser", foreign_keys=[recorded_by_id])


def record_approval(company: ContractorCompany, by: "StaffUser") -> ContractorCompany:
    """A subcontracting approval records who gave it (the IT officer saving it, unless it
    names someone already); without an approval date there is no approver."""
    if company.approved_on is None:
        company.approved_by = None
    elif company.approved_by is None:
        company.approved_by = by
    return company


def record_training(record: TrainingRecord, by: "StaffUser") -> TrainingRecord:
    """A training record names who recorded it: the person saving it."""
    record.recorded_by = by
    db.session.add(record)
    return record


def training_lapsed(user_id: int, day: date) -> bool:
    since = day - relativedelta(months=TRAINING_VALID_MONTHS)
    return (
        db.session.scalar(
            select(TrainingRecord.id)
            .where(
                TrainingRecord.user_id == user_id,
                TrainingRecord.trained_on > since,
                TrainingRecord.trained_on <= day,
            )
            .limit(1)
        )
        is None
    )


def contractor_gate(user: StaffUser, day: date | None = None) -> list[str]:
    """Reasons a contractor staff ID may not be used today; [] for city employees."""
    if user.kind != StaffKind.CONTRACTOR:
        return []
    on = day or today_local()
    reasons = []
    if user.contractor_company is None:
        reasons.append(str(_l("No contractor company is recorded for this ID.")))
    else:
        reasons += user.contractor_company.problems(on)
    if training_lapsed(user.id, on):
        reasons.append(str(_l("No security training within the last 12 months.")))
    return reasons
