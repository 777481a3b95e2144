"""Passwords IT hands out (a first password, a reset) for an ID that opens residents' data, the
access log or IT's approvals: in two halves, by two IT administrators, so that only the holder
ever knows the whole of it.

IT is shown a new password to hand over. For such an ID that would let one IT administrator log
in as a chief, a clerk or another IT administrator — one person opening residents' data to
themselves. So the first half goes to the IT administrator who issued or reset the ID; the
second half, asked for on the ID's page, to a second IT administrator (neither the first nor
the holder). Only their hashes are kept; the holder logs in with both halves and must then set
their own password. An ID that opens nothing gets its whole password from one person as before,
and that person counts as its holder for grants: they neither enter nor approve a grant for it
that opens residents' data, the log or IT (models.staff.grants), and no such grant is approved while
that password is still unchanged.
"""

import secrets
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.staff.access import Access, access_of
from models.staff.accounts import (
    GrantState,
    Role,
    StaffStatus,
    StaffUser,
    needs_second_person,
)
from models.staff.events import StaffEvent, StaffEventKind, record
from models.staff.separation import NotAllowed, refuse, refuse_self
from models.types import UTCDateTime

HALF = 8  # characters in each half (16 in all, like a whole first password)
HANDOUTS = (StaffEventKind.ISSUED, StaffEventKind.PASSWORD_RESET)

NOT_THE_FIRST = _l(
    "The person who handed out the first half of a password cannot hand out "
    "the second half: another IT administrator must do it."
)
NOTHING_WAITING = _l("No second half of a password is waiting for this ID.")
HANDED_OUT_ALONE = _l(
    "The person who handed out this ID's whole password on their own cannot "
    "enter or approve a grant for it that opens residents' data, the access "
    "log or IT's approvals: another IT administrator must do it."
)
NOT_CHANGED_YET = _l(
    "This ID's password was handed out by one person and has not been changed "
    "by its holder yet: approve this grant once the holder has set their own "
    "password (or after a reset handed out in two halves)."
)


class PasswordHandout(db.Model):
    """One password handed out in two halves; its hashes are the ID's password until the
    holder sets their own."""

    __tablename__ = "password_handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    first_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    first_hash: Mapped[str] = mapped_column(String(255))
    second_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    second_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_hash: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[StaffUser] = relationship(foreign_keys=[user_id])
    first_by: Mapped[StaffUser] = relationship(foreign_keys=[first_by_id])
    second_by: Mapped[StaffUser | None] = relationship(foreign_keys=[second_by_id])


