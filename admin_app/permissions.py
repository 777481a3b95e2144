"""THE permission table: which roles reach which endpoint, and how each request is logged.

Nothing else decides access. An endpoint missing from TABLE is denied to everyone, and
tests/test_permissions.py fails when the app has an endpoint this table does not classify.
"""

from dataclasses import dataclass

from models.access_log import AccessAction as A
from models.staff import Role

PUBLIC = "public"  # anyone, no login (public site, login page, health check)
ANY_STAFF = "any_staff"  # any logged-in staff member holding at least one valid role
NOBODY: frozenset[Role] = frozenset()

Allow = frozenset[Role] | str


@dataclass(frozen=True)
class Rule:
    allow: Allow
    # How a request is written to the access log; None = not logged (public site, assets).
    action: A | None
    post_action: A | None = None

    def action_for(self, method: str) -> A | None:
        return self.post_action if method == "POST" and self.post_action else self.action


def roles(*names: Role) -> frozenset[Role]:
    return frozenset(names)


def model_view(endpoint: str, *, read: Allow, create: Allow = NOBODY, edit: Allow = NOBODY,
               delete: Allow = NOBODY, export: Allow = NOBODY,
               actions: dict[str, Allow] | None = None,
               extra: dict[str, Rule] | None = None) -> dict[str, Rule]:
    """Every endpoint a Flask-Admin ModelView registers, its bulk actions and extra pages."""
    rules = {
        f"{endpoint}.index_view": Rule(read, A.LIST),
        f"{endpoint}.details_view": Rule(read, A.VIEW),
        f"{endpoint}.create_view": Rule(create, A.VIEW, A.CREATE),
        f"{endpoint}.edit_view": Rule(edit, A.VIEW, A.EDIT),
        f"{endpoint}.delete_view": Rule(delete, A.DELETE, A.DELETE),
        f"{endpoint}.export": Rule(export, A.EXPORT),
        f"{endpoint}.ajax_lookup": Rule(_union(create, edit), A.VIEW),
        f"{endpoint}.ajax_update": Rule(edit, A.EDIT, A.EDIT),
        # Bulk actions: the endpoint is open to whoever may run one of them ...
        f"{endpoint}.action_view": Rule(_union(delete, *(actions or {}).values()), A.EDIT, A.EDIT),
        # ... and each action is classified by name (Flask-Admin's own "delete" included).
        f"{endpoint}.action_view:delete": Rule(delete, A.DELETE, A.DELETE),
    }
    for name, allow in (actions or {}).items():
        rules[f"{endpoint}.action_view:{name}"] = Rule(allow, A.EDIT, A.EDIT)
    for name, rule in (extra or {}).items():
        rules[f"{endpoint}.{name}"] = rule
    return rules


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
    "auth.login": Rule(PUBLIC, A.VIEW, A.LOGIN),
    "auth.logout": Rule(PUBLIC, A.LOGOUT, A.LOGOUT),
    "auth.change_password": Rule(ANY_STAFF, A.VIEW, A.EDIT),
    # Back office.
    "admin.index": Rule(ANY_STAFF, A.VIEW),
    **model_view("section", read=roles(Role.IT_ADMIN, Role.AUDITOR), create=IT, edit=IT),
    **model_view("facility", read=ORG_READERS, create=IT, edit=IT),
    **model_view("room", read=ORG_READERS, create=IT, edit=IT),
    # Staff IDs: the IT section only. IDs are issued through the issue page (random first
    # password), never created bare, never deleted.
    **model_view("staff_user", read=IT, edit=IT,
                 extra={"issue": Rule(IT, A.VIEW, A.CREATE),
                        "lifecycle": Rule(IT, A.EDIT, A.EDIT),
                        "reset_password": Rule(IT, A.EDIT, A.EDIT)}),
    # Grants: IT enters them and narrows or ends them (models.grants refuses anything wider);
    # never deleted, never edited inline.
    **model_view("role_assignment", read=IT, create=IT, edit=IT),
    "role_assignment.ajax_update": Rule(NOBODY, A.EDIT, A.EDIT),
    # A second person approves or refuses a grant: the receiving section's chief or a second
    # IT administrator, decided person by person in models.grants (403 otherwise). HR's lists
    # are decided by a second IT administrator.
    "grant.index": Rule(APPROVERS, A.LIST),
    "grant.decide": Rule(APPROVERS, A.EDIT, A.EDIT),
    "grant.decide_batch": Rule(IT, A.EDIT, A.EDIT),
    **model_view("personnel_transfer", read=IT,
                 extra={"register": Rule(IT, A.VIEW, A.CREATE),
                        "upload": Rule(IT, A.VIEW, A.CREATE)}),
    **model_view("contractor_company", read=IT, create=IT, edit=IT),
    **model_view("training_record", read=IT, create=IT, edit=IT),
    "it_dashboard.index": Rule(IT, A.VIEW),
    "system_health.index": Rule(roles(Role.IT_ADMIN, Role.CONTRACTOR_OPERATOR), A.VIEW),
    # Residents' registrations: counter staff of the facility only (rows scoped in the view).
    # Final confirmation 最終確認 (one or several): the chief or a designated confirmer who
    # did not enter it, which models.registration_trail checks person by person.
    **model_view("registrant", read=COUNTER, create=COUNTER, edit=COUNTER, export=COUNTER,
                 actions={"renew": COUNTER, "confirm_activity": COUNTER,
                          "confirm_registration": COUNTER},
                 extra={"print_view": Rule(COUNTER, A.VIEW),
                        "blank_form": Rule(COUNTER, A.VIEW),
                        "confirm_view": Rule(COUNTER, A.EDIT, A.EDIT)}),
    # The talent bank 人材バンク: counter staff of the managing facility (rows scoped).
    **model_view("talent_entry", read=COUNTER, create=COUNTER, edit=COUNTER, delete=COUNTER,
                 actions={"renew": COUNTER, "confirm_activity": COUNTER}),
    # Change notices: counter staff receive and enter; the chief (or a designated confirmer)
    # decides, which models.change_notice checks person by person.
    "change_notice.index": Rule(COUNTER, A.LIST),
    "change_notice.details": Rule(COUNTER, A.VIEW),
    "change_notice.receive": Rule(COUNTER, A.VIEW, A.CREATE),
    "change_notice.enter": Rule(COUNTER, A.VIEW, A.EDIT),
    "change_notice.decide": Rule(COUNTER, A.EDIT, A.EDIT),
    "change_notice.print_view": Rule(COUNTER, A.VIEW),
    # The access log: only a section chief, only their own section (rows scoped in the view;
    # optionally only from registered terminals). The auditor sees review status only.
    "access_log.index": Rule(roles(Role.SECTION_CHIEF), A.LIST),
    "log_review.index": Rule(roles(Role.SECTION_CHIEF, Role.AUDITOR), A.VIEW),
    "log_review.record": Rule(roles(Role.SECTION_CHIEF), A.CREATE, A.CREATE),
    # The field inventory describes what is collected, never anyone's data.
    "inventory.index": Rule(ANY_STAFF, A.VIEW),
}


def rule_for(endpoint: str | None) -> Rule | None:
    return TABLE.get(endpoint) if endpoint else None


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
# the facilities of their own valid assignments (models.staff.StaffUser.facility_ids).
SEES_ALL_FACILITIES = roles(Role.IT_ADMIN, Role.AUDITOR)
