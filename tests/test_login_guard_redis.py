"""The production store for login throttling: Redis (the same guard, another storage)."""

import os
import socket

import pytest
from flask import Flask

from admin_app.config import TestConfig
from admin_app.login_guard import LoginGuard

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true",
                    reason="no Redis on 127.0.0.1:6379 (CI starts one and never skips)")
def test_lockout_counts_live_in_redis_and_are_shared_between_workers():
    config = TestConfig()
    apps = []
    for _ in range(2):  # two workers, one store
        app = Flask(__name__)
        app.config.from_object(config)
        app.config["RATELIMIT_STORAGE_URI"] = REDIS
        apps.append(app)
    first, second = (LoginGuard(app) for app in apps)
    first.limiter.reset()
    login = "redis-test-user"
    for _ in range(4):
        assert first.failed(login) is False
    assert second.failed(login) is True  # the fifth failure, seen by another worker
    assert first.account_locked(login) and second.account_locked(login)
    first.limiter.reset()
    assert not second.account_locked(login)
