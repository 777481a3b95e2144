"""The access log for section chiefs (their own section only), in words: screen names, records
by their numbers, refusals flagged and counted per person; and its CSV export."""

import unicodedata
from datetime import date, datetime

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin_app.audit import SAFE_ID
from admin_app.csv_export import csv_document
from admin_app.extensions import db
from admin_app.permissions import TABLE, UNROUTED, logged_screens, rule_for, screen_name
from admin_app.security import allowed, current_access, from_review_terminal
from models.access_log.entries import (
    PAGE_SIZE,
    AccessAction,
    AccessLog,
    LogFilter,
    denied_per_person,
    detail_views_per_hour,
    flags,
    review_query,
)
from models.access_log.records import RecordRef, describe, find_record, record_kind
from models.clock import JST, as_utc, now_utc
from models.organisation import Section
from models.staff.accounts import IN_FORCE, RoleAssignment, StaffUser
from models.typed_input import query_date, query_id
from views.labels import label

FLAG_LABELS = {
    "outside_hours": _l("Outside working hours"),
    "export": _l("Export"),
    "denied": _l("Denied"),
    "bulk": _l("Many records in an hour"),
}
EXPORT_MAX = 10_000  # rows in one export; a longer period is exported in parts


def _int(name: str) -> int | None:
    return query_id(request.args.get(name))


def _date(name: str) -> date | None:
    return query_date(request.args.get(name))  # unusable or out of range: no date given


def _cursor() -> tuple[datetime, int] | None:
    raw = request.args.get("before", "")
    at, _, row_id = raw.partition("_")
    try:
        moment = as_utc(datetime.fromisoformat(at))
    except (ValueError, OverflowError):  # not a time, or beyond year 1..9999 once in UTC
        return None
    key = query_id(row_id)
    return (moment, key) if key is not None else None


def endpoints_naming(kind: str) -> list[str]:
    """Every logged screen whose record ids name this kind of record."""
    return [e for e, rule in TABLE.items() if rule.action is not None and record_kind(e) == kind]


def request_filter() -> LogFilter:
    """The filter from the query string; the record may be an id (with the kind of record it
    names) or what the chief reads in the log: K-000201, N-000007, a login ID. A screen or
    record that no row can have (not a screen of the table, junk) matches nothing."""
    action = request.args.get("action", "")
    screen = request.args.get("screen") or None
    record = unicodedata.normalize("NFKC", request.args.get("record") or "").strip()
    kind = request.args.get("record_screen") or None
    record_ids = record_endpoints = None
    if record and SAFE_ID.fullmatch(record) and (kind is None or SAFE_ID.fullmatch(kind)):
        kind, record_ids = find_record(record, kind)
        record_endpoints = endpoints_naming(kind) if kind else None
    return LogFilter(
        user_id=_int("user"),
        date_from=_date("from"),
        date_to=_date("to"),
        endpoint=screen,
        action=AccessAction(action) if action in set(AccessAction) else None,
        record_ids=record_ids,
        record_endpoints=record_endpoints,
        before=_cursor(),
        matches_nothing=bool(
            screen and screen not in TABLE and screen != UNROUTED or record and record_ids is None
        ),
    )


def _people(ids: set[int]) -> dict[int, StaffUser]:
    return (
        {u.id: u for u in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))}
        if ids
        else {}
    )


class AccessLogView(BaseView):
    def is_accessible(self) -> bool:
        return allowed("access_log.index")

    def _sections(self) -> set[int]:
        if not from_review_terminal():
            abort(403)  # only from registered terminals, when configured
        return set(current_access().chief_sections)

    @expose("/")
    def index(self) -> str:
        sections = self._sections()
        f = request_filter()
        rows = db.session.scalars(review_query(sections, f)).all()
        cfg = current_app.config
        marks = flags(
            rows,
            cfg["WORKING_HOURS"],
            cfg["BULK_VIEWS_PER_HOUR"],
            detail_views_per_hour(sections, rows),
        )
        people = db.session.scalars(
            select(StaffUser)
            .join(RoleAssignment, RoleAssignment.user_id == StaffUser.id)
            .where(RoleAssignment.section_id.in_(sections), RoleAssignment.state.in_(IN_FORCE))
            .distinct()
            .order_by(StaffUser.login)
        ).all()
        denied = denied_per_person(sections, f)
        names = {u.id: u for u in people}
        names |= _people(
            {r.user_id for r in rows if r.user_id} | {u for u, _ in denied} - set(names)
        )
        next_cursor = f"{rows[-1].at.isoformat()}_{rows[-1].id}" if len(rows) == PAGE_SIZE else None
        args = {k: v for k, v in request.args.items() if k != "before"}
        return self.render(
            "admin/access_log.html",
            rows=rows,
            marks=marks,
            people=people,
            names=names,
            screens=logged_screens(),
            screen_name=screen_name,
            records=describe(rows, current_access().facility_ids),
            denied=denied,
            actions=list(AccessAction),
            args=args,
            next_cursor=next_cursor,
            label=label,
            JST=JST,
            flag_labels=FLAG_LABELS,
            sections=db.session.scalars(select(Section).where(Section.id.in_(sections))).all(),
        )

    @expose("/export/")
    def export(self) -> ResponseReturnValue:
        """The filtered log as CSV (UTF-8 with BOM, formulas neutralised), newest first, in
        words like the page; the export itself is a log row."""
        sections = self._sections()
        f = request_filter()
        f.before = None
        rows = db.session.scalars(review_query(sections, f, limit=EXPORT_MAX + 1)).all()
        if len(rows) > EXPORT_MAX:
            flash(
                gettext(
                    "More than %(n)s rows match: narrow the period and export in parts.",
                    n=f"{EXPORT_MAX:,}",
                ),
                "error",
            )
            return redirect(
                url_for(".index", **{k: v for k, v in request.args.items() if k != "before"})
            )
        cfg = current_app.config
        marks = flags(
            rows,
            cfg["WORKING_HOURS"],
            cfg["BULK_VIEWS_PER_HOUR"],
            detail_views_per_hour(sections, rows),
        )
        people = _people({r.user_id for r in rows if r.user_id})
        records = describe(rows, current_access().facility_ids)
        header = [
            gettext("Time"),
            gettext("Person"),
            gettext("Login ID"),
            gettext("Area"),
            gettext("Screen"),
            gettext("Record"),
            gettext("Action"),
            gettext("Network address"),
            gettext("Result"),
            gettext("Flags"),
        ]
        body = csv_document(
            [header, *(_csv_row(r, people.get(r.user_id), records, marks) for r in rows)]
        )
        name = f"access_log_{now_utc().astimezone(JST).strftime('%Y%m%d_%H%M')}.csv"
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )


def _csv_row(
    row: AccessLog,
    person: StaffUser | None,
    records: dict[int, list[RecordRef]],
    marks: dict[int, list[str]],
) -> list[str | int]:
    rule = rule_for(row.endpoint)
    return [
        row.at.astimezone(JST).strftime("%Y/%m/%d %H:%M:%S"),
        person.name if person else "",
        person.login if person else "",
        str(rule.area) if rule is not None and rule.area is not None else "",
        screen_name(row.endpoint),
        "、".join(ref.text for ref in records.get(row.id, [])),
        label(row.action),
        row.remote_addr or "",
        row.status,
        "、".join(str(FLAG_LABELS[m]) for m in marks[row.id]),
    ]
