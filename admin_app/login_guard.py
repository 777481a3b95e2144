"""Login under attack, and an office that lives with it.

A typed login name is locked for LOGIN_LOCK_MINUTES after LOGIN_ACCOUNT_FAILURES failures
within LOGIN_WINDOW_MINUTES, whether or not it is anyone's (the same answer either way). An
address is refused after LOGIN_ADDRESS_FAILURES failures within the same window; successful
logins never count, so a whole office behind one NAT address can log in at 8:30.

Counters and locks live where every worker sees them and a restart keeps them: Redis when
REDIS_URL is set (the `limits` library's moving window), otherwise the database
(models.login_attempt). Keys are hashes: the store never holds what people typed.
"""

import hashlib
from datetime import timedelta

from flask import Flask, current_app
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, insert, select

from admin_app.extensions import db
from models.clock import now_utc
from models.login_attempt import LoginAttempt
from models.security_event import SecurityEventKind, security_event

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
    def _count(conn, key: str, item: RateLimitItem, now) -> int:
        since = now - timedelta(seconds=item.get_expiry())
        return conn.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.key == key, LoginAttempt.at > since))

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
            conn.execute(delete(LoginAttempt).where(
                LoginAttempt.key == self._key(item, identifiers)))

    def reset(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(LoginAttempt))


class RedisWindow(MovingWindowRateLimiter):
    """limits' moving window over Redis, with reset() for tests and operators."""

    def reset(self) -> None:
        self.storage.reset()


def make_store(uri: str, keep: timedelta) -> DatabaseWindow | RedisWindow:
    if uri == DATABASE:
        return DatabaseWindow(keep)
    options = {"key_prefix": REDIS_KEY_PREFIX} if uri.startswith(("redis", "valkey")) else {}
    return RedisWindow(storage_from_string(uri, **options))


class LoginGuard:
    def __init__(self, app: Flask) -> None:
        cfg = app.config
        self.account_failures = RateLimitItemPerMinute(cfg["LOGIN_ACCOUNT_FAILURES"],
                                                       cfg["LOGIN_WINDOW_MINUTES"])
        self.address_failures = RateLimitItemPerMinute(cfg["LOGIN_ADDRESS_FAILURES"],
                                                       cfg["LOGIN_WINDOW_MINUTES"])
        self.lock = RateLimitItemPerMinute(1, cfg["LOGIN_LOCK_MINUTES"])
        keep = timedelta(minutes=max(cfg["LOGIN_WINDOW_MINUTES"], cfg["LOGIN_LOCK_MINUTES"]))
        self.store = make_store(cfg["LOGIN_THROTTLE_STORAGE"], keep)

    @staticmethod
    def _account(login: str) -> str:
        # Keys name a hash, so the store never holds what people typed.
        return hashlib.sha256(login.strip().lower().encode()).hexdigest()

    @staticmethod
    def _address(address: str | None) -> str:
        return hashlib.sha256((address or "-").encode()).hexdigest()

    def address_throttled(self, address: str | None) -> bool:
        """Has this address failed too often lately? (Asking counts nothing.)"""
        return not self.store.test(self.address_failures, "login-address", self._address(address))

    def account_locked(self, login: str) -> bool:
        return not self.store.test(self.lock, "login-lock", self._account(login))

    def failed(self, login: str, address: str | None) -> bool:
        """Record a failure for the login and the address; True when it locks the login."""
        self.store.hit(self.address_failures, "login-address", self._address(address))
        key = self._account(login)
        if not self.store.hit(self.account_failures, "login-failures", key) or \
                not self.store.test(self.account_failures, "login-failures", key):
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
    from models.staff import StaffUser

    locked = guard().failed(typed, address)
    known = db.session.scalar(select(StaffUser.id).where(StaffUser.login == typed.strip()))
    security_event(SecurityEventKind.LOCKOUT if locked else SecurityEventKind.LOGIN_FAILED,
                   user_id=known, remote_addr=address)
    return locked
