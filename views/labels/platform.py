"""Display labels of the organisation: authorities and eligibility rules."""

from flask_babel import lazy_gettext as _l

from models.organisation import Authority, EligibilityRule

PAIRS = (
    (Authority.MAYOR, _l("Mayor of Higashimurayama")),
    (Authority.BOARD_OF_EDUCATION, _l("Higashimurayama Board of Education")),
    (EligibilityRule.RESIDENTS_ONLY, _l("Residents, workers and students of the city")),
    (EligibilityRule.JOINT_USE, _l("Joint use with neighbouring cities")),
)
