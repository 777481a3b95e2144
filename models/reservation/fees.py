"""Fees 使用料, reductions 減免 and refunds 還付, in integer yen.

The table: one row per (room, slot code, tier). A combined slot (午前・午後, 全日) costs its
own row when there is one, else the sum of its parts; an hourly room's part slots cost the
row of their own code ("h10"), else the room's "hour" row. A tier without a row pays the 一般
row.

The tier: 一般 for groups; for individuals with a birth date at a facility whose individual
fee depends on age, the school-year tier on the day of use (models.registration.school:
小学生以下 / 中学生・高校生 / 一般).

The amount: table fee × 市外 multiplier (non-residents using a joint-use facility; default
150 %) × admission multiplier (admission charged; default 200 %) × (100 − 減免 percent) %, each
multiplier per facility or else the app's config; computed exactly, then **rounded down to 10
yen** (10円未満切捨て) once at the end. It is stored on the booking with everything it was
computed from, so a later change of the table changes no booking.

Refunds: a paid fee is refunded 100 % when cancelled ≥ 30 days before the day of use, 50 %
when ≥ 7 days, else nothing; 100 % when the city closes the facility or a disaster prevents
use. Refund amounts are rounded down to the yen. Nothing paid, nothing refunded (None).
"""

import enum
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from admin_app.extensions import db
from models.errors import InputError
from models.organisation import Facility, Room, SlotPattern
from models.registration.registrant import EligibilityBasis, Registrant
from models.registration.school import FeeTier
from models.reservation.rooms import HOURLY_PARTS, STANDARD_SLOTS, Slot
from models.types import str_enum

HOUR = "hour"  # the fee row of every hour of an hourly room
DEFAULT_NON_RESIDENT_PERCENT = 150
DEFAULT_ADMISSION_PERCENT = 200


class Reduction(enum.StrEnum):
    """減免の理由 (labels: views/labels/reservation.py); the percent is REDUCTION_PERCENT."""

    CITY_EVENT = "city_event"  # 市主催 100 %
    DISABILITY_GROUP = "disability_group"  # 障害者団体 50 %
    SOCIAL_EDUCATION = "social_education"  # 社会教育関係団体 50 %


REDUCTION_PERCENT: dict[Reduction, int] = {
    Reduction.CITY_EVENT: 100,
    Reduction.DISABILITY_GROUP: 50,
    Reduction.SOCIAL_EDUCATION: 50,
}


