"""Display labels of the talent bank: its fields."""

from flask_babel import lazy_gettext as _l

from models.public.talent import TalentField

PAIRS = (
    (TalentField.EDUCATION, _l("Education")),
    (TalentField.CULTURE, _l("Culture")),
    (TalentField.ARTS, _l("Arts")),
    (TalentField.SPORTS, _l("Sports")),
    (TalentField.SKILLS, _l("Other skills and crafts")),
)
