"""SQLAlchemy models and the rules that belong to the data, one module per area."""

from models.access_log import AccessAction, AccessLog
from models.change_notice import (
    ChangeNotice,
    NoticeState,
    NoticeType,
    ReceivedVia,
    RegistrantHistory,
)
from models.organisation import Authority, EligibilityRule, Facility, Room, Section
from models.registration import (
    EligibilityBasis,
    EligibilityCheck,
    Registrant,
    RegistrantKind,
    RegistrantStatus,
    RegistrationCounter,
    Roster,
)
from models.staff import (
    Role,
    RoleAssignment,
    StaffKind,
    StaffSession,
    StaffStatus,
    StaffUser,
    assignment_facility,
)

__all__ = [
    "ChangeNotice", "NoticeState", "NoticeType", "ReceivedVia", "RegistrantHistory",
    "EligibilityBasis", "EligibilityCheck", "Registrant", "RegistrantKind", "RegistrantStatus",
    "RegistrationCounter", "Roster",
    "AccessAction", "AccessLog", "Authority", "EligibilityRule", "Facility", "Role",
    "RoleAssignment", "Room", "Section", "StaffKind", "StaffSession", "StaffStatus",
    "StaffUser", "assignment_facility",
]
