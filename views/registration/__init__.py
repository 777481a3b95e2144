"""Counter screens for registrations: registrants, change notices, the field inventory."""

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from models.registration.registrant import Registrant
from views.registration.change_notice import ChangeNoticeView
from views.registration.inventory import InventoryView
from views.registration.registrants import RegistrantView


def add_views(admin: Admin) -> None:
    """The Registrations menu (other domains add their counter screens to it too)."""
    registrations = _l("Registrations")
    admin.add_view(
        RegistrantView(
            Registrant, db, name=_l("Registrants"), category=registrations, endpoint="registrant"
        )
    )
    admin.add_view(
        ChangeNoticeView(
            name=_l("Change notices"),
            category=registrations,
            endpoint="change_notice",
            url="change_notice",
        )
    )
    admin.add_view(
        InventoryView(
            name=_l("Personal data inventory"), category=registrations, endpoint="inventory"
        )
    )
