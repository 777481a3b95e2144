"""The one place that tells the time; tests freeze it with time-machine."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_local(at: datetime | None = None) -> date:
    """The calendar date in Japan: effective dates change at 00:00 Asia/Tokyo."""
    return (at or now_utc()).astimezone(JST).date()


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes read back from SQLite as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """00:00 in Japan on a calendar day, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=JST)
