"""Who reaches the reservation screens: the availability grid, booking at the counter, a
booking's page (payment, cancellation), the 使用許可書, the day sheet 当日利用一覧, the list
of bookings and the closed days 休館日 — counter staff of the facility (rows and cells scoped
to their facilities in the views), the lottery 抽選 (the chief sets up and draws). The
occupancy report 利用状況 (aggregates, no resident named): counter staff and chiefs for their
facilities, and the auditor for every facility."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import (
    COUNTER,
    PAGE_KINDS,
    RESERVATIONS,
    Rule,
    model_view,
    roles,
    screens,
)
from models.access_log.entries import AccessAction as A
from models.staff.accounts import Role

CHIEF = roles(Role.SECTION_CHIEF)
# The occupancy report: the counter (their facilities) and the auditor (every facility).
READS_OCCUPANCY = COUNTER | roles(Role.AUDITOR)

RULES: dict[str, Rule] = {
    # The grid shows who booked (number and name) to the facility's own staff only.
    **screens(
        "reservation",
        _l("Reservations"),
        RESERVATIONS,
        {
            "index": Rule(COUNTER, A.LIST, screen=_l("Availability")),
            "book": Rule(COUNTER, A.VIEW, A.CREATE, screen=_l("New booking")),
            "booking": Rule(COUNTER, A.VIEW, screen=PAGE_KINDS["details_view"]),
            "registrant": Rule(COUNTER, A.VIEW, screen=_l("A registrant's bookings")),
            "pay": Rule(COUNTER, A.EDIT, A.EDIT, screen=_l("Payment")),
            "cancel": Rule(COUNTER, A.VIEW, A.EDIT, screen=_l("Cancellation")),
            "permit": Rule(COUNTER, A.VIEW, screen=_l("Permit of use (print)")),
            # 当日利用一覧: who uses which room today (numbers and names), for the counter.
            "day_sheet": Rule(COUNTER, A.LIST, screen=_l("Day sheet (print)")),
        },
    ),
    # The lottery 抽選: counter staff enter applications (the page lists applicants' numbers
    # and names); the chief sets a month up and draws; the results to post carry only the
    # application numbers.
    **screens(
        "lottery",
        _l("Lotteries"),
        RESERVATIONS,
        {
            "index": Rule(COUNTER, A.LIST, screen=PAGE_KINDS["index_view"]),
            "new": Rule(CHIEF, A.VIEW, A.CREATE, screen=_l("Set up a month")),
            "lottery": Rule(
                COUNTER, A.VIEW, A.CREATE, screen=_l("Applications")
            ),  # POST: enter one
            "withdraw": Rule(COUNTER, A.EDIT, A.EDIT, screen=_l("Withdraw an application")),
            "draw": Rule(CHIEF, A.EDIT, A.EDIT, screen=_l("Draw")),
            "results": Rule(COUNTER, A.VIEW, screen=_l("Results (print)")),
        },
    ),
    # The list of bookings (search, filters, CSV): read-only; bookings change on their page.
    **model_view("booking", name=_l("Bookings"), area=RESERVATIONS, read=COUNTER, export=COUNTER),
    # Closed days: staff of the facility add and delete them (a closure is never rewritten).
    **model_view(
        "closure",
        name=_l("Closed days"),
        area=RESERVATIONS,
        read=COUNTER,
        create=COUNTER,
        delete=COUNTER,
    ),
    # The occupancy report, its charts (SVG images) and its CSV.
    **screens(
        "occupancy",
        _l("Occupancy"),
        RESERVATIONS,
        {
            "index": Rule(READS_OCCUPANCY, A.LIST, screen=_l("Report")),
            "chart": Rule(READS_OCCUPANCY, A.VIEW, screen=_l("Chart")),
            "csv": Rule(READS_OCCUPANCY, A.EXPORT, screen=PAGE_KINDS["export"]),
        },
    ),
}
