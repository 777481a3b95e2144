"""The trail of a registration, the same as a change notice's (the form's 職員記入欄):
received (受付者・受付日) → entered (入力者・入力日; correctable until confirmed) → confirmed
(最終確認者・確認日) by the section's chief or a designated confirmer who did not enter it, and
only with a recorded eligibility check where the facility requires one. Only then is it 有効.

After confirmation the items a 変更届 may change are changed only by a confirmed 変更届: a
guard on every flush refuses any other way (form, forged POST, another screen, the CLI), and
recorded eligibility checks and rosters are never rewritten or deleted. The other items are
changed with a history row (who, when, old → new). Renewal needs a fresh eligibility check.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, event, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.japanese import phone_digits
from models.organisation import Facility
from models.registration.change_notice import CHANGEABLE, HistorySource, RegistrantHistory, as_text
from models.registration.inventory import BY_FIELD
from models.registration.registrant import (
    EligibilityCheck,
    Registrant,
    RegistrantStatus,
    Roster,
    roster_destroy_by,
    start_registration,
    term_end,
)
from models.registration.steps import APPLYING_NOTICE, NotAllowed, StepError
from models.staff.access import Access, access_of, accesses_of
from models.staff.accounts import RoleAssignment, StaffUser

# Items only a confirmed 変更届 changes once a registration is confirmed (form names).
GOVERNED = ("facility", "kind", *CHANGEABLE)
# The reception record, fixed once the registration is confirmed.
RECEIPT = ("received_by", "received_on")
# What no notice governs: changed on the edit screen (or by 活動調査), each change in the history.
FREE = (
    "circle_category",
    "recruiting",
    "publish_consent_on",
    "contact_consent",
    "mail_consent",
    "activity_confirmed_on",
)
# Attributes the flush guard keeps fixed on a confirmed registrant (outside a notice).
_FIXED = (
    *GOVERNED,
    "facility_id",
    "phone_digits",
    *RECEIPT,
    "received_by_id",
    "created_by",
    "created_by_id",
    "confirmed_by",
    "confirmed_by_id",
    "confirmed_at",
    "registration_number",
    "number_series",
    "registered_on",
)
_HISTORY_FIELDS = (*GOVERNED, *RECEIPT, *FREE)
_RECORDS = {"eligibility_checks": EligibilityCheck, "rosters": Roster}
_INLINE_ID = re.compile(r"(eligibility_checks|rosters)-\d+-id")

ALREADY_DONE = _l(
    "This registration is not waiting for confirmation (already confirmed, or "
    "processed by someone else)."
)
RECEIPT_FIXED = _l(
    "The reception record of a confirmed registration cannot be changed. Nothing was saved."
)
NOT_AGAIN_PENDING = _l("A confirmed registration cannot go back to waiting for confirmation.")
RECORDS_FIXED = _l(
    "Recorded eligibility checks and rosters of a confirmed registration "
    "cannot be changed or deleted; add a new one instead. Nothing was saved."
)


# --- receipt and entry -------------------------------------------------------------------------


def receipt_problems(
    facility: Facility | None,
    received_by: StaffUser | None,
    received_on: date | None,
    today: date | None = None,
) -> dict[str, str]:
    """受付: who took the paper form (counter staff of the facility) and when (not later than
    today). Per-field Japanese messages; empty when all is well."""
    errors: dict[str, str] = {}
    if received_on is None:
        errors["received_on"] = str(_l("This item is required."))
    elif received_on > (today or today_local()):
        errors["received_on"] = str(_l("The date of receipt cannot be in the future."))
    if received_by is None:
        errors["received_by"] = str(_l("This item is required."))
    elif facility is not None and not access_of(received_by).serves(facility.id):
        errors["received_by"] = str(_l("This person does not serve this facility's counter."))
    return errors


def possible_receivers(access: Access) -> list[StaffUser]:
    """Counter staff serving one of the person's facilities: who may have taken a paper form."""
    sections = {a.section_id for a in access.assignments}
    candidates = db.session.scalars(
        select(StaffUser)
        .where(
            StaffUser.id.in_(
                select(RoleAssignment.user_id).where(RoleAssignment.section_id.in_(sections))
            )
        )
        .order_by(StaffUser.id)
    ).all()
    theirs = accesses_of(candidates)
    return [
        u for u in candidates if u.is_usable() and theirs[u.id].facility_ids & access.facility_ids
    ]


