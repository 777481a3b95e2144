"""Mail to registrants about their bookings お知らせメール: a reminder before the day of use,
the lottery's result; each mail recorded as a MailNotice, so it is sent once and staff see it.

Only a registrant with an e-mail address AND consent to mail (Registrant.mail_consent, the
paper form's checkbox) is mailed. A mail that fails is caught, logged and recorded FAILED; the
next days' jobs try it again (MAIL_MAX_ATTEMPTS in all) — a mail problem never stops a booking
or the daily job. The mails carry the registration number, not the name (no more personal data
than the message needs).

    send_to_registrant(registrant, kind, key, subject, body, *, booking=None, now=None)
        -> MailNotice | None     None: no address or no consent (nothing recorded)
    lottery_result_mail(registrant, won, lost, *, key, now=None) -> MailNotice | None
    send_reminders(day, now=None) -> (sent, failed);  retry_failed(day, now=None) -> (sent, failed)
    reminder_of(booking) -> MailNotice | None   (the booking's page)
"""

import enum
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, exists, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from admin_app.extensions import db, mail
from models.clock import now_utc
from models.organisation import Room
from models.registration.registrant import Registrant
from models.reservation.booking import ACTIVE_STATES, Booking
from models.reservation.rooms import slot_of
from models.types import UTCDateTime, str_enum

log = logging.getLogger(__name__)

MAIL_LOCALE = "ja"  # registrants are mailed in Japanese, whatever language the clerk reads
SUBJECT_MAX = 200


class NoticeKind(enum.StrEnum):
    REMINDER = "reminder"  # 利用日のお知らせ, MAIL_REMINDER_DAYS before the day of use
    LOTTERY_RESULT = "lottery_result"  # 抽選結果


