"""The city's organisation: sections (課) under an authority, facilities and their rooms."""

import enum

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from admin_app.extensions import db
from models.errors import InputError
from models.types import str_enum


class Authority(enum.StrEnum):
    """The body a section belongs to; forms are addressed to it."""

    MAYOR = "mayor"
    BOARD_OF_EDUCATION = "board_of_education"

    @property
    def addressee(self) -> str:
        return {"mayor": "東村山市長", "board_of_education": "東村山市教育委員会"}[self.value]


class EligibilityRule(enum.StrEnum):
    """Who may register at a facility."""

    RESIDENTS_ONLY = "residents_only"  # 在住・在勤・在学
    JOINT_USE = "joint_use"  # 市外共同利用可


class SlotPattern(enum.StrEnum):
    """How a room is booked (models.reservation.rooms lists the slots of each)."""

    STANDARD = "standard"  # the facility default: 午前, 午後, 夜間 (and 午前・午後, 全日)
    HOURLY = "hourly"  # by the hour, 9:00–21:00


# A facility's reservation settings and the values each may take (inclusive); a percent may
# also be None: the app's RESERVATION_*_PERCENT setting applies.
BOOKING_SETTINGS: dict[str, tuple[int, int]] = {
    "booking_months_ahead": (1, 12),
    "booking_months_ahead_non_resident": (1, 12),
    "booking_cap_per_month": (1, 31),
    "payment_days": (1, 30),
    "non_resident_fee_percent": (100, 300),
    "admission_fee_percent": (100, 300),
}
OPTIONAL_SETTINGS = {"non_resident_fee_percent", "admission_fee_percent"}


def booking_setting_problem(name: str, value: int | None) -> InputError | None:
    """Why a value cannot be this reservation setting (InputError at its field), or None."""
    low, high = BOOKING_SETTINGS[name]
    if value is None and name in OPTIONAL_SETTINGS:
        return None
    if value is None or not low <= value <= high:
        return InputError(
            _l("Enter a number from %(low)s to %(high)s.", low=low, high=high), field=name
        )
    return None


class Section(db.Model):
    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    authority: Mapped[Authority] = mapped_column(str_enum(Authority, "authority"))

    facilities: Mapped[list["Facility"]] = relationship(
        back_populates="section", order_by="Facility.id"
    )

    @property
    def addressee(self) -> str:
        return self.authority.addressee

    def __str__(self) -> str:
        return self.name


class Facility(db.Model):
    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # 公民館, スポーツセンター, 集会所 …
    eligibility_rule: Mapped[EligibilityRule] = mapped_column(
        str_enum(EligibilityRule, "eligibility_rule"), default=EligibilityRule.RESIDENTS_ONLY
    )
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))  # the facility's public number
    # Registration rules of this facility.
    number_prefix: Mapped[str] = mapped_column(String(4), default="X")  # one series per kind
    registration_term_years: Mapped[int] = mapped_column(default=3)
    individual_fee_by_age: Mapped[bool] = mapped_column(default=False)  # birth date collected
    group_min_members: Mapped[int] = mapped_column(default=3)
    group_min_in_city_percent: Mapped[int] = mapped_column(default=50)
    # 利用要件確認: a registration is confirmed, and renewed, only with a recorded check.
    eligibility_check_required: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Reservation rules of this facility (models.reservation). How far ahead a registrant may
    # book (months from today): 市内, and 市外 (joint use by a non-resident).
    booking_months_ahead: Mapped[int] = mapped_column(default=2, server_default=text("2"))
    booking_months_ahead_non_resident: Mapped[int] = mapped_column(
        default=1, server_default=text("1")
    )
    # At most this many bookings (provisional or confirmed) per registrant per month of use.
    booking_cap_per_month: Mapped[int] = mapped_column(default=4, server_default=text("4"))
    # A provisional booking is paid within this many days (never later than the day before).
    payment_days: Mapped[int] = mapped_column(default=7, server_default=text("7"))
    # Fee multipliers in percent; None: the app's RESERVATION_*_PERCENT settings.
    non_resident_fee_percent: Mapped[int | None]  # 市外 (default 150)
    admission_fee_percent: Mapped[int | None]  # admission charged 入場料徴収 (default 200)

    section: Mapped[Section] = relationship(back_populates="facilities")
    rooms: Mapped[list["Room"]] = relationship(back_populates="facility", order_by="Room.id")

    def __str__(self) -> str:
        return self.name

    @validates(*BOOKING_SETTINGS)
    def _check_booking_setting(self, name: str, value: int | None) -> int | None:
        """Every path that sets one (screens check first, at the field)."""
        problem = booking_setting_problem(name, value)
        if problem is not None:
            raise problem
        return value

    @property
    def addressee(self) -> str:
        return self.section.addressee

    @property
    def allows_joint_use(self) -> bool:
        return self.eligibility_rule == EligibilityRule.JOINT_USE

    @property
    def requires_eligibility_check(self) -> bool:
        """A residents-only facility always checks who lives, works or studies in the city;
        a joint-use facility follows its own setting."""
        return not self.allows_joint_use or self.eligibility_check_required


def eligibility_setting_problem(
    rule: EligibilityRule | str | None, check_required: bool
) -> str | None:
    """Why a facility cannot drop the eligibility check (Japanese), or None."""
    if not check_required and rule != EligibilityRule.JOINT_USE:
        return gettext(
            "A facility for residents, workers and students of the city always "
            "records an eligibility check; only a joint-use facility may do "
            "without."
        )
    return None


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("facility_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int]
    slot_pattern: Mapped[SlotPattern] = mapped_column(
        str_enum(SlotPattern, "slot_pattern"),
        default=SlotPattern.STANDARD,
        server_default=SlotPattern.STANDARD.value,
    )
    # A divided room: 半面A and 半面B have the 全面 hall as parent. Booking a room holds its
    # leaf rooms (models.reservation.rooms.units_of), so the whole and its parts exclude
    # each other.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)

    facility: Mapped[Facility] = relationship(back_populates="rooms")
    parent: Mapped["Room | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Room"]] = relationship(back_populates="parent", order_by="Room.id")

    def __str__(self) -> str:
        return f"{self.facility.name} {self.name}" if self.facility else self.name
