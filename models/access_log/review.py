"""点検記録: a section chief's sign-off of a review of their section's access log.

Records cannot be changed or deleted (database triggers). Reviews are due weekly and overdue
after a month. Each sign-off keeps the access log's checkpoint of its moment, which the chief
prints and keeps on the city's side.
"""

import enum
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.organisation import Section
from models.staff.access import access_of
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, str_enum

DUE_AFTER_DAYS = 7


class Findings(enum.StrEnum):
    NONE = "none"  # 特記事項なし
    NOTED = "noted"  # 所見あり


class ReviewStatus(enum.StrEnum):
    DONE = "done"  # reviewed within the last week
    DUE = "due"  # more than a week ago
    OVERDUE = "overdue"  # more than a month ago, or never


class LogReview(db.Model):
    __tablename__ = "log_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    period_from: Mapped[date]
    period_to: Mapped[date]
    findings: Mapped[Findings] = mapped_column(str_enum(Findings, "review_findings"))
    findings_text: Mapped[str | None] = mapped_column(String(2000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The log's checkpoint at the moment of sign-off (models.access_log.checkpoint): printed, kept
    # by the chief; `audit verify` checks it. Empty on sign-offs from before checkpoints.
    checkpoint: Mapped[str | None] = mapped_column(String(2000))

    section: Mapped[Section] = relationship()
    reviewer: Mapped[StaffUser] = relationship()


def record_review(
    user: StaffUser,
    section_id: int,
    period_from: date,
    period_to: date,
    findings: Findings,
    text: str | None,
    checkpoint: str,
) -> LogReview:
    """Sign off a review, with the log's checkpoint taken at this moment."""
    if not access_of(user).is_chief_of(section_id):
        raise InputError(_l("Only the chief of the section can sign off its review."))
    if period_from > period_to:
        raise InputError(_l("The end date must not be before the start date."), "period_to")
    if period_to > today_local():
        raise InputError(_l("The date cannot be in the future."), "period_to")
    text = (text or "").strip() or None
    if findings == Findings.NOTED and not text:
        raise InputError(_l("Describe what was noted."), "findings_text")
    review = LogReview(
        section_id=section_id,
        reviewer=user,
        period_from=period_from,
        period_to=period_to,
        findings=findings,
        findings_text=text if findings == Findings.NOTED else None,
        checkpoint=checkpoint,
    )
    db.session.add(review)
    return review


def review_status(last: date | None, today: date) -> ReviewStatus:
    if last is None or last < today - relativedelta(months=1):
        return ReviewStatus.OVERDUE
    if last < today - timedelta(days=DUE_AFTER_DAYS):
        return ReviewStatus.DUE
    return ReviewStatus.DONE


def section_statuses(
    section_ids: set[int] | None, today: date | None = None
) -> list[tuple[Section, date | None, ReviewStatus]]:
    """[(section, last review date or None, status)] for the given sections (None = all)."""
    day = today or today_local()
    query = select(Section).order_by(Section.code)
    if section_ids is not None:
        query = query.where(Section.id.in_(section_ids))
    last = dict(
        db.session.execute(
            select(LogReview.section_id, func.max(LogReview.recorded_at)).group_by(
                LogReview.section_id
            )
        ).all()
    )
    rows = []
    for section in db.session.scalars(query):
        at = last.get(section.id)
        on = today_local(at) if at else None
        rows.append((section, on, review_status(on, day)))
    return rows
