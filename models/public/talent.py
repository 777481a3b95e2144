"""人材バンク — talent-bank entries: residents offering to teach or help, published on the
public site only with consent, their contact only with a second consent; what staff type is
checked like a registration (clean_talent)."""

import enum
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, false, select
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.japanese import check_email, check_phone
from models.organisation import Facility
from models.public.consent import check_consent
from models.registration.input import kana_check, text_check
from models.registration.registrant import PERSONAL
from models.registration.school import fiscal_year
from models.typed_input import typed_value_problem
from models.types import UTCDateTime, str_enum


class TalentField(enum.StrEnum):
    EDUCATION = "education"  # 教育
    CULTURE = "culture"  # 文化
    ARTS = "arts"  # 芸術
    SPORTS = "sports"  # スポーツ
    SKILLS = "skills"  # その他技術技能


def end_of_fiscal_year(day: date) -> date:
    """31 March of the fiscal year (April to March) that `day` falls in."""
    return date(fiscal_year(day) + 1, 3, 31)


def _default_end(context: DefaultExecutionContext | None = None) -> date:
    """31 March of the fiscal year of registration (also the form's prefilled value)."""
    registered = context.get_current_parameters().get("registered_on") if context else None
    return end_of_fiscal_year(registered or today_local())


class TalentEntry(db.Model):
    __tablename__ = "talent_entry"
    __table_args__ = (
        # 五十音順 on the public list walks this index.
        Index("ix_talent_entry_kana", "display_kana", "id"),
        Index("ix_talent_entry_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The managing facility: its staff keep the entry, and enquiries go through it.
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    field: Mapped[TalentField] = mapped_column(str_enum(TalentField, "talent_field"))
    registered_on: Mapped[date] = mapped_column(default=today_local)
    expires_on: Mapped[date] = mapped_column(default=_default_end)
    # 承諾: published at all only from this date; contact only with its own consent.
    publish_consent_on: Mapped[date | None]
    contact_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    confirmed_on: Mapped[date | None]  # the last yearly 活動調査 check

    # Personal data: every column here is an item of the field inventory
    # (models/registration/inventory.py).
    name: Mapped[str] = mapped_column(String(100), info=PERSONAL)
    display_name: Mapped[str] = mapped_column(String(100), info=PERSONAL)
    display_kana: Mapped[str] = mapped_column(String(100), info=PERSONAL)
    offer: Mapped[str] = mapped_column(String(500), info=PERSONAL)
    area: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    conditions: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    qualifications: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    phone: Mapped[str | None] = mapped_column(String(20), info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    facility: Mapped[Facility] = relationship()

    def __str__(self) -> str:
        return self.display_name

    def is_public(self, on: date | None = None) -> bool:
        day = on or today_local()
        return (
            self.publish_consent_on is not None
            and self.publish_consent_on <= day
            and self.registered_on <= day <= self.expires_on
        )

    def renew(self, today: date | None = None) -> None:
        """Another fiscal year: to the next 31 March after today (or after the current end)."""
        day = today or today_local()
        self.expires_on = end_of_fiscal_year(max(day, self.expires_on + _ONE_DAY))


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


# --- what staff type: checked like registrations ----------------------------------------

TALENT_CHECKS = {
    "name": text_check(100),
    "display_name": text_check(100),
    "display_kana": kana_check,
    "offer": text_check(500),
    "area": text_check(100),
    "conditions": text_check(200),
    "qualifications": text_check(200),
    "phone": lambda v: check_phone(str(v)),
    "email": lambda v: check_email(str(v)),
}
TALENT_REQUIRED = ("name", "display_name", "display_kana", "offer")


def clean_talent(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalised values and per-field Japanese messages, as for registrations."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in TALENT_CHECKS.items():
        value = raw.get(name)
        problem, empty = typed_value_problem(value)
        if problem:
            errors[name] = problem
            continue
        if empty:
            clean[name] = None
            if name in TALENT_REQUIRED:
                errors[name] = str(_l("This item is required."))
            continue
        try:
            clean[name] = check(value)
        except InputError as error:
            errors[name] = str(error)
    errors |= check_consent(raw.get("publish_consent_on"), bool(raw.get("contact_consent")))
    if raw.get("contact_consent") and not (clean.get("phone") or clean.get("email")):
        errors.setdefault(
            "contact_consent", str(_l("Enter a phone number or e-mail address to publish."))
        )
    return clean, errors


def start_talent_entry(entry: TalentEntry, today: date | None = None) -> TalentEntry:
    """A new entry's term: from today (unless given) to the end of the fiscal year."""
    day = today or today_local()
    entry.registered_on = entry.registered_on or day
    entry.expires_on = entry.expires_on or end_of_fiscal_year(entry.registered_on)
    return entry


def erase_ended(day: date, grace: timedelta) -> list[str]:
    """Talent-bank entries ended longer than the grace period ago are deleted: nothing about
    them is needed afterwards. Returns the public names of those deleted."""
    ended = db.session.scalars(
        select(TalentEntry).where(TalentEntry.expires_on < day - grace)
    ).all()
    names = [entry.display_name for entry in ended]
    for entry in ended:
        db.session.delete(entry)
    return names
