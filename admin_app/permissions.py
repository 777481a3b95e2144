"""THE permission table: which roles reach which endpoint, how each request is logged, and
what the chief reads in the log for it (a screen name in Japanese, grouped by area).

Nothing else decides access. An endpoint missing from TABLE is denied to everyone, and
tests/test_permissions.py fails when the app has an endpoint this table does not classify
(tests/test_access_log_words.py when a logged one has no screen name).
"""

from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from models.access_log.entries import AccessAction as A
from models.staff.accounts import Role

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
ACCESS_LOG = _l("Access log")
AUTHENTICATION = _l("Authentication")
HOME = _l("Home and system")

# The kinds of page of a Flask-Admin ModelView, and the names of bulk actions.
PAGE_KINDS = {
    "index_view": _l("List"), "details_view": _l("Details page"),
    "create_view": _l("New record"), "edit_view": _l("Edit"), "delete_view": _l("Delete"),
    "export": _l("CSV export"), "ajax_lookup": _l("Lookup (form choices)"),
    "ajax_update": _l("Inline edit"), "action_view": _l("Bulk action"),
}
ACTION_NAMES = {"delete": _l("Delete"), "renew": _l("Renew"),
                "confirm_activity": _l("Activity check"),
                "confirm_registration": _l("Final confirmation")}


def screens(endpoint: str, name: Text | None, area: Text | None,
            rules: dict[str, Rule]) -> dict[str, Rule]:
    """The pages of one screen family: each named "<name> <page>" (the page from the rule's
    own `screen`), all in one area. Without a name the pages stay unnamed (and the log shows
    their endpoints until they are named: tests/test_access_log_words.py fails meanwhile)."""
    return {f"{endpoint}.{page}": replace(
        rule, screen=compose(name, rule.screen)
        if name is not None and rule.screen is not None else None,
        area=rule.area if rule.area is not None else area) for page, rule in rules.items()}


def model_view(endpoint: str, *, read: Allow, name: Text | None = None,
               area: Text | None = None, create: Allow = NOBODY,
               edit: Allow = NOBODY, delete: Allow = NOBODY, export: Allow = NOBODY,
               actions: dict[str, Allow] | None = None,
               extra: dict[str, Rule] | None = None) -> dict[str, Rule]:
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
        "action_view": Rule(_union(delete, *(actions or {}).values()), A.EDIT, A.EDIT,
                            screen=k["action_view"]),
        # ... and each action is classified by name (Flask-Admin's own "delete" included).
        "action_view:delete": Rule(delete, A.DELETE, A.DELETE,
                                   screen=_bulk(ACTION_NAMES["delete"])),
    }
    for action_name, allow in (actions or {}).items():
        known = ACTION_NAMES.get(action_name)
        rules[f"action_view:{action_name}"] = Rule(allow, A.EDIT, A.EDIT,
                                                   screen=_bulk(known) if known else None)
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
COUNTER = roles(Role.FACILITY_STAFF, Role.SECTION_CHIEF)
ORG_READERS = roles(Role.IT_ADMIN, Role.AUDITOR, Role.FACILITY_STAFF, Role.SECTION_CHIEF)
APPROVERS = roles(Role.SECTION_CHIEF, Role.IT_ADMIN)

