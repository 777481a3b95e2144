"""Dates the Japanese way: 2026/11/26 in lists, records and forms, 2026年11月26日 in sentences,
letters and mail, with 和暦 (令和8年11月26日) where paper forms expect it; times in Japan time."""

from datetime import date, datetime

from flask import Flask

from models.clock import JST

ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))


def _as_date(value: date | datetime) -> date:
    return value.astimezone(JST).date() if isinstance(value, datetime) else value


def jdate(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def wareki(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = _as_date(value)
    for start, era in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return jdate(day)


def jdatetime(value: datetime | None) -> str:
    """A moment in Japan time: 2026年11月27日 13:05."""
    if value is None:
        return ""
    local = value.astimezone(JST)
    return f"{jdate(local)} {local.hour}:{local.minute:02d}"


def sdate(value: date | datetime | None) -> str:
    """A day in a list, record or form: 2026/11/26."""
    return f"{_as_date(value):%Y/%m/%d}" if value is not None else ""


def sdatetime(value: datetime | None) -> str:
    """A moment in a list or record, in Japan time to the minute: 2026/11/26 21:51."""
    return f"{value.astimezone(JST):%Y/%m/%d %H:%M}" if value is not None else ""


def sdate_text(value: str | None) -> str:
    """A date kept as text (2026-11-26, in JSON details or change history) as 2026/11/26;
    any other text as it is."""
    if not value:
        return ""
    try:
        return sdate(date.fromisoformat(value))
    except ValueError:
        return value


def jmonth(value: date | None) -> str:
    """A month: 2027年1月."""
    return f"{value.year}年{value.month}月" if value is not None else ""


def jdate_wareki(value: date | datetime | None) -> str:
    return f"{jdate(value)}（{wareki(value)}）" if value is not None else ""


def init_formatting(app: Flask) -> None:
    app.jinja_env.filters.update(
        jdate=jdate,
        jdatetime=jdatetime,
        sdate=sdate,
        sdatetime=sdatetime,
        jmonth=jmonth,
        wareki=wareki,
        jdate_wareki=jdate_wareki,
    )
