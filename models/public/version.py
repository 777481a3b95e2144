"""The version stamp of everything the public site shows.

Bumped in the same transaction as any change to a published record, so cached public pages
and their ETags change the moment staff save. Reading it costs a query; on PostgreSQL each
worker instead LISTENs for the bump's NOTIFY and re-reads only after one arrived (checking for
one costs microseconds, no round trip), and a process that commits a change forgets its copy at
once.
"""

import os
import threading
from contextlib import suppress
from datetime import datetime

import psycopg
from sqlalchemy import Engine, String, event, insert, select, text, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, UOWTransaction, mapped_column

from admin_app.extensions import db
from models.clock import now_utc
from models.organisation import Facility, Room
from models.public.talent import TalentEntry
from models.registration.registrant import Registrant
from models.reservation.booking import Booking, BookingHold
from models.reservation.closures import Closure
from models.reservation.fees import RoomFee
from models.reservation.lottery import Lottery
from models.types import UTCDateTime

CHANNEL = "public_version"
# The availability calendar 空き状況 shows bookings (any new, cancelled or expired one), rooms,
# closures, fees and lottery months: each booking bumps the one row, so bookings commit one
# after another.
PUBLISHED_MODELS = (
    Registrant,
    TalentEntry,
    Facility,
    Room,
    RoomFee,
    Closure,
    Booking,
    BookingHold,
    Lottery,
)
NEVER = datetime(2000, 1, 1).astimezone()


class PublicVersion(db.Model):
    """One row (id 1): a counter and when it last moved."""

    __tablename__ = "public_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    note: Mapped[str | None] = mapped_column(String(40))


@event.listens_for(Session, "before_flush")
def _note_public_changes(
    session: Session, flush_context: UOWTransaction, instances: object
) -> None:
    if any(
        isinstance(o, PUBLISHED_MODELS) for o in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info["public_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_changes(state: ORMExecuteState) -> None:
    """A guarded UPDATE (a booking's state, its holds released) changes rows without a flush."""
    if state.is_select or state.bind_mapper is None:
        return
    if issubclass(state.bind_mapper.class_, PUBLISHED_MODELS):
        state.session.info["public_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    """Once per transaction, last: the one row is locked only while this commits (bookings,
    which bump it, wait for each other no longer than that, and never while holding it)."""
    session.flush()  # what is still pending is noted by before_flush
    if not session.info.pop("public_changed", False):
        return
    bumped = session.execute(
        update(PublicVersion)
        .where(PublicVersion.id == 1)
        .values(counter=PublicVersion.counter + 1, changed_at=now_utc())
    )
    if bumped.rowcount == 0:  # a database emptied by hand: start the stamp again
        session.execute(insert(PublicVersion).values(id=1, counter=1, changed_at=now_utc()))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))  # delivered if and when this commits
    session.info["public_bumped"] = True


@event.listens_for(Session, "after_commit")
def _forget_after_own_change(session: Session) -> None:
    if session.info.pop("public_bumped", False):
        _watcher.forget()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop("public_bumped", None)
    session.info.pop("public_changed", None)


_VERSION = select(PublicVersion.counter, PublicVersion.changed_at).where(PublicVersion.id == 1)


def _read(engine: Engine) -> tuple[int, datetime]:
    with engine.connect() as conn:
        row = conn.execute(_VERSION).one_or_none()
    return (row.counter, row.changed_at) if row else (0, NEVER)


class _Watcher:
    """One per worker process: its copy of the stamp and, on PostgreSQL, its listening
    connection (its own, outside the pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listener = None  # (process, engine, psycopg connection)
        self._version: tuple[int, datetime] | None = None

    def forget(self) -> None:
        self._version = None

    def current(self, engine: Engine) -> tuple[int, datetime]:
        if engine.dialect.name != "postgresql":
            return _read(engine)  # SQLite: a local read is cheaper than any bookkeeping
        with self._lock:
            try:
                self._listen(engine)
                if any(True for _ in self._listener[2].notifies(timeout=0)):
                    self._version = None  # something was published or withdrawn
            except psycopg.Error:  # the listening connection broke: read, listen again later
                self.close()
            if self._version is None or self._listener is None:
                self._version = _read(engine)
            return self._version

    def _listen(self, engine: Engine) -> None:
        owner = (os.getpid(), id(engine))
        if self._listener is not None and self._listener[:2] == owner:
            return
        url = engine.url.set(drivername="postgresql")
        conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")  # before the read below: no change slips between
        self._listener, self._version = (*owner, conn), None

    def close(self) -> None:
        if self._listener is not None and self._listener[0] == os.getpid():
            with suppress(psycopg.Error):  # already broken: nothing to close
                self._listener[2].close()
        self._listener, self._version = None, None


_watcher = _Watcher()


def current_version(engine: Engine | None = None) -> tuple[int, datetime]:
    """(counter, changed_at) of what the public site shows now."""
    return _watcher.current(engine or db.engine)


def stop_watching() -> None:
    """Before the database is reset or the engine disposed (tests, benchmarks)."""
    _watcher.close()
