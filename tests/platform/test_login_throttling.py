"""Login throttling an office can live with: only failures count against an address, and the
counters live in a store shared by every worker and kept across restarts — Redis when
REDIS_URL is set, the database otherwise. Each behaviour is checked on both stores."""

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from admin_app import create_app
from admin_app.config import Config, ConfigurationError, ProductionConfig, TestConfig
from admin_app.extensions import db
from admin_app.login_guard import DatabaseWindow, FailoverWindow, RedisWindow
from models import LoginAttempt, SecurityEvent, SecurityEventKind
from tests.support import PRODUCTION_ENV, dispose, login, redis_reachable

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEMO_LOGINS = ["staff1", "staff2", "chief1", "it1", "contractor1", "records1", "auditor1"]
LOCKED_JA = "失敗が続いたため、しばらくログインを制限しています"


needs_redis = pytest.mark.skipif(
    not redis_reachable() and os.environ.get("CI") != "true",
    reason="no Redis on 127.0.0.1:6379 (CI starts one and never skips)",
)
STORES = ["database", pytest.param(REDIS, id="redis", marks=needs_redis)]


@contextmanager
def app_instance(storage: str, **settings):
    """Another app process on the test database (a worker, or the app after a restart)."""
    config = type("ThrottleConfig", (TestConfig,), {"LOGIN_THROTTLE_STORAGE": storage, **settings})
    app = create_app(config)
    try:
        yield app
    finally:
        dispose(app)


@pytest.fixture
def fresh_redis():
    """The Redis store starts and ends empty (only our key prefix on the tests' database)."""
    if not redis_reachable():
        yield
        return
    with app_instance(REDIS) as app:
        with app.app_context():
            app.extensions["login_guard"].reset()
        yield
        with app.app_context():
            app.extensions["login_guard"].reset()


def events(app, kind) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == kind)
        )


@pytest.mark.parametrize("storage", STORES)
def test_forty_successful_logins_from_one_address_are_never_throttled(demo, fresh_redis, storage):
    """A city office behind one NAT address logs in at 8:30: nobody is refused."""
    with app_instance(storage) as app:
        for n in range(40):
            client = app.test_client()
            response = login(client, DEMO_LOGINS[n % len(DEMO_LOGINS)])
            assert response.status_code == 302, f"login {n + 1} from the office was refused"
        assert events(app, SecurityEventKind.THROTTLED) == 0


@pytest.mark.parametrize("storage", STORES)
def test_failures_from_one_address_lock_that_address(demo, fresh_redis, storage):
    with app_instance(storage, LOGIN_ADDRESS_FAILURES=6) as app:
        client = app.test_client()
        for n in range(6):  # different logins: no single account reaches its own limit
            assert login(client, f"guess{n}", "wrong-password-xyz").status_code == 401
        # The address is locked now: even a right password from it is refused.
        refused = login(client, "staff1")
        assert refused.status_code == 429 and LOCKED_JA in refused.get_data(as_text=True)
        assert events(app, SecurityEventKind.THROTTLED) == 1
        # Another address is not affected.
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        assert login(other, "staff1").status_code == 302


def test_successes_between_failures_do_not_hide_them(demo):
    """Only failures count, and a success does not wipe the address's failures."""
    with app_instance("database", LOGIN_ADDRESS_FAILURES=4) as app:
        client = app.test_client()
        colleagues = []
        for n in range(4):
            assert login(client, f"guess{n}", "wrong-password-xyz").status_code == 401
            colleagues.append(login(app.test_client(), "chief1").status_code)
        # Three successes in between; the fourth failure locks the address all the same.
        assert colleagues == [302, 302, 302, 429]


def test_locks_survive_a_restart_on_the_database_store(demo):
    with app_instance("database", LOGIN_ADDRESS_FAILURES=30) as before:
        client = before.test_client()
        statuses = [login(client, "staff1", "wrong-password-xyz").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]  # the fifth failure locks staff1
    with app_instance("database") as after:  # the restarted app
        response = login(after.test_client(), "staff1")
        assert response.status_code == 429 and LOCKED_JA in response.get_data(as_text=True)
        with after.app_context():
            keys = db.session.scalars(select(LoginAttempt.key)).all()
        # The store holds hashes: neither the typed login nor the address in clear.
        assert keys and all(
            len(k) == 64 and "staff1" not in k and "127.0.0.1" not in k for k in keys
        )


