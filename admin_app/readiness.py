"""Is this process ready for traffic? Checks for /readyz, each a short reason when not."""

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from admin_app.config import ROOT
from admin_app.extensions import db


@cache
def migration_heads() -> frozenset[str]:
    """The revisions `flask db upgrade` leads to (read once: the code does not change)."""
    return frozenset(ScriptDirectory(str(ROOT / "migrations")).get_heads())


def database_problem() -> str | None:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError:
        return "database unreachable"
    if current != migration_heads():
        shown = ", ".join(sorted(current)) or "none"
        return f"database schema not at the migrations' head (at {shown}; run flask db upgrade)"
    return None


def redis_problem() -> str | None:
    """Production keeps the login throttle in Redis; elsewhere no Redis is needed."""
    url = current_app.config["LOGIN_THROTTLE_STORAGE"]
    if not url.startswith(("redis", "rediss", "unix")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return "redis unreachable"
    return None


def problems() -> list[str]:
    return [p for p in (database_problem(), redis_problem()) if p]
