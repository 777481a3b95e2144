"""The chiefs' screens: the access log in words and review sign-offs."""

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from views.access_log.log import AccessLogView
from views.access_log.review import LogReviewView


def add_views(admin: Admin) -> None:
    """The Access log menu."""
    log = _l("Access log")
    admin.add_view(
        AccessLogView(name=_l("Access log"), category=log, endpoint="access_log", url="access_log")
    )
    admin.add_view(
        LogReviewView(
            name=_l("Review sign-offs"), category=log, endpoint="log_review", url="log_review"
        )
    )
