"""Registrants (individuals and groups), their eligibility checks and rosters, and the rules
for numbers, qualification, expiry and erasure. (The trail a registration follows — receipt,
entry, confirmation — and renewal: models.registration.trail.)"""

import enum
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.japanese import format_postal_code
from models.organisation import Facility
from models.registration.school import FeeTier, fee_tier, school_grade_label
from models.staff.accounts import StaffUser
from models.types import UTCDateTime, pattern_index, prefix_index, str_enum, trigram_index


class RegistrantKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


class RegistrantStatus(enum.StrEnum):
    PENDING = "pending"  # entered, waiting for the final confirmation (確認待ち)
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # 廃止 by a confirmed change notice
    ERASED = "erased"


# Registrations staff work with: entered or valid. Expired, withdrawn and erased ones are history.
CURRENT_STATUSES = (RegistrantStatus.ACTIVE, RegistrantStatus.PENDING)


class CircleCategory(enum.StrEnum):
    """サークルの分類 on the public circle list."""

    CULTURE = "culture"  # 文化・教養
    ARTS = "arts"  # 芸術・音楽
    SPORTS = "sports"  # スポーツ・健康
    LEARNING = "learning"  # 学習・語学
    WELFARE = "welfare"  # 福祉・ボランティア
    CHILDREN = "children"  # 子育て・青少年
    OTHER = "other"  # その他


class EligibilityBasis(enum.StrEnum):
    RESIDENT = "resident"  # 在住
    WORKER = "worker"  # 在勤
    STUDENT = "student"  # 在学
    JOINT_USE = "joint_use"  # 市外共同利用


DOCUMENT_FIELDS = ("doc_member_list", "doc_employment_cert", "doc_student_cert", "doc_identity")

PERSONAL = {"personal": True}  # column info: this column holds a resident's personal data


