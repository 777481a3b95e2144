"""SQLAlchemy models and the rules that belong to the data, one package per domain.

The public names every layer imports as `from models import …`, gathered here by domain
(the domains' own packages re-export nothing, so importing one module of a domain never
imports the rest). Add your domain here: its imports and a group in __all__.
"""

from models.access_log.entries import AccessAction, AccessLog, AccessLogHead
from models.access_log.review import LogReview
from models.organisation import Authority, EligibilityRule, Facility, Room, Section, SlotPattern
from models.public.talent import TalentEntry, TalentField
from models.public.version import PublicVersion
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
from models.reservation.booking import Booking, BookingHold, BookingState
from models.reservation.closures import Closure, ClosureKind
from models.reservation.fees import Reduction, RoomFee
from models.reservation.lottery import Lottery, LotteryApplication, Outcome
from models.reservation.notices import MailNotice, MailState, NoticeKind
from models.reservation.rooms import StandardSlot
from models.reservation.setup import pattern_change_problem
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
from models.staff.events import StaffEvent, StaffEventKind
from models.staff.login_attempt import LoginAttempt
from models.staff.password_handout import PasswordHandout
from models.staff.security_event import SecurityEvent, SecurityEventKind
from models.staff.transfer import PersonnelTransfer, TransferBatch, TransferKind

__all__ = [
    # platform: the organisation
    "Authority",
    "EligibilityRule",
    "Facility",
    "Room",
    "Section",
    "SlotPattern",
    # staff
    "ContractorCompany",
    "GrantState",
    "LoginAttempt",
    "PasswordHandout",
    "PersonnelTransfer",
    "Role",
    "RoleAssignment",
    "SecurityEvent",
    "SecurityEventKind",
    "StaffEvent",
    "StaffEventKind",
    "StaffKind",
    "StaffSession",
    "StaffStatus",
    "StaffUser",
    "TrainingRecord",
    "TransferBatch",
    "TransferKind",
    "assignment_facility",
    # registration
    "ChangeNotice",
    "EligibilityBasis",
    "EligibilityCheck",
    "NoticeState",
    "NoticeType",
    "ReceivedVia",
    "Registrant",
    "RegistrantHistory",
    "RegistrantKind",
    "RegistrantStatus",
    "RegistrationCounter",
    "Roster",
    # public
    "PublicVersion",
    "TalentEntry",
    "TalentField",
    # reservation
    "Booking",
    "BookingHold",
    "BookingState",
    "Closure",
    "ClosureKind",
    "Lottery",
    "LotteryApplication",
    "Outcome",
    "MailNotice",
    "MailState",
    "NoticeKind",
    "Reduction",
    "RoomFee",
    "StandardSlot",
    "pattern_change_problem",  # importing it sets up the rooms' flush guard (setup.py)
    # access_log
    "AccessAction",
    "AccessLog",
    "AccessLogHead",
    "LogReview",
]
