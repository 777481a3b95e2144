"""Slots as staff read them: 「午前（9:00–12:00）」, an hour as 「10:00–11:00」."""

from models.reservation.booking import Booking
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
