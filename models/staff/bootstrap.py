"""The first IT administrator of an empty deployment (`flask create-admin`): someone with the
server's keys creates it, so no second person approves its grant; it is recorded as set up at
installation, with a one-time password that must be changed at the first login. Refused while
an active IT administrator exists, unless forced with a reason (both recorded)."""

import re
from collections.abc import Callable

from sqlalchemy import select

from admin_app.extensions import db
from models.clock import today_local
from models.errors import InputError
from models.organisation import Authority, Section
from models.staff.access import accesses_of
from models.staff.accounts import LOGIN_PATTERN, Role, RoleAssignment, StaffStatus, StaffUser
from models.staff.events import StaffEventKind
from models.staff.grants import set_up_grant
from models.staff.password_handout import hand_out
from models.typed_input import text_problem

# Recorded as the reason of the ID's issue when none is given.
FIRST_ADMIN = "最初のIT管理者（flask create-admin）"


def active_it_admins() -> list[StaffUser]:
    """IDs that are usable now and hold IT administration in force today."""
    holders = db.session.scalars(
        select(StaffUser)
        .join(RoleAssignment, RoleAssignment.user_id == StaffUser.id)
        .where(RoleAssignment.role == Role.IT_ADMIN, StaffUser.status == StaffStatus.ACTIVE)
        .distinct()
    ).all()
    accesses = accesses_of(holders)
    return [u for u in holders if accesses[u.id].has(Role.IT_ADMIN)]


def _typed(option: str, value: str, most: int) -> str:
    """A value typed on the command line, as stored: visible, no control characters, fits."""
    if problem := text_problem(value, required=True):
        raise InputError(f"{option}: {problem}")
    if not value.strip():
        raise InputError(f"Give {option}.")
    if len(value.strip()) > most:
        raise InputError(f"{option}: at most {most} characters.")
    return value.strip()


def _section(code: str, new_name: str | None) -> Section:
    """The section of that code; created (a new section under the mayor) when a name is given
    for a code that does not exist yet."""
    section = db.session.scalar(select(Section).where(Section.code == code))
    if section is not None:
        return section
    if not new_name:
        codes = ", ".join(db.session.scalars(select(Section.code).order_by(Section.code)))
        raise InputError(
            f"No section {code!r}. Sections: {codes or 'none yet'}; "
            "give --section-name to create it."
        )
    section = Section(
        code=_typed("--section", code, 20),
        name=_typed("--section-name", new_name, 100),
        authority=Authority.MAYOR,
    )
    db.session.add(section)
    return section


def create_first_admin(
    login: str,
    name: str,
    section_code: str,
    hash_password: Callable[[str], str],
    section_name: str | None = None,
    force: bool = False,
    reason: str | None = None,
) -> tuple[StaffUser, str]:
    """The new IT administrator and its one-time password (shown once, never stored)."""
    login = login.strip()
    if not re.fullmatch(LOGIN_PATTERN, login):
        raise InputError(
            "Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores for the login."
        )
    name = _typed("--name", name, 100)
    reason = _typed("--reason", reason, 300) if reason and reason.strip() else None
    if force and not reason:
        raise InputError("--force needs --reason: why another IT administrator is created.")
    if existing := active_it_admins():
        if not force:
            logins = ", ".join(u.login for u in existing)
            raise InputError(
                f"An active IT administrator exists ({logins}): ask them to issue the ID, "
                "or use --force --reason."
            )
    if db.session.scalar(select(StaffUser.id).where(StaffUser.login == login)) is not None:
        raise InputError(f"The login ID {login!r} exists (IDs are never reused).")
    today = today_local()
    user = StaffUser(
        login=login,
        name=name,
        section=_section(section_code.strip(), section_name),
        valid_from=today,
        status=StaffStatus.ACTIVE,
    )
    db.session.add(user)
    db.session.flush()
    set_up_grant(user, Role.IT_ADMIN, user.section, today)
    password = hand_out(
        user,
        None,
        hash_password,
        StaffEventKind.ISSUED,
        in_halves=False,
        reason=reason or FIRST_ADMIN,
        by="command_line",
        command="create-admin",
        forced=force,
    )
    return user, password
