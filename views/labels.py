"""Display labels for stored codes (translated; the database keeps the English codes)."""

import enum

from flask_babel import lazy_gettext as _l

from models.access_log.entries import AccessAction
from models.access_log.review import Findings, ReviewStatus
from models.organisation import Authority, EligibilityRule
from models.public.talent import TalentField
from models.registration.change_notice import HistorySource, NoticeState, NoticeType, ReceivedVia
from models.registration.registrant import (
    CircleCategory,
    EligibilityBasis,
    RegistrantKind,
    RegistrantStatus,
)
from models.registration.school import FeeTier
from models.staff.accounts import GrantState, Role, StaffKind, StaffStatus
from models.staff.events import StaffEventKind
from models.staff.security_event import SecurityEventKind
from models.staff.transfer import TransferKind

# Keyed by enum class and value: members of different enums share values ("active").
_PAIRS = (
    (Authority.MAYOR, _l("Mayor of Higashimurayama")),
    (Authority.BOARD_OF_EDUCATION, _l("Higashimurayama Board of Education")),
    (EligibilityRule.RESIDENTS_ONLY, _l("Residents, workers and students of the city")),
    (EligibilityRule.JOINT_USE, _l("Joint use with neighbouring cities")),
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
    (RegistrantKind.INDIVIDUAL, _l("Individual")),
    (RegistrantKind.GROUP, _l("Group (circle)")),
    (RegistrantStatus.PENDING, _l("Waiting for confirmation")),
    (RegistrantStatus.ACTIVE, _l("Current")),
    (RegistrantStatus.EXPIRED, _l("Expired")),
    (RegistrantStatus.ERASED, _l("Erased")),
    (EligibilityBasis.RESIDENT, _l("Lives in the city")),
    (EligibilityBasis.WORKER, _l("Works in the city")),
    (EligibilityBasis.STUDENT, _l("Studies in the city")),
    (EligibilityBasis.JOINT_USE, _l("Joint use (outside the city)")),
    (FeeTier.CHILD, _l("Elementary school or younger")),
    (FeeTier.STUDENT, _l("Junior high and high school")),
    (FeeTier.ADULT, _l("General")),
    (RegistrantStatus.WITHDRAWN, _l("Withdrawn")),
    (NoticeType.CHANGE, _l("Change")),
    (NoticeType.WITHDRAWAL, _l("Withdrawal")),
    (NoticeState.RECEIVED, _l("Received (waiting for entry)")),
    (NoticeState.ENTERED, _l("Entered (waiting for confirmation)")),
    (NoticeState.RETURNED, _l("Returned for correction")),
    (NoticeState.CONFIRMED, _l("Confirmed")),
    (NoticeState.REJECTED, _l("Rejected")),
    (HistorySource.NOTICE, _l("Change notice")),
    (HistorySource.CORRECTION, _l("Corrected before confirmation")),
    (HistorySource.EDIT, _l("Item no notice governs")),
    (HistorySource.RENEWAL, _l("Renewal")),
    (ReceivedVia.COUNTER, _l("At the counter")),
    (ReceivedVia.MAIL, _l("By mail")),
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
    (AccessAction.LIST, _l("List")),
    (AccessAction.VIEW, _l("View")),
    (AccessAction.CREATE, _l("Create")),
    (AccessAction.EDIT, _l("Edit")),
    (AccessAction.DELETE, _l("Delete")),
    (AccessAction.EXPORT, _l("Export")),
    (AccessAction.LOGIN, _l("Log in")),
    (AccessAction.LOGOUT, _l("Log out")),
    (AccessAction.DENIED, _l("Denied")),
    (Findings.NONE, _l("Nothing to note")),
    (Findings.NOTED, _l("Noted")),
    (ReviewStatus.DONE, _l("Reviewed")),
    (ReviewStatus.DUE, _l("Due")),
    (ReviewStatus.OVERDUE, _l("Overdue")),
    (CircleCategory.CULTURE, _l("Culture")),
    (CircleCategory.ARTS, _l("Arts and music")),
    (CircleCategory.SPORTS, _l("Sports and health")),
    (CircleCategory.LEARNING, _l("Learning and languages")),
    (CircleCategory.WELFARE, _l("Welfare and volunteering")),
    (CircleCategory.CHILDREN, _l("Children and youth")),
    (CircleCategory.OTHER, _l("Other")),
    (TalentField.EDUCATION, _l("Education")),
    (TalentField.CULTURE, _l("Culture")),
    (TalentField.ARTS, _l("Arts")),
    (TalentField.SPORTS, _l("Sports")),
    (TalentField.SKILLS, _l("Other skills and crafts")),
)
LABELS = {(type(member), member.value): text for member, text in _PAIRS}


def label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(LABELS.get((type(value), value.value), value.value))
    return str(value)


def choices(enum_cls) -> list[tuple[str, object]]:
    """Select choices for an enum column, in declaration order, with translated labels."""
    return [(member.value, LABELS.get((enum_cls, member.value), member.value))
            for member in enum_cls]


def enum_formatter(view, context, model, name) -> str:
    return label(getattr(model, name))
