"""The city's organisation: sections (課) under an authority, facilities and their rooms."""

import enum

from flask_babel import gettext
from sqlalchemy import ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
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

    section: Mapped[Section] = relationship(back_populates="facilities")
    rooms: Mapped[list["Room"]] = relationship(back_populates="facility", order_by="Room.id")

    def __str__(self) -> str:
        return self.name

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

    facility: Mapped[Facility] = relationship(back_populates="rooms")

    def __str__(self) -> str:
        return f"{self.facility.name} {self.name}" if self.facility else self.name
