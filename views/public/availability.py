"""The public availability calendar 空き状況 (no login): facilities → a facility's rooms → a
room's month, each day × slot ○ × 抽選 休 (models.reservation.public_calendar), with the slot
times and the room's fee table. Cached like the circle pages (admin_app.public_cache): the
version stamp moves with every booking, closure and fee, and the current month's key also
with the Japan hour (slots become past)."""

import re
from datetime import date

from babel.dates import format_date
from flask import Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from admin_app.public_cache import public_page
from models.clock import JST, now_utc, today_local
from models.organisation import Facility, Room, SlotPattern
from models.reservation import public_calendar
from models.reservation.public_calendar import PublicState
from views.labels import label
from views.public.site import bp
from views.reservation.words import TIERS, fee_rows, slot_name

MONTH = re.compile(r"(\d{4})-(\d{2})")
DB_ID_MAX = 2**31  # never a number the database rejects


@bp.route("/availability")
def availability() -> Response:
    return public_page(
        "availability",
        lambda: render_template(
            "public/availability.html", facilities=public_calendar.public_facilities()
        ),
    )


@bp.route("/availability/<int:facility_id>")
def availability_facility(facility_id: int) -> Response:
    if not 0 < facility_id < DB_ID_MAX:
        abort(404)

    def render() -> str:
        facility = db.session.get(Facility, facility_id)
        rooms = public_calendar.facility_rooms(facility_id) if facility else []
        if not rooms:
            abort(404)
        return render_template("public/availability_facility.html", facility=facility, rooms=rooms)

    return public_page(f"availability:{facility_id}", render)


@bp.route("/availability/rooms/<int:room_id>")
def availability_room(room_id: int) -> Response:
    """The month `?month=YYYY-MM` (default: this month); 400 when it is not a month, 404 when
    the room does not exist or residents may not see that month."""
    if not 0 < room_id < DB_ID_MAX:
        abort(404)
    month = _month(request.args.get("month"))
    now = now_utc().astimezone(JST)
    hourly = month is None or (month.year, month.month) == (now.year, now.month)
    # Slots of this month become past by the hour: the hour is part of the page's key.
    hour = now.replace(minute=0, second=0, microsecond=0) if hourly else None
    key = f"availability-room:{room_id}:{month}:{hour.hour if hour else ''}"

    def render() -> str:
        room = db.session.get(Room, room_id)
        if room is None:
            abort(404)
        calendar = public_calendar.month_calendar(
            room, month or today_local(), now.replace(tzinfo=None)
        )
        if calendar is None:
            abort(404)
        return render_template(
            "public/availability_room.html",
            calendar=calendar,
            states=STATES,
            slot_name=slot_name,
            hourly=room.slot_pattern == SlotPattern.HOURLY,
            fees=fee_rows(room),
            tiers=[label(tier) for tier in TIERS],
            weekday=_weekday,
        )

    return public_page(key, render, since=hour)


def _month(raw: str | None) -> date | None:
    """`YYYY-MM` as its first day; None when absent; 400 when it is not a month."""
    if raw is None or raw == "":
        return None
    found = MONTH.fullmatch(raw)
    if found is None:
        abort(400)
    try:
        return date(int(found[1]), int(found[2]), 1)
    except ValueError:  # month 13, year 0
        abort(400)


# What each state shows: (symbol, its words for screen readers and the legend). The symbols
# are not translated: the legend says what they mean in either language.
STATES: dict[PublicState, tuple[str, object]] = {
    PublicState.FREE: ("○", _l("Available")),
    PublicState.TAKEN: ("×", _l("Booked")),
    PublicState.LOTTERY: ("抽選", _l("Lottery")),
    PublicState.CLOSED: ("休", _l("Closed")),
    PublicState.PAST: ("－", _l("Past")),
}


def _weekday(day: date) -> str:
    """月, 火 … (abbreviated, in the page's language)."""
    return format_date(day, "E", locale=get_locale())
