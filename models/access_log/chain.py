"""The access log's hash chain: each row carries an HMAC of its content and of the previous
row's hash, so a changed, deleted or inserted row breaks the chain — even if someone with
database access dropped the append-only triggers first, since the key is not in the database.

The log is LANES chains side by side (a lane is a row of `access_log_head`), so that writers
do not queue behind one head: on PostgreSQL each worker process appends to its own lane with
one statement that moves the lane's head only if it is where the process last left it (a
compare-and-set; a re-read when another process shares the lane). Ids come from the table's
sequence in blocks, increasing along every lane. SQLite has one writer at a time anyway: it
appends to lane 1 under BEGIN IMMEDIATE. `verify` walks all rows in id order and follows
every lane at once.
"""

import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from models.access_log.entries import AccessAction, AccessLog, AccessLogHead
from models.clock import as_utc
from models.kept_connection import KeptConnection, close_kept_connections

GENESIS = "0" * 64
LANES = 16  # head rows 1..LANES, created by the migration
LEGACY_LANE = 1  # the first lane; rows before it began are "unchained"
ID_BLOCK = 64
CHAINED = (
    "id",
    "at",
    "user_id",
    "section_id",
    "endpoint",
    "record_ids",
    "action",
    "method",
    "remote_addr",
    "status",
)


# The chain's keys, oldest first, the current one last (AUDIT_CHAIN_OLD_KEYS + AUDIT_CHAIN_KEY):
# after a rotation, rows written before it verify with the key they were written with.
Keys = bytes | Sequence[bytes]


def as_keys(keys: Keys) -> tuple[bytes, ...]:
    return (keys,) if isinstance(keys, bytes) else tuple(keys)


def _text(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if "|" in text or "\\" in text:  # keep fields unambiguous
        text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text


def canonical_fields(
    row_id: int,
    at: datetime,
    user_id: int | None,
    section_id: int | None,
    endpoint: str,
    record_ids: str | None,
    action: AccessAction | str,
    method: str,
    remote_addr: str | None,
    status: int,
) -> bytes:
    """The row as bytes: every chained field, in order, unambiguous (the hot path of verify)."""
    if at.tzinfo is not UTC:
        at = as_utc(at).astimezone(UTC)
    return (
        f"{row_id}|{at.isoformat(timespec='microseconds')}|"
        f"{'' if user_id is None else user_id}|{'' if section_id is None else section_id}|"
        f"{_text(endpoint)}|{_text(record_ids)}|{getattr(action, 'value', action)}|"
        f"{_text(method)}|{_text(remote_addr)}|{status}"
    ).encode()


def canonical(values: dict) -> bytes:
    return canonical_fields(*(values[name] for name in CHAINED))


def row_hash(key: bytes, prev_hash: str, values: dict) -> str:
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(values), hashlib.sha256).hexdigest()


def initial_heads(first_id: int) -> list[dict]:
    """The head rows of an empty log (the migration and the test reset write these)."""
    return [
        {
            "id": lane,
            "first_id": first_id if lane == LEGACY_LANE else 0,
            "last_id": first_id - 1 if lane == LEGACY_LANE else 0,
            "last_hash": GENESIS,
        }
        for lane in range(1, LANES + 1)
    ]


# Built once, on the tables themselves (Core, no ORM layer): appending runs on every request.
_head, _log = AccessLogHead.__table__, AccessLog.__table__
_HEAD = select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == bindparam("lane"))
_INSERT = insert(_log)
_MOVE_HEAD = (
    update(_head)
    .where(_head.c.id == LEGACY_LANE)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)
_CAS_APPEND = text(
    "WITH moved AS (UPDATE access_log_head SET last_id = :id, last_hash = :row_hash "
    "WHERE id = :lane AND last_id = :prev_id AND last_hash = :prev_hash RETURNING id) "
    "INSERT INTO access_log (id, lane, at, user_id, section_id, endpoint, record_ids, action, "
    "method, remote_addr, status, prev_hash, row_hash) SELECT :id, :lane, :at, :user_id, "
    ":section_id, :endpoint, :record_ids, :action, :method, :remote_addr, :status, "
    ":prev_hash, :row_hash FROM moved"
).bindparams(bindparam("at", type_=AccessLog.__table__.c.at.type))
_ID_BLOCK = text(
    "SELECT nextval(pg_get_serial_sequence('access_log', 'id')) FROM generate_series(1, :n)"
)


@dataclass
class _Writer:
    """What one process knows about its lane: where its head is, and ids it may use."""

    lane: int
    head: tuple[int, str] | None = None
    ids: list[int] = field(default_factory=list)


_writers: dict[tuple[int, int], _Writer] = {}  # (engine, process) → its writer
_connection = KeptConnection()  # each statement commits by itself


def forget_lane_heads() -> None:
    """Drop what this process remembers of the lanes (after the log was emptied, in tests, or
    before the engine is disposed)."""
    close_kept_connections()
    _writers.clear()


def append(engine: Engine, key: bytes, values: dict) -> int:
    """Add one row at the end of a lane; returns its id. On its own connection, committed
    here (a documented exception to "services never commit"): a log row stays whatever the
    request's own transaction does."""
    if engine.dialect.name != "sqlite":
        return _append_to_own_lane(engine, key, values)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading
        last_id, prev = conn.execute(_HEAD, {"lane": LEGACY_LANE}).one()
        row = {**values, "id": last_id + 1, "lane": LEGACY_LANE}
        digest = row_hash(key, prev, row)
        conn.execute(_INSERT, {**row, "prev_hash": prev, "row_hash": digest})
        conn.execute(_MOVE_HEAD, {"new_id": row["id"], "new_hash": digest})
        conn.commit()
        return row["id"]


