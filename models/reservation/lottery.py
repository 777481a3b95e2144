"""The lottery 抽選 for popular rooms: a facility's lottery month, its rooms, and the
applications counter staff enter for registrants.

A Lottery is one facility and one month of use (two months ahead). Applications are taken from
`opens_on` to `closes_on` (default the 1st to the 10th), drawn on `draws_on` (the 11th) by the
daily job or by the section chief, from a random seed recorded on the row before anything is
drawn (models.reservation.draw). Winners hold a provisional booking whose deadline is
`confirm_by` (the 20th); first-come booking of the month's rooms opens on `first_come_on`
(the 13th) — until then the rooms of a lottery (and the rooms joined with them: a hall and its
halves) are booked only through the draw (`lottery_block`).
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc
from models.organisation import Facility, Room
from models.registration.registrant import PERSONAL, Registrant
from models.reservation.booking import Booking
from models.reservation.rooms import family_of, part_slots
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, str_enum

# The calendar of a lottery month, as days of the months before the month of use (config
# LOTTERY_*; each lottery row keeps its own dates, so a change applies to new months only).
DEFAULTS = {
    "LOTTERY_MONTHS_AHEAD": 2,  # applications in November for January
    "LOTTERY_OPENS_DAY": 1,
    "LOTTERY_CLOSES_DAY": 10,
    "LOTTERY_DRAW_DAY": 11,
    "LOTTERY_FIRST_COME_DAY": 13,
    "LOTTERY_CONFIRM_DAY": 20,
    "LOTTERY_MAX_APPLICATIONS": 5,  # per registrant and lottery month
    "LOTTERY_MAX_WINS": 2,
}

lottery_room = Table(
    "lottery_room",
    db.Model.metadata,
    Column("lottery_id", ForeignKey("lottery.id", ondelete="CASCADE"), primary_key=True),
    Column("room_id", ForeignKey("room.id"), primary_key=True),
)


class Outcome(enum.StrEnum):
    """What the draw decided for one application (None before the draw)."""

    WON = "won"  # 当選: a provisional booking was made
    LOST = "lost"  # 落選: another applicant's lot came first
    CAPPED = "capped"  # 落選: the registrant had already won the most allowed
    REFUSED = "refused"  # 無効: could not be booked (closed, registration ended, slot held)


class Lottery(db.Model):
    __tablename__ = "lottery"
    __table_args__ = (
        UniqueConstraint("facility_id", "month"),
        CheckConstraint("opens_on <= closes_on", name="opens_before_closes"),
        CheckConstraint("closes_on < draws_on", name="closes_before_draw"),
        CheckConstraint("draws_on <= first_come_on", name="draw_before_first_come"),
        CheckConstraint("draws_on <= confirm_by", name="draw_before_confirm"),
        CheckConstraint("max_applications >= 1 AND max_wins >= 1", name="caps_positive"),
        CheckConstraint("drawn_at IS NULL OR seed IS NOT NULL", name="drawn_has_seed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    month: Mapped[date]  # the first day of the month of use
    opens_on: Mapped[date]  # applications from (inclusive)
    closes_on: Mapped[date]  # … to (inclusive)
    draws_on: Mapped[date]  # the daily job draws on this day
    first_come_on: Mapped[date]  # first-come booking of the month opens
    confirm_by: Mapped[date]  # a win not paid by this day becomes void
    max_applications: Mapped[int]
    max_wins: Mapped[int]
    residents_only: Mapped[bool] = mapped_column(default=False)  # 市内 registrants only
    seed: Mapped[str | None] = mapped_column(String(64))  # hex, recorded before drawing
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None: job
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    facility: Mapped[Facility] = relationship()
    rooms: Mapped[list[Room]] = relationship(secondary=lottery_room, order_by=Room.id)
    drawn_by: Mapped[StaffUser | None] = relationship(foreign_keys=[drawn_by_id])
    created_by: Mapped[StaffUser] = relationship(foreign_keys=[created_by_id])
    applications: Mapped[list["LotteryApplication"]] = relationship(
        back_populates="lottery", order_by="LotteryApplication.number"
    )

    def __str__(self) -> str:
        return f"{self.facility} {self.month:%Y-%m}"

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None

    def is_open(self, today: date) -> bool:
        return not self.is_drawn and self.opens_on <= today <= self.closes_on

    def blocks(self, today: date) -> bool:
        """Its rooms take no first-come booking for the month yet."""
        return today < self.first_come_on


class LotteryApplication(db.Model):
    """One registrant's application for one slot of one room 抽選申込. `number` is the
    受付番号 given at the counter: the results posted at the counter show it, never a name."""

    __tablename__ = "lottery_application"
    __table_args__ = (
        UniqueConstraint("lottery_id", "number"),
        # One application per registrant and slot (withdrawn ones do not count).
        Index(
            "uq_lottery_application_slot",
            "lottery_id",
            "registrant_id",
            "room_id",
            "day",
            "slot",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_lottery_application_registrant", "registrant_id"),
        CheckConstraint("people >= 1", name="people_positive"),
        CheckConstraint("outcome IS NULL OR withdrawn_at IS NULL", name="withdrawn_is_not_drawn"),
        CheckConstraint("outcome <> 'won' OR booking_id IS NOT NULL", name="won_has_booking"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id"))
    number: Mapped[int]  # 受付番号, 1, 2 … within the lottery
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    day: Mapped[date]
    slot: Mapped[str] = mapped_column(String(10))
    # About the use, as on a booking (field inventory); the purpose is erased with the
    # registrant.
    people: Mapped[int] = mapped_column(info=PERSONAL)
    purpose: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 取下げ before the draw
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The draw: the application's lot (hex; the lowest wins), its place among the slot's
    # applicants, what was decided and why it could not be booked.
    lot: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[int | None]
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "lottery_outcome"))
    refusal: Mapped[str | None] = mapped_column(String(200))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    lottery: Mapped[Lottery] = relationship(back_populates="applications")
    registrant: Mapped[Registrant] = relationship()
    room: Mapped[Room] = relationship()
    booking: Mapped[Booking | None] = relationship()
    created_by: Mapped[StaffUser] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def lottery_setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class Calendar:
    """The dates of a lottery month (defaults from the config)."""

    month: date
    opens_on: date
    closes_on: date
    draws_on: date
    first_come_on: date
    confirm_by: date


def calendar_for(month: date) -> Calendar:
    """The default dates for the month of use `month`: in the month LOTTERY_MONTHS_AHEAD
    before it, on the configured days."""
    first = month.replace(day=1)
    before = first - relativedelta(months=lottery_setting("LOTTERY_MONTHS_AHEAD"))

    def on(name: str) -> date:
        return before.replace(day=lottery_setting(name))

    return Calendar(
        first,
        on("LOTTERY_OPENS_DAY"),
        on("LOTTERY_CLOSES_DAY"),
        on("LOTTERY_DRAW_DAY"),
        on("LOTTERY_FIRST_COME_DAY"),
        on("LOTTERY_CONFIRM_DAY"),
    )


# --- what the lotteries keep from first-come booking ----------------------------------------


def lotteries_between(facility_id: int, first: date, last: date) -> list[Lottery]:
    return list(
        db.session.scalars(
            select(Lottery).where(
                Lottery.facility_id == facility_id,
                Lottery.month >= first.replace(day=1),
                Lottery.month <= last,
            )
        )
    )


def lottery_block(room: Room, day: date, today: date) -> Lottery | None:
    """The lottery that keeps `room` from first-come booking on `day` (its own, or that of a
    room joined with it), or None."""
    family = family_of(room)
    for lottery in lotteries_between(room.facility_id, day, day):
        if lottery.blocks(today) and family & {r.id for r in lottery.rooms}:
            return lottery
    return None


def lottery_cells(
    room_ids: list[int], first: date, last: date, today: date
) -> set[tuple[int, date, str]]:
    """(room id, day, part slot) in first…last that are in a lottery on `today` — applications
    open or drawn, first-come booking not open yet — for the rooms asked (a hall's halves are
    in the lottery of the hall and the other way round). Cells a booking holds (a win) are
    for the caller to show as taken."""
    rooms = db.session.scalars(select(Room).where(Room.id.in_(room_ids))).all()
    cells: set[tuple[int, date, str]] = set()
    facilities = {room.facility_id for room in rooms}
    for facility_id in facilities:
        for lottery in lotteries_between(facility_id, first, last):
            if not lottery.blocks(today):
                continue
            in_lottery = {r.id for r in lottery.rooms}
            end = lottery.month + relativedelta(months=1)
            days = [
                lottery.month + timedelta(days=n)
                for n in range((end - lottery.month).days)
                if first <= lottery.month + timedelta(days=n) <= last
            ]
            for room in rooms:
                if room.facility_id == facility_id and family_of(room) & in_lottery:
                    cells |= {(room.id, d, slot.code) for d in days for slot in part_slots(room)}
    return cells


def default_month(today: date) -> date:
    """The month a lottery set up today is for (LOTTERY_MONTHS_AHEAD ahead)."""
    return today.replace(day=1) + relativedelta(months=lottery_setting("LOTTERY_MONTHS_AHEAD"))
