"""The lottery's services: set up a lottery month, take and withdraw applications, draw, and
check a draw again from its recorded seed. They flush and never commit.

How the draw decides (printed with the results, so that anyone can check it):

1. A seed of 128 random bits is drawn (`secrets`) and recorded on the lottery before anything
   else; it is shown to staff and printed with the result.
2. Every application gets a lot: SHA-256 of "seed|受付番号|room id|day|slot" (hex). The lots
   order a slot's applicants uniformly at random — no application, number or time of entry
   is favoured — and the same seed and applications always give the same lots (no Python
   random generator, whose algorithms may change between versions).
3. Slots are decided one after the other in time order: by day, then start time, then room
   (id), then the longer slot first (全日 before 午前). For each slot its applicants are taken
   in order of their lots (lowest first): an applicant who already won `max_wins` slots is
   skipped (落選, cap); the first other applicant wins when the slot can still be booked —
   the registration current on the day, the room open, the slot (or a part of it) not won
   already — otherwise that application is refused (無効, with the reason) and the next one
   is tried. Everyone after the winner loses.
4. A win is a provisional booking 仮予約 whose deadline is the lottery's `confirm_by`: paid
   by then it is confirmed; unpaid, the daily job voids it (expired) and the slot is free for
   first-come booking, which opens on `first_come_on`.

`verify(lottery)` replays steps 2–3 from the recorded seed, applications and refusals and
reports every difference with what is stored.
"""

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from admin_app.extensions import db
from models.clock import now_utc, today_local
from models.errors import InputError
from models.organisation import Room
from models.registration.registrant import Registrant
from models.reservation.closures import closure_reason, closures_of
from models.reservation.fees import is_non_resident
from models.reservation.lottery import (
    Calendar,
    Lottery,
    LotteryApplication,
    Outcome,
    lottery_setting,
)
from models.reservation.notices import lottery_result_mail
from models.reservation.rooms import any_slot, slot_of
from models.reservation.rules import (
    BookingError,
    BookingNotAllowed,
    _book_one,
    check_registrant,
    check_staff,
    check_use,
    lock_registrant,
    write_lock,
)
from models.staff.accounts import StaffUser

ALREADY_DRAWN = _l("This lottery has already been drawn.")


class LotteryError(BookingError):
    """An application, withdrawal or draw that cannot be accepted (Japanese message, field)."""


# --- setting up -------------------------------------------------------------------------------


def open_lottery(
    facility_id: int,
    rooms: Sequence[Room],
    calendar: Calendar,
    *,
    max_applications: int | None = None,
    max_wins: int | None = None,
    residents_only: bool = False,
    by: StaffUser,
    now: datetime | None = None,
) -> Lottery:
    """A lottery month for some rooms of a facility (one per facility and month)."""
    at = now or now_utc()
    check_staff(by, facility_id, at)
    if not rooms:
        raise LotteryError(_l("Choose at least one room."), field="rooms")
    if any(room.facility_id != facility_id for room in rooms):
        raise LotteryError(_l("Choose rooms of this facility."), field="rooms")
    c = calendar
    if not (c.opens_on <= c.closes_on < c.draws_on <= c.first_come_on <= c.month):
        raise LotteryError(
            _l(
                "The dates must follow each other: applications open, close, the draw, "
                "first-come booking — all before the month of use."
            ),
            field="opens_on",
        )
    if not c.draws_on <= c.confirm_by < c.month:
        raise LotteryError(
            _l("The confirmation deadline must be after the draw and before the month of use."),
            field="confirm_by",
        )
    if c.closes_on < today_local(at):
        raise LotteryError(_l("The application period has already ended."), field="closes_on")
    taken = db.session.scalar(
        select(Lottery.id).where(Lottery.facility_id == facility_id, Lottery.month == c.month)
    )
    if taken is not None:
        raise LotteryError(_l("This facility already has a lottery for this month."), field="month")
    lottery = Lottery(
        facility_id=facility_id,
        month=c.month,
        opens_on=c.opens_on,
        closes_on=c.closes_on,
        draws_on=c.draws_on,
        first_come_on=c.first_come_on,
        confirm_by=c.confirm_by,
        max_applications=max_applications or lottery_setting("LOTTERY_MAX_APPLICATIONS"),
        max_wins=max_wins or lottery_setting("LOTTERY_MAX_WINS"),
        residents_only=residents_only,
        rooms=list(rooms),
        created_by=by,
        created_at=at,
    )
    db.session.add(lottery)
    db.session.flush()
    return lottery


