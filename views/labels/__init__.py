"""Display labels for stored codes (translated; the database keeps the English codes).

Each domain lists its enums' labels in views/labels/<domain>.py (here rather than in
views/<domain>/, whose screens import these functions); LABELS gathers them.
"""

import enum

from flask_admin.model import BaseModelView
from jinja2.runtime import Context

from views.labels import access_log, platform, public, registration, reservation, staff

# Add your domain here: (domain, the PAIRS of views/labels/<domain>.py).
DOMAINS = (
    ("platform", platform.PAIRS),
    ("staff", staff.PAIRS),
    ("registration", registration.PAIRS),
    ("public", public.PAIRS),
    ("reservation", reservation.PAIRS),
    ("access_log", access_log.PAIRS),
)
# Keyed by enum class and value: members of different enums share values ("active").
LABELS = {(type(member), member.value): text for _, pairs in DOMAINS for member, text in pairs}


def label(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(LABELS.get((type(value), value.value), value.value))
    return str(value)


def choices(enum_cls: type[enum.Enum]) -> list[tuple[str, object]]:
    """Select choices for an enum column, in declaration order, with translated labels."""
    return [
        (member.value, LABELS.get((enum_cls, member.value), member.value)) for member in enum_cls
    ]


def enum_formatter(view: BaseModelView, context: Context, model: object, name: str) -> str:
    return label(getattr(model, name))
