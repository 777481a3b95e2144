"""Who reaches the access log and its review sign-offs."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import ACCESS_LOG, PAGE_KINDS, Rule, roles, screens
from models.access_log.entries import AccessAction as A
from models.staff.accounts import Role

RULES: dict[str, Rule] = {
    # Only a section chief, only their own section (rows scoped in the view; optionally only
    # from registered terminals). The auditor sees review status only.
    **screens(
        "access_log",
        _l("Access log"),
        ACCESS_LOG,
        {
            "index": Rule(roles(Role.SECTION_CHIEF), A.LIST, screen=PAGE_KINDS["index_view"]),
            "export": Rule(roles(Role.SECTION_CHIEF), A.EXPORT, screen=PAGE_KINDS["export"]),
        },
    ),
    **screens(
        "log_review",
        _l("Review sign-offs"),
        ACCESS_LOG,
        {
            "index": Rule(
                roles(Role.SECTION_CHIEF, Role.AUDITOR), A.VIEW, screen=_l("Status and records")
            ),
            "record": Rule(roles(Role.SECTION_CHIEF), A.CREATE, A.CREATE, screen=_l("Sign-off")),
            "print_view": Rule(
                roles(Role.SECTION_CHIEF), A.VIEW, screen=_l("Checkpoint copy (print)")
            ),
        },
    ),
}
