"""Display labels of reservations: booking states, slots, slot patterns, reductions, closures."""

from flask_babel import lazy_gettext as _l

from models.organisation import SlotPattern
from models.reservation.booking import BookingState
from models.reservation.closures import ClosureKind
from models.reservation.fees import Reduction
from models.reservation.grid import CellState
from models.reservation.lottery import Outcome
from models.reservation.rooms import StandardSlot

PAIRS = (
    (BookingState.PROVISIONAL, _l("Provisional (awaiting payment)")),
    (BookingState.CONFIRMED, _l("Confirmed (paid)")),
    (BookingState.CANCELLED, _l("Cancelled")),
    (BookingState.EXPIRED, _l("Expired (not paid by the deadline)")),
    (StandardSlot.AM, _l("Morning")),
    (StandardSlot.PM, _l("Afternoon")),
    (StandardSlot.NIGHT, _l("Evening")),
    (StandardSlot.AM_PM, _l("Morning and afternoon")),
    (StandardSlot.ALL_DAY, _l("All day")),
    (SlotPattern.STANDARD, _l("Morning / afternoon / evening")),
    (SlotPattern.HOURLY, _l("By the hour")),
    (Reduction.CITY_EVENT, _l("Organised by the city (100%)")),
    (Reduction.DISABILITY_GROUP, _l("Group of people with disabilities (50%)")),
    (Reduction.SOCIAL_EDUCATION, _l("Social education group (50%)")),
    (CellState.FREE, _l("Free")),
    (CellState.PROVISIONAL, _l("Provisional")),
    (CellState.CONFIRMED, _l("Booked (paid)")),
    (CellState.CLOSED, _l("Closed")),
    (CellState.LOTTERY, _l("Lottery month (first-come booking not open yet)")),
    (CellState.PAST, _l("Past")),
    (ClosureKind.WEEKLY, _l("Every week")),
    (ClosureKind.MONTHLY, _l("Monthly (nth weekday)")),
    (ClosureKind.PERIOD, _l("Dates or period")),
    (ClosureKind.WORKS, _l("Works (blackout)")),
    (Outcome.WON, _l("Won")),
    (Outcome.LOST, _l("Not won")),
    (Outcome.CAPPED, _l("Not won (already won the most allowed)")),
    (Outcome.REFUSED, _l("Void (could not be booked)")),
)
