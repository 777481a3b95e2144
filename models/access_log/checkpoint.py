"""Checkpoints of the access log: where every lane of the chain ended at one moment, in one
signed line of text that is meant to leave the server (printed with each review sign-off,
appended to a file on the city's side).

The chain alone cannot show that rows were cut from its end: whoever holds the database can
delete the newest rows of a lane and move `access_log_head` back to the new last row — no key
needed. A checkpoint taken earlier still names the row that was cut, so the cut is found.

One line, fields separated by single spaces:

    FBO-LOG-CHECKPOINT/1 2026-11-26T07:14:05Z 1:7075:<hash> 2:0:- … 16:310:<hash> hmac=<mac>

* a version tag, then the time the checkpoint was taken (UTC, ISO 8601, seconds),
* LANES fields `lane:last_id:last_hash`, lanes 1..LANES in order; the hash is the lane's last
  row's `row_hash` (64 hex digits), or `-` while the lane is still empty,
* `hmac=` and HMAC-SHA256 (hex) of everything before ` hmac=`, keyed with a key derived from
  AUDIT_CHAIN_KEY (not in the database): a line made up or edited without the key is reported
  as forged.

A checkpoint holds when, for every lane, the row it names still exists, on that lane, with
that hash — and the chain verifies (models.access_log.chain.verify): then every row of the lane up
to that row is unchanged, and the lane goes on from it. Rows added later are fine.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select

from models.access_log.chain import GENESIS, LANES, Keys, as_keys
from models.access_log.entries import AccessLog, AccessLogHead
from models.access_log.review import LogReview
from models.clock import as_utc, now_utc
from models.typed_input import query_id

VERSION = "FBO-LOG-CHECKPOINT/1"
EMPTY = "-"  # the hash field of a lane that has no row yet
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_LANE = re.compile(r"(\d{1,2}):(\d{1,19}):([0-9a-f]{64}|-)")
_MAC = re.compile(r"hmac=([0-9a-f]{64})")
_LOOKUP_BATCH = 500


class CheckpointError(ValueError):
    """The text is not a checkpoint line."""


class ForgedCheckpoint(CheckpointError):
    """A well-formed line whose HMAC does not match: made or edited without the key."""


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    heads: dict[int, tuple[int, str]]  # lane → (last id, last hash or GENESIS)

    def body(self) -> str:
        lanes = " ".join(
            f"{lane}:{last_id}:{EMPTY if digest == GENESIS else digest}"
            for lane, (last_id, digest) in sorted(self.heads.items())
        )
        return f"{VERSION} {self.at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} {lanes}"


@dataclass(frozen=True)
class Problem:
    source: str  # where the line came from: "file.txt line 3", "sign-off 12"
    message: str
    at: datetime | None = None  # the checkpoint's time, when the line could be read
    lane: int | None = None

    def __str__(self) -> str:
        when = f" of {self.at.strftime('%Y-%m-%d %H:%M:%S')} UTC" if self.at else ""
        return f"checkpoint{when} ({self.source}): {self.message}"


def checkpoint_key(chain_key: bytes) -> bytes:
    """Its own key, derived from the chain's: a checkpoint MAC is never a valid row hash."""
    return hmac.new(chain_key, b"access-log-checkpoint", hashlib.sha256).digest()


def _mac(chain_key: bytes, body: str) -> str:
    return hmac.new(checkpoint_key(chain_key), body.encode(), hashlib.sha256).hexdigest()


def signed_line(checkpoint: Checkpoint, chain_key: bytes) -> str:
    body = checkpoint.body()
    return f"{body} hmac={_mac(chain_key, body)}"


def take(conn: Connection, chain_key: bytes, at: datetime | None = None) -> str:
    """The signed line for the lanes' heads as they are now (one statement: one snapshot)."""
    heads = {
        lane: (last_id, digest)
        for lane, last_id, digest in conn.execute(
            select(AccessLogHead.id, AccessLogHead.last_id, AccessLogHead.last_hash)
        )
    }
    if sorted(heads) != list(range(1, LANES + 1)):
        raise RuntimeError("the access log's lane heads are incomplete; run `audit verify`")
    moment = (at or now_utc()).astimezone(UTC).replace(microsecond=0)
    return signed_line(Checkpoint(moment, heads), chain_key)


