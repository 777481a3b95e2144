"""The public site (no login) and the talent bank's back-office screen."""

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from models.public.talent import TalentEntry
from views.public import availability, site  # noqa: F401  availability's routes join site.bp
from views.public.talent import TalentEntryView


def add_views(admin: Admin) -> None:
    """The public site's blueprint, and the talent bank in the Registrations menu."""
    admin.app.register_blueprint(site.bp)
    admin.add_view(
        TalentEntryView(
            TalentEntry,
            db,
            name=_l("Talent bank"),
            category=_l("Registrations"),
            endpoint="talent_entry",
        )
    )