class RegistrationCounter(db.Model):
    """The last number handed out in each series (one series per facility kind)."""

    __tablename__ = "registration_counter"

    series: Mapped[str] = mapped_column(String(4), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Registrant(db.Model):
    __tablename__ = "registrant"
    __table_args__ = (
        UniqueConstraint("number_series", "registration_number"),
        # 五十音順 lists walk this index in order, checking the facility inside it.
        Index("ix_registrant_kana_facility", "name_kana", "facility_id"),
        # Prefix search: plain b-trees on SQLite (GLOB), pattern ops on PostgreSQL (LIKE).
        prefix_index("registrant", "name"),
        prefix_index("registrant", "phone_digits"),
        prefix_index("registrant", "registration_number"),
        Index("ix_registrant_expires_on", "expires_on"),
        # The kana b-tree above serves 五十音順 order; PostgreSQL also needs this for LIKE.
        pattern_index("registrant", "name_kana"),
        # Words inside names (models.registration.search); SQLite: the FTS5 table instead.
        *(
            trigram_index("registrant", c)
            for c in ("name", "name_kana", "registration_number", "phone_digits", "activity")
        ),
        # Nothing is 有効 without a final confirmation, and nobody confirms their own entry.
        CheckConstraint(
            "status <> 'active' OR confirmed_at IS NOT NULL", name="active_is_confirmed"
        ),
        CheckConstraint(
            "confirmed_by_id IS NULL OR created_by_id IS NULL OR confirmed_by_id <> created_by_id",
            name="confirmer_is_not_enterer",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    kind: Mapped[RegistrantKind] = mapped_column(str_enum(RegistrantKind, "registrant_kind"))
    number_series: Mapped[str] = mapped_column(String(4))
    registration_number: Mapped[str] = mapped_column(String(20))
    status: Mapped[RegistrantStatus] = mapped_column(
        str_enum(RegistrantStatus, "registrant_status"),
        default=RegistrantStatus.PENDING,
        active_history=True,
    )  # the trail's guard needs the status before a change
    registered_on: Mapped[date]
    expires_on: Mapped[date]
    expired_on: Mapped[date | None]  # the day the registration ended (expiry or withdrawal)
    erased_on: Mapped[date | None]

    # Personal data: every column here is an item of the field inventory
    # (models/registration/inventory.py).
    name: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    name_kana: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    representative_name: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    representative_kana: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    postal_code: Mapped[str | None] = mapped_column(String(7), info=PERSONAL)
    address: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    phone: Mapped[str | None] = mapped_column(String(20), info=PERSONAL)
    phone_digits: Mapped[str | None] = mapped_column(String(15), info=PERSONAL)  # for search
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    # Consent to mail about bookings (reminders, lottery results): the paper form's checkbox.
    # NULL once erased, which mails nothing either.
    mail_consent: Mapped[bool | None] = mapped_column(
        default=False, server_default=false(), info=PERSONAL
    )
    birth_date: Mapped[date | None] = mapped_column(info=PERSONAL)
    activity: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)
    schedule: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)

    # Groups on the public circle list サークル団体: only with consent (承諾, from this date);
    # the contact (representative and phone) only with its own consent.
    circle_category: Mapped[CircleCategory | None] = mapped_column(
        str_enum(CircleCategory, "circle_category")
    )
    recruiting: Mapped[bool] = mapped_column(default=False, server_default=false())
    publish_consent_on: Mapped[date | None]
    contact_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    activity_confirmed_on: Mapped[date | None]  # the last yearly 活動調査 check

    # The trail of the form's 職員記入欄: 受付 (who took the paper form, when), 入力 (who
    # entered it: created_by, created_at) and 最終確認 (a chief or designated confirmer who did
    # not enter it). Rows confirmed before the trail existed have confirmed_by NULL.
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    received_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    facility: Mapped[Facility] = relationship()
    received_by: Mapped[StaffUser | None] = relationship(foreign_keys=[received_by_id])
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    confirmed_by: Mapped[StaffUser | None] = relationship(foreign_keys=[confirmed_by_id])
    eligibility_checks: Mapped[list["EligibilityCheck"]] = relationship(
        back_populates="registrant",
        order_by="EligibilityCheck.checked_on.desc()",
        cascade="all, delete-orphan",
    )
    rosters: Mapped[list["Roster"]] = relationship(
        back_populates="registrant",
        order_by="Roster.submitted_on.desc()",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return f"{self.registration_number} {self.name or '（消去済み）'}"

    @property
    def is_group(self) -> bool:
        return self.kind == RegistrantKind.GROUP

    @property
    def is_pending(self) -> bool:
        return self.status == RegistrantStatus.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def entered_on(self) -> date | None:
        return today_local(self.created_at) if self.created_at else None

    def is_current(self, on: date | None = None) -> bool:
        """Confirmed, and not past its expiry on the given Japan calendar date."""
        day = on or today_local()
        return (
            self.status == RegistrantStatus.ACTIVE and self.registered_on <= day <= self.expires_on
        )

    @property
    def postal_code_display(self) -> str:
        return format_postal_code(self.postal_code)

    @property
    def latest_check(self) -> "EligibilityCheck | None":
        return self.eligibility_checks[0] if self.eligibility_checks else None

    @property
    def latest_roster(self) -> "Roster | None":
        return self.rosters[0] if self.rosters else None

    def fee_tier(self, on: date | None = None) -> FeeTier | None:
        if self.birth_date is None:
            return None
        return fee_tier(self.birth_date, on or today_local())

    def school_grade(self, on: date | None = None) -> str | None:
        if self.birth_date is None:
            return None
        return school_grade_label(self.birth_date, on or today_local())

    def qualification(self) -> tuple[bool, str]:
        """Does the group qualify under its facility's rule? (result, reason in Japanese)"""
        if not self.is_group:
            return True, str(_l("Individual registration: no roster needed."))
        roster = self.latest_roster
        if roster is None:
            return False, str(_l("No roster (member list) has been submitted."))
        return roster.qualifies(self.facility)


class EligibilityCheck(db.Model):
    """利用要件確認: which basis, which document types were seen, by whom, when.

    The documents themselves stay with the city: nothing is uploaded or transcribed.
    """

    __tablename__ = "eligibility_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"), index=True)
    basis: Mapped[EligibilityBasis] = mapped_column(
        str_enum(EligibilityBasis, "eligibility_basis"), info=PERSONAL
    )
    doc_member_list: Mapped[bool] = mapped_column(default=False)
    doc_employment_cert: Mapped[bool] = mapped_column(default=False)
    doc_student_cert: Mapped[bool] = mapped_column(default=False)
    doc_identity: Mapped[bool] = mapped_column(default=False)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    checked_on: Mapped[date]

    registrant: Mapped[Registrant] = relationship(back_populates="eligibility_checks")
    checked_by: Mapped[StaffUser] = relationship()

    def __str__(self) -> str:
        return f"{self.checked_on} {self.basis.value}"


