"""What residents see on the public site: the circle list and the talent bank, read column by
column so that nothing but the published fields ever leaves the database — and a contact only
where its publication was consented to."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.operators import ColumnOperators

from admin_app.extensions import db
from models.clock import today_local
from models.japanese import normalise_kana, normalise_name
from models.organisation import Facility
from models.public.publication import circle_listed, matches, talent_listed
from models.public.talent import TalentEntry, TalentField
from models.registration.registrant import CircleCategory, Registrant
from models.typed_input import query_id

PAGE_SIZE = 20
MAX_KEYWORD = 100  # characters
MAX_PAGE = 10_000


class BadQuery(ValueError):
    """A search the public lists cannot answer (the page says so with 400)."""


@dataclass(frozen=True)
class ListQuery:
    keyword: str = ""
    category: str | None = None
    facility_id: int | None = None
    page: int = 1

    def cache_key(self) -> str:
        return f"{self.keyword}\x1f{self.category}\x1f{self.facility_id}\x1f{self.page}"


def parse_query(
    args: Mapping[str, str], categories: type[enum.Enum], with_facility: bool = False
) -> ListQuery:
    """The list's search from the query string; BadQuery for anything it cannot mean."""
    keyword = normalise_name(args.get("q", ""))
    if len(keyword) > MAX_KEYWORD:
        raise BadQuery("keyword")
    category = args.get("category") or None
    if category is not None and category not in {c.value for c in categories}:
        raise BadQuery("category")
    facility_id = None
    if with_facility and args.get("facility"):
        facility_id = query_id(args["facility"])
        if facility_id is None:
            raise BadQuery("facility")
    page = query_id(args.get("page", "1"))
    if page is None or page > MAX_PAGE:
        raise BadQuery("page")
    return ListQuery(keyword, category, facility_id, page)


@dataclass(frozen=True)
class Contact:
    name: str | None
    phone: str | None
    email: str | None = None


@dataclass(frozen=True)
class ViaFacility:
    """No published contact: enquiries go through the facility."""

    facility: str
    phone: str | None


@dataclass(frozen=True)
class PublicCircle:
    id: int
    name: str
    name_kana: str
    category: CircleCategory | None
    activity: str | None
    schedule: str | None
    facility: str
    recruiting: bool
    contact: Contact | ViaFacility
    updated_on: date


@dataclass(frozen=True)
class PublicTalent:
    id: int
    display_name: str
    display_kana: str
    field: TalentField
    offer: str
    area: str | None
    conditions: str | None
    qualifications: str | None
    contact: Contact | ViaFacility
    updated_on: date


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


_place = aliased(Facility)

# Only these columns are read. A contact column is read only where its publication was agreed.
_CIRCLE = (
    Registrant.id,
    Registrant.name,
    Registrant.name_kana,
    Registrant.circle_category,
    Registrant.activity,
    Registrant.schedule,
    _place.name.label("facility"),
    _place.phone.label("facility_phone"),
    Registrant.recruiting,
    Registrant.contact_consent,
    case((Registrant.contact_consent, Registrant.representative_name)).label("contact_name"),
    case((Registrant.contact_consent, Registrant.phone)).label("contact_phone"),
    Registrant.updated_at,
)
_TALENT = (
    TalentEntry.id,
    TalentEntry.display_name,
    TalentEntry.display_kana,
    TalentEntry.field,
    TalentEntry.offer,
    TalentEntry.area,
    TalentEntry.conditions,
    TalentEntry.qualifications,
    _place.name.label("facility"),
    _place.phone.label("facility_phone"),
    TalentEntry.contact_consent,
    case((TalentEntry.contact_consent, TalentEntry.phone)).label("contact_phone"),
    case((TalentEntry.contact_consent, TalentEntry.email)).label("contact_email"),
    TalentEntry.updated_at,
)


def _contact(row: Row, name: str | None = None, email: str | None = None) -> Contact | ViaFacility:
    if row.contact_consent:
        return Contact(name, row.contact_phone, email)
    return ViaFacility(row.facility, row.facility_phone)


def _updated(at: datetime) -> date:
    return today_local(at)


def _circle(row: Row) -> PublicCircle:
    return PublicCircle(
        row.id,
        row.name,
        row.name_kana,
        row.circle_category,
        row.activity,
        row.schedule,
        row.facility,
        row.recruiting,
        _contact(row, name=row.contact_name),
        _updated(row.updated_at),
    )


def _talent(row: Row) -> PublicTalent:
    return PublicTalent(
        row.id,
        row.display_name,
        row.display_kana,
        row.field,
        row.offer,
        row.area,
        row.conditions,
        row.qualifications,
        _contact(row, email=row.contact_email),
        _updated(row.updated_at),
    )


def _keyword(text: str, *columns: ColumnOperators) -> ColumnElement[bool]:
    kana = normalise_kana(text)
    return (
        matches(text, *columns)
        if kana == text
        else matches(text, *columns) | matches(kana, *columns)
    )


@dataclass(frozen=True)
class _Listing:
    """One public list: its table, the published columns, how rows become entries."""

    model: type
    columns: tuple
    make: object  # row -> PublicCircle | PublicTalent
    listed: object  # day -> condition
    searched: tuple  # columns a keyword is looked for in
    category: object
    kana: object

    def page(self, query: ListQuery, day: date, *extra) -> Page:
        where = [self.listed(day), *extra]
        if query.keyword:
            where.append(_keyword(query.keyword, *self.searched))
        if query.category:
            where.append(self.category == query.category)
        total = db.session.scalar(select(func.count()).select_from(self.model).where(*where))
        rows = db.session.execute(
            select(*self.columns)
            .join(_place, _place.id == self.model.facility_id)
            .where(*where)
            .order_by(self.kana, self.model.id)
            .offset((query.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        return Page([self.make(r) for r in rows], total, query.page)

    def one(self, record_id: int, day: date) -> PublicCircle | PublicTalent | None:
        row = db.session.execute(
            select(*self.columns)
            .join(_place, _place.id == self.model.facility_id)
            .where(self.listed(day), self.model.id == record_id)
        ).one_or_none()
        return self.make(row) if row else None


_CIRCLES = _Listing(
    Registrant,
    _CIRCLE,
    _circle,
    circle_listed,
    (Registrant.name, Registrant.name_kana, Registrant.activity, Registrant.schedule),
    Registrant.circle_category,
    Registrant.name_kana,
)
_TALENTS = _Listing(
    TalentEntry,
    _TALENT,
    _talent,
    talent_listed,
    (
        TalentEntry.display_name,
        TalentEntry.display_kana,
        TalentEntry.offer,
        TalentEntry.area,
        TalentEntry.qualifications,
    ),
    TalentEntry.field,
    TalentEntry.display_kana,
)


def circles(query: ListQuery, day: date) -> Page:
    facility = [Registrant.facility_id == query.facility_id] if query.facility_id else []
    return _CIRCLES.page(query, day, *facility)


def circle(circle_id: int, day: date) -> PublicCircle | None:
    return _CIRCLES.one(circle_id, day)


def talents(query: ListQuery, day: date) -> Page:
    return _TALENTS.page(query, day)


def talent(entry_id: int, day: date) -> PublicTalent | None:
    return _TALENTS.one(entry_id, day)


def circle_facilities(day: date) -> list[tuple[int, str]]:
    """Facilities that have at least one listed circle (the list's facility filter)."""
    return [
        tuple(r)
        for r in db.session.execute(
            select(Facility.id, Facility.name)
            .where(Facility.id.in_(select(Registrant.facility_id).where(circle_listed(day))))
            .order_by(Facility.id)
        )
    ]
