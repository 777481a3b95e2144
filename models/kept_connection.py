"""Connections a worker process keeps open for one small, frequent job (appending to the
access log on every back-office request): no pool checkout and no ping per request.

Each is in autocommit mode, so nothing stays open between uses; one per process, used under a
lock by whichever thread needs it; opened lazily in the process that uses it (a forked worker
opens its own) and again when the server dropped it.
"""

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
_all: list["KeptConnection"] = []


class KeptConnection:
    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._owner: tuple[int, int] | None = None  # (process, engine)
        self._lock = threading.Lock()
        _all.append(self)

    def run(self, engine: Engine, job: Callable[[Connection], T]) -> T:
        """job(connection), once more on a fresh connection if the server dropped the old."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return job(self._connection(engine))
                except DBAPIError as error:
                    self._drop()
                    if attempt == 2 or not error.connection_invalidated:
                        raise
        raise AssertionError("unreachable")

    def _connection(self, engine: Engine) -> Connection:
        owner = (os.getpid(), id(engine))
        if self._conn is None or self._conn.closed or self._owner != owner:
            if self._conn is not None and self._owner and self._owner[0] == owner[0]:
                self._conn.close()  # this process moved to another engine
            self._conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._owner = owner
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.invalidate()
        self._conn = None

    def close(self) -> None:
        with self._lock:
            if (
                self._conn is not None
                and not self._conn.closed
                and self._owner is not None
                and self._owner[0] == os.getpid()
            ):
                self._conn.close()
            self._conn = None


def close_kept_connections() -> None:
    """Before the database is reset or the engine disposed (tests, benchmarks)."""
    for kept in _all:
        kept.close()
