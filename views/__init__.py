"""Thin views: Flask-Admin screens by domain, the auth and public blueprints.

Each domain adds its screens with add_views(admin) (views/<domain>/__init__.py, and the shared
views/organisation.py and views/dashboard.py); register_views calls them in menu order.
"""

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuCategory
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_app.headers import csp_nonce
from views import (
    access_log,
    auth,
    dashboard,
    health,
    organisation,
    public,
    registration,
    reservation,
    staff,
)
from views.dashboard import DashboardView

# Add your domain here: (domain, its add_views). The menu follows this order.
DOMAINS = (
    ("platform", organisation.add_views),
    ("staff", staff.add_views),
    ("registration", registration.add_views),
    ("public", public.add_views),
    ("reservation", reservation.add_views),
    ("access_log", access_log.add_views),
    ("platform", dashboard.add_views),
)


def register_views(app: Flask) -> Admin:
    """Build the Admin and every view for this app (never at import time)."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(health.bp)

    admin = Admin(
        app,
        name=_l("Facility reservation back office"),
        url=app.config["ADMIN_URL"],
        index_view=DashboardView(name=_l("Home"), url=app.config["ADMIN_URL"], endpoint="admin"),
        translations_path=str(Path(app.root_path) / "translations"),
        theme=Bootstrap4Theme(base_template="admin/app_base.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    for _, add_views in DOMAINS:
        add_views(admin)
    close_menus(admin)
    return admin


def close_menus(admin: Admin) -> None:
    """Move a screen marked `menu_last` (one that describes every domain's data, like the
    personal-data inventory) to the end of its menu, after what later domains added there."""
    for item in admin.menu():
        if isinstance(item, MenuCategory):
            # Flask-Admin has no API to order a menu: its children are sorted in place (stable).
            item._children.sort(
                key=lambda child: getattr(getattr(child, "_view", None), "menu_last", False)
            )