def enterers(registrant: Registrant) -> set[int]:
    """Everyone who entered the registration or corrected it before its confirmation."""
    ids = {registrant.created_by_id} if registrant.created_by_id else set()
    if registrant.id is not None:
        ids |= set(
            db.session.scalars(
                select(RegistrantHistory.changed_by_id).where(
                    RegistrantHistory.registrant_id == registrant.id,
                    RegistrantHistory.source == HistorySource.CORRECTION,
                )
            )
        )
    return ids


def register(
    registrant: Registrant, by: StaffUser, *, today: date | None = None, number: str | None = None
) -> Registrant:
    """入力: a new registration entered by `by`, waiting for confirmation — its number (or the
    one reserved in bulk), term and search digits, and who/when of its checks and rosters.
    Counter, import, demo data and tests all enter registrations here."""
    day = today or today_local()
    registrant.created_by = by
    registrant.phone_digits = phone_digits(registrant.phone)
    start_registration(registrant, day, number)
    complete_records(registrant, by, day)
    db.session.add(registrant)
    return registrant


def amend(registrant: Registrant, by: StaffUser, *, today: date | None = None) -> Registrant:
    """After a correction or an edit (the history is record_changes'): search digits, the
    number series of an entry moved to a facility of another kind, new checks and rosters."""
    day = today or today_local()
    registrant.phone_digits = phone_digits(registrant.phone)
    if registrant.is_pending and registrant.number_series != registrant.facility.number_prefix:
        # corrected to a facility of another kind: its own number series and term
        registrant.registration_number, registrant.expires_on = None, None
        start_registration(registrant, day)
    complete_records(registrant, by, day)
    return registrant


def complete_records(registrant: Registrant, by: StaffUser, day: date) -> None:
    """Eligibility checks and rosters recorded by `by` today unless they say otherwise; the
    paper roster is kept until a year after the registration's term (廃棄期限)."""
    for check in registrant.eligibility_checks:
        check.checked_by_id = check.checked_by_id or by.id
        check.checked_on = check.checked_on or day
    for roster in registrant.rosters:
        roster.verified_by_id = roster.verified_by_id or by.id
        roster.submitted_on = roster.submitted_on or day
        roster.destroy_by = roster.destroy_by or roster_destroy_by(registrant)


# --- confirmation ------------------------------------------------------------------------------


def confirmation_problems(registrant: Registrant, today: date | None = None) -> list[str]:
    """Why the registration cannot be confirmed (Japanese), whoever confirms it."""
    day = today or today_local()
    problems = []
    if registrant.facility.requires_eligibility_check and not registrant.eligibility_checks:
        problems.append(
            str(_l("No eligibility check (利用要件確認) is recorded; this facility requires one."))
        )
    if registrant.is_group:
        qualifies, reason = registrant.qualification()
        if not qualifies:
            problems.append(str(_l("The group does not qualify: %(reason)s", reason=reason)))
    if registrant.expires_on < day:
        problems.append(str(_l("The registration term has already ended.")))
    return problems


def may_confirm(access: Access, registrant: Registrant) -> bool:
    """Would the person be allowed to confirm it (the problems aside)?"""
    return (
        registrant.is_pending
        and access.may_confirm_for(registrant.facility.section_id)
        and access.user_id not in enterers(registrant)
    )


