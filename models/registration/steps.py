"""What the two trails share — a registration's and a change notice's (受付 → 入力 → 最終確認):
who may give the final confirmation for a section, how a refused step is reported, and the
mark a session carries while a confirmed change notice is being applied."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from models.errors import InputError
from models.staff.accounts import Role, StaffUser

APPLYING_NOTICE = "applying_change_notice"


class StepError(InputError):
    """A step that cannot be taken; str() is the Japanese message for the user, and
    field_errors the messages shown at the form's fields."""

    def __init__(self, message, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


class NotAllowed(StepError):
    """The person may not take this step (answered with 403)."""


def may_confirm_for(user: StaffUser, section_id: int) -> bool:
    """The chief, or a designated confirmer, of the section (by assignments valid now)."""
    return bool(user.roles()) and any(
        a.section_id == section_id and (
            a.role == Role.SECTION_CHIEF
            or (a.role == Role.FACILITY_STAFF and a.designated_confirmer))
        for a in user.valid_assignments())


def confirmed_sections(user: StaffUser) -> set[int]:
    """Sections the person gives the final confirmation for (empty for most staff)."""
    return {a.section_id for a in user.valid_assignments() if may_confirm_for(user, a.section_id)}


@contextmanager
def applying_notice(session: Session) -> Iterator[None]:
    """While a confirmed 変更届 is applied: the one time a confirmed registrant's notice items
    may change (models.registration.trail guards every other flush)."""
    session.info[APPLYING_NOTICE] = True
    try:
        yield
    finally:
        session.info.pop(APPLYING_NOTICE, None)
