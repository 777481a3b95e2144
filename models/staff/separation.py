"""Separation of duties: nobody acts on their own access, and nobody approves what they
entered. A refusal is a security event, written before anything else of the step is."""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from models.errors import InputError
from models.staff.accounts import StaffUser
from models.staff.security_event import SecurityEventKind, security_event


class NotAllowed(InputError):
    """This person may not take this step (a screen answers 403)."""


class SelfActionRefused(NotAllowed):
    """A step on one's own ID, grant or transfer, or an approval of one's own entry."""


OWN_ACCESS = _l(
    "Nobody may grant, change or end their own access or ID: another IT administrator must do it."
)
OWN_ENTRY = _l("The person who entered a grant or uploaded a list cannot approve or refuse it.")


def refuse(
    actor: StaffUser, what: str, message: str | LazyString, field: str | None = None
) -> None:
    """Record the attempt (in its own transaction, kept whatever happens next) and refuse."""
    security_event(
        SecurityEventKind.SELF_GRANT_REFUSED,
        user_id=actor.id,
        remote_addr=request.remote_addr if has_request_context() else None,
        detail=what[:300],
    )
    raise SelfActionRefused(message, field=field)


def refuse_self(
    actor: StaffUser | None, subject: StaffUser | None, what: str, field: str | None = "user"
) -> None:
    """Refuse when the actor is the person the step is about. Call it before writing anything:
    on SQLite the security event needs the write lock."""
    if (
        actor is not None
        and subject is not None
        and actor.id is not None
        and actor.id == subject.id
    ):
        refuse(actor, f"{what}: {subject.login}", OWN_ACCESS, field)


def refuse_own_entry(actor: StaffUser, entered_by_id: int | None, what: str) -> None:
    """The four-eyes rule: the one who entered something is not the second person."""
    if entered_by_id is not None and actor.id == entered_by_id:
        refuse(actor, what, OWN_ENTRY)
