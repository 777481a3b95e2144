"""Change notices 変更届: received → entered → confirmed (or rejected / returned), with the
trail the council asked for and a registrant history of old → new values.

The allowed transitions live in TRANSITIONS; views, the CLI and tests call the functions here.
They take and return objects and never commit (the caller does), except confirm_notice's
documented first commit.
"""

import enum
from collections.abc import Callable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, select, text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.japanese import phone_digits
from models.registration.input import INPUT_FIELDS, applies, clean_registrant
from models.registration.inventory import BY_FIELD, system_items
from models.registration.registrant import PERSONAL, Registrant, RegistrantStatus, reserve_numbers
from models.registration.steps import NotAllowed, StepError, applying_notice
from models.reservation.registrants import withdrawal_problem
from models.staff.access import Access, access_of
from models.staff.accounts import StaffUser
from models.typed_input import date_problem, text_problem, visible
from models.types import UTCDateTime, str_enum

NOTICE_SERIES = "N"
ALREADY_PROCESSED = _l("This notice has already been processed by someone else.")
STALE_AFTER_DAYS = 14


class NoticeType(enum.StrEnum):
    CHANGE = "change"  # 変更
    WITHDRAWAL = "withdrawal"  # 廃止


class NoticeState(enum.StrEnum):
    RECEIVED = "received"
    ENTERED = "entered"
    RETURNED = "returned"  # back to the enterer for correction
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ReceivedVia(enum.StrEnum):
    COUNTER = "counter"  # 窓口
    MAIL = "mail"  # 郵送


OPEN_STATES = (NoticeState.RECEIVED, NoticeState.ENTERED, NoticeState.RETURNED)

# (state, action) -> next state. Nothing else is possible.
TRANSITIONS: dict[tuple[NoticeState, str], NoticeState] = {
    (NoticeState.RECEIVED, "enter"): NoticeState.ENTERED,
    (NoticeState.RETURNED, "enter"): NoticeState.ENTERED,
    (NoticeState.ENTERED, "confirm"): NoticeState.CONFIRMED,
    (NoticeState.ENTERED, "reject"): NoticeState.REJECTED,
    (NoticeState.ENTERED, "return"): NoticeState.RETURNED,
    (NoticeState.RECEIVED, "reject"): NoticeState.REJECTED,
    (NoticeState.RETURNED, "reject"): NoticeState.REJECTED,
}

CHANGEABLE = [i.field for i in system_items() if i.changeable_by_notice and i.field in INPUT_FIELDS]


NoticeError = StepError  # one refusal type for both trails (models.registration.steps)

# What refuses a 廃止 (withdrawal): each (registrant, today) -> the reason, or None. Later
# domains add theirs here, one line each (the dependency points from here to them).
WITHDRAWAL_BLOCKERS: tuple[Callable[[Registrant, date], str | None], ...] = (
    withdrawal_problem,  # future bookings (models/reservation/registrants.py)
)


def check_withdrawal(notice_type: NoticeType, registrant: Registrant, today: date) -> None:
    """NoticeError when a withdrawal cannot be accepted now (future bookings, listed)."""
    if notice_type != NoticeType.WITHDRAWAL:
        return
    for blocker in WITHDRAWAL_BLOCKERS:
        if problem := blocker(registrant, today):
            raise NoticeError(problem)


class HistorySource(enum.StrEnum):
    """How a registrant's item came to change."""

    NOTICE = "notice"  # a confirmed 変更届
    CORRECTION = "correction"  # corrected before the registration was confirmed
    EDIT = "edit"  # an item no notice governs (circle publication fields, 活動調査)
    RENEWAL = "renewal"  # the term was renewed


