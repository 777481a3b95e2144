"""Security events: failed logins, lockouts, throttled requests, refused IDs — counted per day
on the IT dashboard (the city sees small attacks every day)."""

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from models.clock import JST, now_utc, start_of_day
from models.types import UTCDateTime, str_enum


class SecurityEventKind(enum.StrEnum):
    LOGIN_FAILED = "login_failed"
    LOCKOUT = "lockout"
    LOCKED_ATTEMPT = "locked_attempt"
    THROTTLED = "throttled"
    LOGIN_REFUSED = "login_refused"  # right password, but the ID may not be used now
    # Someone tried to grant, change or end their own access, or approve their own entry.
    SELF_GRANT_REFUSED = "self_grant_refused"


class SecurityEvent(db.Model):
    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    kind: Mapped[SecurityEventKind] = mapped_column(
        str_enum(SecurityEventKind, "security_event_kind")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str | None] = mapped_column(String(300))


def security_event(
    kind: SecurityEventKind,
    *,
    user_id: int | None = None,
    remote_addr: str | None = None,
    detail: str | None = None,
) -> None:
    """Written in its own transaction, so it is kept whatever the request does next."""
    from sqlalchemy import insert

    with db.engine.begin() as conn:
        conn.execute(
            insert(SecurityEvent),
            {
                "at": now_utc(),
                "kind": kind,
                "user_id": user_id,
                "remote_addr": remote_addr,
                "detail": detail,
            },
        )


def counts_per_day(today: date, days: int = 14) -> list[tuple[date, dict[str, int]]]:
    """Per Japan calendar day, newest first: {kind: count}."""
    since = start_of_day(today - timedelta(days=days - 1))
    rows = db.session.execute(
        select(SecurityEvent.at, SecurityEvent.kind).where(SecurityEvent.at >= since)
    ).all()
    table: dict[date, dict[str, int]] = {today - timedelta(days=i): {} for i in range(days)}
    for at, kind in rows:
        day = at.astimezone(JST).date()
        if day in table:
            table[day][kind.value] = table[day].get(kind.value, 0) + 1
    return sorted(table.items(), reverse=True)
