"""THE permission table: which roles reach which endpoint, how each request is logged, and
what the chief reads in the log for it (a screen name in Japanese, grouped by area).

Each domain writes its rules in its own module (admin_app/permissions/<domain>.py, in the
vocabulary of admin_app/permissions/rules.py); TABLE gathers them. Nothing else decides access.
An endpoint missing from TABLE is denied to everyone, and tests/test_permissions.py fails when
the app has an endpoint this table does not classify (tests/test_access_log_words.py when a
logged one has no screen name).
"""

from flask_babel import lazy_gettext as _l

from admin_app.permissions import access_log, platform, public, registration, reservation, staff
from admin_app.permissions.rules import (
    ACCESS_LOG,
    ACTION_NAMES,
    ANY_STAFF,
    AUTHENTICATION,
    CHANGE_NOTICES,
    COUNTER,
    HOME,
    IT,
    NOBODY,
    ORGANISATION,
    PAGE_KINDS,
    PUBLIC,
    REGISTRATIONS,
    STAFF_IDS,
    Allow,
    Rule,
    Text,
    compose,
    model_view,
    roles,
    screens,
)
from models.staff.accounts import Role

__all__ = [
    "ACCESS_LOG",
    "ACTION_NAMES",
    "ANY_STAFF",
    "AUTHENTICATION",
    "CHANGE_NOTICES",
    "COUNTER",
    "DOMAINS",
    "HOME",
    "IT",
    "NOBODY",
    "ORGANISATION",
    "PAGE_KINDS",
    "PUBLIC",
    "REGISTRATIONS",
    "SEES_ALL_FACILITIES",
    "STAFF_IDS",
    "TABLE",
    "UNROUTED",
    "UNROUTED_SCREEN",
    "Allow",
    "Rule",
    "Text",
    "allows",
    "compose",
    "gather",
    "logged_screens",
    "model_view",
    "roles",
    "rule_for",
    "screen_name",
    "screens",
]

# Add your domain here: (domain, the RULES of admin_app/permissions/<domain>.py). The log's
# screen filter lists areas and screens in this order.
DOMAINS: tuple[tuple[str, dict[str, Rule]], ...] = (
    ("platform", platform.RULES),
    ("staff", staff.RULES),
    ("registration", registration.RULES),
    ("public", public.RULES),
    ("reservation", reservation.RULES),
    ("access_log", access_log.RULES),
)


def gather(domains: tuple[tuple[str, dict[str, Rule]], ...]) -> dict[str, Rule]:
    """One table from every domain's rules; an endpoint two domains classify is an error."""
    table: dict[str, Rule] = {}
    owner: dict[str, str] = {}
    for domain, rules in domains:
        if clash := sorted(set(rules) & set(table)):
            raise ValueError(
                f"endpoints classified twice, by {domain} and {owner[clash[0]]}: {', '.join(clash)}"
            )
        table |= rules
        owner |= dict.fromkeys(rules, domain)
    return table


TABLE: dict[str, Rule] = gather(DOMAINS)

# A request that matched no route (a mistyped or probed back-office address).
UNROUTED = "-"
UNROUTED_SCREEN = _l("Unknown address")


def rule_for(endpoint: str | None) -> Rule | None:
    return TABLE.get(endpoint) if endpoint else None


def screen_name(endpoint: str) -> str:
    """What the log shows for an endpoint: its screen name (the endpoint itself only for one
    that has none — which tests/test_access_log_words.py does not let pass)."""
    return _names()[0].get(endpoint, endpoint)


def logged_screens() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(area, [(endpoint, screen name)])] of every logged endpoint, areas in table order (a
    bulk action's own entry too: the log names the action, admin_app.audit.logged_endpoint)."""
    return _names()[1]


_NAMES: dict[str, tuple[dict[str, str], list]] = {}  # per locale: the table never changes


def _names() -> tuple[dict[str, str], list[tuple[str, list[tuple[str, str]]]]]:
    from flask_babel import get_locale

    locale = str(get_locale())
    if locale not in _NAMES:
        names = {e: str(r.screen) for e, r in TABLE.items() if r.screen is not None}
        names[UNROUTED] = str(UNROUTED_SCREEN)
        areas: dict[str, list[tuple[str, str]]] = {}
        for endpoint, rule in TABLE.items():
            if rule.action is not None:
                area = str(rule.area) if rule.area is not None else "—"
                areas.setdefault(area, []).append((endpoint, names.get(endpoint, endpoint)))
        _NAMES[locale] = names, list(areas.items())
    return _NAMES[locale]


def allows(endpoint: str | None, user_roles: frozenset[Role], authenticated: bool) -> bool:
    """Deny by default: only a classified endpoint whose rule admits these roles is allowed."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule.allow == PUBLIC:
        return True
    if rule.allow == ANY_STAFF:
        return authenticated and bool(user_roles)
    return authenticated and bool(user_roles & rule.allow)


# Row scoping: these roles see organisation records of every facility; the others only
# the facilities of their own valid assignments (models.staff.accounts.StaffUser.facility_ids).
SEES_ALL_FACILITIES = roles(Role.IT_ADMIN, Role.AUDITOR)