class MailState(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"  # tried again by the next days' jobs, up to MAIL_MAX_ATTEMPTS in all


class MailNotice(db.Model):
    """One mail to one registrant about one thing (kind + key), at most once."""

    __tablename__ = "mail_notice"
    __table_args__ = (UniqueConstraint("registrant_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(ForeignKey("registrant.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    key: Mapped[str] = mapped_column(String(40))  # what it is about: a booking id, a lottery
    state: Mapped[MailState] = mapped_column(str_enum(MailState, "mail_state"))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(100))  # the last failure, no address
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body: Mapped[str | None] = mapped_column(Text)  # kept only until sent (for the retry)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registrant: Mapped[Registrant] = relationship()
    booking: Mapped[Booking | None] = relationship()


def may_mail(registrant: Registrant) -> bool:
    """An address and consent to mail (an erased registrant has neither)."""
    return bool(registrant.email and registrant.mail_consent)


def send_to_registrant(
    registrant: Registrant,
    kind: NoticeKind,
    key: str,
    subject: str,
    body: str,
    *,
    booking: Booking | None = None,
    now: datetime | None = None,
) -> MailNotice | None:
    """Mail the registrant once about (kind, key); flushes, never commits, never raises for a
    mail failure (recorded FAILED, tried again by `retry_failed`). None when the registrant
    may not be mailed; the existing notice, untouched, when it was sent or given up."""
    if not may_mail(registrant):
        return None
    notice = db.session.scalar(
        select(MailNotice).where(
            MailNotice.registrant_id == registrant.id,
            MailNotice.kind == kind,
            MailNotice.key == key,
        )
    )
    if notice is None:
        notice = MailNotice(
            registrant=registrant,
            booking=booking,
            kind=kind,
            key=key,
            state=MailState.FAILED,
            attempts=0,
            subject=subject[:SUBJECT_MAX],
            body=body,
        )
        db.session.add(notice)
    elif notice.state == MailState.SENT or notice.attempts >= max_attempts():
        return notice
    _attempt(notice, registrant.email, now)
    db.session.flush()
    return notice


def _attempt(notice: MailNotice, address: str, now: datetime | None) -> None:
    notice.attempts += 1
    try:
        mail.send(address, notice.subject, notice.body or "")
    except mail.Error as error:
        # Logged without the address; the job's report counts it, the booking's page shows it.
        log.warning(
            "mail %s %s failed (attempt %s): %s", notice.kind, notice.key, notice.attempts, error
        )
        notice.state, notice.error = MailState.FAILED, str(error)[:100]
        return
    notice.state, notice.error = MailState.SENT, None
    notice.sent_at, notice.body = now or now_utc(), None


def max_attempts() -> int:
    return int(current_app.config["MAIL_MAX_ATTEMPTS"])


# --- reminders --------------------------------------------------------------------------------


def _render(template: str, **context: object) -> tuple[str, str]:
    """(subject, body) of a mail template: its first line is the subject, the rest the body."""
    with force_locale(MAIL_LOCALE):
        text = render_template(template, **context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.lstrip("\n")


def send_reminder(booking: Booking, now: datetime | None = None) -> MailNotice | None:
    """The reminder of one booking (facility, room, Japanese date, slot, fee, what to bring)."""
    subject, body = _render(
        "mail/reminder.txt",
        booking=booking,
        slot=slot_of(booking.room, booking.slot),
        registrant=booking.registrant,
    )
    return send_to_registrant(
        booking.registrant,
        NoticeKind.REMINDER,
        str(booking.id),
        subject,
        body,
        booking=booking,
        now=now,
    )


def due_reminders(day: date) -> list[Booking]:
    """Active bookings used within MAIL_REMINDER_DAYS after `day` whose registrant may be
    mailed and who had no reminder yet (a booking made late still gets one)."""
    days = int(current_app.config["MAIL_REMINDER_DAYS"])
    reminded = exists().where(
        MailNotice.booking_id == Booking.id, MailNotice.kind == NoticeKind.REMINDER
    )
    return list(
        db.session.scalars(
            select(Booking)
            .join(Registrant, Registrant.id == Booking.registrant_id)
            .options(joinedload(Booking.registrant), joinedload(Booking.room))
            .where(
                Booking.state.in_(ACTIVE_STATES),
                Booking.day > day,
                Booking.day <= day + timedelta(days=days),
                Registrant.email.is_not(None),
                Registrant.email != "",
                Registrant.mail_consent.is_(True),
                ~reminded,
            )
            .order_by(Booking.day, Booking.id)
        )
    )


def send_reminders(day: date, now: datetime | None = None) -> tuple[int, int]:
    """Reminders of the bookings due (the daily job); (sent, failed)."""
    notices = [send_reminder(booking, now) for booking in due_reminders(day)]
    return _count(notices)


def retry_failed(day: date, now: datetime | None = None) -> tuple[int, int]:
    """Try the failed mails again (not given up; a reminder only while its booking is active
    and ahead); (sent, failed)."""
    failed = db.session.scalars(
        select(MailNotice)
        .outerjoin(Booking, Booking.id == MailNotice.booking_id)
        .options(joinedload(MailNotice.registrant))
        .where(
            MailNotice.state == MailState.FAILED,
            MailNotice.attempts < max_attempts(),
            (MailNotice.booking_id.is_(None))
            | (Booking.state.in_(ACTIVE_STATES) & (Booking.day > day)),
        )
        .order_by(MailNotice.id)
    ).all()
    notices = []
    for notice in failed:
        if may_mail(notice.registrant):  # consent withdrawn or erased since: not again
            _attempt(notice, notice.registrant.email, now)
            notices.append(notice)
    db.session.flush()
    return _count(notices)


def _count(notices: Sequence[MailNotice | None]) -> tuple[int, int]:
    sent = sum(1 for n in notices if n is not None and n.state == MailState.SENT)
    failed = sum(1 for n in notices if n is not None and n.state == MailState.FAILED)
    return sent, failed


def reminder_of(booking: Booking) -> MailNotice | None:
    """The booking's reminder, as its page shows it."""
    return db.session.scalar(
        select(MailNotice).where(
            MailNotice.booking_id == booking.id, MailNotice.kind == NoticeKind.REMINDER
        )
    )


# --- the lottery's result ---------------------------------------------------------------------


def lottery_result_mail(
    registrant: Registrant,
    won: Sequence[Booking],
    lost: Sequence[tuple[Room, date, str]],
    *,
    key: str,
    now: datetime | None = None,
) -> MailNotice | None:
    """Mail one registrant the result of one draw: `won` the provisional bookings it won (with
    their confirmation deadline), `lost` the (room, day, slot code) applied for and not won.
    `key` names the draw (at most 40 characters, e.g. "2027-02:12" = month and facility id):
    one mail per registrant and key. Flushes, never commits, never raises for a mail failure."""
    subject, body = _render(
        "mail/lottery_result.txt",
        registrant=registrant,
        won=[(b, slot_of(b.room, b.slot)) for b in sorted(won, key=lambda b: (b.day, b.id))],
        lost=[
            (room, day, slot_of(room, code)) for room, day, code in sorted(lost, key=lambda x: x[1])
        ],
    )
    return send_to_registrant(registrant, NoticeKind.LOTTERY_RESULT, key, subject, body, now=now)
