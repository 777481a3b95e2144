"""What the two trails share — a registration's and a change notice's (受付 → 入力 → 最終確認):
how a refused step is reported, and the mark a session carries while a confirmed change notice
is being applied. Who may confirm for a section: models.staff.access (Access.may_confirm_for)."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from models.errors import InputError

APPLYING_NOTICE = "applying_change_notice"


class StepError(InputError):
    """A step that cannot be taken; str() is the Japanese message for the user, and
    field_errors the messages shown at the form's fields."""

    def __init__(
        self, message: str | LazyString, field_errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


class NotAllowed(StepError):
    """The person may not take this step (answered with 403)."""


@contextmanager
def applying_notice(session: Session) -> Iterator[None]:
    """While a confirmed 変更届 is applied: the one time a confirmed registrant's notice items
    may change (models.registration.trail guards every other flush)."""
    session.info[APPLYING_NOTICE] = True
    try:
        yield
    finally:
        session.info.pop(APPLYING_NOTICE, None)
