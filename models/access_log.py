"""The access log: one row per back-office request (facts only, never form values)."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from models.clock import now_utc
from models.types import UTCDateTime, str_enum


class AccessAction(enum.StrEnum):
    LIST = "list"
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"
    LOGIN = "login"
    LOGOUT = "logout"
    DENIED = "denied"


class AccessLog(db.Model):
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_section_at", "section_id", "at"),
        Index("ix_access_log_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The user's section at the time of the row: chiefs read their section's rows.
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    endpoint: Mapped[str] = mapped_column(String(120))
    record_ids: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[AccessAction] = mapped_column(str_enum(AccessAction, "access_action"))
    method: Mapped[str] = mapped_column(String(8))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    status: Mapped[int]
