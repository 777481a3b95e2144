"""Login under attack, and an office that lives with it.

A typed login name is locked for LOGIN_LOCK_MINUTES after LOGIN_ACCOUNT_FAILURES failures
within LOGIN_WINDOW_MINUTES, whether or not it is anyone's (the same answer either way). An
address is refused after LOGIN_ADDRESS_FAILURES failures within the same window; successful
logins never count, so a whole office behind one NAT address can log in at 8:30.

Counters and locks live where every worker sees them and a restart keeps them: Redis when
REDIS_URL is set (the `limits` library's moving window), otherwise the database
(models.staff.login_attempt). While Redis cannot be reached, the database counts instead: a login
never fails for it, and locking never stops. Keys are keyed hashes (HMAC with a key derived
from SECRET_KEY): whoever reads the store cannot even test a guessed login or address
against it — an IPv4 address or a short login under a plain hash is found by trying them all.
"""

import hashlib
import hmac
import logging
import time
from datetime import datetime, timedelta

from flask import Flask, current_app
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Connection, delete, func, insert, select

from admin_app.extensions import db
from models.clock import now_utc
from models.staff.login_attempt import LoginAttempt
from models.staff.security_event import SecurityEventKind, security_event

DATABASE = "database"
REDIS_KEY_PREFIX = "fbo-login"


class DatabaseWindow:
    """The moving-window operations the guard needs (limits' hit/test/clear), kept in the
    login_attempt table: one row per counted event, each in its own short transaction so it
    is kept whatever the request does next."""

    def __init__(self, keep: timedelta) -> None:
        self.keep = keep  # rows older than the longest window count for nothing

    @staticmethod
    def _key(item: RateLimitItem, identifiers: tuple[str, ...]) -> str:
        return hashlib.sha256(item.key_for(*identifiers).encode()).hexdigest()

    @staticmethod
    def _count(conn: Connection, key: str, item: RateLimitItem, now: datetime) -> int:
        since = now - timedelta(seconds=item.get_expiry())
        return conn.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.at > since)
        )

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one event; False (and nothing counted) when the limit is already reached."""
        key, now = self._key(item, identifiers), now_utc()
        with db.engine.begin() as conn:
            conn.execute(delete(LoginAttempt).where(LoginAttempt.at < now - self.keep))
            if self._count(conn, key, item, now) >= item.amount:
                return False
            conn.execute(insert(LoginAttempt), {"key": key, "at": now})
        return True

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """True while another event would still be within the limit."""
        with db.engine.connect() as conn:
            return self._count(conn, self._key(item, identifiers), item, now_utc()) < item.amount

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(
                delete(LoginAttempt).where(LoginAttempt.key == self._key(item, identifiers))
            )

    def reset(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(LoginAttempt))


class RedisWindow(MovingWindowRateLimiter):
    """limits' moving window over Redis, with reset() for tests and operators."""

    def reset(self) -> None:
        self.storage.reset()


class FailoverWindow:
    """The shared store (Redis) while it answers; the database while it does not, asking the
    shared store again after RETRY_SECONDS. Counts taken in one are not seen by the other,
    so an outage costs at most one fresh window — never an open door, never a 500."""

    RETRY_SECONDS = 30.0

    def __init__(self, shared: RedisWindow, database: DatabaseWindow) -> None:
        self.shared, self.database = shared, database
        self._down_until = 0.0

    def _run(self, operation: str, *args: object) -> bool | None:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(self.shared, operation)(*args)
            except StorageError as error:
                self._down_until = time.monotonic() + self.RETRY_SECONDS
                logging.getLogger(__name__).warning(
                    "login throttling: the shared store cannot be reached (%s); counting in "
                    "the database for %.0f s",
                    type(error.storage_error).__name__,
                    self.RETRY_SECONDS,
                )
        return getattr(self.database, operation)(*args)

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return self._run("hit", item, *identifiers)

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        return self._run("test", item, *identifiers)

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        self._run("clear", item, *identifiers)

    def reset(self) -> None:
        self.database.reset()
        self._run("reset")


def make_store(uri: str, keep: timedelta) -> DatabaseWindow | FailoverWindow:
    if uri == DATABASE:
        return DatabaseWindow(keep)
    options: dict = {"wrap_exceptions": True}  # any storage failure is a StorageError
    if uri.startswith(("redis", "valkey")):
        # A Redis that is gone answers within a second, not after the OS's TCP timeout.
        options |= {
            "key_prefix": REDIS_KEY_PREFIX,
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
        }
    return FailoverWindow(RedisWindow(storage_from_string(uri, **options)), DatabaseWindow(keep))


class LoginGuard:
    def __init__(self, app: Flask) -> None:
        cfg = app.config
        self.account_failures = RateLimitItemPerMinute(
            cfg["LOGIN_ACCOUNT_FAILURES"], cfg["LOGIN_WINDOW_MINUTES"]
        )
        self.address_failures = RateLimitItemPerMinute(
            cfg["LOGIN_ADDRESS_FAILURES"], cfg["LOGIN_WINDOW_MINUTES"]
        )
        self.lock = RateLimitItemPerMinute(1, cfg["LOGIN_LOCK_MINUTES"])
        keep = timedelta(minutes=max(cfg["LOGIN_WINDOW_MINUTES"], cfg["LOGIN_LOCK_MINUTES"]))
        self.store = make_store(cfg["LOGIN_THROTTLE_STORAGE"], keep)
        # The same in every worker and after a restart; not in the store itself.
        self._key = hmac.new(
            cfg["SECRET_KEY"].encode(), b"login-throttling", hashlib.sha256
        ).digest()

    def _keyed(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def _account(self, login: str) -> str:
        # Keys name a keyed hash, so the store never holds what people typed.
        return self._keyed("login:" + login.strip().lower())

    def _address(self, address: str | None) -> str:
        return self._keyed("address:" + (address or "-"))

    def address_throttled(self, address: str | None) -> bool:
        """Has this address failed too often lately? (Asking counts nothing.)"""
        return not self.store.test(self.address_failures, "login-address", self._address(address))

    def account_locked(self, login: str) -> bool:
        return not self.store.test(self.lock, "login-lock", self._account(login))

    def failed(self, login: str, address: str | None) -> bool:
        """Record a failure for the login and the address; True when it locks the login."""
        self.store.hit(self.address_failures, "login-address", self._address(address))
        key = self._account(login)
        if not self.store.hit(self.account_failures, "login-failures", key) or not self.store.test(
            self.account_failures, "login-failures", key
        ):
            self.store.hit(self.lock, "login-lock", key)
            self.store.clear(self.account_failures, "login-failures", key)
            return True
        return False

    def succeeded(self, login: str) -> None:
        self.store.clear(self.account_failures, "login-failures", self._account(login))

    def reset(self) -> None:
        """Forget every counter and lock (tests; an operator after an incident)."""
        self.store.reset()


def init_login_guard(app: Flask) -> None:
    app.extensions["login_guard"] = LoginGuard(app)


def guard() -> LoginGuard:
    return current_app.extensions["login_guard"]


def record_failed_login(typed: str, address: str | None) -> bool:
    """Count a failed login (also a refused request to log in) and record the security event;
    True when it locked the login."""
    from models.staff.accounts import StaffUser

    locked = guard().failed(typed, address)
    known = db.session.scalar(select(StaffUser.id).where(StaffUser.login == typed.strip()))
    security_event(
        SecurityEventKind.LOCKOUT if locked else SecurityEventKind.LOGIN_FAILED,
        user_id=known,
        remote_addr=address,
    )
    return locked