# --- applications -----------------------------------------------------------------------------


def applications_of(lottery: Lottery, registrant: Registrant) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LotteryApplication)
        .where(
            LotteryApplication.lottery_id == lottery.id,
            LotteryApplication.registrant_id == registrant.id,
            LotteryApplication.withdrawn_at.is_(None),
        )
    )


def apply(
    lottery: Lottery,
    registrant: Registrant,
    room: Room,
    day: date,
    slot: str,
    *,
    people: int | None,
    purpose: str | None,
    by: StaffUser,
    now: datetime | None = None,
) -> LotteryApplication:
    """Enter a registrant's application for one slot 抽選申込 (at the counter, from the paper
    form) within the application period; LotteryError when refused."""
    at = now or now_utc()
    today = today_local(at)
    check_staff(by, lottery.facility_id, at)
    if not lottery.is_open(today):
        if lottery.is_drawn:
            raise LotteryError(ALREADY_DRAWN, field="day")
        raise LotteryError(
            _l(
                "Applications for this lottery are taken from %(first)s to %(last)s.",
                first=lottery.opens_on.isoformat(),
                last=lottery.closes_on.isoformat(),
            ),
            field="day",
        )
    if room.id not in {r.id for r in lottery.rooms}:
        raise LotteryError(_l("This room is not in the lottery."), field="room")
    if day.replace(day=1) != lottery.month:
        raise LotteryError(
            _l("Choose a day in %(month)s.", month=lottery.month.strftime("%Y-%m")), field="day"
        )
    try:
        the_slot = slot_of(room, slot)
    except InputError as error:
        raise LotteryError(error.message, field="slot") from None
    lock_registrant(registrant)
    _lock_lottery(lottery)
    check_registrant(registrant, room, day)
    if lottery.residents_only and is_non_resident(registrant):
        raise LotteryError(
            _l("This lottery is for registrants living or working in the city (市内) only."),
            field="registrant",
        )
    purpose = check_use(room, people, purpose)
    reason = closure_reason(room, day, the_slot, closures_of(room.facility_id))
    if reason is not None:
        raise LotteryError(_l("Closed: %(reason)s", reason=reason), field="day")
    if applications_of(lottery, registrant) >= lottery.max_applications:
        raise LotteryError(
            _l(
                "The registrant has already applied for %(n)s slots in this lottery, the most "
                "allowed.",
                n=lottery.max_applications,
            ),
            field="registrant",
        )
    duplicate = db.session.scalar(
        select(LotteryApplication.number).where(
            LotteryApplication.lottery_id == lottery.id,
            LotteryApplication.registrant_id == registrant.id,
            LotteryApplication.room_id == room.id,
            LotteryApplication.day == day,
            LotteryApplication.slot == the_slot.code,
            LotteryApplication.withdrawn_at.is_(None),
        )
    )
    if duplicate is not None:
        raise LotteryError(
            _l(
                "The registrant has already applied for this slot (application %(number)s).",
                number=f"{duplicate:04d}",
            ),
            field="slot",
        )
    number = (
        db.session.scalar(
            select(func.max(LotteryApplication.number)).where(
                LotteryApplication.lottery_id == lottery.id
            )
        )
        or 0
    ) + 1
    application = LotteryApplication(
        lottery=lottery,
        number=number,
        registrant=registrant,
        room=room,
        day=day,
        slot=the_slot.code,
        people=people,
        purpose=purpose,
        created_by=by,
        created_at=at,
    )
    db.session.add(application)
    db.session.flush()
    return application


