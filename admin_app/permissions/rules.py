"""The vocabulary of the permission table: Rule, the helpers that classify a screen's pages,
the role sets and the areas of the log's screen filter. Each domain's rules
(admin_app/permissions/<domain>.py) are written in it; admin_app.permissions gathers them."""

from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from models.access_log.entries import AccessAction as A
from models.staff.accounts import COUNTER_ROLES, Role

PUBLIC = "public"  # anyone, no login (public site, login page, health check)
ANY_STAFF = "any_staff"  # any logged-in staff member holding at least one valid role
NOBODY: frozenset[Role] = frozenset()

Allow = frozenset[Role] | str
Text = str | LazyString


@dataclass(frozen=True)
class Rule:
    allow: Allow
    # How a request is written to the access log; None = not logged (public site, assets).
    action: A | None
    post_action: A | None = None
    # What the log shows for the endpoint: its screen name and area (translated when shown).
    screen: Text | None = field(default=None, compare=False)
    area: Text | None = field(default=None, compare=False)

    def action_for(self, method: str) -> A | None:
        return self.post_action if method == "POST" and self.post_action else self.action


def roles(*names: Role) -> frozenset[Role]:
    return frozenset(names)


def compose(*parts: Text) -> LazyString:
    """A screen name from its parts ("利用登録者" + "詳細"), translated when shown."""
    return LazyString(lambda: " ".join(str(p) for p in parts))


# Areas of the log's screen filter.
ORGANISATION = _l("Organisation")
STAFF_IDS = _l("Staff IDs")
REGISTRATIONS = _l("Registrations")
CHANGE_NOTICES = _l("Change notices")
RESERVATIONS = _l("Reservations")
ACCESS_LOG = _l("Access log")
AUTHENTICATION = _l("Authentication")
HOME = _l("Home and system")

# The kinds of page of a Flask-Admin ModelView, and the names of bulk actions.
PAGE_KINDS = {
    "index_view": _l("List"),
    "details_view": _l("Details page"),
    "create_view": _l("New record"),
    "edit_view": _l("Edit"),
    "delete_view": _l("Delete"),
    "export": _l("CSV export"),
    "ajax_lookup": _l("Lookup (form choices)"),
    "ajax_update": _l("Inline edit"),
    "action_view": _l("Bulk action"),
}
ACTION_NAMES = {
    "delete": _l("Delete"),
    "renew": _l("Renew"),
    "confirm_activity": _l("Activity check"),
    "confirm_registration": _l("Final confirmation"),
}


def screens(
    endpoint: str, name: Text | None, area: Text | None, rules: dict[str, Rule]
) -> dict[str, Rule]:
    """The pages of one screen family: each named "<name> <page>" (the page from the rule's
    own `screen`), all in one area. Without a name the pages stay unnamed (and the log shows
    their endpoints until they are named: tests/test_access_log_words.py fails meanwhile)."""
    return {
        f"{endpoint}.{page}": replace(
            rule,
            screen=compose(name, rule.screen)
            if name is not None and rule.screen is not None
            else None,
            area=rule.area if rule.area is not None else area,
        )
        for page, rule in rules.items()
    }


def model_view(
    endpoint: str,
    *,
    read: Allow,
    name: Text | None = None,
    area: Text | None = None,
    create: Allow = NOBODY,
    edit: Allow = NOBODY,
    delete: Allow = NOBODY,
    export: Allow = NOBODY,
    actions: dict[str, Allow] | None = None,
    extra: dict[str, Rule] | None = None,
) -> dict[str, Rule]:
    """Every endpoint a Flask-Admin ModelView registers, its bulk actions and extra pages
    (each extra Rule's `screen` names its page: "発行" → "職員ID 発行")."""
    k = PAGE_KINDS
    rules = {
        "index_view": Rule(read, A.LIST, screen=k["index_view"]),
        "details_view": Rule(read, A.VIEW, screen=k["details_view"]),
        "create_view": Rule(create, A.VIEW, A.CREATE, screen=k["create_view"]),
        "edit_view": Rule(edit, A.VIEW, A.EDIT, screen=k["edit_view"]),
        "delete_view": Rule(delete, A.DELETE, A.DELETE, screen=k["delete_view"]),
        "export": Rule(export, A.EXPORT, screen=k["export"]),
        "ajax_lookup": Rule(_union(create, edit), A.VIEW, screen=k["ajax_lookup"]),
        "ajax_update": Rule(edit, A.EDIT, A.EDIT, screen=k["ajax_update"]),
        # Bulk actions: the endpoint is open to whoever may run one of them ...
        "action_view": Rule(
            _union(delete, *(actions or {}).values()), A.EDIT, A.EDIT, screen=k["action_view"]
        ),
        # ... and each action is classified by name (Flask-Admin's own "delete" included).
        "action_view:delete": Rule(
            delete, A.DELETE, A.DELETE, screen=_bulk(ACTION_NAMES["delete"])
        ),
    }
    for action_name, allow in (actions or {}).items():
        known = ACTION_NAMES.get(action_name)
        rules[f"action_view:{action_name}"] = Rule(
            allow, A.EDIT, A.EDIT, screen=_bulk(known) if known else None
        )
    rules |= extra or {}
    return screens(endpoint, name, area, rules)


def _bulk(action_name: Text) -> LazyString:
    return LazyString(lambda: f"{PAGE_KINDS['action_view']}（{action_name}）")


def _union(*allows: Allow) -> Allow:
    result: set[Role] = set()
    for allow in allows:
        if isinstance(allow, str):
            return allow
        result |= allow
    return frozenset(result)


IT = roles(Role.IT_ADMIN)
COUNTER = COUNTER_ROLES
