"""The reservation screens' own stylesheet (admin_app/static/reservation.css): the grid, its
states and the occupancy charts (colours that meet WCAG AA come from the theme, theme.css)."""

from flask import url_for


class ReservationStyles:
    """Put first among a view's bases: its pages load reservation.css after the theme."""

    @property
    def extra_css(self) -> list[str]:
        return [url_for("static", filename="reservation.css")]