@needs_redis
def test_redis_counters_are_shared_between_app_instances(demo, fresh_redis):
    with app_instance(REDIS) as first, app_instance(REDIS) as second:
        store = first.extensions["login_guard"].store
        assert isinstance(store, FailoverWindow) and isinstance(store.shared, RedisWindow)
        for _ in range(4):
            assert login(first.test_client(), "staff1", "wrong-password-xyz").status_code == 401
        # The fifth failure, seen by another worker, locks the login for both.
        assert login(second.test_client(), "staff1", "wrong-password-xyz").status_code == 429
        assert login(first.test_client(), "staff1").status_code == 429
        with first.app_context():  # nothing of it went to the database store
            assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_redis_url_is_honoured_by_every_config_and_production_needs_it(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REDIS_URL", REDIS)
    assert Config().LOGIN_THROTTLE_STORAGE == REDIS
    assert ProductionConfig().LOGIN_THROTTLE_STORAGE == REDIS
    monkeypatch.delenv("REDIS_URL")
    assert Config().LOGIN_THROTTLE_STORAGE == "database"
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        ProductionConfig()  # never a per-process or database throttle in production


def test_the_database_store_is_what_runs_without_redis(app):
    assert isinstance(app.extensions["login_guard"].store, DatabaseWindow)


def test_a_redis_that_cannot_be_reached_fails_no_login_and_stops_no_lock(demo, caplog):
    """Redis down: logins are answered (not a 500), and failures still lock — counted in the
    database until Redis answers again."""
    with app_instance("redis://127.0.0.1:1/0") as app:  # nothing listens on port 1
        assert login(app.test_client(), "staff1").status_code == 302
        client = app.test_client()
        statuses = [login(client, "chief1", "wrong-password-xyz").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        locked = login(app.test_client(), "chief1")
        assert locked.status_code == 429 and LOCKED_JA in locked.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) > 0
    warnings = [r for r in caplog.records if r.name == "admin_app.login_guard"]
    assert warnings and "cannot be reached" in warnings[0].getMessage()


def stored_keys(storage: str) -> list[str]:
    if storage == "database":
        with app_instance("database") as app, app.app_context():
            return db.session.scalars(select(LoginAttempt.key)).all()
    import redis

    return [k.decode() for k in redis.Redis.from_url(storage).keys("fbo-login*")]


@pytest.mark.parametrize("storage", STORES)
def test_the_store_holds_no_key_that_a_guessed_login_or_address_would_find(
    demo, fresh_redis, storage
):
    """Whoever reads the store (a database dump, Redis) cannot test guesses against it: the
    keys are keyed hashes, not hashes anyone can compute — an IPv4 address or a password
    typed into the login field would otherwise be found by trying candidates."""
    import hashlib

    typed = ["staff1", "demo-password-2026", "127.0.0.1"]
    with app_instance(storage) as app:
        client = app.test_client()
        for login_id in typed[:2]:
            assert login(client, login_id, "wrong-password-xyz").status_code == 401
        guard = app.extensions["login_guard"]
        items = (guard.account_failures, guard.address_failures, guard.lock)
    keys = stored_keys(storage)
    digests = {hashlib.sha256(v.encode()).hexdigest() for t in typed for v in (t, t.lower())}
    derived = {
        hashlib.sha256(item.key_for(prefix, d).encode()).hexdigest()
        for d in digests
        for item in items
        for prefix in ("login-failures", "login-address", "login-lock")
    }
    assert keys
    assert [
        k
        for k in keys
        if k in derived or any(d in k for d in digests) or any(t in k for t in typed)
    ] == []


def test_forwarded_headers_do_not_change_the_counted_address(demo):
    """The app is not behind a proxy: X-Forwarded-For and friends are anyone's to write, so
    they neither spread failures over made-up addresses nor appear in the security log."""
    from models import SecurityEvent

    with app_instance("database", LOGIN_ADDRESS_FAILURES=3) as app:
        client = app.test_client()
        for n in range(3):
            client.environ_base.update(
                {
                    "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}",
                    "HTTP_X_REAL_IP": f"198.51.100.{n}",
                    "HTTP_FORWARDED": f"for=198.51.100.{n}",
                }
            )
            assert login(client, f"guess{n}", "wrong-password-xyz").status_code == 401
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        assert login(client, "staff1").status_code == 429
        with app.app_context():
            addresses = set(db.session.scalars(select(SecurityEvent.remote_addr)))
    assert addresses == {"127.0.0.1"}