class ChangeNotice(db.Model):
    __tablename__ = "change_notice"
    __table_args__ = (
        # One open notice per registrant, guaranteed by the database.
        Index(
            "uq_change_notice_open_per_registrant",
            "registrant_id",
            unique=True,
            sqlite_where=text("state IN ('received', 'entered', 'returned')"),
            postgresql_where=text("state IN ('received', 'entered', 'returned')"),
        ),
        Index("ix_change_notice_state_received", "state", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_number: Mapped[str] = mapped_column(String(20), unique=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"), index=True)
    notice_type: Mapped[NoticeType] = mapped_column(str_enum(NoticeType, "notice_type"))
    state: Mapped[NoticeState] = mapped_column(
        str_enum(NoticeState, "notice_state"), default=NoticeState.RECEIVED
    )
    received_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    received_on: Mapped[date]
    received_via: Mapped[ReceivedVia] = mapped_column(str_enum(ReceivedVia, "received_via"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    entered_on: Mapped[date | None]
    # The new values, staged until confirmation: {field: value as text}.
    staged_values: Mapped[dict | None] = mapped_column(JSON, info=PERSONAL)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registrant: Mapped[Registrant] = relationship()
    received_by: Mapped[StaffUser] = relationship(foreign_keys=[received_by_id])
    entered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[entered_by_id])
    decided_by: Mapped[StaffUser | None] = relationship(foreign_keys=[decided_by_id])

    def __str__(self) -> str:
        return self.notice_number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def age_days(self, today: date | None = None) -> int:
        return ((today or today_local()) - self.received_on).days

    def is_stale(self, today: date | None = None) -> bool:
        return self.is_open and self.age_days(today) > STALE_AFTER_DAYS


class RegistrantHistory(db.Model):
    """One changed field of a registrant: old → new, who, when, how (by which notice)."""

    __tablename__ = "registrant_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("change_notice.id"))
    source: Mapped[HistorySource] = mapped_column(
        str_enum(HistorySource, "history_source"), default=HistorySource.NOTICE
    )
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)
    new_value: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    notice: Mapped[ChangeNotice | None] = relationship()
    changed_by: Mapped[StaffUser] = relationship()


# --- who may do what -------------------------------------------------------------------------


def can_handle(access: Access, registrant: Registrant) -> bool:
    """Counter staff of the registrant's facility (receive and enter)."""
    return access.serves(registrant.facility_id)


def can_decide(access: Access, notice: ChangeNotice) -> bool:
    """The chief, or a designated confirmer, of the section the facility belongs to."""
    return access.may_confirm_for(notice.registrant.facility.section_id)


def _move(notice: ChangeNotice, action: str) -> NoticeState:
    target = TRANSITIONS.get((notice.state, action))
    if target is None:
        raise NoticeError(
            _l(
                "This notice cannot be %(action)s in its present state.",
                action=ACTION_LABELS[action],
            )
        )
    return target


ACTION_LABELS = {
    "enter": _l("entered"),
    "confirm": _l("confirmed"),
    "reject": _l("rejected"),
    "return": _l("returned for correction"),
}


# --- steps -----------------------------------------------------------------------------------


def receive(
    registrant: Registrant,
    by: StaffUser,
    *,
    notice_type: NoticeType,
    received_on: date,
    via: ReceivedVia,
    today: date | None = None,
) -> ChangeNotice:
    day = today or today_local()
    if not can_handle(access_of(by), registrant):
        raise NotAllowed(_l("You do not handle this facility."))
    if received_on > day:
        raise NoticeError(
            _l("The date of receipt cannot be in the future."),
            {"received_on": str(_l("The date of receipt cannot be in the future."))},
        )
    if problem := date_problem(received_on):
        raise NoticeError(problem, {"received_on": problem})
    if registrant.status == RegistrantStatus.PENDING:
        raise NoticeError(
            _l(
                "This registration is not confirmed yet: correct the entry "
                "itself; a change notice is for confirmed registrations."
            )
        )
    if not registrant.is_current(day):
        raise NoticeError(
            _l(
                "This registration has expired or was erased: no notice can be "
                "accepted. A new registration is needed."
            )
        )
    open_notice = open_notice_of(registrant.id)
    if open_notice is not None:
        raise NoticeError(
            _l(
                "Notice %(number)s for this registrant is still open.",
                number=open_notice.notice_number,
            )
        )
    check_withdrawal(notice_type, registrant, day)
    (number,) = reserve_numbers(NOTICE_SERIES, 1)
    notice = ChangeNotice(
        notice_number=number,
        registrant=registrant,
        notice_type=notice_type,
        state=NoticeState.RECEIVED,
        received_by=by,
        received_on=received_on,
        received_via=via,
    )
    db.session.add(notice)
    return notice


def open_notice_of(registrant_id: int) -> ChangeNotice | None:
    return db.session.scalar(
        select(ChangeNotice).where(
            ChangeNotice.registrant_id == registrant_id, ChangeNotice.state.in_(OPEN_STATES)
        )
    )


def changeable_fields(registrant: Registrant) -> list[str]:
    return [f for f in CHANGEABLE if applies(BY_FIELD[f], registrant.kind, registrant.facility)]


def as_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def enter(
    notice: ChangeNotice, by: StaffUser, new_values: dict[str, str], today: date | None = None
) -> ChangeNotice:
    """Stage the new values (validated like a registration); the registrant is not changed."""
    day = today or today_local()
    target = _move(notice, "enter")
    registrant = notice.registrant
    if not can_handle(access_of(by), registrant):
        raise NotAllowed(_l("You do not handle this facility."))
    staged: dict[str, str | None] = {}
    if notice.notice_type == NoticeType.CHANGE:
        fields = changeable_fields(registrant)
        typed = {f: v for f, v in new_values.items() if f in fields and (v or "").strip()}
        current = {f: getattr(registrant, f) for f in INPUT_FIELDS}
        clean, errors = clean_registrant({**current, **typed}, registrant.kind, registrant.facility)
        errors = {f: m for f, m in errors.items() if f in typed}
        if errors:
            raise NoticeError(_l("Please correct the marked items."), errors)
        staged = {
            f: as_text(clean[f])
            for f in typed
            if as_text(clean[f]) != as_text(getattr(registrant, f))
        }
        if not staged:
            raise NoticeError(_l("Enter at least one new value that differs from the current one."))
    notice.staged_values = staged
    notice.entered_by = by
    notice.entered_on = day
    notice.state = target
    notice.reason = None
    return notice


def confirm_notice(
    notice: ChangeNotice, by: StaffUser, now: datetime | None = None
) -> ChangeNotice:
    """Apply the staged values; exactly once even when two people click. Returns the notice as
    confirmed (a fresh copy); NoticeError or NotAllowed when it cannot be confirmed.

    The one service that commits, once and documented: after its checks it commits to end the
    reading transaction, so that the guarded UPDATE (… WHERE state = 'entered') is the first
    statement of a new one — on SQLite a write in a transaction that read before another
    writer's commit fails instead of waiting. Whatever the caller changed before calling it is
    committed with it. The rest (the claim and the new values) waits for the caller's commit.
    """
    db.session.flush()  # who entered it, as this session knows it, is in the columns below
    if notice.state in (NoticeState.CONFIRMED, NoticeState.REJECTED):
        raise NoticeError(ALREADY_PROCESSED)
    _move(notice, "confirm")
    if not can_decide(access_of(by), notice):
        raise NotAllowed(_l("Only the section chief or a designated confirmer can confirm."))
    if notice.entered_by_id == by.id:
        raise NotAllowed(_l("The person who entered a notice cannot confirm it."))
    at = now or now_utc()
    # Bookings made since the notice was received refuse it too (staff cancel them first).
    check_withdrawal(notice.notice_type, notice.registrant, today_local(at))
    notice_id, registrant_id, enterer = notice.id, notice.registrant_id, notice.entered_by_id
    db.session.commit()  # the documented exception: end the reading transaction (see above)
    # Still the entry checked above: returned and entered again meanwhile (by this very
    # person, in another tab) it is not claimed.
    claimed = db.session.execute(
        update(ChangeNotice)
        .where(
            ChangeNotice.id == notice_id,
            ChangeNotice.state == NoticeState.ENTERED,
            ChangeNotice.entered_by_id == enterer,
        )
        .values(state=NoticeState.CONFIRMED, decided_by_id=by.id, decided_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise NoticeError(ALREADY_PROCESSED)
    notice = db.session.get(ChangeNotice, notice_id, populate_existing=True)
    registrant = db.session.get(Registrant, registrant_id, populate_existing=True)
    with applying_notice(db.session):  # the one way a confirmed registrant's items change
        _apply(notice, registrant, by, at)
        db.session.flush()
    return notice


def _apply(notice: ChangeNotice, registrant: Registrant, by: StaffUser, at: datetime) -> None:
    if notice.notice_type == NoticeType.WITHDRAWAL:
        db.session.add(
            RegistrantHistory(
                registrant_id=registrant.id,
                notice_id=notice.id,
                field="status",
                old_value=registrant.status.value,
                new_value=RegistrantStatus.WITHDRAWN.value,
                changed_by_id=by.id,
                changed_at=at,
            )
        )
        registrant.status = RegistrantStatus.WITHDRAWN
        registrant.expired_on = today_local(at)
    else:
        staged = notice.staged_values or {}
        clean, _ = clean_registrant(
            {**{f: getattr(registrant, f) for f in INPUT_FIELDS}, **staged},
            registrant.kind,
            registrant.facility,
        )
        for field, new in staged.items():
            db.session.add(
                RegistrantHistory(
                    registrant_id=registrant.id,
                    notice_id=notice.id,
                    field=field,
                    old_value=as_text(getattr(registrant, field)),
                    new_value=new,
                    changed_by_id=by.id,
                    changed_at=at,
                )
            )
            setattr(registrant, field, clean[field])
        if "phone" in staged:
            registrant.phone_digits = phone_digits(registrant.phone)
    notice.staged_values = None  # applied: the history keeps old → new


def decide_against(
    notice: ChangeNotice, by: StaffUser, action: str, reason: str, now: datetime | None = None
) -> ChangeNotice:
    """Reject, or return for correction, with a reason."""
    target = _move(notice, action)
    if not can_decide(access_of(by), notice):
        raise NotAllowed(_l("Only the section chief or a designated confirmer can decide."))
    if problem := text_problem(reason):
        raise NoticeError(problem, {"reason": problem})
    reason = (reason or "").strip()
    if not visible(reason):
        raise NoticeError(_l("Enter the reason."), {"reason": str(_l("Enter the reason."))})
    if len(reason) > 500:
        raise NoticeError(
            _l("Enter at most %(n)s characters.", n=500),
            {"reason": str(_l("Enter at most %(n)s characters.", n=500))},
        )
    notice.state = target
    notice.decided_by = by
    notice.decided_at = now or now_utc()
    notice.reason = reason
    if target == NoticeState.REJECTED:
        notice.staged_values = None
    return notice
