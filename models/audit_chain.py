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

from sqlalchemy import Connection, Engine, insert, select, update

from models.access_log import AccessLog, AccessLogHead
from models.clock import as_utc

GENESIS = "0" * 64
CHAINED = ("id", "at", "user_id", "section_id", "endpoint", "record_ids", "action", "method",
           "remote_addr", "status")


def canonical(values: dict) -> bytes:
    """The row as bytes: every chained field, in order, unambiguous."""
    parts = []
    for name in CHAINED:
        value = values[name]
        if isinstance(value, datetime):
            value = as_utc(value).astimezone(UTC).isoformat(timespec="microseconds")
        elif hasattr(value, "value"):  # enums
            value = value.value
        text = "" if value is None else str(value)
        parts.append(text.replace("\\", "\\\\").replace("|", "\\|"))
    return "|".join(parts).encode()


def row_hash(key: bytes, prev_hash: str, values: dict) -> str:
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(values),
                    hashlib.sha256).hexdigest()


def append(engine: Engine, key: bytes, values: dict) -> int:
    """Add one row at the end of the chain; returns its id."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading
            head = conn.execute(select(AccessLogHead).where(AccessLogHead.id == 1)).one()
        else:
            head = conn.execute(select(AccessLogHead).where(AccessLogHead.id == 1)
                                .with_for_update()).one()
        row = {**values, "id": head.last_id + 1}
        digest = row_hash(key, head.last_hash, row)
        conn.execute(insert(AccessLog), {**row, "prev_hash": head.last_hash, "row_hash": digest})
        conn.execute(update(AccessLogHead).where(AccessLogHead.id == 1)
                     .values(last_id=row["id"], last_hash=digest))
        conn.commit()
        return row["id"]


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
            values = dict(zip(CHAINED, row[:len(CHAINED)], strict=True))
            if row.id < head.first_id:
                unchained += 1
                continue
            if row.id != expected_id:
                kind = "missing row(s) before it" if row.id > expected_id else "unexpected id"
                return VerifyResult(False, checked, unchained, row.id, kind)
            if row.prev_hash != prev:
                return VerifyResult(False, checked, unchained, row.id,
                                    "does not link to the previous row (deleted or inserted)")
            if not hmac.compare_digest(row.row_hash or "", row_hash(key, prev, values)):
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
