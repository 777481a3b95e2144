"""Display labels of registrations: kinds, statuses, eligibility, fee tiers, change notices,
circles."""

from flask_babel import lazy_gettext as _l

from models.registration.change_notice import HistorySource, NoticeState, NoticeType, ReceivedVia
from models.registration.registrant import (
    CircleCategory,
    EligibilityBasis,
    RegistrantKind,
    RegistrantStatus,
)
from models.registration.school import FeeTier

PAIRS = (
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
    (CircleCategory.CULTURE, _l("Culture")),
    (CircleCategory.ARTS, _l("Arts and music")),
    (CircleCategory.SPORTS, _l("Sports and health")),
    (CircleCategory.LEARNING, _l("Learning and languages")),
    (CircleCategory.WELFARE, _l("Welfare and volunteering")),
    (CircleCategory.CHILDREN, _l("Children and youth")),
    (CircleCategory.OTHER, _l("Other")),
)
