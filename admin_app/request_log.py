"""The process log: one line per request and nothing a person typed.

Each request writes `METHOD /path STATUS 12ms user=<id or -> request=<id>` (the request id is
also sent back as X-Request-ID). Query strings are never written — they hold search terms,
names and phone numbers — nor form values. Werkzeug's own access line (`make run`) loses its
query string, and a logged database error keeps its type, SQLSTATE and constraint but not its
message, whose DETAIL can quote the row (the engine hides bound parameters on its own:
`hide_parameters`, admin_app.config.engine_options).
"""

import logging
import re
import time
import traceback
import uuid

from flask import Flask, Response, g, request
from sqlalchemy.exc import SQLAlchemyError

REQUEST_LOGGER = "admin_app.requests"
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = uuid.uuid4().hex


def log_request(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    # The user as loaded for this request; never loaded here just to be logged.
    user = g.get("_login_user")
    user_id = user.id if user is not None and getattr(user, "is_authenticated", False) else "-"
    path = UNPRINTABLE.sub("?", request.path)[:200]
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s %.0fms user=%s request=%s",
        request.method,
        path,
        response.status_code,
        elapsed,
        user_id,
        request_id,
    )
    return response


def without_query(text: str) -> str:
    return QUERY.sub(r"\1", text)


class WerkzeugQueryFilter(logging.Filter):
    """Werkzeug's development-server lines keep the request line but lose its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_query(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in record.args)
        return True


def _database_error(exc: BaseException | None) -> SQLAlchemyError | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, SQLAlchemyError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class DatabaseErrorFilter(logging.Filter):
    """A database error is logged with where it happened and what kind it is, not with the
    server's message (PostgreSQL's DETAIL quotes keys and failing rows)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        error = _database_error(exc)
        if error is None:
            return True
        frames = "".join(traceback.format_tb(exc.__traceback__))
        record.exc_info = None
        record.exc_text = f"Traceback (most recent call last):\n{frames}{describe(error)}"
        return True


def describe(error: SQLAlchemyError) -> str:
    """What went wrong, in names only: the error's kind and the schema objects involved."""
    orig = getattr(error, "orig", None)
    facts = [type(error).__name__]
    if orig is not None:
        facts.append(f"driver={type(orig).__module__}.{type(orig).__name__}")
    diag = getattr(orig, "diag", None)  # PostgreSQL (psycopg): its messages may quote values
    if diag is not None:
        facts += [
            f"{name}={getattr(diag, attr)}"
            for name, attr in (
                ("sqlstate", "sqlstate"),
                ("table", "table_name"),
                ("column", "column_name"),
                ("constraint", "constraint_name"),
            )
            if getattr(diag, attr, None)
        ]
        return " ".join(facts) + " (server message not logged)"
    if type(orig).__module__ == "sqlite3":  # SQLite names tables and columns, never values
        facts.append(f"message={orig}")
    return " ".join(facts)


def _add_filter(logger: logging.Logger, kind: type[logging.Filter]) -> None:
    # Loggers outlive app instances: one filter of each kind, however many apps are built.
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def init_request_log(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(log_request)
    requests_logger = logging.getLogger(REQUEST_LOGGER)
    if requests_logger.level == logging.NOTSET:
        requests_logger.setLevel(logging.INFO)
    for logger in (app.logger, requests_logger):
        _add_filter(logger, DatabaseErrorFilter)
    _add_filter(logging.getLogger("werkzeug"), WerkzeugQueryFilter)
