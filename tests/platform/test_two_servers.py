"""Two app servers, one system: two gunicorn instances on two ports, as a load balancer spreads
a city's requests, sharing the test database (PostgreSQL; on the SQLite run, the same file) and
one Redis for login throttling. Whatever one server does, the other knows at the next request:
sessions, logout, password changes, revoked IDs, login locks, public pages; and both write the
one access log, which verifies whole.

Each browser is a `requests` session whose cookie jar is scoped to 127.0.0.1 (cookies ignore
the port), so a session sent to either server is what a load balancer would forward."""

import os
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta

import pytest
import redis
import requests
from sqlalchemy import func, select

from admin_app.demo.loader import DEMO_PASSWORD
from admin_app.extensions import db
from admin_app.login_guard import REDIS_KEY_PREFIX
from models import AccessLog, LoginAttempt, StaffStatus, StaffUser
from models.clock import today_local
from models.public.talent import TalentEntry, TalentField
from tests.builders import facility_id, facility_id_of, user_id_of
from tests.support import count, csrf_token, gunicorn, redis_reachable, session_for

# A Redis database of these tests' own (the throttling tests use TEST_REDIS_URL's), emptied
# before and after each test.
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[0] + "/14"
NAME = 'data-testid="current-user">山田 花子<'  # staff1, in the navigation bar
BAD_LOGIN = "ログインIDまたはパスワードが正しくありません。"
LOCKED = "失敗が続いたため、しばらくログインを制限しています"
NEW_PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not redis_reachable() and os.environ.get("CI") != "true",
        reason="no Redis on 127.0.0.1:6379 (CI starts one and never skips)",
    ),
]


@pytest.fixture
def shared_redis() -> Iterator[redis.Redis]:
    store = redis.Redis.from_url(REDIS)
    store.flushdb()
    yield store
    store.flushdb()
    store.close()


@pytest.fixture
def servers(app, demo, shared_redis) -> Iterator[tuple[str, str]]:
    """Servers A and B: one worker process each, the same keys, database and Redis."""
    with ExitStack() as stack:
        a, b = (stack.enter_context(gunicorn(app, 1, env={"REDIS_URL": REDIS})) for _ in "ab")
        assert a != b
        yield a, b


def dashboard(session: requests.Session, base: str) -> requests.Response:
    return session.get(f"{base}/admin/", allow_redirects=False, timeout=30)


def assert_logged_in(session: requests.Session, base: str) -> None:
    response = dashboard(session, base)
    assert response.status_code == 200, (base, response.status_code)
    assert NAME in response.text


def assert_sent_to_login(session: requests.Session, base: str) -> None:
    response = dashboard(session, base)
    assert response.status_code == 302, (base, response.status_code)
    assert "/login" in response.headers["Location"]


def replay(session: requests.Session) -> requests.Session:
    """Another browser holding a copy of `session`'s cookie as it is now (a second tab, or
    whoever copied it): what a server does with that cookie after the first one moved on."""
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    return copy


def post_form(session: requests.Session, base: str, page: str, data: dict, url: str | None = None):
    """Open `page` on `base`, then post `data` with the page's CSRF token to `url` (or the
    page)."""
    form = session.get(f"{base}{page}", timeout=30)
    assert form.status_code == 200, (page, form.status_code)
    return session.post(
        f"{base}{url or page}",
        data={**data, "csrf_token": csrf_token(form.text)},
        allow_redirects=False,
        timeout=30,
    )


