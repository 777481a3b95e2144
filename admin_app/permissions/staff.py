"""Who reaches the staff-ID screens: IDs, grants and their approval, transfers, contractors,
training records and the stale-ID dashboard — the IT section, and the chiefs who approve."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import (
    IT,
    NOBODY,
    PAGE_KINDS,
    STAFF_IDS,
    Rule,
    compose,
    model_view,
    roles,
    screens,
)
from models.access_log.entries import AccessAction as A
from models.staff.accounts import Role

APPROVERS = roles(Role.SECTION_CHIEF, Role.IT_ADMIN)

RULES: dict[str, Rule] = {
    # Staff IDs: the IT section only. IDs are issued through the issue page (random first
    # password), never created bare, never deleted.
    **model_view(
        "staff_user",
        name=_l("Staff ID"),
        area=STAFF_IDS,
        read=IT,
        edit=IT,
        extra={
            "issue": Rule(IT, A.VIEW, A.CREATE, screen=_l("Issue")),
            "lifecycle": Rule(IT, A.EDIT, A.EDIT, screen=_l("Suspend, reactivate or revoke")),
            "reset_password": Rule(IT, A.EDIT, A.EDIT, screen=_l("Password reset")),
            # A second IT administrator (models.staff.password_handout decides who).
            "second_half": Rule(IT, A.EDIT, A.EDIT, screen=_l("Second half of a password")),
        },
    ),
    # Grants: IT enters them and narrows or ends them (models.staff.grants refuses anything wider);
    # never deleted, never edited inline.
    **model_view(
        "role_assignment", name=_l("Role assignments"), area=STAFF_IDS, read=IT, create=IT, edit=IT
    ),
    "role_assignment.ajax_update": Rule(
        NOBODY,
        A.EDIT,
        A.EDIT,
        screen=compose(_l("Role assignments"), PAGE_KINDS["ajax_update"]),
        area=STAFF_IDS,
    ),
    # A second person approves or refuses a grant: the receiving section's chief or a second
    # IT administrator, decided person by person in models.staff.grants (403 otherwise). HR's lists
    # are decided by a second IT administrator.
    **screens(
        "grant",
        _l("Grants"),
        STAFF_IDS,
        {
            "index": Rule(APPROVERS, A.LIST, screen=_l("Waiting for approval")),
            "decide": Rule(APPROVERS, A.EDIT, A.EDIT, screen=_l("Approve or refuse")),
            "decide_batch": Rule(IT, A.EDIT, A.EDIT, screen=_l("Approve or refuse HR's list")),
        },
    ),
    **model_view(
        "personnel_transfer",
        name=_l("Personnel transfers"),
        area=STAFF_IDS,
        read=IT,
        extra={
            "register": Rule(IT, A.VIEW, A.CREATE, screen=_l("Single entry")),
            "upload": Rule(IT, A.VIEW, A.CREATE, screen=_l("CSV import")),
        },
    ),
    **model_view(
        "contractor_company", name=_l("Contractors"), area=STAFF_IDS, read=IT, create=IT, edit=IT
    ),
    **model_view(
        "training_record", name=_l("Training records"), area=STAFF_IDS, read=IT, create=IT, edit=IT
    ),
    "it_dashboard.index": Rule(IT, A.VIEW, screen=_l("Stale IDs and security"), area=STAFF_IDS),
}
