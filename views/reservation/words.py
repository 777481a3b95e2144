"""Slots as staff read them: 「午前（9:00–12:00）」, an hour as 「10:00–11:00」; a fee table's
rows and a closure's days in words (毎週月曜日, 第3水曜日)."""

from babel.dates import get_day_names
from flask import url_for
from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString

from admin_app.formatting import jdate
from models.errors import InputError
from models.organisation import Room, SlotPattern
from models.registration.school import FeeTier
from models.reservation.booking import Booking, BookingState
from models.reservation.closures import Closure, ClosureKind
from models.reservation.fees import HOUR, fee_slots, fee_table
from models.reservation.rooms import Slot, StandardSlot, any_slot, slot_of
from views.labels import label

STANDARD_CODES = {s.value for s in StandardSlot}


def slot_name(slot: Slot, *, short: bool = False) -> str:
    """A standard slot by its name (with its hours unless short), an hourly one by its hours."""
    if slot.code in STANDARD_CODES:
        name = str(label(StandardSlot(slot.code)))
        return name if short else f"{name}（{slot.span}）"
    return f"{slot.start.hour}:00" if short else slot.span


def booking_slot(booking: Booking) -> str:
    """The slot of a booking as staff read it."""
    return slot_name(slot_of(booking.room, booking.slot))


class BookingRows:
    """What rows of bookings repeat, looked up once per page: the slots' names and the states'
    labels (a registrant's list has hundreds of rows), and the path of a booking's page."""

    def __init__(self) -> None:
        self._slots: dict[tuple[object, str], str] = {}
        self._states: dict[BookingState, str] = {}
        self.path = url_for("reservation.booking")

    def slot(self, booking: Booking) -> str:
        key = (booking.room.slot_pattern, booking.slot)
        if key not in self._slots:
            self._slots[key] = booking_slot(booking)
        return self._slots[key]

    def state(self, booking: Booking) -> str:
        if booking.state not in self._states:
            self._states[booking.state] = label(booking.state)
        return self._states[booking.state]


# --- fee tables and closures --------------------------------------------------------------


def fee_slot_name(code: str) -> str:
    """A fee row's slot: 「午前（9:00–12:00）」, 「1時間あたり」 (HOUR), 「10:00–11:00」."""
    if code == HOUR:
        return gettext("Per hour")
    try:
        return slot_name(any_slot(code))
    except InputError:
        return code


TIERS = (FeeTier.ADULT, FeeTier.STUDENT, FeeTier.CHILD)  # a fee table's columns


def fee_rows(room: Room) -> list[tuple[str, list[str]]]:
    """The room's fee table as read (the back office's room page and the public calendar):
    per slot in the pattern's order, its name and the yen of each of TIERS ("1,200"; — where
    none is set). Empty when no fee is set."""
    table = fee_table(room)
    order = {code: i for i, code in enumerate(fee_slots(room.slot_pattern))}
    slots = sorted({slot for slot, _ in table}, key=lambda code: order.get(code, len(order)))
    return [
        (
            fee_slot_name(slot),
            [f"{table[(slot, tier)]:,}" if (slot, tier) in table else "—" for tier in TIERS],
        )
        for slot in slots
    ]


def fee_slot_choices() -> list[tuple[str, LazyString]]:
    """Every code a fee table may use, for both patterns, labelled when shown (the room's
    pattern decides which are accepted: models.reservation.fees.fee_slots)."""
    standard = [(code, LazyString(fee_slot_name, code)) for code in fee_slots(SlotPattern.STANDARD)]
    hourly = [
        (code, LazyString(lambda c: f"{fee_slot_name(c)}（{label(SlotPattern.HOURLY)}）", code))
        for code in fee_slots(SlotPattern.HOURLY)
    ]
    return [*standard, *hourly]


def weekday_name(weekday: int) -> str:
    """月曜日 … 日曜日 (0 = Monday), in the user's language."""
    return get_day_names("wide", locale=get_locale())[weekday]


def closure_when(closure: Closure) -> str:
    """When a closure closes, in words: 毎週月曜日, 第3水曜日,
    2026年12月28日〜2027年1月4日（毎年）."""
    if closure.kind == ClosureKind.WEEKLY:
        return gettext("Every %(weekday)s", weekday=weekday_name(closure.weekday))
    if closure.kind == ClosureKind.MONTHLY:
        return gettext(
            "%(weekday)s of week %(nth)s", nth=closure.nth, weekday=weekday_name(closure.weekday)
        )
    first, last = closure.starts_on, closure.ends_on
    days = jdate(first) if first == last else f"{jdate(first)}〜{jdate(last)}"
    every_year = gettext("every year")
    return f"{days}（{every_year}）" if closure.yearly else days


def closure_slot(closure: Closure) -> str:
    """The slot a closure closes, or 全日."""
    if closure.slot is None:
        return str(label(StandardSlot.ALL_DAY))
    return fee_slot_name(closure.slot)
