"""Reservation screens: the availability grid, booking at the counter, a booking's page
(payment, cancellation, the 使用許可書), the list of bookings, the closed days 休館日 and the
occupancy report 利用状況."""

from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from admin_app.security import allowed
from models.reservation.booking import Booking
from models.reservation.closures import Closure
from views.reservation.bookings import BookingListView
from views.reservation.closures import ClosureView
from views.reservation.counter import ReservationView
from views.reservation.lottery import LotteryView
from views.reservation.occupancy import OccupancyView


class DaySheetLink(MenuLink):
    """当日利用一覧 in the menu, for those who may open it."""

    def __init__(self, name: object, category: object) -> None:
        super().__init__(name, endpoint="reservation.day_sheet", category=category)

    def is_accessible(self) -> bool:
        return allowed("reservation.day_sheet")


def add_views(admin: Admin) -> None:
    """The Reservations menu: the grid first (where the counter starts), the day sheet, the
    lotteries, the list, the closed days, then the occupancy report."""
    reservations = _l("Reservations")
    admin.add_view(
        ReservationView(
            name=_l("Availability"),
            category=reservations,
            endpoint="reservation",
            url="reservation",
        )
    )
    admin.add_link(DaySheetLink(_l("Day sheet (print)"), category=reservations))
    admin.add_view(
        LotteryView(name=_l("Lotteries"), category=reservations, endpoint="lottery", url="lottery")
    )
    admin.add_view(
        BookingListView(Booking, db, name=_l("Bookings"), category=reservations, endpoint="booking")
    )
    admin.add_view(
        ClosureView(Closure, db, name=_l("Closed days"), category=reservations, endpoint="closure")
    )
    admin.add_view(
        OccupancyView(
            name=_l("Occupancy"), category=reservations, endpoint="occupancy", url="occupancy"
        )
    )