def _append_to_own_lane(engine: Engine, key: bytes, values: dict) -> int:
    pid = os.getpid()  # a forked worker gets a lane of its own
    writer = _writers.setdefault((id(engine), pid), _Writer(lane=1 + pid % LANES))
    return _connection.run(engine, lambda conn: _append_on(writer, conn, key, values))


def _append_on(writer: "_Writer", conn: Connection, key: bytes, values: dict) -> int:
    """Runs under the kept connection's lock: one append at a time in this process."""
    try:
        return _compare_and_append(writer, conn, key, values)
    except DBAPIError:
        writer.head = None  # the connection broke mid-way: look at the head again
        raise


def _compare_and_append(writer: "_Writer", conn: Connection, key: bytes, values: dict) -> int:
    action = getattr(values["action"], "value", values["action"])
    for _ in range(50):
        if writer.head is None:
            writer.head = tuple(conn.execute(_HEAD, {"lane": writer.lane}).one())
        last_id, prev = writer.head
        while not writer.ids or writer.ids[0] <= last_id:  # ids increase along the lane
            writer.ids = list(conn.execute(_ID_BLOCK, {"n": ID_BLOCK}).scalars())
        row = {**values, "id": writer.ids.pop(0), "lane": writer.lane}
        digest = row_hash(key, prev, row)
        try:
            inserted = conn.execute(
                _CAS_APPEND,
                {
                    **row,
                    "action": action,
                    "prev_id": last_id,
                    "prev_hash": prev,
                    "row_hash": digest,
                },
            ).rowcount
        except IntegrityError:  # the id was taken (the sequence was reset): take new ones
            writer.ids, inserted = [], 0
        if inserted == 1:
            writer.head = (row["id"], digest)
            return row["id"]
        writer.head = None  # another process moved this lane's head: look again
    raise RuntimeError("could not append to the access log")


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    unchained: int = 0  # rows written before the chain began (if the log predates it)
    broken_id: int | None = None
    problem: str = ""


def _signed_with(
    keys: tuple[bytes, ...], since: int, prev_hash: str, fields: bytes, stored: str
) -> int | None:
    """Which key (index) signed the row: the lane's last key first, then newer ones — never
    an older one (a rotation goes forward only); None when none did."""
    message = prev_hash.encode() + b"|" + fields
    for index in range(since, len(keys)):
        digest = hmac.new(keys[index], message, hashlib.sha256).hexdigest()
        if hmac.compare_digest(stored, digest):
            return index
    return None


def verify(
    conn: Connection,
    key: Keys,
    batch: int = 20_000,
    progress: Callable[[int], None] = lambda n: None,
) -> VerifyResult:
    """Walk every row in id order, following each lane; report the first broken link. `key`:
    the chain key, or the keys of its rotations oldest first."""
    keys = as_keys(key)
    heads = {h.id: h for h in conn.execute(select(AccessLogHead))}
    if sorted(heads) != list(range(1, LANES + 1)):
        return VerifyResult(False, 0, 0, None, "a lane's head is missing")
    first_id = heads[LEGACY_LANE].first_id
    columns = [getattr(AccessLog, name) for name in CHAINED] + [
        AccessLog.lane,
        AccessLog.prev_hash,
        AccessLog.row_hash,
    ]
    width = len(CHAINED)
    prev = {lane: GENESIS for lane in heads}
    signer = {lane: 0 for lane in heads}  # index of the key that signed the lane's last row
    last = {lane: 0 for lane in heads}
    last[LEGACY_LANE] = first_id - 1
    checked, unchained, after = 0, 0, 0
    while True:
        rows = conn.execute(
            select(*columns).where(AccessLog.id > after).order_by(AccessLog.id).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            row_id, lane, prev_hash, digest_stored = (
                row[0],
                row[width],
                row[width + 1],
                row[width + 2],
            )
            if row_id < first_id and digest_stored is None:
                unchained += 1
                continue
            if lane not in prev:
                return VerifyResult(
                    False, checked, unchained, row_id, f"unknown lane (lane {lane})"
                )
            if prev_hash != prev[lane]:
                return VerifyResult(
                    False,
                    checked,
                    unchained,
                    row_id,
                    f"does not link to the previous row (deleted or inserted) (lane {lane})",
                )
            signed = _signed_with(
                keys, signer[lane], prev_hash, canonical_fields(*row[:width]), digest_stored or ""
            )
            if signed is None:
                return VerifyResult(
                    False, checked, unchained, row_id, f"content changed (lane {lane})"
                )
            signer[lane] = signed
            prev[lane], last[lane], checked = digest_stored, row_id, checked + 1
        after = rows[-1][0]
        progress(checked + unchained)
    for lane, head in sorted(heads.items()):
        if prev[lane] != head.last_hash or last[lane] != head.last_id:
            return VerifyResult(
                False,
                checked,
                unchained,
                head.last_id,
                f"rows at the end of the log are missing (lane {lane})",
            )
    return VerifyResult(True, checked, unchained)


def ids_follow_bulk_load(conn: Connection) -> None:
    """After rows were written with explicit ids (a bulk load), new ids continue past them."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('access_log', 'id'), "
                "COALESCE(MAX(id), 0) + 1, false) FROM access_log"
            )
        )


def chain_rows(
    key: bytes, start_id: int, prev_hash: str, rows: Iterable[dict]
) -> tuple[list[dict], int, str]:
    """Hash a batch of rows in order on the first lane (for bulk loads such as the benchmark)."""
    out, next_id = [], start_id
    for values in rows:
        row = {**values, "id": next_id, "lane": LEGACY_LANE}
        digest = row_hash(key, prev_hash, row)
        out.append({**row, "prev_hash": prev_hash, "row_hash": digest})
        prev_hash, next_id = digest, next_id + 1
    return out, next_id - 1, prev_hash