class RoomFee(db.Model):
    """One amount of a room's fee table 使用料表: (room, slot code, tier) → yen."""

    __tablename__ = "room_fee"
    __table_args__ = (
        UniqueConstraint("room_id", "slot", "tier", name="uq_room_fee_room_slot_tier"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    slot: Mapped[str] = mapped_column(String(10))  # "am", "all_day", "h10", or HOUR
    tier: Mapped[FeeTier] = mapped_column(str_enum(FeeTier, "fee_tier"))
    amount: Mapped[int]  # yen

    # Room.fees: the room's table, edited with the room (views/organisation.py).
    room: Mapped[Room] = relationship(
        backref=backref("fees", order_by="RoomFee.id", cascade="all, delete-orphan")
    )


@dataclass(frozen=True)
class Quote:
    """What a booking costs, and what it was computed from (all stored with the booking)."""

    table_fee: int  # yen, from the table (the tier's row)
    tier: FeeTier
    non_resident: bool
    non_resident_percent: int  # 100 when not applied
    admission: bool
    admission_percent: int  # 100 when not applied
    reduction: Reduction | None
    reduction_percent: int
    amount: int  # yen, rounded down to 10 yen


NEGATIVE = _l("A fee cannot be negative.")
NO_FEE = _l("No fee is set for this room and slot; set the room's fee table first.")


def fee_table(room: Room) -> dict[tuple[str, FeeTier], int]:
    return {
        (row.slot, row.tier): row.amount
        for row in db.session.scalars(select(RoomFee).where(RoomFee.room_id == room.id))
    }


def set_fee(room: Room, slot: str, tier: FeeTier, amount: int) -> RoomFee:
    """Set one amount of the table (a new row or the existing one); never commits."""
    if slot not in fee_slots(room.slot_pattern):
        raise InputError(NOT_A_FEE_SLOT, field="slot")
    if amount < 0:
        raise InputError(NEGATIVE, field="amount")
    row = db.session.scalar(
        select(RoomFee).where(
            RoomFee.room_id == room.id, RoomFee.slot == slot, RoomFee.tier == tier
        )
    )
    if row is None:
        row = RoomFee(room=room, slot=slot, tier=tier, amount=amount)
        db.session.add(row)
    row.amount = amount
    return row


def fee_slots(pattern: SlotPattern | str) -> tuple[str, ...]:
    """The slot codes a room's table may have rows for: every standard slot (a combined one
    costs its parts when it has no row), or for an hourly room HOUR and each hour ("h10")."""
    if pattern == SlotPattern.HOURLY:
        return (HOUR, *(part.code for part in HOURLY_PARTS))
    return tuple(slot.code for slot in STANDARD_SLOTS)


NOT_A_FEE_SLOT = _l("This room has no such slot: choose one of its slot pattern.")
TWICE = _l("This slot and tier are already in the table.")


def fee_rows_problems(
    pattern: SlotPattern | str, rows: list[tuple[str, FeeTier | str, int | None]]
) -> list[tuple[int, InputError]]:
    """What is wrong with a room's table rows (slot, tier, amount) for a slot pattern: (the
    row's index, InputError at "slot" or "amount") — a slot the pattern lacks, a (slot,
    tier) twice, a negative amount."""
    problems: list[tuple[int, InputError]] = []
    seen: set[tuple[str, str]] = set()
    allowed = fee_slots(pattern)
    for index, (slot, tier, amount) in enumerate(rows):
        key = (slot, getattr(tier, "value", tier))
        if slot not in allowed:
            problems.append((index, InputError(NOT_A_FEE_SLOT, field="slot")))
        elif key in seen:
            problems.append((index, InputError(TWICE, field="slot")))
        elif amount is not None and amount < 0:
            problems.append((index, InputError(NEGATIVE, field="amount")))
        seen.add(key)
    return problems


def table_fee(
    room: Room, slot: Slot, tier: FeeTier, table: dict[tuple[str, FeeTier], int] | None = None
) -> int:
    """The table amount of a slot for a tier (see the module's rules); InputError when the
    table has no amount for it."""
    table = fee_table(room) if table is None else table
    for wanted in (tier, FeeTier.ADULT):
        amount = _amount(table, slot, wanted)
        if amount is not None:
            return amount
    raise InputError(NO_FEE, field="slot")


def _amount(table: dict[tuple[str, FeeTier], int], slot: Slot, tier: FeeTier) -> int | None:
    if (slot.code, tier) in table:
        return table[(slot.code, tier)]
    if slot.is_part:
        return table.get((HOUR, tier)) if slot.code.startswith("h") else None
    parts = [_amount(table, part, tier) for part in slot.parts]
    return None if None in parts else sum(parts)


def tier_of(registrant: Registrant, day: date) -> FeeTier:
    """一般 for groups; by age on the day of use for individuals where the facility charges
    by age (and the birth date is known)."""
    if registrant.is_group or not registrant.facility.individual_fee_by_age:
        return FeeTier.ADULT
    return registrant.fee_tier(day) or FeeTier.ADULT


def is_non_resident(registrant: Registrant) -> bool:
    """市外: registered for joint use from outside the city (the latest eligibility check)."""
    check = registrant.latest_check
    return check is not None and check.basis == EligibilityBasis.JOINT_USE


def multipliers(facility: Facility) -> tuple[int, int]:
    """(市外 percent, admission percent) of a facility, else of the app's config (else the
    defaults here: an app configured without them)."""
    config = current_app.config
    return (
        facility.non_resident_fee_percent
        or config.get("RESERVATION_NON_RESIDENT_PERCENT", DEFAULT_NON_RESIDENT_PERCENT),
        facility.admission_fee_percent
        or config.get("RESERVATION_ADMISSION_PERCENT", DEFAULT_ADMISSION_PERCENT),
    )


def compute(
    table_amount: int, non_resident_percent: int, admission_percent: int, reduction_percent: int
) -> int:
    """The amount in yen: exact integer arithmetic, rounded down to 10 yen once."""
    exact = (
        table_amount * non_resident_percent * admission_percent * (100 - reduction_percent)
    ) // 1_000_000
    return exact // 10 * 10


def quote(
    registrant: Registrant,
    room: Room,
    day: date,
    slot: Slot,
    *,
    admission: bool,
    reduction: Reduction | None,
) -> Quote:
    """The fee of a booking, as shown before confirming and stored with it."""
    tier = tier_of(registrant, day)
    base = table_fee(room, slot, tier)
    non_resident = is_non_resident(registrant)
    nr_percent, adm_percent = multipliers(room.facility)
    nr_percent = nr_percent if non_resident else 100
    adm_percent = adm_percent if admission else 100
    reduction_percent = REDUCTION_PERCENT[reduction] if reduction else 0
    return Quote(
        table_fee=base,
        tier=tier,
        non_resident=non_resident,
        non_resident_percent=nr_percent,
        admission=admission,
        admission_percent=adm_percent,
        reduction=reduction,
        reduction_percent=reduction_percent,
        amount=compute(base, nr_percent, adm_percent, reduction_percent),
    )


def refund_percent(day_of_use: date, cancelled_on: date, by_city: bool = False) -> int:
    """還付率: 100 when the city closes or a disaster prevents use; else by days before use."""
    if by_city:
        return 100
    days = (day_of_use - cancelled_on).days
    if days >= 30:
        return 100
    if days >= 7:
        return 50
    return 0


def refund_amount(paid: int, percent: int) -> int:
    return paid * percent // 100
