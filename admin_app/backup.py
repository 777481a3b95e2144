"""Backups: the whole database to one file, and back into an empty database.

SQLite: Python's online backup API (a consistent copy while the app runs, WAL included).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction` (the client tools
of the server's major version or newer). Restoring goes only into an empty database (no tables
at all): a backup never merges into, or silently replaces, live data.

What a backup does not hold, by design: AUDIT_CHAIN_KEY (and old keys), SECRET_KEY, the
checkpoint file. Without the chain key a restored access log cannot be verified — and whoever
holds only the dump cannot rewrite it unnoticed.
"""

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, inspect, select
from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that must not go ahead; the message says why."""


@dataclass(frozen=True)
class Summary:
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def __str__(self) -> str:
        return f"{len(self.tables)} tables, {self.rows:,} rows"


def table_counts(engine: Engine) -> Summary:
    """Rows in every table of the database (alembic_version included)."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return Summary(
            {
                name: conn.scalar(select(func.count()).select_from(table))
                for name, table in sorted(metadata.tables.items())
            }
        )


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database as a libpq URL for pg_dump/pg_restore, the password in PGPASSWORD (never
    on a command line other users can read)."""
    url = engine.url
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:
        raise BackupError(f"{command[0]} not found: install PostgreSQL's client tools") from missing
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_file(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def _sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy `source` page by page into the file `target` (SQLite's online backup API)."""
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def create(engine: Engine, target: Path) -> Summary:
    """Back the database up into `target` (a new file); return what it holds."""
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file (a backup never overwrites)")
    summary = table_counts(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(sqlite3.connect(_sqlite_file(engine)), target)
    else:
        url, env = _libpq(engine)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
            + [url],
            env,
        )
    target.chmod(0o600)  # residents' data: readable by the operator only
    return summary


def kind_of(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup of this system (neither SQLite nor pg_dump)")


def restore(engine: Engine, source: Path) -> Summary:
    """Restore `source` into the (empty) database of `engine`; return what it now holds."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    kind = kind_of(source)
    if kind != engine.dialect.name:
        raise BackupError(
            f"{source} is a {kind} backup; the database is {engine.dialect.name}: restore it "
            "into a database of the same kind"
        )
    if tables := inspect(engine).get_table_names():
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore only into a new, "
            "empty database, then point DATABASE_URL at it"
        )
    if kind == "sqlite":
        _sqlite_copy(sqlite3.connect(f"file:{source}?mode=ro", uri=True), _sqlite_file(engine))
    else:
        url, env = _libpq(engine)
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            + ["--single-transaction", "--dbname", url, str(source)],
            env,
        )
    engine.dispose()  # connections opened before the restore saw an empty schema
    return table_counts(engine)
