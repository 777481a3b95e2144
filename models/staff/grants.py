"""Grants of roles and their approval trail: no one person opens residents' data or the
access log to anyone.

A grant is a RoleAssignment. One that opens residents' data or the log (counter staff, chief,
designated confirmer, added facilities) — or makes an approver (IT) — is entered by IT and stays
*pending*, never in force, until a second person approves it: the chief of the receiving section
(chief on the day the grant starts and today), or, for a chief or IT grant or where the section
has no such chief, a second IT administrator. Neither the grantee nor the person who entered it
approves. Other roles are in force at once. Rows never widen in place: ending and narrowing
apply at once and are recorded; anything wider is a new grant. Nobody acts on their own access.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from admin_app.extensions import db
from models.clock import now_utc, start_of_day, today_local
from models.errors import InputError
from models.organisation import Facility, Section
from models.staff.access import Access, access_of
from models.staff.accounts import (
    IN_FORCE,
    GrantState,
    Role,
    RoleAssignment,
    StaffKind,
    StaffStatus,
    StaffUser,
    needs_second_person,
)
from models.staff.events import StaffEventKind, record
from models.staff.lifecycle import need_reason
from models.staff.password_handout import (
    check_password_is_the_holders,
    handed_out_alone_by,
    refuse_handed_out_alone,
)
from models.staff.separation import NotAllowed, refuse_own_entry, refuse_self

# Grants a section's chief never approves: a fellow chief, or an approver.
IT_APPROVES_ROLES = frozenset({Role.SECTION_CHIEF, Role.IT_ADMIN})

WIDER = _l(
    "This would widen access: enter a new grant instead (it takes effect only when a "
    "second person approves it)."
)
NOT_APPROVER = _l(
    "Only the chief of the receiving section — or, for a chief or IT grant or "
    "where the section has no chief, a second IT administrator — can decide on "
    "this grant."
)
KEEP = object()  # narrow(): leave this part as it is


def check_grant(
    user: StaffUser,
    role: Role,
    section: Section,
    valid_from: date,
    valid_to: date | None,
    facilities: list[Facility],
    designated_confirmer: bool,
) -> None:
    """What any grant must satisfy, whoever enters it and however."""
    if user.status == StaffStatus.REVOKED:
        raise InputError(_l("This ID is revoked."), "user")
    if user.kind == StaffKind.CONTRACTOR and role != Role.CONTRACTOR_OPERATOR:
        raise InputError(
            _l("A contractor's ID can hold only the contractor operator role."), "role"
        )
    if valid_to is not None and valid_to < valid_from:
        raise InputError(_l("The end date must not be before the start date."), "valid_to")
    if facilities and role != Role.FACILITY_STAFF:
        raise InputError(_l("Facilities apply to facility staff only."), "facilities")
    if any(f.section_id != section.id for f in facilities):
        raise InputError(_l("The facilities must belong to the section."), "facilities")
    if designated_confirmer and role != Role.FACILITY_STAFF:
        raise InputError(
            _l("Only facility staff can be designated confirmers."), "designated_confirmer"
        )


def summary(grant: RoleAssignment) -> dict:
    """What the grant gives, for its events (shown on the ID's page)."""
    return {
        "assignment_id": grant.id,
        "role": grant.role.value,
        "section": grant.section.name,
        "valid_from": grant.valid_from.isoformat(),
        "valid_to": grant.valid_to.isoformat() if grant.valid_to else None,
        "facilities": [f.name for f in grant.facilities],
        "designated_confirmer": grant.designated_confirmer,
    }


def _new(
    user: StaffUser,
    role: Role,
    section: Section,
    valid_from: date,
    valid_to: date | None,
    facilities: list[Facility],
    designated_confirmer: bool,
    state: GrantState,
    **fields,
) -> RoleAssignment:
    grant = RoleAssignment(
        user=user,
        role=role,
        section=section,
        valid_from=valid_from,
        valid_to=valid_to,
        facilities=facilities,
        designated_confirmer=designated_confirmer,
        state=state,
        **fields,
    )
    db.session.add(grant)
    db.session.flush()
    return grant


def enter_grant(
    user: StaffUser,
    role: Role,
    section: Section,
    valid_from: date,
    *,
    actor: StaffUser | None,
    valid_to: date | None = None,
    facilities: Iterable[Facility] = (),
    designated_confirmer: bool = False,
    reason: str | None = None,
    batch: db.Model | None = None,
) -> RoleAssignment:
    """IT enters a grant: pending when it needs a second person, in force at once otherwise.
    `actor` None is HR's list imported from the command line; `batch` its TransferBatch
    (models.staff.transfer imports this module, so the type is not named)."""
    refuse_self(actor, user, "enter a grant")
    second_person = needs_second_person(role, designated_confirmer)
    if second_person:  # whoever may know the ID's whole password is not the one who enters it
        refuse_handed_out_alone(
            actor, user, "enter a grant for an ID whose password they handed out alone"
        )
    chosen = list(facilities)
    check_grant(user, role, section, valid_from, valid_to, chosen, designated_confirmer)
    state = GrantState.PENDING if second_person else GrantState.NOT_REQUIRED
    grant = _new(
        user,
        role,
        section,
        valid_from,
        valid_to,
        chosen,
        designated_confirmer,
        state,
        entered_by=actor,
        batch=batch,
    )
    extra = {} if actor is not None else {"by": "command_line"}
    record(
        user,
        StaffEventKind.GRANT_ENTERED,
        actor,
        (reason or "").strip()[:300] or None,
        state=state.value,
        **summary(grant),
        **extra,
    )
    return grant


def set_up_grant(
    user: StaffUser,
    role: Role,
    section: Section,
    valid_from: date,
    valid_to: date | None = None,
    facilities: Iterable[Facility] = (),
) -> RoleAssignment:
    """The initial organisation (demo data, test fixtures, and the first IT administrator of
    `flask create-admin`, models.staff.bootstrap): in force without a second person, and
    recorded as such. No screen calls it."""
    chosen = list(facilities)
    check_grant(user, role, section, valid_from, valid_to, chosen, False)
    grant = _new(
        user,
        role,
        section,
        valid_from,
        valid_to,
        chosen,
        False,
        GrantState.APPROVED,
        decided_at=now_utc(),
    )
    record(user, StaffEventKind.GRANT_SET_UP, None, None, by="set_up", **summary(grant))
    return grant


# --- who approves ----------------------------------------------------------------------------


def chief_ids(section_id: int, day: date) -> set[int]:
    """The people in force as chief of a section on a day (their ID usable that day)."""
    rows = db.session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.section_id == section_id,
            RoleAssignment.role == Role.SECTION_CHIEF,
            RoleAssignment.state.in_(IN_FORCE),
            RoleAssignment.valid_from <= day,
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= day),
        )
    )
    return {a.user_id for a in rows if a.user.is_usable(start_of_day(day))}


