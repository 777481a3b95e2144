"""SQLAlchemy models and the rules that belong to the data, one module per area."""

from models.access_log import AccessAction, AccessLog, AccessLogHead
from models.change_notice import (
    ChangeNotice,
    NoticeState,
    NoticeType,
    ReceivedVia,
    RegistrantHistory,
)
from models.contractor import ContractorCompany, TrainingRecord
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
from models.security_event import SecurityEvent, SecurityEventKind
from models.staff import (
    GrantState,
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
    "AccessAction", "AccessLog", "Authority", "EligibilityRule", "Facility", "GrantState", "Role",
    "RoleAssignment", "Room", "Section", "StaffKind", "StaffSession", "StaffStatus",
    "StaffUser", "assignment_facility",
]
from models.staff_lifecycle import StaffEvent, StaffEventKind  # noqa: E402
from models.transfer import PersonnelTransfer, TransferBatch, TransferKind  # noqa: E402

__all__ += ["ContractorCompany", "PersonnelTransfer", "SecurityEvent", "SecurityEventKind",
            "StaffEvent", "StaffEventKind", "TrainingRecord", "TransferBatch", "TransferKind"]
from models.log_review import LogReview  # noqa: E402

__all__ += ["AccessLogHead", "LogReview"]
from models.public_version import PublicVersion  # noqa: E402
from models.talent import TalentEntry, TalentField  # noqa: E402

__all__ += ["PublicVersion", "TalentEntry", "TalentField"]
from models.login_attempt import LoginAttempt  # noqa: E402

__all__ += ["LoginAttempt"]
from models.password_handout import PasswordHandout  # noqa: E402

__all__ += ["PasswordHandout"]
