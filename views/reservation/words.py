"""Slots as staff read them: 「午前（9:00–12:00）」, an hour as 「10:00–11:00」."""

from flask import url_for

from models.reservation.booking import Booking, BookingState
from models.reservation.rooms import Slot, StandardSlot, slot_of
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
