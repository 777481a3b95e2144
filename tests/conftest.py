"""Fixtures: one migrated database per test session, emptied after every test."""

import re
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from admin_app import create_app
from admin_app.config import TestConfig
from admin_app.demo.loader import DEMO_PASSWORD, load_demo_data
from admin_app.demo.registrants import load_demo_registrants
from admin_app.extensions import cache, db
from models import AccessLogHead
from models.access_log.chain import forget_lane_heads, initial_heads
from models.append_only import APPEND_ONLY_TABLES, create_statements, drop_statements
from models.public.version import stop_watching

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def let_go_of_connections() -> None:
    """What this process keeps open beside the pool: log lanes, the public stamp listener."""
    forget_lane_heads()
    stop_watching()


def reset_database(app) -> None:
    """Start from nothing, then build the schema the way production does: by migration."""
    let_go_of_connections()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.engine.dispose()
            path = Path(db.engine.url.database)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        upgrade()
        db.engine.dispose()


def empty_tables(app) -> None:
    """Back to an empty, migrated database: the append-only triggers are lifted for the
    clean-up only, and the log chain starts afresh."""
    with app.app_context():
        db.session.remove()
        dialect = db.engine.dialect.name
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.connect() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # rows point both ways
                conn.commit()
            for table in APPEND_ONLY_TABLES:
                for statement in drop_statements(dialect, table):
                    conn.execute(text(statement))
            if dialect == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(AccessLogHead.__table__.insert(), initial_heads(first_id=1))
            forget_lane_heads()
            for table in APPEND_ONLY_TABLES:
                for statement in create_statements(dialect, table):
                    conn.execute(text(statement))
            conn.commit()
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def dispose(app) -> None:
    let_go_of_connections()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
    from tests.builders import make_registrant, make_user

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


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, login_id: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login_id, "password": password,
                                       "csrf_token": token})


@pytest.fixture
def login_as(client, demo):
    """login_as("staff1") logs the test client in as a demo login and returns the client."""
    def _login(login_id: str):
        response = login(client, login_id)
        assert response.status_code == 302, f"login as {login_id} failed"
        return client
    return _login


def decide(client, grant_id: int, action: str = "approve", reason: str = "", *,
           batch: bool = False):
    """Approve or refuse a pending grant (or HR's list) over HTTP, as the logged-in person."""
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    url = f"/admin/grants/decide{'-batch' if batch else ''}/?id={grant_id}"
    return client.post(url, data={"action": action, "reason": reason, "csrf_token": token})
