"""Column types shared by the models."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Dialect, Enum, Index
from sqlalchemy.types import TypeDecorator

from models.clock import as_utc


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column stored as its string value (VARCHAR + CHECK on both databases)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=32,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def pattern_index(table: str, column: str) -> Index:
    """A PostgreSQL-only index that serves LIKE 'prefix%' whatever the collation.

    Migrations create it on PostgreSQL only; admin_app.database.include_object keeps the
    models-versus-migrations comparison from expecting it elsewhere.
    """
    return Index(
        f"ix_{table}_{column}_pattern",
        column,
        postgresql_ops={column: "varchar_pattern_ops"},
        info={"dialect": "postgresql"},
    ).ddl_if(dialect="postgresql")


def prefix_index(table: str, column: str) -> Index:
    """One index for prefix search on both databases (opclass applies on PostgreSQL only)."""
    return Index(f"ix_{table}_{column}", column, postgresql_ops={column: "varchar_pattern_ops"})


def trigram_index(table: str, column: str) -> Index:
    """A PostgreSQL-only GIN index of the column's trigrams (pg_trgm), answering
    ILIKE '%word%' (models.registration.search); SQLite has its FTS5 table instead."""
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        info={"dialect": "postgresql"},
    ).ddl_if(dialect="postgresql")