def approving_chiefs(grant: RoleAssignment, today: date) -> set[int]:
    """Chiefs who decide on this grant: chief of its section on the day it would start (or
    today, if that is later) and today, neither the grantee nor the enterer. Empty: IT decides."""
    if grant.role in IT_APPROVES_ROLES:
        return set()
    starts = max(grant.valid_from, today)
    chiefs = chief_ids(grant.section_id, starts) & chief_ids(grant.section_id, today)
    return chiefs - {grant.user_id, grant.entered_by_id}


def may_decide(grant: RoleAssignment, access: Access) -> bool:
    """May this person (their access at its moment) approve or refuse this grant?"""
    person_id = access.user_id
    if (
        person_id in (grant.user_id, grant.entered_by_id)
        or grant.batch_id is not None
        or person_id == handed_out_alone_by(grant.user)
    ):
        return False
    chiefs = approving_chiefs(grant, today_local(access.at))
    if chiefs:
        return person_id in chiefs
    return access.has(Role.IT_ADMIN)


def can_still_start(grant: RoleAssignment, today: date) -> bool:
    """Not ended before it could be in force: approving it would still mean something."""
    return grant.valid_to is None or grant.valid_to >= max(grant.valid_from, today)


def pending_grants(today: date | None = None) -> list[RoleAssignment]:
    """Every grant waiting for a second person (HR's lists are decided as lists)."""
    day = today or today_local()
    rows = db.session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.state == GrantState.PENDING, RoleAssignment.batch_id.is_(None))
        .order_by(RoleAssignment.created_at, RoleAssignment.id)
    ).all()
    return [g for g in rows if can_still_start(g, day)]


def pending_for(access: Access) -> list[RoleAssignment]:
    """The grants this person may approve at the access's moment (their dashboard)."""
    return [g for g in pending_grants(today_local(access.at)) if may_decide(g, access)]


# --- approval and refusal --------------------------------------------------------------------


def _check_decision(grant: RoleAssignment, person: StaffUser, at: datetime) -> None:
    refuse_self(person, grant.user, "decide on a grant of their own")
    refuse_own_entry(
        person, grant.entered_by_id, f"decide on a grant they entered: {grant.user.login}"
    )
    refuse_handed_out_alone(
        person, grant.user, "decide on a grant for an ID whose password they handed out alone"
    )
    if grant.batch_id is not None:
        raise InputError(
            _l("This grant came with HR's list: approve or refuse the list as a whole.")
        )
    if not may_decide(grant, access_of(person, at)):
        raise NotAllowed(NOT_APPROVER)
    if grant.state != GrantState.PENDING:
        raise InputError(_l("This grant is not waiting for approval."))
    if not can_still_start(grant, today_local(at)):
        raise InputError(_l("This grant has ended: there is nothing to approve."))
    if grant.user.status == StaffStatus.REVOKED:
        raise InputError(_l("This ID is revoked."))


