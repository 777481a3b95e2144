"""Behind a reverse proxy: with TRUSTED_PROXIES hops, the client's address is the one the proxy
forwards — in the access log, the login throttle and the log-review terminal check. Without it
the same headers are anyone's to write and change nothing (see also test_login_throttling's
test_forwarded_headers_do_not_change_the_counted_address)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import select

from admin_app import create_app
from admin_app.config import TestConfig
from admin_app.extensions import db
from models import AccessLog, SecurityEvent, StaffUser
from tests.support import dispose, login

REVIEW_TERMINALS = "10.20.0.0/16"


@contextmanager
def app_behind(hops: int, **settings):
    config = type(
        "Behind", (TestConfig,), {"TRUSTED_PROXIES": hops, "LOG_REVIEW_NETWORKS": REVIEW_TERMINALS}
    )
    app = create_app(config)
    app.config.update(settings)
    try:
        yield app
    finally:
        dispose(app)


def via_proxy(client, forwarded_for: str):
    """Requests as the proxy (127.0.0.1) sends them: X-Forwarded-For ends with the client;
    the browser spoke HTTPS, so it sends a same-origin Referer (CSRF's check over HTTPS)."""
    client.environ_base.update(
        {
            "HTTP_X_FORWARDED_FOR": forwarded_for,
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_REFERER": "https://localhost/login",
        }
    )
    return client


def log_addresses(app, login_id: str) -> set[str]:
    with app.app_context():
        user = db.session.scalar(select(StaffUser.id).where(StaffUser.login == login_id))
        return set(
            db.session.scalars(select(AccessLog.remote_addr).where(AccessLog.user_id == user))
        )


def test_one_trusted_hop_gives_the_client_address_to_log_and_terminal_check(demo):
    with app_behind(1) as app:
        client = via_proxy(app.test_client(), "6.6.6.6, 10.20.1.5")  # the left one is forged
        assert login(client, "chief1").status_code == 302
        assert client.get("/admin/access_log/").status_code == 200  # a review terminal
        assert log_addresses(app, "chief1") == {"10.20.1.5"}
        via_proxy(client, "10.20.1.5, 192.0.2.44")  # the same chief, another desk
        assert client.get("/admin/access_log/").status_code == 403
        assert log_addresses(app, "chief1") == {"10.20.1.5", "192.0.2.44"}


def test_without_trusted_proxies_forwarded_headers_change_nothing(demo):
    with app_behind(0) as app:
        client = via_proxy(app.test_client(), "10.20.1.5")
        assert login(client, "chief1").status_code == 302
        assert client.get("/admin/access_log/").status_code == 403  # 127.0.0.1 is no terminal
        assert log_addresses(app, "chief1") == {"127.0.0.1"}


@pytest.mark.parametrize("hops", [0, 1])
def test_the_address_throttle_counts_clients_behind_the_proxy(demo, hops):
    """Behind the proxy each client has its own count: one guessing client is stopped, a
    colleague at the next desk still logs in. Without a trusted proxy the headers count for
    nothing and the connection's address is what is throttled."""
    with app_behind(hops) as app:
        app.extensions["login_guard"].address_failures.amount = 3
        guesser = via_proxy(app.test_client(), "10.20.7.7")
        for n in range(3):
            assert login(guesser, f"guess{n}", "wrong-password-xyz").status_code == 401
        assert login(guesser, "staff1").status_code == 429
        colleague = via_proxy(app.test_client(), "10.20.7.8")
        assert login(colleague, "staff1").status_code == (302 if hops else 429)
        with app.app_context():
            addresses = set(db.session.scalars(select(SecurityEvent.remote_addr)))
        assert addresses == ({"10.20.7.7"} if hops else {"127.0.0.1"})
