"""Fixtures: one migrated database per test session, emptied after every test; the skips
that the markers `browser`, `postgres_only` and `sqlite_only` stand for."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from admin_app import create_app
from admin_app.config import TestConfig
from admin_app.demo.loader import load_demo_data
from admin_app.demo.registration import load_demo_registrants
from admin_app.extensions import cache, db
from models.public.version import stop_watching
from tests.browser.chromium import CHROMIUM
from tests.builders.registration import make_registrant
from tests.builders.staff import make_user
from tests.support import dispose, empty_tables, login, reset_database

# CI installs Chromium and never skips a browser test.
NO_BROWSER = shutil.which(CHROMIUM) is None and os.environ.get("CI") != "true"
DIALECT = TestConfig().SQLALCHEMY_DATABASE_URI.split(":", 1)[0].split("+", 1)[0]


def pytest_collection_modifyitems(config, items):
    skips = {
        "browser": (NO_BROWSER, "Chromium not installed (CI installs it and never skips)"),
        "postgres_only": (DIALECT != "postgresql", "runs on PostgreSQL only"),
        "sqlite_only": (DIALECT != "sqlite", "runs on SQLite only"),
    }
    for item in items:
        for marker, (skip, reason) in skips.items():
            if skip and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    reset_database(app)
    yield app
    dispose(app)


@pytest.fixture
def new_app():
    """Another app instance on the same database, closed after the test."""
    apps = []

    def _new():
        apps.append(create_app(TestConfig))
        return apps[-1]

    yield _new
    for other in apps:
        dispose(other)


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        empty_tables(app)
        with app.app_context():
            cache.clear()  # rendered public pages, and this process's copy of their stamp
            app.extensions["login_guard"].reset()  # throttling counts start afresh
        stop_watching()  # its copy of the stamp


@pytest.fixture
def demo(app):
    """The demo organisation and one login per role."""
    with app.app_context():
        load_demo_data(with_registrants=False)


@pytest.fixture
def demo_registrants(app, demo):
    """A few hundred demo registrants on top of the demo organisation."""
    with app.app_context():
        load_demo_registrants()
        db.session.commit()


@pytest.fixture
def full_demo(app, demo):
    """The whole demo set (registrants, notices, talent bank) plus a suspended ID and an
    expired registration, so that list filters have rows on both sides."""
    from models import Registrant, RegistrantStatus, StaffStatus, StaffUser

    with app.app_context():
        load_demo_data()
        suspended = db.session.get(StaffUser, make_user("suspended1"))
        suspended.status = StaffStatus.SUSPENDED
        expired = db.session.get(Registrant, make_registrant(name="期限切れ合唱団"))
        expired.status = RegistrantStatus.EXPIRED
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app, demo):
    """The app served over real HTTP by a threaded server on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def login_as(client, demo):
    """login_as("staff1") logs the test client in as a demo login and returns the client."""

    def _login(login_id: str):
        response = login(client, login_id)
        assert response.status_code == 302, f"login as {login_id} failed"
        return client

    return _login
