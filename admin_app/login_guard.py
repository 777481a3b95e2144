"""Login under attack: throttling by address and lockout by account, with Flask-Limiter's
storage (memory in development, Redis in production). The answers never tell whether a login
exists: a typed login name is locked the same way whether or not it is anyone's."""

import hashlib

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute, parse


class LoginGuard:
    def __init__(self, app: Flask) -> None:
        self.limiter = Limiter(key_func=get_remote_address, app=app,
                               storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                               strategy=app.config["RATELIMIT_STRATEGY"], default_limits=[])
        cfg = app.config
        self.failures = RateLimitItemPerMinute(cfg["LOGIN_ACCOUNT_FAILURES"],
                                               cfg["LOGIN_WINDOW_MINUTES"])
        self.lock = RateLimitItemPerMinute(1, cfg["LOGIN_LOCK_MINUTES"])
        self.per_address = parse(cfg["LOGIN_ADDRESS_LIMIT"])

    @property
    def strategy(self):
        return self.limiter.limiter

    @staticmethod
    def _account(login: str) -> str:
        # Keys name a hash, so the store never holds what people typed.
        return hashlib.sha256(login.strip().lower().encode()).hexdigest()

    def address_throttled(self, address: str) -> bool:
        """Count this attempt; True when the address has made too many."""
        return not self.strategy.hit(self.per_address, "login-address", address or "-")

    def account_locked(self, login: str) -> bool:
        return not self.strategy.test(self.lock, "login-lock", self._account(login))

    def failed(self, login: str) -> bool:
        """Record a failure; True when this failure locks the account."""
        key = self._account(login)
        if not self.strategy.hit(self.failures, "login-failures", key) or \
                not self.strategy.test(self.failures, "login-failures", key):
            self.strategy.hit(self.lock, "login-lock", key)
            self.strategy.clear(self.failures, "login-failures", key)
            return True
        return False

    def succeeded(self, login: str) -> None:
        self.strategy.clear(self.failures, "login-failures", self._account(login))


def init_login_guard(app: Flask) -> None:
    app.extensions["login_guard"] = LoginGuard(app)


def guard() -> LoginGuard:
    return current_app.extensions["login_guard"]
