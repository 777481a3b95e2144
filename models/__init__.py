"""SQLAlchemy models and the rules that belong to the data, one module per area."""

from models.access_log.entries import AccessAction, AccessLog, AccessLogHead
from models.organisation import Authority, EligibilityRule, Facility, Room, Section
from models.registration.change_notice import (
    ChangeNotice,
    NoticeState,
    NoticeType,
    ReceivedVia,
    RegistrantHistory,
)
from models.registration.registrant import (
    EligibilityBasis,
    EligibilityCheck,
    Registrant,
    RegistrantKind,
    RegistrantStatus,
    RegistrationCounter,
    Roster,
)
from models.staff.accounts import (
    GrantState,
    Role,
    RoleAssignment,
    StaffKind,
    StaffSession,
    StaffStatus,
    StaffUser,
    assignment_facility,
)
from models.staff.contractor import ContractorCompany, TrainingRecord
from models.staff.security_event import SecurityEvent, SecurityEventKind

__all__ = [
    "ChangeNotice", "NoticeState", "NoticeType", "ReceivedVia", "RegistrantHistory",
    "EligibilityBasis", "EligibilityCheck", "Registrant", "RegistrantKind", "RegistrantStatus",
    "RegistrationCounter", "Roster",
    "AccessAction", "AccessLog", "Authority", "EligibilityRule", "Facility", "GrantState", "Role",
    "RoleAssignment", "Room", "Section", "StaffKind", "StaffSession", "StaffStatus",
    "StaffUser", "assignment_facility",
]
from models.staff.events import StaffEvent, StaffEventKind  # noqa: E402
from models.staff.transfer import PersonnelTransfer, TransferBatch, TransferKind  # noqa: E402

__all__ += ["ContractorCompany", "PersonnelTransfer", "SecurityEvent", "SecurityEventKind",
            "StaffEvent", "StaffEventKind", "TrainingRecord", "TransferBatch", "TransferKind"]
from models.access_log.review import LogReview  # noqa: E402

__all__ += ["AccessLogHead", "LogReview"]
from models.public.talent import TalentEntry, TalentField  # noqa: E402
from models.public.version import PublicVersion  # noqa: E402

__all__ += ["PublicVersion", "TalentEntry", "TalentField"]
from models.staff.login_attempt import LoginAttempt  # noqa: E402

__all__ += ["LoginAttempt"]
from models.staff.password_handout import PasswordHandout  # noqa: E402

__all__ += ["PasswordHandout"]
