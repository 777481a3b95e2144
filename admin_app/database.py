"""Engine settings per database: SQLite in WAL mode with a busy timeout."""

from typing import Literal

from alembic.autogenerate.api import AutogenContext
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.schema import SchemaItem

from admin_app.extensions import db
from models.registration.search import SEARCH_TABLES
from models.reservation.booking import EXCLUDE_OVERLAP

# Constraints only the migrations create, on PostgreSQL (alembic cannot compare them): the
# bookings' exclusion constraint over time spans (models/reservation/booking.py); on SQLite,
# the registrants' full-text table and its shadow tables (models/registration/search.py).
MIGRATION_ONLY = frozenset({EXCLUDE_OVERLAP, *SEARCH_TABLES})


def _sqlite_pragmas(
    dbapi_connection: DBAPIConnection, connection_record: ConnectionPoolEntry
) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's recommended durability: consistent after a crash; fsync at checkpoints.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(
            engine, "connect", _sqlite_pragmas
        ):
            event.listen(engine, "connect", _sqlite_pragmas)


def render_migration_item(
    type_: str, obj: object, autogen_context: AutogenContext
) -> str | Literal[False]:
    """Write our TypeDecorators into migrations as the plain types they store."""
    from models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(
    obj: SchemaItem, name: str | None, type_: str, reflected: bool, compare_to: SchemaItem | None
) -> bool:
    """Leave dialect-specific indexes out of the comparison on other databases, and the
    constraints only migrations create (MIGRATION_ONLY) out of it everywhere."""
    if name in MIGRATION_ONLY:
        return False
    dialect = obj.info.get("dialect") if type_ == "index" and hasattr(obj, "info") else None
    return dialect is None or dialect == db.engine.dialect.name
