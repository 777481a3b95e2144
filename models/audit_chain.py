"""The access log's hash chain: each row carries an HMAC of its content and of the previous
row's hash, so a changed, deleted or inserted row breaks the chain — even if someone with
database access dropped the append-only triggers first, since the key is not in the database.

Appending takes the chain head's lock for one short transaction (a row lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite): log writes queue for about a millisecond, requests do not.
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update

from models.access_log import AccessLog, AccessLogHead
from models.clock import as_utc

GENESIS = "0" * 64
CHAINED = ("id", "at", "user_id", "section_id", "endpoint", "record_ids", "action", "method",
           "remote_addr", "status")


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if "|" in text or "\\" in text:  # keep fields unambiguous
        text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text


def canonical_fields(row_id: int, at: datetime, user_id, section_id, endpoint, record_ids,
                     action, method, remote_addr, status) -> bytes:
    """The row as bytes: every chained field, in order, unambiguous (the hot path of verify)."""
    if at.tzinfo is not UTC:
        at = as_utc(at).astimezone(UTC)
    return (f"{row_id}|{at.isoformat(timespec='microseconds')}|"
            f"{'' if user_id is None else user_id}|{'' if section_id is None else section_id}|"
            f"{_text(endpoint)}|{_text(record_ids)}|{getattr(action, 'value', action)}|"
            f"{_text(method)}|{_text(remote_addr)}|{status}").encode()


def canonical(values: dict) -> bytes:
    return canonical_fields(*(values[name] for name in CHAINED))


def row_hash(key: bytes, prev_hash: str, values: dict) -> str:
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(values),
                    hashlib.sha256).hexdigest()


# Built once, on the tables themselves (Core, no ORM layer): appending runs on every request.
_head, _log = AccessLogHead.__table__, AccessLog.__table__
_HEAD = select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == 1)
_HEAD_LOCKED = _HEAD.with_for_update()
_INSERT = insert(_log)
_MOVE_HEAD = update(_head).where(_head.c.id == 1).values(
    last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))


# PostgreSQL: move the head only if it is where we think it is, and insert in the same
# statement — one round trip when this process's idea of the head is current, a re-read when
# another worker moved it first (the row lock on the head decides who wins).
_CAS_APPEND = text(
    "WITH moved AS (UPDATE access_log_head SET last_id = :id, last_hash = :row_hash "
    "WHERE id = 1 AND last_id = :prev_id AND last_hash = :prev_hash RETURNING last_id) "
    "INSERT INTO access_log (id, at, user_id, section_id, endpoint, record_ids, action, method, "
    "remote_addr, status, prev_hash, row_hash) SELECT :id, :at, :user_id, :section_id, "
    ":endpoint, :record_ids, :action, :method, :remote_addr, :status, :prev_hash, :row_hash "
    "FROM moved").bindparams(bindparam("at", type_=AccessLog.__table__.c.at.type))
_known_heads: dict[int, tuple[int, str]] = {}  # per engine, in this process


def append(engine: Engine, key: bytes, values: dict) -> int:
    """Add one row at the end of the chain; returns its id."""
    if engine.dialect.name != "sqlite":
        # One statement is atomic by itself: autocommit saves the BEGIN and COMMIT trips.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return _append_optimistic(engine, conn, key, values)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading
        last_id, prev = conn.execute(_HEAD).one()
        row = {**values, "id": last_id + 1}
        digest = row_hash(key, prev, row)
        conn.execute(_INSERT, {**row, "prev_hash": prev, "row_hash": digest})
        conn.execute(_MOVE_HEAD, {"new_id": row["id"], "new_hash": digest})
        conn.commit()
        return row["id"]


def _append_optimistic(engine: Engine, conn: Connection, key: bytes, values: dict) -> int:
    action = getattr(values["action"], "value", values["action"])
    for _ in range(50):
        head = _known_heads.get(id(engine))
        if head is None:
            head = tuple(conn.execute(_HEAD).one())
        last_id, prev = head
        row = {**values, "id": last_id + 1}
        digest = row_hash(key, prev, row)
        inserted = conn.execute(_CAS_APPEND, {**row, "action": action, "prev_id": last_id,
                                              "prev_hash": prev, "row_hash": digest}).rowcount
        if inserted == 1:
            _known_heads[id(engine)] = (row["id"], digest)
            return row["id"]
        _known_heads.pop(id(engine), None)  # someone else moved the head: look again
    raise RuntimeError("could not append to the access log")


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    unchained: int = 0  # rows written before the chain began (if the log predates it)
    broken_id: int | None = None
    problem: str = ""


def verify(conn: Connection, key: bytes, batch: int = 20_000,
           progress: Callable[[int], None] = lambda n: None) -> VerifyResult:
    """Walk the whole chain in id order; report the first broken link."""
    head = conn.execute(select(AccessLogHead).where(AccessLogHead.id == 1)).one()
    columns = [getattr(AccessLog, name) for name in CHAINED] + [AccessLog.prev_hash,
                                                                AccessLog.row_hash]
    prev, expected_id, checked, unchained, after = GENESIS, head.first_id, 0, 0, 0
    while True:
        rows = conn.execute(select(*columns).where(AccessLog.id > after)
                            .order_by(AccessLog.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            if row.id < head.first_id:
                unchained += 1
                continue
            if row.id != expected_id:
                kind = "missing row(s) before it" if row.id > expected_id else "unexpected id"
                return VerifyResult(False, checked, unchained, row.id, kind)
            if row.prev_hash != prev:
                return VerifyResult(False, checked, unchained, row.id,
                                    "does not link to the previous row (deleted or inserted)")
            digest = hmac.new(key, prev.encode() + b"|" + canonical_fields(*row[:len(CHAINED)]),
                              hashlib.sha256).hexdigest()
            if not hmac.compare_digest(row.row_hash or "", digest):
                return VerifyResult(False, checked, unchained, row.id, "content changed")
            prev, expected_id, checked = row.row_hash, expected_id + 1, checked + 1
        after = rows[-1].id
        progress(checked + unchained)
    if prev != head.last_hash or expected_id - 1 != head.last_id:
        return VerifyResult(False, checked, unchained, head.last_id,
                            "rows at the end of the log are missing")
    return VerifyResult(True, checked, unchained)


def chain_rows(key: bytes, start_id: int, prev_hash: str,
               rows: Iterable[dict]) -> tuple[list[dict], int, str]:
    """Hash a batch of rows in order (for bulk loads such as the benchmark)."""
    out, next_id = [], start_id
    for values in rows:
        row = {**values, "id": next_id}
        digest = row_hash(key, prev_hash, row)
        out.append({**row, "prev_hash": prev_hash, "row_hash": digest})
        prev_hash, next_id = digest, next_id + 1
    return out, next_id - 1, prev_hash