def decide_once(
    row: Any, person: StaffUser, state: GrantState, at: datetime, reason: str | None = None
) -> None:
    """Write the decision on a pending grant or HR's list, unless someone else already has."""
    model = type(row)
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, model.state == GrantState.PENDING)
        .values(state=state, decided_by_id=person.id, decided_at=at, refusal_reason=reason)
    )
    if result.rowcount != 1:
        raise InputError(_l("Someone else decided on this a moment ago."))


def decide(
    grant: RoleAssignment,
    person: StaffUser,
    state: GrantState,
    at: datetime,
    reason: str | None = None,
) -> None:
    """Exactly one decision per grant, even when two people decide at the same moment."""
    decide_once(grant, person, state, at, reason)
    db.session.expire(grant, ["decided_by"])
    kind = (
        StaffEventKind.GRANT_APPROVED
        if state == GrantState.APPROVED
        else StaffEventKind.GRANT_REFUSED
    )
    extra = {"batch_id": grant.batch_id} if grant.batch_id else {}
    record(grant.user, kind, person, reason, **summary(grant), **extra)


def approve(
    grant: RoleAssignment, person: StaffUser, *, now: datetime | None = None
) -> RoleAssignment:
    """The second person approves: from now on the grant is in force on its dates."""
    at = now or now_utc()
    _check_decision(grant, person, at)
    check_password_is_the_holders(grant.user)
    decide(grant, person, GrantState.APPROVED, at)
    return grant


def refuse(
    grant: RoleAssignment, person: StaffUser, reason: str | None, *, now: datetime | None = None
) -> RoleAssignment:
    """The second person refuses, with a reason: the grant is never in force."""
    at = now or now_utc()
    _check_decision(grant, person, at)
    decide(grant, person, GrantState.REFUSED, at, need_reason(reason))
    return grant


# --- ending and narrowing: at once, no second person -----------------------------------------


def set_end(
    grant: RoleAssignment, last_day: date, actor: StaffUser | None, reason: str | None, **details
) -> RoleAssignment:
    """End a grant after `last_day`; one that has not begun ends before it begins."""
    old = grant.valid_to
    grant.valid_to = max(last_day, grant.valid_from - timedelta(days=1))
    record(
        grant.user,
        StaffEventKind.GRANT_ENDED,
        actor,
        reason,
        **summary(grant),
        previous_valid_to=old.isoformat() if old else None,
        **details,
    )
    return grant


def narrow(
    grant: RoleAssignment,
    actor: StaffUser,
    *,
    reason: str | None,
    valid_to: date | None | object = KEEP,
    facilities: Iterable[Facility] | None = None,
    designated_confirmer: bool | None = None,
    today: date | None = None,
) -> None:
    """End a grant earlier, take facilities off it or unset the confirmer: in force at once.
    Anything wider (a later or no end, an added facility, an emptied list — the whole section —,
    the confirmer set) is refused and nothing changes."""
    refuse_self(actor, grant.user, "change their own grant")
    text = need_reason(reason)
    day = today or today_local()
    if grant.state == GrantState.REFUSED:
        raise InputError(_l("A refused grant is never in force: there is nothing to change."))
    new_end = grant.valid_to if valid_to is KEEP else valid_to
    ends = new_end != grant.valid_to
    if ends:
        if new_end is None or (grant.valid_to is not None and new_end > grant.valid_to):
            raise InputError(WIDER, "valid_to")
        earliest = max(grant.valid_from, day) - timedelta(days=1)
        if new_end < earliest:
            raise InputError(
                _l(
                    "The last day cannot be before %(day)s: access already given stays on record.",
                    day=earliest.isoformat(),
                ),
                "valid_to",
            )
    old_ids = {f.id for f in grant.facilities}
    chosen = list(facilities) if facilities is not None else list(grant.facilities)
    new_ids = {f.id for f in chosen}
    fewer = new_ids != old_ids
    if fewer and (
        grant.role != Role.FACILITY_STAFF
        or not new_ids
        or (old_ids and not new_ids <= old_ids)
        or any(f.section_id != grant.section_id for f in chosen)
    ):
        raise InputError(WIDER, "facilities")
    unset = designated_confirmer is not None and designated_confirmer != grant.designated_confirmer
    if unset and designated_confirmer:
        raise InputError(WIDER, "designated_confirmer")
    if not (ends or fewer or unset):
        raise InputError(_l("Nothing was changed."))
    changes: dict = {}
    if fewer:
        changes["previous_facilities"] = [f.name for f in grant.facilities]
        grant.facilities = sorted(chosen, key=lambda f: f.id)
    if unset:
        changes["previous_designated_confirmer"] = True
        grant.designated_confirmer = False
    if fewer or unset:
        if ends:
            changes["previous_valid_to"] = grant.valid_to.isoformat() if grant.valid_to else None
            grant.valid_to = new_end
        record(grant.user, StaffEventKind.GRANT_NARROWED, actor, text, **summary(grant), **changes)
    else:
        set_end(grant, new_end, actor, text)
