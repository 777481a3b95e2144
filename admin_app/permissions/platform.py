"""Who reaches the shared screens: the public site's assets, the health check, logging in and
out, the home page, the organisation (sections, facilities, rooms) and system health."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import (
    ANY_STAFF,
    AUTHENTICATION,
    HOME,
    IT,
    ORGANISATION,
    PUBLIC,
    Rule,
    model_view,
    roles,
)
from models.access_log.entries import AccessAction as A
from models.staff.accounts import Role

ORG_READERS = roles(Role.IT_ADMIN, Role.AUDITOR, Role.FACILITY_STAFF, Role.SECTION_CHIEF)

RULES: dict[str, Rule] = {
    # Infrastructure: open, not part of the back-office log.
    "static": Rule(PUBLIC, None),
    "admin.static": Rule(PUBLIC, None),
    "health.healthz": Rule(PUBLIC, None),
    "health.readyz": Rule(PUBLIC, None),
    # Authentication: logged, open to everyone (logout needs no role: leaving must always work).
    "auth.login": Rule(PUBLIC, A.VIEW, A.LOGIN, screen=_l("Log in"), area=AUTHENTICATION),
    "auth.logout": Rule(PUBLIC, A.LOGOUT, A.LOGOUT, screen=_l("Log out"), area=AUTHENTICATION),
    "auth.change_password": Rule(
        ANY_STAFF, A.VIEW, A.EDIT, screen=_l("Change password"), area=AUTHENTICATION
    ),
    # Back office.
    "admin.index": Rule(ANY_STAFF, A.VIEW, screen=_l("Home"), area=HOME),
    **model_view(
        "section",
        name=_l("Sections"),
        area=ORGANISATION,
        read=roles(Role.IT_ADMIN, Role.AUDITOR),
        create=IT,
        edit=IT,
    ),
    **model_view(
        "facility", name=_l("Facilities"), area=ORGANISATION, read=ORG_READERS, create=IT, edit=IT
    ),
    **model_view("room", name=_l("Rooms"), area=ORGANISATION, read=ORG_READERS, create=IT, edit=IT),
    "system_health.index": Rule(
        roles(Role.IT_ADMIN, Role.CONTRACTOR_OPERATOR),
        A.VIEW,
        screen=_l("System health"),
        area=HOME,
    ),
}
