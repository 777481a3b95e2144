"""Display labels of staff IDs: roles, kinds, statuses, lifecycle events, grants, security
events, transfers."""

from flask_babel import lazy_gettext as _l

from models.staff.accounts import GrantState, Role, StaffKind, StaffStatus
from models.staff.events import StaffEventKind
from models.staff.security_event import SecurityEventKind
from models.staff.transfer import TransferKind

PAIRS = (
    (Role.FACILITY_STAFF, _l("Facility staff")),
    (Role.SECTION_CHIEF, _l("Section chief")),
    (Role.IT_ADMIN, _l("IT administrator")),
    (Role.CONTRACTOR_OPERATOR, _l("Contractor operator")),
    (Role.RECORDS_OFFICER, _l("Records officer")),
    (Role.AUDITOR, _l("Auditor")),
    (StaffKind.EMPLOYEE, _l("City employee")),
    (StaffKind.CONTRACTOR, _l("Contractor staff")),
    (StaffStatus.ACTIVE, _l("Active")),
    (StaffStatus.SUSPENDED, _l("Suspended")),
    (StaffStatus.REVOKED, _l("Revoked")),
    (StaffEventKind.ISSUED, _l("ID issued")),
    (StaffEventKind.SUSPENDED, _l("Suspended")),
    (StaffEventKind.REACTIVATED, _l("Reactivated")),
    (StaffEventKind.REVOKED, _l("Revoked")),
    (StaffEventKind.PASSWORD_CHANGED, _l("Password changed")),
    (StaffEventKind.PASSWORD_RESET, _l("Password reset")),
    (StaffEventKind.PASSWORD_SECOND_HALF, _l("Second half of the password handed out")),
    (StaffEventKind.TRANSFER_REGISTERED, _l("Transfer registered")),
    (StaffEventKind.TRANSFER_APPLIED, _l("Transfer applied")),
    (StaffEventKind.GRANT_SET_UP, _l("Granted at initial set-up")),
    (StaffEventKind.GRANT_ENTERED, _l("Grant entered")),
    (StaffEventKind.GRANT_APPROVED, _l("Grant approved")),
    (StaffEventKind.GRANT_REFUSED, _l("Grant refused")),
    (StaffEventKind.GRANT_NARROWED, _l("Access narrowed")),
    (StaffEventKind.GRANT_ENDED, _l("End of access set")),
    (GrantState.PENDING, _l("Waiting for approval")),
    (GrantState.APPROVED, _l("Approved")),
    (GrantState.REFUSED, _l("Refused")),
    (GrantState.NOT_REQUIRED, _l("In force (no approval needed)")),
    (SecurityEventKind.SELF_GRANT_REFUSED, _l("Refused self-grants")),
    (TransferKind.MOVE, _l("Move to another section")),
    (TransferKind.ROLE_CHANGE, _l("Change of role")),
    (TransferKind.LEAVE, _l("Leaving")),
    (SecurityEventKind.LOGIN_FAILED, _l("Failed logins")),
    (SecurityEventKind.LOCKOUT, _l("Lockouts")),
    (SecurityEventKind.LOCKED_ATTEMPT, _l("Attempts while locked")),
    (SecurityEventKind.THROTTLED, _l("Throttled requests")),
    (SecurityEventKind.LOGIN_REFUSED, _l("Refused IDs")),
)