def random_password() -> str:
    """A first password: 16 characters from an alphabet without look-alikes; shown once."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def opens_data(user: StaffUser) -> bool:
    """Does the ID hold, or wait for, a grant that needs a second person (not refused, not
    ended)?"""
    today = today_local()
    return any(
        a.state != GrantState.REFUSED
        and (a.valid_to is None or a.valid_to >= today)
        and needs_second_person(a.role, a.designated_confirmer)
        for a in user.assignments
    )


def hand_out(
    user: StaffUser,
    actor: StaffUser | None,
    hash_password: Callable[[str], str],
    kind: StaffEventKind,
    in_halves: bool,
    reason: str | None = None,
    **details,
) -> str:
    """A new password for the ID that `actor` hands over (the ID's old one stops working):
    the whole of it, or only its first half when `in_halves`. Recorded as `kind` (with
    `reason` and `details`); no actor: set up from the server (models.staff.bootstrap)."""
    password = random_password()
    user.must_change_password = True
    if not in_halves:
        user.password_hash = hash_password(password)
        record(user, kind, actor, reason, **details)
        return password
    first = password[:HALF]
    user.password_hash = None  # until the holder sets their own: both halves log in
    db.session.add(PasswordHandout(user=user, first_by=actor, first_hash=hash_password(first)))
    record(user, kind, actor, half="first")
    return first


def open_handout(user: StaffUser) -> PasswordHandout | None:
    """The handout that is the ID's password now (none once the holder set their own)."""
    if user.password_hash is not None or user.id is None:
        return None
    return db.session.scalar(
        select(PasswordHandout)
        .where(PasswordHandout.user_id == user.id)
        .order_by(PasswordHandout.id.desc())
        .limit(1)
    )


def waiting_for_second_half() -> list[PasswordHandout]:
    """Handouts whose second half no one has handed out yet (the IT dashboard)."""
    rows = db.session.scalars(
        select(PasswordHandout)
        .join(PasswordHandout.user)
        .where(
            PasswordHandout.second_hash.is_(None),
            StaffUser.password_hash.is_(None),
            StaffUser.status != StaffStatus.REVOKED,
        )
        .order_by(PasswordHandout.id)
    ).all()
    return [h for h in rows if open_handout(h.user) is h]


def may_hand_second_half(user: StaffUser, access: Access) -> bool:
    handout = open_handout(user)
    return (
        handout is not None
        and handout.second_hash is None
        and access.user_id not in (handout.first_by_id, user.id)
        and access.has(Role.IT_ADMIN)
    )


def hand_second_half(
    user: StaffUser,
    person: StaffUser,
    hash_password: Callable[[str], str],
    now: datetime | None = None,
) -> str:
    """A second IT administrator hands out the second half, once."""
    at = now or now_utc()
    handout = open_handout(user)
    if handout is None or handout.second_hash is not None or user.status == StaffStatus.REVOKED:
        raise InputError(NOTHING_WAITING)
    refuse_self(person, user, "hand out a half of their own password")
    if person.id == handout.first_by_id:
        refuse(person, f"hand out both halves of a password: {user.login}", NOT_THE_FIRST)
    if not may_hand_second_half(user, access_of(person, at)):
        raise NotAllowed(NOT_THE_FIRST)
    second = random_password()[:HALF]
    handed = db.session.execute(
        update(PasswordHandout)
        .where(PasswordHandout.id == handout.id, PasswordHandout.second_hash.is_(None))
        .values(second_by_id=person.id, second_at=at, second_hash=hash_password(second))
        .execution_options(synchronize_session=False)
    ).rowcount
    if handed != 1:
        raise InputError(NOTHING_WAITING)
    record(user, StaffEventKind.PASSWORD_SECOND_HALF, person)
    return second


def handout_matches(user: StaffUser, password: str, verify: Callable[[str, str], bool]) -> bool:
    """Is `password` both halves of the ID's handed-out password?"""
    handout = open_handout(user)
    if handout is None or handout.second_hash is None or len(password) != 2 * HALF:
        return False
    first_ok = verify(handout.first_hash, password[:HALF])
    return verify(handout.second_hash, password[HALF:]) and first_ok


# --- whoever handed out an ID's whole password alone counts as its holder for grants --------


def _last_handout(user: StaffUser) -> StaffEvent | None:
    if user.id is None:
        return None
    return db.session.scalar(
        select(StaffEvent)
        .where(StaffEvent.user_id == user.id, StaffEvent.kind.in_(HANDOUTS))
        .order_by(StaffEvent.at.desc(), StaffEvent.id.desc())
        .limit(1)
    )


def handed_out_alone_by(user: StaffUser) -> int | None:
    """The IT administrator who last handed out the ID's whole password on their own (they
    may know it still, or have set it themselves), if any."""
    event = _last_handout(user)
    if event is None or (event.details or {}).get("half"):
        return None
    return event.actor_id


def refuse_handed_out_alone(actor: StaffUser | None, user: StaffUser, what: str) -> None:
    """Refuse (a security event) when `actor` handed out the ID's whole password alone. Call it
    before writing anything: on SQLite the security event needs the write lock."""
    if actor is not None and actor.id is not None and handed_out_alone_by(user) == actor.id:
        refuse(actor, f"{what}: {user.login}", HANDED_OUT_ALONE)


def check_password_is_the_holders(user: StaffUser) -> None:
    """No grant that needs a second person comes into force while the ID's password is still
    one that one person handed out whole and the holder has not changed."""
    if (
        user.must_change_password
        and user.password_hash is not None
        and handed_out_alone_by(user) is not None
    ):
        raise InputError(NOT_CHANGED_YET)