class Roster(db.Model):
    """会員名簿 of a group: counts only; the paper list stays with the city until destroy_by."""

    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"), index=True)
    submitted_on: Mapped[date]
    total_members: Mapped[int]
    members_resident: Mapped[int] = mapped_column(default=0)
    members_working: Mapped[int] = mapped_column(default=0)
    members_studying: Mapped[int] = mapped_column(default=0)
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    paper_location: Mapped[str] = mapped_column(String(100))
    destroy_by: Mapped[date]

    registrant: Mapped[Registrant] = relationship(back_populates="rosters")
    verified_by: Mapped[StaffUser] = relationship()

    @property
    def members_in_city(self) -> int:
        return self.members_resident + self.members_working + self.members_studying

    def qualifies(self, facility: Facility) -> tuple[bool, str]:
        if self.total_members < facility.group_min_members:
            return False, str(
                _l(
                    "%(n)s members; at least %(min)s are needed.",
                    n=self.total_members,
                    min=facility.group_min_members,
                )
            )
        percent = facility.group_min_in_city_percent
        if self.members_in_city * 100 < self.total_members * percent:
            return False, str(
                _l(
                    "%(k)s of %(n)s members live, work or study in the city; "
                    "at least %(p)s%% are needed.",
                    k=self.members_in_city,
                    n=self.total_members,
                    p=percent,
                )
            )
        return True, str(
            _l(
                "%(k)s of %(n)s members live, work or study in the city.",
                k=self.members_in_city,
                n=self.total_members,
            )
        )

    def check_counts(self) -> None:
        if (
            min(
                self.total_members,
                self.members_resident,
                self.members_working,
                self.members_studying,
            )
            < 0
        ):
            raise InputError(_l("Member counts cannot be negative."))
        if self.members_in_city > self.total_members:
            raise InputError(_l("Members in the city cannot outnumber all members."))


# --- Rules ---------------------------------------------------------------------------------


def reserve_numbers(series: str, count: int) -> list[str]:
    """Hand out the next `count` numbers of a series, e.g. K-000123 (one series per kind).

    One UPDATE on the counter row: concurrent registrations wait for it, never share a number.
    """
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(RegistrationCounter)
        .values(series=series, last_value=0)
        .on_conflict_do_nothing(index_elements=["series"])
    )
    last = db.session.execute(
        update(RegistrationCounter)
        .where(RegistrationCounter.series == series)
        .values(last_value=RegistrationCounter.last_value + count)
        .returning(RegistrationCounter.last_value)
    ).scalar_one()
    return [f"{series}-{value:06d}" for value in range(last - count + 1, last + 1)]


def start_registration(
    registrant: Registrant, today: date | None = None, number: str | None = None
) -> None:
    """Number, date and term of a new registration (`number` when reserved in bulk)."""
    day = today or today_local()
    if registrant.registered_on is None:
        registrant.registered_on = day
    if registrant.expires_on is None:
        registrant.expires_on = term_end(registrant.facility, registrant.registered_on)
    registrant.number_series = registrant.facility.number_prefix
    if number is not None:
        registrant.registration_number = number
    elif not registrant.registration_number:
        with db.session.no_autoflush:  # the registrant is flushed once it has its number
            (registrant.registration_number,) = reserve_numbers(registrant.number_series, 1)


def term_end(facility: Facility, start: date) -> date:
    return start + relativedelta(years=facility.registration_term_years) - timedelta(days=1)


ROSTER_KEPT_AFTER_TERM = timedelta(days=365)


def roster_destroy_by(registrant: Registrant) -> date:
    """廃棄期限: the paper roster is destroyed a year after the registration's term ends."""
    return registrant.expires_on + ROSTER_KEPT_AFTER_TERM


def check_basis(basis: EligibilityBasis | str | None, facility: Facility | None) -> None:
    """Joint use from outside the city only where the facility allows it (InputError)."""
    if (
        basis == EligibilityBasis.JOINT_USE
        and facility is not None
        and not facility.allows_joint_use
    ):
        raise InputError(
            _l("This facility does not allow joint use from outside the city."), field="basis"
        )


PERSONAL_COLUMNS = [c.key for c in Registrant.__table__.columns if c.info.get("personal")]


def expire_due(day: date) -> list[Registrant]:
    """Mark registrations whose term ended before `day` as expired (idempotent); an entry
    never confirmed within its term expires too, so that its personal data are erased."""
    due = db.session.scalars(
        select(Registrant).where(
            Registrant.status.in_(CURRENT_STATUSES),
            Registrant.expires_on < day,
        )
    ).all()
    for registrant in due:
        registrant.status = RegistrantStatus.EXPIRED
        registrant.expired_on = registrant.expires_on + timedelta(days=1)
    return list(due)
