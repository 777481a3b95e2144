"""The life of a staff ID: issue, suspend, reactivate, revoke, password changes — each an
event with who, when and why. IDs are never deleted or reused."""

import re
from collections.abc import Callable
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from admin_app.extensions import db
from models.clock import today_local
from models.errors import InputError
from models.japanese import nfkc
from models.staff.accounts import (
    Role,
    StaffSession,
    StaffStatus,
    StaffUser,
    needs_second_person,
)
from models.staff.events import StaffEventKind, record
from models.staff.password_handout import hand_out, opens_data
from models.staff.password_policy import check_new_password
from models.staff.separation import OWN_ACCESS, refuse, refuse_self
from models.typed_input import INVISIBLE


def normalise_employee_number(raw: str | None) -> str | None:
    """One way to write an employee number: full-width characters, spaces, invisible marks and
    lower case do not make another number."""
    text = re.sub(r"\s+", "", INVISIBLE.sub("", nfkc(raw or ""))).upper()
    return text or None


def check_employee_number(user: StaffUser, raw: str | None, actor: StaffUser) -> str | None:
    """The number to store for `user` (normalised). Refused — a security event — when it is
    the actor's own (an ID for oneself under another login), and when another ID has it."""
    number = normalise_employee_number(raw)
    if number is None:
        return None
    if number == normalise_employee_number(actor.employee_number):
        refuse(
            actor,
            f"give an ID their own employee number: {user.login}",
            OWN_ACCESS,
            "employee_number",
        )
    if len(number) > 20:
        raise InputError(_l("Enter at most %(n)s characters.", n=20), "employee_number")
    taken = db.session.scalar(
        select(StaffUser.id).where(
            StaffUser.employee_number == number,
            StaffUser.id != user.id if user.id is not None else true(),
        )
    )
    if taken is not None:
        raise InputError(_l("This employee number belongs to another ID."), "employee_number")
    return number


def issue_id(
    user: StaffUser, actor: StaffUser, hash_password: Callable[[str], str], role: Role
) -> str:
    """A new ID with a random first password that must be changed at first login — in two
    halves when its role opens residents' data, the log or IT (models.staff.password_handout): the
    first half is returned. Its role is a grant entered with it (enter_grant)."""
    user.employee_number = check_employee_number(user, user.employee_number, actor)
    exists = db.session.scalar(select(StaffUser.id).where(StaffUser.login == user.login))
    if exists is not None:
        raise InputError(_l("This login ID exists (IDs are never reused)."))
    company = user.contractor_company
    if company is not None and company.is_subcontractor and company.approved_on is None:
        raise InputError(
            _l("Staff of a subcontractor without the city's approval cannot have an ID."),
            field="contractor_company",
        )
    user.status = StaffStatus.ACTIVE
    db.session.add(user)
    db.session.flush()
    return hand_out(
        user, actor, hash_password, StaffEventKind.ISSUED, in_halves=needs_second_person(role)
    )


def reset_password(user: StaffUser, actor: StaffUser, hash_password: Callable[[str], str]) -> str:
    """A new password: its first half only when the ID opens residents' data, the log or IT
    (models.staff.password_handout). The ID's sessions end at once."""
    refuse_self(actor, user, "reset their own password")
    password = hand_out(
        user, actor, hash_password, StaffEventKind.PASSWORD_RESET, in_halves=opens_data(user)
    )
    StaffSession.end_all_for(user.id, "password_reset")
    return password


def need_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InputError(_l("Enter the reason."))
    if len(text) > 300:
        raise InputError(_l("Enter at most %(n)s characters.", n=300))
    return text


def suspend(user: StaffUser, actor: StaffUser | None, reason: str | None) -> StaffUser:
    refuse_self(actor, user, "suspend their own ID")
    text = need_reason(reason)
    if user.status != StaffStatus.ACTIVE:
        raise InputError(_l("Only an active ID can be suspended."))
    user.status = StaffStatus.SUSPENDED
    StaffSession.end_all_for(user.id, "suspended")  # the next request is refused
    record(user, StaffEventKind.SUSPENDED, actor, text)
    return user


def reactivate(user: StaffUser, actor: StaffUser, reason: str | None) -> StaffUser:
    refuse_self(actor, user, "reactivate their own ID")
    text = need_reason(reason)
    if user.status != StaffStatus.SUSPENDED:
        raise InputError(_l("Only a suspended ID can be reactivated."))
    user.status = StaffStatus.ACTIVE
    record(user, StaffEventKind.REACTIVATED, actor, text)
    return user


def revoke(
    user: StaffUser, actor: StaffUser | None, reason: str | None, day: date | None = None
) -> StaffUser:
    """Revoked for good: kept in history, never reused, never deleted."""
    refuse_self(actor, user, "revoke their own ID")
    text = need_reason(reason)
    if user.status == StaffStatus.REVOKED:
        raise InputError(_l("This ID is already revoked."))
    on = day or today_local()
    user.status = StaffStatus.REVOKED
    if user.valid_to is None or user.valid_to >= on:
        user.valid_to = on - timedelta(days=1) if user.valid_from < on else user.valid_from
    for assignment in user.assignments:
        if assignment.valid_to is None or assignment.valid_to >= on:
            assignment.valid_to = max(assignment.valid_from, on - timedelta(days=1))
    StaffSession.end_all_for(user.id, "revoked")
    record(user, StaffEventKind.REVOKED, actor, text)
    return user


def change_password(
    user: StaffUser,
    new_password: str,
    hash_password: Callable[[str], str],
    verify_current: Callable[[StaffUser, str], bool],
    current_password: str,
    keep_session_id: int | None,
) -> None:
    """The person's own change: checks the current password and the policy; ends the other
    sessions of this user."""
    if not verify_current(user, current_password):
        raise InputError(_l("The current password is incorrect."), field="current")
    check_new_password(new_password, user.login)
    if verify_current(user, new_password):
        raise InputError(_l("Choose a password different from the current one."), field="new")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    StaffSession.end_all_for(user.id, "password_changed", except_id=keep_session_id)
    record(user, StaffEventKind.PASSWORD_CHANGED, user)