def withdraw(
    application: LotteryApplication, *, by: StaffUser, now: datetime | None = None
) -> LotteryApplication:
    """取下げ: the registrant takes an application back before the draw."""
    at = now or now_utc()
    lottery = application.lottery
    check_staff(by, lottery.facility_id, at)
    _lock_lottery(lottery)
    if lottery.is_drawn:
        raise LotteryError(ALREADY_DRAWN, field="state")
    if not application.is_active:
        raise LotteryError(_l("This application was already withdrawn."), field="state")
    application.withdrawn_at, application.withdrawn_by_id = at, by.id
    db.session.flush()
    return application


def _lock_lottery(lottery: Lottery) -> None:
    """Serialise applications and the draw of one lottery (numbers, caps, drawn once)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Lottery.id).where(Lottery.id == lottery.id).with_for_update())
    else:
        write_lock()
    db.session.refresh(lottery, ["drawn_at", "seed"])


# --- the draw ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the draw reads of one application."""

    id: int
    number: int
    registrant_id: int
    room_id: int
    day: date
    slot: str


def lot_of(seed: str, entry: Entry) -> str:
    """The application's lot (step 2 of the module's docstring)."""
    material = f"{seed}|{entry.number}|{entry.room_id}|{entry.day.isoformat()}|{entry.slot}"
    return hashlib.sha256(material.encode()).hexdigest()


def slot_key(entry: Entry) -> tuple:
    """The order slots are decided in (step 3): day, start, room, longer first."""
    slot = any_slot(entry.slot)
    return (entry.day, slot.start, entry.room_id, -len(slot.part_slots), entry.slot)


@dataclass(frozen=True)
class Decision:
    entry: Entry
    lot: str
    place: int  # 1 = the lowest lot of its slot
    outcome: Outcome


def plan(
    seed: str,
    entries: Iterable[Entry],
    max_wins: int,
    can_book: Callable[[Entry], str | None],
) -> list[Decision]:
    """Steps 2–3: the decisions, slot by slot. `can_book(entry)` books the win and returns
    None, or returns why it cannot be booked (the application is then refused)."""
    slots: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in entries:
        slots[slot_key(entry)].append(entry)
    wins: dict[int, int] = defaultdict(int)
    decisions: list[Decision] = []
    for key in sorted(slots):
        ranked = sorted(slots[key], key=lambda e: (lot_of(seed, e), e.number))
        decided = False
        for place, entry in enumerate(ranked, start=1):
            lot = lot_of(seed, entry)
            if decided:
                outcome = Outcome.LOST
            elif wins[entry.registrant_id] >= max_wins:
                outcome = Outcome.CAPPED
            elif can_book(entry) is not None:
                outcome = Outcome.REFUSED
            else:
                outcome, decided = Outcome.WON, True
                wins[entry.registrant_id] += 1
            decisions.append(Decision(entry, lot, place, outcome))
    return decisions


def new_seed() -> str:
    return secrets.token_hex(16)


def draw(
    lottery: Lottery,
    *,
    by: StaffUser | None,
    now: datetime | None = None,
    seed: str | None = None,
) -> list[LotteryApplication]:
    """Draw the lottery (the daily job on `draws_on`: by=None; the chief's button once
    applications have closed). Records the seed first; returns the applications decided."""
    at = now or now_utc()
    today = today_local(at)
    if by is not None:
        check_staff(by, lottery.facility_id, at)
    _lock_lottery(lottery)
    if lottery.is_drawn:
        raise LotteryError(ALREADY_DRAWN, field="state")
    if today <= lottery.closes_on:
        raise LotteryError(
            _l(
                "Applications are taken until %(date)s; draw after that.",
                date=lottery.closes_on.isoformat(),
            ),
            field="state",
        )
    lottery.seed = seed or new_seed()
    lottery.drawn_at, lottery.drawn_by = at, by
    db.session.flush()
    applications = {
        a.id: a
        for a in db.session.scalars(
            select(LotteryApplication)
            .where(
                LotteryApplication.lottery_id == lottery.id,
                LotteryApplication.withdrawn_at.is_(None),
            )
            .order_by(LotteryApplication.number)
        )
    }

    def book_win(entry: Entry) -> str | None:
        application = applications[entry.id]
        try:
            application.booking = _book_one(
                application.registrant,
                application.room,
                application.day,
                slot_of(application.room, application.slot),
                people=application.people,
                purpose=application.purpose or "",
                admission=False,
                reduction=None,
                by=application.created_by,
                at=at,
                won_until=lottery.confirm_by,
            )
        except (BookingError, InputError) as error:
            if isinstance(error, BookingNotAllowed):
                raise
            application.refusal = str(error)[:200]
            return application.refusal
        return None

    decisions = plan(
        lottery.seed, [_entry(a) for a in applications.values()], lottery.max_wins, book_win
    )
    for decision in decisions:
        application = applications[decision.entry.id]
        application.lot, application.place = decision.lot, decision.place
        application.outcome = decision.outcome
    db.session.flush()
    decided = [applications[d.entry.id] for d in decisions]
    mail_results(lottery, decided, at)
    return decided