def hold(registrant: Registrant) -> None:
    """Take the registration's row until the transaction ends, then read it afresh: a
    confirmation and a correction of the same entry never interleave — each one sees the
    other's result, or waits for it (the person who corrected it never confirms it)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(Registrant.id).where(Registrant.id == registrant.id).with_for_update()
        )
    else:  # SQLite has one writer at a time: a write takes the lock, before any read
        db.session.execute(
            update(Registrant)
            .where(Registrant.id == registrant.id)
            .values(id=Registrant.id)
            .execution_options(synchronize_session=False)
        )
    # Only the trail's columns: what the form already loaded stays loaded (no autoflush).
    db.session.refresh(registrant, ["status", "confirmed_at", "confirmed_by_id"])


def confirm_registration(
    registrant: Registrant, by: StaffUser, now: datetime | None = None
) -> Registrant:
    """最終確認: the registration becomes 有効. Exactly once, even when two people click."""
    at = now or now_utc()
    if registrant.is_pending:
        hold(registrant)
        db.session.expire(registrant)  # checks, rosters, corrections: as they are now
    if not registrant.is_pending:
        raise StepError(ALREADY_DONE)
    if not access_of(by).may_confirm_for(registrant.facility.section_id):
        raise NotAllowed(
            _l("Only the section chief or a designated confirmer can confirm a registration.")
        )
    if by.id in enterers(registrant):
        raise NotAllowed(
            _l("The person who entered or corrected a registration cannot confirm it.")
        )
    problems = confirmation_problems(registrant, today_local(at))
    if problems:
        raise StepError(" ".join(problems))
    claimed = db.session.execute(
        update(Registrant)
        .where(Registrant.id == registrant.id, Registrant.status == RegistrantStatus.PENDING)
        .values(status=RegistrantStatus.ACTIVE, confirmed_by_id=by.id, confirmed_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise StepError(ALREADY_DONE)
    # The session's copy follows (and its flush tells the public site something changed).
    registrant.status = RegistrantStatus.ACTIVE
    registrant.confirmed_by = by
    registrant.confirmed_at = at
    return registrant


def awaiting_confirmation(access: Access) -> Select:
    """Registrations waiting for the person's confirmation: pending, in a section they confirm
    for, at a facility they see."""
    return (
        select(Registrant)
        .join(Registrant.facility)
        .where(
            Registrant.status == RegistrantStatus.PENDING,
            Facility.section_id.in_(access.confirm_sections),
            Registrant.facility_id.in_(access.facility_ids),
        )
    )


# --- after confirmation: notice items fixed, the rest with history ----------------------------


def refuse_locked(registrant: Registrant, submitted: Mapping[str, str]) -> None:
    """Refuse (StepError, nothing changed) a submission that tries to change what a confirmed
    registration fixes: notice items, the reception record, recorded checks and rosters."""
    if registrant.is_pending:
        return
    governed = [f for f in GOVERNED if f in submitted]
    if governed:
        message = _notice_only(governed)
        raise StepError(message, {f: message for f in governed})
    if any(f in submitted for f in RECEIPT):
        raise StepError(RECEIPT_FIXED)
    for key, value in submitted.items():
        if key.startswith(("del-eligibility_checks-", "del-rosters-")) or (
            _INLINE_ID.fullmatch(key) and (value or "").strip()
        ):
            raise StepError(RECORDS_FIXED)


_FIELD_LABELS = {"facility": _l("Facility"), "facility_id": _l("Facility"), "kind": _l("Kind")}


def _notice_only(fields: Iterable[str]) -> str:
    items = "、".join(str(_FIELD_LABELS.get(f) or BY_FIELD[f].label) for f in fields)
    return str(
        _l(
            "After confirmation these items can be changed only by a change notice "
            "(変更届): %(items)s. Nothing was saved.",
            items=items,
        )
    )


def record_changes(
    registrant: Registrant, by: StaffUser, at: datetime | None = None
) -> list[RegistrantHistory]:
    """Write old → new of every item changed on `registrant` in this session (before flush):
    a correction while it waits for confirmation, an edit of a free item afterwards."""
    at = at or now_utc()
    source = HistorySource.CORRECTION if _was_pending(registrant) else HistorySource.EDIT
    rows = []
    state = inspect(registrant)
    for name in _HISTORY_FIELDS:
        history = state.attrs[name].history
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if history.has_changes() and as_text(old) != as_text(new):
            rows.append(_history(registrant, name, old, new, by, at, source))
    session = db.session
    for name, model in _RECORDS.items():
        for record in getattr(registrant, name):
            if record in session.new:
                rows.append(_history(registrant, name, None, _summary(record), by, at, source))
            elif session.is_modified(record):
                rows.append(
                    _history(
                        registrant,
                        name,
                        _summary(record, committed=True),
                        _summary(record),
                        by,
                        at,
                        source,
                    )
                )
        for record in session.deleted:
            if isinstance(record, model) and record.registrant_id == registrant.id:
                rows.append(_history(registrant, name, _summary(record), None, by, at, source))
    session.add_all(rows)
    return rows


def record_change(
    registrant: Registrant,
    field: str,
    old: object,
    new: object,
    by: StaffUser,
    source: HistorySource,
    at: datetime | None = None,
) -> RegistrantHistory:
    row = _history(registrant, field, old, new, by, at or now_utc(), source)
    db.session.add(row)
    return row


def _history(
    registrant: Registrant,
    field: str,
    old: object,
    new: object,
    by: StaffUser,
    at: datetime,
    source: HistorySource,
) -> RegistrantHistory:
    return RegistrantHistory(
        registrant_id=registrant.id,
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        changed_by_id=by.id,
        changed_at=at,
        source=source,
    )


def _summary(record: EligibilityCheck | Roster, committed: bool = False) -> str:
    def value(name: str) -> object:
        history = inspect(record).attrs[name].history
        return (
            (history.deleted or history.unchanged or history.added or [None])[0]
            if committed
            else getattr(record, name)
        )

    if isinstance(record, EligibilityCheck):
        basis = value("basis")
        return f"{value('checked_on')} {getattr(basis, 'value', basis) or ''}".strip()
    return f"{value('submitted_on')} {value('total_members')}"


def _was_pending(registrant: Registrant) -> bool:
    """Was the registration waiting for confirmation before this session changed it? (The
    status keeps its previous value when set: active_history.)"""
    history = inspect(registrant).attrs.status.history
    if not history.has_changes():
        return registrant.status == RegistrantStatus.PENDING
    before = history.deleted or history.added
    return before[0] == RegistrantStatus.PENDING


@event.listens_for(Session, "before_flush")
def _guard(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """No flush changes a confirmed registrant's notice items (unless a confirmed notice is
    being applied, or the registrant is being erased) or its recorded checks and rosters."""
    for obj in session.dirty:
        if isinstance(obj, Registrant):
            _guard_registrant(session, obj)
        elif isinstance(obj, EligibilityCheck | Roster) and session.is_modified(obj):
            _guard_record(obj)
    for obj in session.deleted:
        if isinstance(obj, EligibilityCheck | Roster):
            _guard_record(obj)


def _guard_registrant(session: Session, registrant: Registrant) -> None:
    if _was_pending(registrant):
        return  # still an entry: corrected freely (each correction in the history)
    if registrant.status == RegistrantStatus.PENDING:
        raise StepError(NOT_AGAIN_PENDING)
    if session.info.get(APPLYING_NOTICE):
        return
    erasing = registrant.status == RegistrantStatus.ERASED  # its personal data may only go
    state = inspect(registrant)
    changed = []
    for name in _FIXED:
        history = state.attrs[name].history
        new = history.added[0] if history.added else None
        if (
            history.has_changes()
            and (not history.deleted or as_text(history.deleted[0]) != as_text(new))
            and not (erasing and new is None)
        ):
            changed.append(name)
    governed = [f for f in changed if f in GOVERNED or f == "facility_id"]
    if governed:
        raise StepError(
            _notice_only(dict.fromkeys("facility" if f == "facility_id" else f for f in governed))
        )
    if changed:
        raise StepError(RECEIPT_FIXED)


def _guard_record(record: EligibilityCheck | Roster) -> None:
    state = inspect(record)
    owners = {record.registrant, *state.attrs.registrant.history.deleted}
    moved_from = state.attrs.registrant_id.history.deleted
    if moved_from and moved_from[0] is not None:
        owners.add(db.session.get(Registrant, moved_from[0]))
    if any(owner is not None and not _was_pending(owner) for owner in owners):
        raise StepError(RECORDS_FIXED)


# --- renewal -----------------------------------------------------------------------------------


def renewal_window(months: int | None = None) -> int:
    """How recent the eligibility check for a renewal must be (RENEWAL_CHECK_MONTHS)."""
    return months if months is not None else int(current_app.config["RENEWAL_CHECK_MONTHS"])


def renewal_problem(registrant: Registrant, day: date, months: int) -> str | None:
    """Why the registration cannot be renewed on `day` (Japanese), or None."""
    if registrant.status == RegistrantStatus.ERASED:
        return str(_l("This registration was erased and cannot be renewed."))
    if registrant.status == RegistrantStatus.WITHDRAWN:
        return str(_l("This registration was withdrawn: a new registration is needed."))
    if not registrant.is_confirmed:
        return str(_l("This registration has not been confirmed and cannot be renewed."))
    last = max((c.checked_on for c in registrant.eligibility_checks if c.checked_on), default=None)
    if registrant.facility.requires_eligibility_check and (
        last is None or last < day - relativedelta(months=months)
    ):
        latest = last.isoformat() if last else str(_l("none"))
        return str(
            _l(
                "Renewal needs an eligibility check recorded within the last %(n)s "
                "months (latest: %(last)s).",
                n=months,
                last=latest,
            )
        )
    if registrant.facility.requires_eligibility_check and last <= last_use(registrant):
        return str(
            _l(
                "This eligibility check was used for the registration or its last "
                "renewal: record a new eligibility check for each renewal."
            )
        )
    lapsed = registrant.status == RegistrantStatus.EXPIRED or registrant.expires_on < day
    if lapsed and (last is None or last <= registrant.expires_on):
        return str(
            _l("The registration has expired: record a new eligibility check before renewing.")
        )
    return None


def last_use(registrant: Registrant) -> date:
    """The day the registration last drew on an eligibility check: its last renewal, or its
    confirmation (its registration, for one confirmed before the trail was recorded). One check
    renews once: a term is never extended again and again on the same check."""
    renewed = db.session.scalar(
        select(RegistrantHistory.changed_at)
        .where(
            RegistrantHistory.registrant_id == registrant.id,
            RegistrantHistory.source == HistorySource.RENEWAL,
        )
        .order_by(RegistrantHistory.changed_at.desc())
        .limit(1)
    )
    if renewed is not None:
        return today_local(renewed)
    if registrant.confirmed_at is not None:
        return today_local(registrant.confirmed_at)
    return registrant.registered_on


def renew(
    registrant: Registrant,
    by: StaffUser,
    *,
    today: date | None = None,
    check_months: int | None = None,
) -> date:
    """Extend the term (from its end, or from today after expiry); the history keeps the old
    and new expiry. StepError (nothing changed) when a fresh eligibility check is missing."""
    day = today or today_local()
    problem = renewal_problem(registrant, day, renewal_window(check_months))
    if problem:
        raise StepError(problem)
    old = registrant.expires_on
    start = max(day, old + timedelta(days=1))
    registrant.expires_on = term_end(registrant.facility, start)
    registrant.status = RegistrantStatus.ACTIVE
    registrant.expired_on = None
    record_change(registrant, "expires_on", old, registrant.expires_on, by, HistorySource.RENEWAL)
    return registrant.expires_on
