"""What a staff member may do at a moment — the one home for it: their valid roles, the section
they work in, the facilities they serve, the sections they chief and confirm for, and why
their ID cannot be used now (the contractor gate included).

An Access is computed once, from one load of the person's assignments with their facilities:
per request by admin_app.security.current_access (kept on flask.g), elsewhere (CLI, jobs,
services, tests) by access_of(user, at). Models never read flask.g.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.organisation import Facility
from models.staff.accounts import GrantState, Role, RoleAssignment, StaffStatus, StaffUser
from models.staff.contractor import contractor_gate


@dataclass(frozen=True)
class Access:
    """One person's access at one moment (`at`). Anonymous: NO_ACCESS, which allows nothing."""

    user_id: int | None = None
    at: datetime | None = None
    # Empty unless the ID is usable (active, within its validity) and holds a valid role.
    roles: frozenset[Role] = frozenset()
    # The section the person works in now: that of their valid assignments first.
    section_id: int | None = None
    # Facilities served now: named ones, or every facility of a chief's (or an unnamed
    # counter assignment's) section. From the assignments alone: a suspended receiver of a
    # paper form still served its counter (the login gate refuses the ID itself).
    facility_ids: frozenset[int] = frozenset()
    # Sections whose access log the person reads: where they are chief.
    chief_sections: frozenset[int] = frozenset()
    # Sections whose registrations and change notices the person confirms: chief, or
    # designated confirmer.
    confirm_sections: frozenset[int] = frozenset()
    # Valid assignments (approved, or needing no approval, covering the day), oldest first.
    assignments: tuple[RoleAssignment, ...] = ()
    # Why the ID cannot be used now (shown to IT, never to the person logging in).
    refusal_reasons: tuple[str, ...] = ()

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def serves(self, facility_id: int | None) -> bool:
        return facility_id in self.facility_ids

    def is_chief_of(self, section_id: int | None) -> bool:
        return section_id in self.chief_sections

    def may_confirm_for(self, section_id: int | None) -> bool:
        """The chief, or a designated confirmer, of the section."""
        return section_id in self.confirm_sections

    @property
    def sees_every_section(self) -> bool:
        """The auditor reads every section's review status (a chief only their own)."""
        return Role.AUDITOR in self.roles


NO_ACCESS = Access()


def access_of(user: StaffUser, at: datetime | None = None) -> Access:
    """The person's Access at `at` (now by default)."""
    return accesses_of([user], at)[user.id]


def accesses_of(users: Iterable[StaffUser], at: datetime | None = None) -> dict[int, Access]:
    """Access of several people at one moment: their assignments in one load."""
    people = list(users)
    moment = at or now_utc()
    day = today_local(moment)
    every = _assignments(people)
    valid = {u.id: [a for a in every.get(u.id, []) if a.in_force and a.covers(day)] for u in people}
    whole = _section_facilities(
        {a.section_id for rows in valid.values() for a in rows if _whole_section(a)}
    )
    return {u.id: _access(u, moment, day, every.get(u.id, []), valid[u.id], whole) for u in people}


def _access(
    user: StaffUser,
    at: datetime,
    day: date,
    every: list[RoleAssignment],
    valid: list[RoleAssignment],
    whole: dict[int, set[int]],
) -> Access:
    usable = user.is_usable(at)
    facilities: set[int] = set()
    for a in valid:
        if _whole_section(a):
            facilities |= whole.get(a.section_id, set())
        elif a.role == Role.FACILITY_STAFF:
            facilities.update(f.id for f in a.facilities)
    roles = frozenset(a.role for a in valid) if usable else frozenset()
    return Access(
        user_id=user.id,
        at=at,
        roles=roles,
        section_id=valid[0].section_id if valid else user.section_id,
        facility_ids=frozenset(facilities),
        chief_sections=frozenset(
            a.section_id for a in valid if roles and a.role == Role.SECTION_CHIEF
        ),
        confirm_sections=frozenset(a.section_id for a in valid if roles and _confirms(a)),
        assignments=tuple(valid),
        refusal_reasons=tuple(_refusals(user, day, every, valid)),
    )


def _refusals(
    user: StaffUser, day: date, every: list[RoleAssignment], valid: list[RoleAssignment]
) -> list[str]:
    # Shown to IT on the ID's page and written to the log, in the reader's language.
    reasons = []
    if user.status != StaffStatus.ACTIVE:
        reasons.append(str(STATUS_REFUSALS[user.status]))
    if user.valid_from > day or (user.valid_to is not None and day > user.valid_to):
        reasons.append(str(_l("Today is outside the ID's validity.")))
    if not valid:
        reasons.append(str(_l("No role assignment is valid today.")))
        if any(a.state == GrantState.PENDING and a.covers(day) for a in every):
            reasons.append(str(_l("A role assignment is waiting for approval.")))
    return reasons + contractor_gate(user, day)


STATUS_REFUSALS = {
    StaffStatus.SUSPENDED: _l("This ID is suspended."),
    StaffStatus.REVOKED: _l("This ID is revoked."),
}


def _whole_section(a: RoleAssignment) -> bool:
    return a.role == Role.SECTION_CHIEF or (a.role == Role.FACILITY_STAFF and not a.facilities)


def _confirms(a: RoleAssignment) -> bool:
    return a.role == Role.SECTION_CHIEF or (
        a.role == Role.FACILITY_STAFF and a.designated_confirmer
    )


def _assignments(users: list[StaffUser]) -> dict[int, list[RoleAssignment]]:
    """Every assignment of these people with its facilities, oldest first — as held in this
    session (no flush: reading access never writes)."""
    ids = [u.id for u in users if u.id is not None]
    rows: dict[int, list[RoleAssignment]] = {i: [] for i in ids}
    if not ids:
        return rows
    with db.session.no_autoflush:
        for a in db.session.scalars(
            select(RoleAssignment)
            .where(RoleAssignment.user_id.in_(ids))
            .options(selectinload(RoleAssignment.facilities))
            .order_by(RoleAssignment.valid_from, RoleAssignment.id)
        ):
            rows[a.user_id].append(a)
    return rows


def _section_facilities(section_ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    if section_ids:
        for facility_id, section_id in db.session.execute(
            select(Facility.id, Facility.section_id).where(Facility.section_id.in_(section_ids))
        ):
            found.setdefault(section_id, set()).add(facility_id)
    return found
