"""The access log: one row per back-office request (facts only, never form values)."""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    CompoundSelect,
    ForeignKey,
    Index,
    Select,
    SmallInteger,
    String,
    false,
    func,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.extensions import db
from models.clock import JST, now_utc, start_of_day
from models.types import UTCDateTime, str_enum


class AccessAction(enum.StrEnum):
    LIST = "list"
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"
    LOGIN = "login"
    LOGOUT = "logout"
    DENIED = "denied"


class AccessLog(db.Model):
    __tablename__ = "access_log"
    __table_args__ = (
        # The chief's review: every filter starts with the section and walks time backwards.
        Index("ix_access_log_section_at", "section_id", "at", "id"),
        Index("ix_access_log_section_user_at", "section_id", "user_id", "at", "id"),
        Index("ix_access_log_section_action_at", "section_id", "action", "at", "id"),
        Index("ix_access_log_section_endpoint_at", "section_id", "endpoint", "at", "id"),
        Index("ix_access_log_section_record_at", "section_id", "record_ids", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The user's section at the time of the row: chiefs read their section's rows.
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    endpoint: Mapped[str] = mapped_column(String(120))
    record_ids: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[AccessAction] = mapped_column(str_enum(AccessAction, "access_action"))
    method: Mapped[str] = mapped_column(String(8))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    status: Mapped[int]
    # The hash chain (models.access_log.chain); empty on rows written before the chain began.
    lane: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AccessLogHead(db.Model):
    """The end of each lane of the chain: its last row's id and hash (rows 1..LANES)."""

    __tablename__ = "access_log_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int]  # the first chained row
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))


# --- what a section chief reviews ------------------------------------------------------------

PAGE_SIZE = 50


@dataclass
class LogFilter:
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    endpoint: str | None = None
    action: AccessAction | None = None
    # One record (the pivot): rows naming exactly one of these ids, on one of these screens
    # (every screen whose ids name that kind of record; None = any screen).
    record_ids: list[str] | None = None
    record_endpoints: list[str] | None = None
    before: tuple[datetime, int] | None = None  # keyset cursor: (at, id) of the last row seen
    matches_nothing: bool = False  # a value no row can have (a screen or record not logged)


def _filtered(
    query: Select,
    section_ids: set[int],
    f: LogFilter,
    *,
    action: bool = True,
    few_of_action: bool = False,
) -> Select:
    """Every filter, each starting with the section (by index); not the cursor.

    few_of_action: the query keeps to one rare action (denied): person and screen are then
    compared as expressions, so that SQLite walks the action index, not a person's or a
    screen's whole log (it knows no value's frequency).
    """
    user, endpoint = AccessLog.user_id, AccessLog.endpoint
    if few_of_action:
        user, endpoint = AccessLog.user_id + 0, AccessLog.endpoint.concat("")
    # One record's rows are few: reached by id from the record's own subquery (which walks the
    # record and endpoint indexes), never by walking the section's whole log in time order.
    section = AccessLog.section_id + 0 if f.record_ids else AccessLog.section_id
    query = query.where(section.in_(section_ids or {-1}))
    if f.matches_nothing:
        query = query.where(false())
    if f.user_id is not None:
        query = query.where(user == f.user_id)
    if f.date_from is not None:
        query = query.where(AccessLog.at >= start_of_day(f.date_from))
    if f.date_to is not None:
        query = query.where(AccessLog.at < start_of_day(f.date_to + timedelta(days=1)))
    if f.endpoint:
        query = query.where(endpoint == f.endpoint)
    if action and f.action is not None:
        query = query.where(AccessLog.action == f.action)
    if f.record_ids is not None:
        query = query.where(
            AccessLog.id.in_(_naming(section_ids, f.record_ids, f.record_endpoints))
            if f.record_ids
            else false()
        )
        if f.record_endpoints is not None:
            query = query.where(AccessLog.endpoint.in_(f.record_endpoints))
    return query


def _naming(
    section_ids: set[int], record_ids: list[str], endpoints: list[str] | None
) -> Select[int] | CompoundSelect[int]:
    """The rows naming one of these records: alone (by the record index), or among the
    several ids of a bulk action ("5,7,9"; by the endpoint index — bulk rows are few)."""
    sections = AccessLog.section_id.in_(section_ids or {-1})
    alone = select(AccessLog.id).where(sections, AccessLog.record_ids.in_(record_ids))
    bulk = [e for e in endpoints or () if ".action_view" in e]
    if not bulk:
        return alone
    return union_all(
        alone,
        select(AccessLog.id).where(
            sections,
            AccessLog.endpoint.in_(bulk),
            or_(
                *(
                    AccessLog.record_ids.like(pattern)
                    for i in record_ids
                    for pattern in (f"{i},%", f"%,{i}", f"%,{i},%")
                )
            ),
        ),
    )


def review_query(section_ids: set[int], f: LogFilter, limit: int = PAGE_SIZE) -> Select[AccessLog]:
    """Newest first, one page, by index: every filter starts with the section."""
    query = _filtered(select(AccessLog), section_ids, f)
    if f.before is not None:
        query = query.where(tuple_(AccessLog.at, AccessLog.id) < tuple_(*f.before))
    return query.order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)


def denied_per_person(section_ids: set[int], f: LogFilter) -> list[tuple[int, int]]:
    """[(user id, denied requests)] under the filter (its action aside), most first: one
    grouped query."""
    # Denied rows are few: grouping by an expression keeps SQLite from walking the section's
    # whole log by the person index (to group without sorting) instead of the action index.
    person = (AccessLog.user_id + 0).label("person")
    query = _filtered(
        select(person, func.count()), section_ids, f, action=False, few_of_action=True
    )
    return [
        (user_id, n)
        for user_id, n in db.session.execute(
            query.where(AccessLog.action == AccessAction.DENIED)
            .group_by(person)
            .order_by(func.count().desc(), person)
        )
        if user_id is not None
    ]


def flags(
    rows: list[AccessLog],
    working_hours: tuple[int, int],
    bulk_limit: int,
    bulk_counts: dict[tuple[int, datetime], int],
) -> dict[int, list[str]]:
    """Per row id: 'outside_hours', 'export', 'denied', 'bulk'."""
    start, end = working_hours
    out: dict[int, list[str]] = {}
    for row in rows:
        local = row.at.astimezone(JST)
        marks = []
        if local.weekday() >= 5 or not start <= local.hour < end:
            marks.append("outside_hours")
        if row.action == AccessAction.EXPORT:
            marks.append("export")
        if row.action == AccessAction.DENIED:
            marks.append("denied")
        if bulk_counts.get((row.user_id, hour_of(row.at)), 0) > bulk_limit:
            marks.append("bulk")
        out[row.id] = marks
    return out


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def detail_views_per_hour(
    section_ids: set[int], rows: list[AccessLog]
) -> dict[tuple[int, datetime], int]:
    """Detail views by each (person, clock hour) on the page — one indexed count each."""
    counts = {}
    for user_id, hour in {(r.user_id, hour_of(r.at)) for r in rows if r.user_id}:
        counts[(user_id, hour)] = db.session.scalar(
            select(func.count())
            .select_from(AccessLog)
            .where(
                AccessLog.section_id.in_(section_ids),
                AccessLog.user_id == user_id,
                AccessLog.at >= hour,
                AccessLog.at < hour + timedelta(hours=1),
                AccessLog.action == AccessAction.VIEW,
            )
        )
    return counts