def mail_results(lottery: Lottery, decided: list[LotteryApplication], at: datetime) -> None:
    """Each applicant with an address and consent gets one mail: the slots won (provisional
    bookings, with the deadline) and the slots not won. A mail failure is recorded, never
    raised (models.reservation.notices)."""
    by_registrant: dict[int, list[LotteryApplication]] = defaultdict(list)
    for application in decided:
        by_registrant[application.registrant_id].append(application)
    key = f"lottery:{lottery.id}"
    for applications in by_registrant.values():
        won = [a.booking for a in applications if a.outcome == Outcome.WON]
        lost = [(a.room, a.day, a.slot) for a in applications if a.outcome != Outcome.WON]
        lottery_result_mail(applications[0].registrant, won, lost, key=key, now=at)


def _entry(application: LotteryApplication) -> Entry:
    return Entry(
        application.id,
        application.number,
        application.registrant_id,
        application.room_id,
        application.day,
        application.slot,
    )


def verify(lottery: Lottery) -> list[str]:
    """Replay the draw from its recorded seed; the differences with what is stored (empty:
    the stored result is exactly what the seed and the applications give)."""
    if not lottery.is_drawn:
        return []
    stored = {
        a.id: a
        for a in db.session.scalars(
            select(LotteryApplication).where(
                LotteryApplication.lottery_id == lottery.id,
                LotteryApplication.withdrawn_at.is_(None),
            )
        )
    }

    def recorded_refusal(entry: Entry) -> str | None:
        application = stored[entry.id]
        return application.refusal if application.outcome == Outcome.REFUSED else None

    differences = []
    for decision in plan(
        lottery.seed, [_entry(a) for a in stored.values()], lottery.max_wins, recorded_refusal
    ):
        application = stored[decision.entry.id]
        if (application.lot, application.place, application.outcome) != (
            decision.lot,
            decision.place,
            decision.outcome,
        ):
            differences.append(
                f"{application.number:04d}: {application.outcome} ≠ {decision.outcome}"
            )
    return differences


def due_draws(day: date) -> list[Lottery]:
    """Lotteries whose draw day has come and that are not drawn yet (the daily job)."""
    return list(
        db.session.scalars(
            select(Lottery)
            .where(Lottery.draws_on <= day, Lottery.drawn_at.is_(None))
            .order_by(Lottery.id)
        )
    )


@dataclass
class SlotResult:
    """One slot of a lottery: its applications in the order decided (by 受付番号 before the
    draw), and the winning one."""

    room: Room
    day: date
    slot: str
    applications: list[LotteryApplication]

    @property
    def winner(self) -> LotteryApplication | None:
        return next((a for a in self.applications if a.outcome == Outcome.WON), None)


def slot_results(lottery: Lottery) -> list[SlotResult]:
    """The lottery's slots in the draw's order (step 3), each with its active applications."""
    active = [a for a in lottery.applications if a.is_active]
    grouped: dict[tuple, list[LotteryApplication]] = defaultdict(list)
    for application in active:
        grouped[slot_key(_entry(application))].append(application)
    return [
        SlotResult(
            apps[0].room,
            apps[0].day,
            apps[0].slot,
            sorted(apps, key=lambda a: (a.place or 0, a.number)),
        )
        for _, apps in sorted(grouped.items())
    ]
