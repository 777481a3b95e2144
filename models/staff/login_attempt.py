"""Failed-login counters and locks of the database throttling store (admin_app.login_guard),
shared by every worker and kept across restarts. A row is one counted event under a key that
is a hash: neither a typed login nor an address is stored in clear."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from models.types import UTCDateTime


class LoginAttempt(db.Model):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # sha256 of the limit and what it counts
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
