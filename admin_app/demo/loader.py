"""Demo data for `flask demo-data`: a realistic, idempotent organisation and one login per role.

Loaded only when asked for (`make run` asks). The shared password is for demonstration only.
Each domain loads its own part (admin_app/demo/<module>.py); load_demo_data runs them in order.
"""

from collections.abc import Callable

from admin_app.demo import access_log, platform, public, registration, reservation, staff
from admin_app.demo.guard import DemoRefused, refuse_in_production
from admin_app.demo.platform import FACILITIES, PREFIX, SECTIONS, is_empty
from admin_app.demo.staff import DEMO_PASSWORD, FISCAL_YEAR_START, USERS
from admin_app.extensions import db

__all__ = [
    "DEMO_PASSWORD",
    "DOMAINS",
    "FACILITIES",
    "FISCAL_YEAR_START",
    "PREFIX",
    "SECTIONS",
    "USERS",
    "is_empty",
    "DemoRefused",
    "load_demo_data",
    "refuse_in_production",
]

Loader = Callable[[], dict[str, int]]  # loads what is missing; counts what it added

# Add your domain here: (domain, its loader, whether it holds residents' personal data), in
# loading order: a domain's data may refer to what an earlier one loaded.
DOMAINS: tuple[tuple[str, Loader, bool], ...] = (
    ("platform", platform.load_demo_organisation, False),
    ("staff", staff.load_demo_staff, False),
    ("access_log", access_log.load_demo_access_log, False),
    ("registration", registration.load_demo_registration, True),
    ("public", public.load_demo_public, True),
    ("reservation", reservation.load_demo_reservations, True),
)


def load_demo_data(with_registrants: bool = True) -> dict[str, int]:
    """Create whatever of the demo set is missing; return how many rows of each were added.
    Without registrants, no domain's residents' data is loaded. The domains' loaders never
    commit (but confirm_notice's documented commit on the way); this commits once, at the end.
    Refused in production, whoever calls it."""
    refuse_in_production()
    added: dict[str, int] = {}
    for _, load, residents in DOMAINS:
        if with_registrants or not residents:
            added |= load()
    db.session.commit()  # the one commit: the domains' loaders never commit
    return added
