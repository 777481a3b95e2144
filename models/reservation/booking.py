"""Bookings 予約 and the rows they hold.

A Booking is one room, one day, one slot for one registrant: provisional 仮予約 until the fee
is recorded as paid (or reduced to zero), then confirmed 本予約; cancelled by staff or expired
unpaid after its deadline. Its fee is stored with what it was computed from.

A BookingHold is one (unit room, day, part slot) a booking holds: a 全日 booking of the 全面
hall holds 3 part slots × 2 halves = 6 rows. While the booking is provisional or confirmed
its holds are active; when it leaves those states they become inactive (rules.release).
"Never twice" is the database's:

- uq_booking_hold_active: UNIQUE (room_id, day, slot) WHERE active — SQLite and PostgreSQL;
- ex_booking_hold_overlap: EXCLUDE USING gist (room_id WITH =, tsrange(starts, ends) WITH &&)
  WHERE (active) — PostgreSQL only, created by the migration (btree_gist) and left out of the
  models-versus-migrations comparison (admin_app.database.include_object): a second line for
  spans that overlap under different codes (a room switched between standard and hourly).
  `starts`/`ends` are naive Japan local times.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc
from models.organisation import Facility, Room
from models.registration.registrant import PERSONAL, Registrant
from models.registration.school import FeeTier
from models.reservation.fees import Reduction
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, str_enum

UNIQUE_HOLD = "uq_booking_hold_active"
EXCLUDE_OVERLAP = "ex_booking_hold_overlap"  # PostgreSQL, migration only


class BookingState(enum.StrEnum):
    PROVISIONAL = "provisional"  # 仮予約: holds the slot, fee not paid yet
    CONFIRMED = "confirmed"  # 本予約: paid (or reduced to zero)
    CANCELLED = "cancelled"  # 取消
    EXPIRED = "expired"  # 期限切れ: not paid by the deadline, cancelled by the daily job


ACTIVE_STATES = (BookingState.PROVISIONAL, BookingState.CONFIRMED)


class Booking(db.Model):
    __tablename__ = "booking"
    __table_args__ = (
        # The grid: a facility's bookings by day; the cap: a registrant's by facility and day.
        Index("ix_booking_facility_day", "facility_id", "day"),
        Index("ix_booking_registrant_facility_day", "registrant_id", "facility_id", "day"),
        Index("ix_booking_state_deadline", "state", "deadline"),
        Index("ix_booking_series_id", "series_id"),
        CheckConstraint("people >= 1", name="people_positive"),
        CheckConstraint("fee >= 0 AND table_fee >= 0", name="fee_not_negative"),
        CheckConstraint("reduction_percent BETWEEN 0 AND 100", name="reduction_percent_range"),
        CheckConstraint("state <> 'confirmed' OR paid_at IS NOT NULL", name="confirmed_is_paid"),
        CheckConstraint(
            "state NOT IN ('cancelled', 'expired') OR cancelled_at IS NOT NULL",
            name="ended_has_when",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))  # the room's
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)  # as booked
    day: Mapped[date]  # the day of use
    slot: Mapped[str] = mapped_column(String(10))  # "am", "all_day", "h10-12" …
    series_id: Mapped[str | None] = mapped_column(String(32))  # weekly repeats share it
    state: Mapped[BookingState] = mapped_column(
        str_enum(BookingState, "booking_state"), default=BookingState.PROVISIONAL
    )
    # About the use (field inventory: models/registration/inventory.py). The purpose is
    # erased with the registrant; the numbers stay for statistics.
    people: Mapped[int] = mapped_column(info=PERSONAL)
    purpose: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)  # 利用目的
    admission: Mapped[bool] = mapped_column(default=False, info=PERSONAL)  # 入場料徴収
    # The fee, as computed when booked (models.reservation.fees.Quote).
    tier: Mapped[FeeTier] = mapped_column(str_enum(FeeTier, "fee_tier"))
    non_resident: Mapped[bool] = mapped_column(default=False)  # 市外
    table_fee: Mapped[int]  # yen, from the room's table
    non_resident_percent: Mapped[int] = mapped_column(default=100)
    admission_percent: Mapped[int] = mapped_column(default=100)
    reduction: Mapped[Reduction | None] = mapped_column(str_enum(Reduction, "reduction"))
    reduction_percent: Mapped[int] = mapped_column(default=0)
    fee: Mapped[int]  # yen, what is due
    deadline: Mapped[date]  # 納付期限 of a provisional booking
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Cancelled by staff (by_city: the city closed, or a disaster) or expired by the job
    # (cancelled_by NULL); the reason is kept either way.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_by_city: Mapped[bool] = mapped_column(default=False, server_default=false())
    refund_percent: Mapped[int | None]
    refund: Mapped[int | None]  # yen refunded 還付額; None when nothing was paid
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registrant: Mapped[Registrant] = relationship()
    facility: Mapped[Facility] = relationship()
    room: Mapped[Room] = relationship()
    paid_by: Mapped[StaffUser | None] = relationship(foreign_keys=[paid_by_id])
    cancelled_by: Mapped[StaffUser | None] = relationship(foreign_keys=[cancelled_by_id])
    created_by: Mapped[StaffUser] = relationship(foreign_keys=[created_by_id])
    holds: Mapped[list["BookingHold"]] = relationship(
        back_populates="booking", order_by="BookingHold.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.room} {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class BookingHold(db.Model):
    """One (unit room, day, part slot) held by a booking; at most one active per key."""

    __tablename__ = "booking_hold"
    __table_args__ = (
        Index(
            UNIQUE_HOLD,
            "room_id",
            "day",
            "slot",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))  # a unit (leaf) room
    day: Mapped[date]
    slot: Mapped[str] = mapped_column(String(10))  # a part slot code
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    starts: Mapped[datetime] = mapped_column(DateTime(timezone=False))  # naive, Japan time
    ends: Mapped[datetime] = mapped_column(DateTime(timezone=False))

    booking: Mapped[Booking] = relationship(back_populates="holds")
    room: Mapped[Room] = relationship()