def parse(line: str, chain_key: Keys) -> Checkpoint:
    """Read a checkpoint line; CheckpointError if it is not one, ForgedCheckpoint if its HMAC
    does not match."""
    fields = line.split()  # typed back from a printed copy: any run of white space
    if (
        len(fields) != LANES + 3
        or fields[0] != VERSION
        or not _TIME.fullmatch(fields[1])
        or not _MAC.fullmatch(fields[-1])
    ):
        raise CheckpointError("not a checkpoint line")
    heads: dict[int, tuple[int, str]] = {}
    for expected, text in enumerate(fields[2:-1], start=1):
        match = _LANE.fullmatch(text)
        if match is None or int(match[1]) != expected:
            raise CheckpointError(f"lane field {expected} is not `lane:id:hash`")
        digest = GENESIS if match[3] == EMPTY else match[3]
        heads[expected] = (int(match[2]), digest)
    body = " ".join(fields[:-1])
    mac = fields[-1][len("hmac=") :]
    if not any(hmac.compare_digest(_mac(key, body), mac) for key in as_keys(chain_key)):
        raise ForgedCheckpoint(
            "its HMAC does not match: the line was made or changed without the key"
        )
    at = datetime.strptime(fields[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return Checkpoint(at, heads)


def time_of(line: str) -> datetime | None:
    """The time a line says it was taken (unverified: for display next to it)."""
    fields = line.split(" ", 2)
    if len(fields) < 2 or fields[0] != VERSION or not _TIME.fullmatch(fields[1]):
        return None
    return datetime.strptime(fields[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check(
    conn: Connection, chain_key: Keys, lines: Iterable[tuple[str, str]]
) -> tuple[int, list[Problem]]:
    """Check (source, line) pairs against the log; returns (checkpoints read, problems).

    Each lane's checkpointed row must exist, on its lane, with its hash. Together with a
    chain that verifies, this proves the lane still passes through that row.
    """
    problems: list[Problem] = []
    read: list[tuple[str, Checkpoint]] = []
    for source, line in lines:
        try:
            read.append((source, parse(line, chain_key)))
        except ForgedCheckpoint as error:
            problems.append(Problem(source, f"forged: {error}"))
        except CheckpointError as error:
            problems.append(Problem(source, f"unreadable: {error}"))
    wanted = sorted(
        {last_id for _, cp in read for last_id, digest in cp.heads.values() if digest != GENESIS}
    )
    found: dict[int, tuple[int, str | None]] = {}
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        found |= {
            row_id: (lane, digest)
            for row_id, lane, digest in conn.execute(
                select(AccessLog.id, AccessLog.lane, AccessLog.row_hash).where(
                    AccessLog.id.in_(wanted[start : start + _LOOKUP_BATCH])
                )
            )
        }
    ends = dict(conn.execute(select(AccessLogHead.id, AccessLogHead.last_id)).all())
    for source, cp in read:
        for lane, (last_id, digest) in sorted(cp.heads.items()):
            if digest == GENESIS:
                continue  # the lane was empty then: nothing to hold on to
            message = _lane_problem(lane, last_id, digest, found.get(last_id), ends.get(lane))
            if message:
                problems.append(Problem(source, message, cp.at, lane))
    return len(read), problems


SIGN_OFF_ENDPOINT = "log_review.record"
# A sign-off's checkpoint is taken while its request runs: well before its log row's time
# means it was swapped for an older line.
SIGN_OFF_SLACK = timedelta(minutes=10)


def missing_sign_offs(conn: Connection, chain_key: Keys) -> list[Problem]:
    """Sign-offs that the (chained) log says were recorded, but that are gone from the
    table, lost their checkpoint, or carry one from another moment: whoever removes a
    sign-off with its checkpoint cannot remove the log row that recorded it unnoticed."""
    recorded = [
        (row_id, at, [k for k in map(query_id, named.split(",")) if k is not None])
        for row_id, at, named in conn.execute(
            select(AccessLog.id, AccessLog.at, AccessLog.record_ids).where(
                AccessLog.endpoint == SIGN_OFF_ENDPOINT,
                AccessLog.record_ids.is_not(None),
                AccessLog.row_hash.is_not(None),
            )
        )
    ]
    ids = {review_id for _, _, review_ids in recorded for review_id in review_ids}
    kept = (
        dict(
            conn.execute(
                select(LogReview.id, LogReview.checkpoint).where(LogReview.id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    problems = []
    for row_id, at, review_ids in recorded:
        for review_id in review_ids:
            source = f"sign-off {review_id}, log row {row_id}"
            if review_id not in kept:
                problems.append(
                    Problem(
                        source,
                        "the sign-off recorded in the log is missing (deleted with its checkpoint)",
                    )
                )
                continue
            try:
                taken = parse(kept[review_id] or "", chain_key).at
            except CheckpointError:
                taken = None  # no line, or not one (check() reports a forged one too)
            if taken is None or not as_utc(at) - SIGN_OFF_SLACK <= taken <= as_utc(at):
                problems.append(
                    Problem(
                        source,
                        "the sign-off's checkpoint is not the one "
                        "taken when it was recorded (removed or replaced)",
                    )
                )
    return problems


def _lane_problem(
    lane: int, row_id: int, digest: str, row: tuple[int, str | None] | None, end: int | None
) -> str | None:
    if row is None:
        now = f"; the lane now ends at row {end}" if end is not None else ""
        return (
            f"lane {lane}: row {row_id} is missing — rows were deleted or cut from the "
            f"end of the log after this checkpoint{now}"
        )
    if row[0] != lane:
        return f"lane {lane}: row {row_id} is now on lane {row[0]}"
    if not hmac.compare_digest(row[1] or "", digest):
        return f"lane {lane}: row {row_id} was changed or rewritten (its hash differs)"
    if end is None or end < row_id:
        return f"lane {lane}: its head was moved back to row {end}, before row {row_id}"
    return None
