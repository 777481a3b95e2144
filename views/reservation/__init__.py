"""Reservation screens (the availability grid, bookings, permits): none yet — the domain core
is in models/reservation/; its screens come next."""

from flask_admin import Admin


def add_views(admin: Admin) -> None:
    """Adds nothing yet."""