TABLE: dict[str, Rule] = {
    # Public site and infrastructure: open, not part of the back-office log.
    "static": Rule(PUBLIC, None),
    "admin.static": Rule(PUBLIC, None),
    "public.index": Rule(PUBLIC, None),
    "public.circles": Rule(PUBLIC, None),
    "public.circle": Rule(PUBLIC, None),
    "public.talents": Rule(PUBLIC, None),
    "public.talent": Rule(PUBLIC, None),
    "health.healthz": Rule(PUBLIC, None),
    # Authentication: logged, open to everyone (logout needs no role: leaving must always work).
    "auth.login": Rule(PUBLIC, A.VIEW, A.LOGIN, screen=_l("Log in"), area=AUTHENTICATION),
    "auth.logout": Rule(PUBLIC, A.LOGOUT, A.LOGOUT, screen=_l("Log out"),
                        area=AUTHENTICATION),
    "auth.change_password": Rule(ANY_STAFF, A.VIEW, A.EDIT, screen=_l("Change password"),
                                 area=AUTHENTICATION),
    # Back office.
    "admin.index": Rule(ANY_STAFF, A.VIEW, screen=_l("Home"), area=HOME),
    **model_view("section", name=_l("Sections"), area=ORGANISATION,
                 read=roles(Role.IT_ADMIN, Role.AUDITOR), create=IT, edit=IT),
    **model_view("facility", name=_l("Facilities"), area=ORGANISATION, read=ORG_READERS,
                 create=IT, edit=IT),
    **model_view("room", name=_l("Rooms"), area=ORGANISATION, read=ORG_READERS, create=IT,
                 edit=IT),
    # Staff IDs: the IT section only. IDs are issued through the issue page (random first
    # password), never created bare, never deleted.
    **model_view("staff_user", name=_l("Staff ID"), area=STAFF_IDS, read=IT, edit=IT,
                 extra={"issue": Rule(IT, A.VIEW, A.CREATE, screen=_l("Issue")),
                        "lifecycle": Rule(IT, A.EDIT, A.EDIT,
                                          screen=_l("Suspend, reactivate or revoke")),
                        "reset_password": Rule(IT, A.EDIT, A.EDIT,
                                               screen=_l("Password reset")),
                        # A second IT administrator (models.staff.password_handout decides who).
                        "second_half": Rule(IT, A.EDIT, A.EDIT,
                                            screen=_l("Second half of a password"))}),
    # Grants: IT enters them and narrows or ends them (models.staff.grants refuses anything wider);
    # never deleted, never edited inline.
    **model_view("role_assignment", name=_l("Role assignments"), area=STAFF_IDS, read=IT,
                 create=IT, edit=IT),
    "role_assignment.ajax_update": Rule(NOBODY, A.EDIT, A.EDIT,
                                        screen=compose(_l("Role assignments"),
                                                       PAGE_KINDS["ajax_update"]),
                                        area=STAFF_IDS),
    # A second person approves or refuses a grant: the receiving section's chief or a second
    # IT administrator, decided person by person in models.staff.grants (403 otherwise). HR's lists
    # are decided by a second IT administrator.
    **screens("grant", _l("Grants"), STAFF_IDS, {
        "index": Rule(APPROVERS, A.LIST, screen=_l("Waiting for approval")),
        "decide": Rule(APPROVERS, A.EDIT, A.EDIT, screen=_l("Approve or refuse")),
        "decide_batch": Rule(IT, A.EDIT, A.EDIT, screen=_l("Approve or refuse HR's list")),
    }),
    **model_view("personnel_transfer", name=_l("Personnel transfers"), area=STAFF_IDS,
                 read=IT,
                 extra={"register": Rule(IT, A.VIEW, A.CREATE, screen=_l("Single entry")),
                        "upload": Rule(IT, A.VIEW, A.CREATE, screen=_l("CSV import"))}),
    **model_view("contractor_company", name=_l("Contractors"), area=STAFF_IDS, read=IT,
                 create=IT, edit=IT),
    **model_view("training_record", name=_l("Training records"), area=STAFF_IDS, read=IT,
                 create=IT, edit=IT),
    "it_dashboard.index": Rule(IT, A.VIEW, screen=_l("Stale IDs and security"),
                               area=STAFF_IDS),
    "system_health.index": Rule(roles(Role.IT_ADMIN, Role.CONTRACTOR_OPERATOR), A.VIEW,
                                screen=_l("System health"), area=HOME),
    # Residents' registrations: counter staff of the facility only (rows scoped in the view).
    # Final confirmation 最終確認 (one or several): the chief or a designated confirmer who
    # did not enter it, which models.registration.trail checks person by person.
    **model_view("registrant", name=_l("Registrant"), area=REGISTRATIONS, read=COUNTER,
                 create=COUNTER, edit=COUNTER, export=COUNTER,
                 actions={"renew": COUNTER, "confirm_activity": COUNTER,
                          "confirm_registration": COUNTER},
                 extra={"print_view": Rule(COUNTER, A.VIEW,
                                           screen=_l("Application form (print)")),
                        "blank_form": Rule(COUNTER, A.VIEW,
                                           screen=_l("Blank application form")),
                        "confirm_view": Rule(COUNTER, A.EDIT, A.EDIT,
                                             screen=_l("Final confirmation"))}),
    # The talent bank 人材バンク: counter staff of the managing facility (rows scoped).
    **model_view("talent_entry", name=_l("Talent bank"), area=REGISTRATIONS, read=COUNTER,
                 create=COUNTER, edit=COUNTER, delete=COUNTER,
                 actions={"renew": COUNTER, "confirm_activity": COUNTER}),
    # Change notices: counter staff receive and enter; the chief (or a designated confirmer)
    # decides, which models.registration.change_notice checks person by person.
    **screens("change_notice", _l("Change notice"), CHANGE_NOTICES, {
        "index": Rule(COUNTER, A.LIST, screen=PAGE_KINDS["index_view"]),
        "details": Rule(COUNTER, A.VIEW, screen=PAGE_KINDS["details_view"]),
        "receive": Rule(COUNTER, A.VIEW, A.CREATE, screen=_l("Receipt")),
        "enter": Rule(COUNTER, A.VIEW, A.EDIT, screen=_l("Entry of new values")),
        "decide": Rule(COUNTER, A.EDIT, A.EDIT, screen=_l("Confirm, reject or return")),
        "print_view": Rule(COUNTER, A.VIEW, screen=_l("Print")),
    }),
    # The access log: only a section chief, only their own section (rows scoped in the view;
    # optionally only from registered terminals). The auditor sees review status only.
    **screens("access_log", _l("Access log"), ACCESS_LOG, {
        "index": Rule(roles(Role.SECTION_CHIEF), A.LIST, screen=PAGE_KINDS["index_view"]),
        "export": Rule(roles(Role.SECTION_CHIEF), A.EXPORT, screen=PAGE_KINDS["export"]),
    }),
    **screens("log_review", _l("Review sign-offs"), ACCESS_LOG, {
        "index": Rule(roles(Role.SECTION_CHIEF, Role.AUDITOR), A.VIEW,
                      screen=_l("Status and records")),
        "record": Rule(roles(Role.SECTION_CHIEF), A.CREATE, A.CREATE, screen=_l("Sign-off")),
        "print_view": Rule(roles(Role.SECTION_CHIEF), A.VIEW,
                           screen=_l("Checkpoint copy (print)")),
    }),
    # The field inventory describes what is collected, never anyone's data.
    "inventory.index": Rule(ANY_STAFF, A.VIEW, screen=_l("Personal data inventory"),
                            area=REGISTRATIONS),
}

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