def try_login(base: str, password: str) -> requests.Response:
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/login", timeout=30).text)
    return session.post(
        f"{base}/login",
        data={"login": "staff1", "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )


def test_a_session_made_on_one_server_works_on_the_other(servers):
    a, b = servers
    browser = requests.Session()
    assert_sent_to_login(browser, b)  # nothing to start with
    browser = session_for(a, "staff1")
    assert_logged_in(browser, b)
    assert_logged_in(browser, a)
    # A form opened on B is accepted by A: the CSRF token is the session's, not the server's.
    token = csrf_token(dashboard(browser, b).text)
    response = browser.post(
        f"{a}/logout", data={"csrf_token": token}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 302 and "logged_out=1" in response.headers["Location"]


def test_logout_on_one_server_ends_the_session_on_the_other(servers):
    a, b = servers
    browser = session_for(a, "staff1")
    kept_cookie = replay(browser)
    assert_logged_in(kept_cookie, b)
    response = post_form(browser, a, "/admin/", {}, url="/logout")
    assert response.status_code == 302 and "logged_out=1" in response.headers["Location"]
    assert_sent_to_login(kept_cookie, b)  # the very next request
    assert_sent_to_login(kept_cookie, a)


def test_a_password_change_on_one_server_ends_the_other_sessions_on_the_other(servers):
    a, b = servers
    changer = session_for(a, "staff1")
    elsewhere = session_for(b, "staff1")  # the same person at another desk
    assert_logged_in(elsewhere, b)
    response = post_form(
        changer,
        a,
        "/password",
        {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.status_code
    assert_sent_to_login(elsewhere, b)
    # The changer's own session goes on, on either server; the new password works on B.
    assert_logged_in(changer, b)
    assert_logged_in(changer, a)
    assert try_login(b, DEMO_PASSWORD).status_code == 401
    assert try_login(b, NEW_PASSWORD).status_code == 302


def test_revoking_an_id_on_one_server_ends_its_session_on_the_other(app, servers):
    a, b = servers
    staff = session_for(b, "staff1")
    assert_logged_in(staff, b)
    it = session_for(a, "it1")
    staff_id = user_id_of(app, "staff1")
    response = post_form(
        it,
        a,
        f"/admin/staff_user/details/?id={staff_id}",
        {"action": "revoke", "reason": "退職"},
        url=f"/admin/staff_user/lifecycle/?id={staff_id}",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(StaffUser, staff_id).status == StaffStatus.REVOKED
    assert_sent_to_login(staff, b)
    assert try_login(b, DEMO_PASSWORD).status_code == 401


def test_login_failures_on_both_servers_count_towards_one_lock(app, servers, shared_redis):
    """Two failures on each server: neither alone has seen five. The fifth, on either,
    locks the login on both — counted in the shared Redis, not in the database."""
    a, b = servers
    for base in (a, b, a, b):
        response = try_login(base, "wrong-password")
        assert response.status_code == 401 and BAD_LOGIN in response.text
    fifth = try_login(b, "wrong-password")
    assert fifth.status_code == 429 and LOCKED in fifth.text
    for base in (a, b):  # the right password is refused on both, with the reason
        response = try_login(base, DEMO_PASSWORD)
        assert response.status_code == 429 and LOCKED in response.text
    assert shared_redis.keys(f"{REDIS_KEY_PREFIX}*")  # the counts live in Redis ...
    assert count(app, LoginAttempt) == 0  # ... not in the database (its fallback)
    assert dashboard(session_for(a, "chief1"), b).status_code == 200  # only staff1 is locked


def published_talent(app) -> int:
    """A talent-bank entry of 中央公民館, consented and current today (the servers' real date)."""
    today = today_local()
    with app.app_context():
        entry = TalentEntry(
            facility_id=facility_id("中央公民館"),
            field=TalentField.ARTS,
            name="本名 花子",
            display_name="旧表示名さん",
            display_kana="キュウヒョウジメイ",
            offer="水彩画の指導",
            area="市内全域",
            registered_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=300),
            publish_consent_on=today - timedelta(days=30),
        )
        db.session.add(entry)
        db.session.commit()
        return entry.id


def test_a_public_page_changed_through_one_server_shows_on_the_other_at_once(app, servers):
    a, b = servers
    entry = published_talent(app)
    resident = requests.Session()
    for base in (a, b, b):  # rendered and kept in each server's cache
        for page in ("/talent-bank", f"/talent-bank/{entry}"):
            response = resident.get(f"{base}{page}", timeout=30)
            assert response.status_code == 200 and "旧表示名さん" in response.text
    etag = resident.get(f"{b}/talent-bank", timeout=30).headers["ETag"]
    staff = session_for(a, "staff1")
    today = today_local()
    response = post_form(
        staff,
        a,
        f"/admin/talent_entry/edit/?id={entry}",
        {
            "facility": str(facility_id_of(app, "中央公民館")),
            "field": "arts",
            "name": "本名 花子",
            "display_name": "新表示名さん",
            "display_kana": "シンヒョウジメイ",
            "offer": "水彩画の指導",
            "publish_consent_on": (today - timedelta(days=30)).isoformat(),
            "expires_on": (today + timedelta(days=300)).isoformat(),
        },
    )
    assert response.status_code == 302, response.text
    for page in ("/talent-bank", f"/talent-bank/{entry}"):
        shown = resident.get(f"{b}{page}", timeout=30).text
        assert "新表示名さん" in shown and "旧表示名さん" not in shown, page
    # A browser revalidating its copy gets the new page, not 304.
    again = resident.get(f"{b}/talent-bank", headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 200 and "新表示名さん" in again.text


def log_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AccessLog))


def test_both_servers_write_the_one_access_log_and_it_verifies(app, servers):
    a, b = servers
    on_a, on_b = session_for(a, "staff1"), session_for(b, "chief1")
    before = log_rows(app)
    for _ in range(3):
        assert on_a.get(f"{a}/admin/facility/", timeout=30).status_code == 200
    assert log_rows(app) == before + 3  # server A's requests, each one row
    for _ in range(4):
        assert on_b.get(f"{b}/admin/facility/", timeout=30).status_code == 200
    assert log_rows(app) == before + 7  # and server B's
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"OK {log_rows(app)} rows"
