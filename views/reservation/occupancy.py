"""The occupancy report 利用状況: a facility's rooms per month (a table), two charts and the
CSV. Read by the facilities' counter staff and section chiefs for the facilities they serve,
and by the auditor for every facility (admin_app.security.visible_facility_ids); aggregates
only, no resident's name or number.

Charts are SVG rendered on the server by pygal, each at a URL of its own loaded by an <img>:
an SVG image runs no script and its own policy (set here) allows the inline styles pygal
writes, while the page keeps the back office's strict policy.
"""

import sys
from datetime import date

import pygal
from dateutil.relativedelta import relativedelta
from flask import Response, request
from flask_admin import BaseView, expose
from flask_babel import gettext
from sqlalchemy import select

from admin_app.audit import not_found
from admin_app.csv_export import csv_document
from admin_app.extensions import db
from admin_app.security import allowed, visible_facility_ids
from models.clock import today_local
from models.errors import InputError
from models.organisation import Facility
from models.registration.school import FeeTier
from models.reservation.occupancy import (
    Figures,
    Occupancy,
    months_between,
    occupancy,
    parse_month,
)
from models.typed_input import query_id
from views.base import exists
from views.labels import label
from views.reservation.styles import ReservationStyles

# pygal appends an import hook for its map plugins (unused here) that has no find_spec(): every
# later import then warns (ImportWarning, an error under the tests). Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

DEFAULT_MONTHS = 3  # this month and the two before it
# The chart's own policy: pygal writes a <style> element; nothing else is loaded or run.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CHARTS = ("rate", "category")


def readable_facilities() -> list[Facility]:
    ids = visible_facility_ids()
    query = select(Facility).order_by(Facility.id)
    if ids is not None:
        query = query.where(Facility.id.in_(ids))
    return list(db.session.scalars(query))


def csv_header() -> list[str]:
    return [
        gettext("Month"),
        gettext("Room"),
        gettext("Available slots"),
        gettext("Closed slots"),
        gettext("Booked slots"),
        gettext("Occupancy (%)"),
        gettext("Provisional slots"),
        gettext("Confirmed slots"),
        gettext("Resident slots"),
        gettext("Non-resident slots"),
        *(gettext("Slots: %(tier)s", tier=label(tier)) for tier in FeeTier),
        gettext("Bookings"),
        gettext("Reductions"),
        gettext("Reductions (yen)"),
        gettext("Cancelled by staff"),
        gettext("Cancelled by the city"),
        gettext("Expired unpaid"),
    ]


def csv_row(month: date, name: str, f: Figures) -> list[object]:
    return [
        month.strftime("%Y-%m"),
        name,
        f.available,
        f.closed,
        f.booked,
        "" if f.rate is None else f"{f.rate:.1f}",
        f.provisional,
        f.confirmed,
        f.resident,
        f.non_resident,
        *(f.by_tier[tier] for tier in FeeTier),
        f.bookings,
        f.reduced,
        f.reduced_yen,
        f.cancelled_by_staff,
        f.cancelled_by_city,
        f.expired,
    ]


class OccupancyView(ReservationStyles, BaseView):
    def is_accessible(self) -> bool:
        return allowed("occupancy.index")

    def _report(self) -> tuple[list[Facility], Facility, list[date], str | None]:
        """The facility (404 outside the reader's), the months asked for, and the Japanese
        message when they were wrong (then the default months)."""
        facilities = readable_facilities()
        raw = request.args.get("facility_id")
        facility_id = query_id(raw) if raw else (facilities[0].id if facilities else None)
        facility = next((f for f in facilities if f.id == facility_id), None)
        if facility is None:
            not_found(out_of_scope=facility_id is not None and exists(Facility.id, facility_id))
        this_month = today_local().replace(day=1)
        default = (this_month - relativedelta(months=DEFAULT_MONTHS - 1), this_month)
        try:
            first = parse_month(request.args.get("first")) or default[0]
            last = parse_month(request.args.get("last")) or (
                first if request.args.get("first") else default[1]
            )
            return facilities, facility, months_between(first, last), None
        except InputError as error:
            return facilities, facility, months_between(*default), str(error)

    @expose("/")
    def index(self) -> str:
        facilities, facility, months, problem = self._report()
        report = occupancy(facility, months)
        args = {
            "facility_id": facility.id,
            "first": months[0].strftime("%Y-%m"),
            "last": months[-1].strftime("%Y-%m"),
        }
        return self.render(
            "admin/reservation/occupancy.html",
            report=report,
            facilities=facilities,
            facility=facility,
            args=args,
            problem=problem,
            tiers=list(FeeTier),
            label=label,
            charts=CHARTS,
        )

    @expose("/chart.svg")
    def chart(self) -> Response:
        kind = request.args.get("kind")
        if kind not in CHARTS:
            not_found(out_of_scope=False)
        _, facility, months, _ = self._report()
        report = occupancy(facility, months)
        svg = rate_chart(report) if kind == "rate" else category_chart(report)
        response = Response(svg, mimetype="image/svg+xml")
        response.headers["Content-Security-Policy"] = SVG_POLICY
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/csv")
    def csv(self) -> Response:
        _, facility, months, _ = self._report()
        report = occupancy(facility, months)
        rows: list[list[object]] = [csv_header()]
        for month in report.months:
            for room in report.rooms:
                rows.append(csv_row(month, room.name, report.row(room, month)))
            rows.append(csv_row(month, gettext("Facility (floor time)"), report.totals[month]))
        name = f"occupancy-{facility.id}-{months[0]:%Y%m}-{months[-1]:%Y%m}.csv"
        return Response(
            csv_document(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def _config(title: str) -> pygal.Config:
    config = pygal.Config()
    config.js = []  # no script from a CDN; an <img> would not run it anyway
    config.title = title
    config.width, config.height = 900, 420
    config.legend_at_bottom = True
    config.truncate_legend = 40
    config.x_label_rotation = 0
    return config


def _month_labels(report: Occupancy) -> list[str]:
    return [f"{m.year}/{m.month}" for m in report.months]


def rate_chart(report: Occupancy) -> bytes:
    """Occupancy (%) of each room per month, and the facility's floor time."""
    chart = pygal.Bar(_config(gettext("Occupancy (%)")), range=(0, 100))
    chart.x_labels = _month_labels(report)
    for room in report.rooms:
        chart.add(room.name, [report.row(room, m).rate for m in report.months])
    chart.add(gettext("Facility (floor time)"), [report.totals[m].rate for m in report.months])
    return chart.render()


def category_chart(report: Occupancy) -> bytes:
    """Booked part slots per month: 市内 and 市外, stacked."""
    chart = pygal.StackedBar(_config(gettext("Booked slots by resident category")))
    chart.x_labels = _month_labels(report)
    chart.add(gettext("Resident slots"), [report.totals[m].resident for m in report.months])
    chart.add(gettext("Non-resident slots"), [report.totals[m].non_resident for m in report.months])
    return chart.render()
