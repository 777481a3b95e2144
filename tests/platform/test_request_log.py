"""No personal data in process logs: one line per request (method, path, status, duration,
user, request id) and never a query string, a form value or a database error's values — in
the app's log, in the development server's log and in gunicorn's."""

import logging
import re

import pytest
import requests
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from admin_app.config import Config, ProductionConfig, TestConfig
from admin_app.extensions import db
from admin_app.permissions import PUBLIC, TABLE, Rule
from bench.load import served
from models import Facility, Room
from tests.builders.registration import make_registrant
from tests.support import PRODUCTION_ENV, csrf_token, login

NAME, KANA, PHONE = "萩山コーラスの会", "ハギヤマコーラス", "0423935111"
LINE = re.compile(r"(GET|POST) (\S+) (\d{3}) \d+ms user=(\S+) request=([0-9a-f]{32})")


@pytest.fixture
def searched(app, demo):
    with app.app_context():
        make_registrant(name=NAME, name_kana=KANA + "ノカイ", phone="042-393-5111")


def search_for_a_resident(client) -> None:
    for term in (NAME, KANA, PHONE, "042-393-5111"):
        response = client.get("/admin/registrant/", query_string={"search": term})
        assert response.status_code == 200
        assert NAME in response.get_data(as_text=True)  # the search found the resident
    assert client.get("/circles", query_string={"q": NAME}).status_code == 200


def personal(log: str) -> list[str]:
    return [t for t in (NAME, KANA, PHONE, "042-393-5111", "search=", "q=") if t in log]


def test_a_search_is_logged_as_one_line_without_its_terms(app, searched, client, caplog):
    caplog.set_level(logging.INFO)
    login(client, "staff1")
    search_for_a_resident(client)
    lines = [LINE.search(r.getMessage()) for r in caplog.records if r.name == "admin_app.requests"]
    searches = [m for m in lines if m and m.group(2) == "/admin/registrant/"]
    assert len(searches) == 4
    with app.app_context():
        from models import StaffUser

        staff1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff1"))
    assert {(m.group(1), m.group(3), m.group(4)) for m in searches} == {("GET", "200", str(staff1))}
    assert len({m.group(5) for m in searches}) == 4  # a request id each
    assert any(m and m.group(2) == "/circles" for m in lines)
    assert personal(caplog.text) == []


def test_the_request_id_is_sent_back(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert client.get("/healthz").headers["X-Request-ID"] != response.headers["X-Request-ID"]


def test_a_database_error_is_logged_without_its_values(app, demo, login_as, caplog):
    """A room name taken in its facility: the save fails in the database (no form check knows
    the pair), is logged, and the log holds neither the bound values nor PostgreSQL's DETAIL
    quoting the key."""
    caplog.set_level(logging.INFO)
    client = login_as("it1")
    with app.app_context():
        facility = db.session.scalar(select(Facility.id).order_by(Facility.id).limit(1))
    data = {"facility": facility, "name": "会議室ZQ7731", "capacity": "20"}
    for _ in range(2):
        page = client.get("/admin/room/new/").get_data(as_text=True)
        client.post("/admin/room/new/", data=data | {"csrf_token": csrf_token(page)})
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Room).where(Room.name == "会議室ZQ7731")
            )
            == 1
        )
    failures = [r for r in caplog.records if "save failed in room" in r.getMessage()]
    assert len(failures) == 1  # the error happened and was logged ...
    assert "IntegrityError" in caplog.text
    assert "ZQ7731" not in caplog.text  # ... without the values
    assert "POST /admin/room/new/ 200" in caplog.text


def test_an_unhandled_database_error_is_logged_without_its_values(
    new_app, demo, caplog, monkeypatch
):
    app = new_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered with the 500 page, as in production
    monkeypatch.setitem(TABLE, "boom", Rule(PUBLIC, None))

    @app.route("/boom")
    def boom():
        db.session.execute(
            text("SELECT * FROM nowhere WHERE name = :name"), {"name": "山田太郎-09012345678"}
        )

    caplog.set_level(logging.INFO)
    assert app.test_client().get("/boom?who=山田太郎").status_code == 500
    assert "Exception on /boom [GET]" in caplog.text
    with app.app_context():
        error = {"sqlite": "OperationalError", "postgresql": "ProgrammingError"}[
            db.engine.dialect.name
        ]
    assert error in caplog.text
    assert "山田太郎" not in caplog.text and "09012345678" not in caplog.text
    assert "GET /boom 500" in caplog.text


@pytest.mark.parametrize("config", [Config, ProductionConfig, TestConfig])
def test_every_config_hides_bound_parameters(config, monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    assert config().SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] is True


def test_the_engine_hides_bound_values_in_its_errors(app):
    with app.app_context():
        with pytest.raises(DBAPIError) as error:
            db.session.execute(text("SELECT * FROM nowhere WHERE x = :v"), {"v": "秘密の値42"})
        db.session.rollback()
        assert current_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"]
    assert "秘密の値42" not in str(error.value)


def test_the_development_server_log_has_no_query_strings(app, searched, live_server, caplog):
    """`make run` serves with Werkzeug: its access lines lose their query strings."""
    caplog.set_level(logging.INFO)
    session = requests.Session()
    token = csrf_token(session.get(f"{live_server}/login", timeout=10).text)
    session.post(
        f"{live_server}/login",
        data={"login": "staff1", "password": "demo-password-2026", "csrf_token": token},
        timeout=10,
    )
    for term in (NAME, PHONE):
        assert (
            NAME
            in session.get(
                f"{live_server}/admin/registrant/", params={"search": term}, timeout=10
            ).text
        )
    werkzeug = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "GET /admin/registrant/ HTTP/1.1" in werkzeug
    assert personal(caplog.text) == []


@pytest.mark.slow
def test_the_gunicorn_log_has_request_lines_and_no_personal_data(app, searched, tmp_path):
    log = tmp_path / "server.log"
    keys = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "AUDIT_CHAIN_KEY": app.config["AUDIT_CHAIN_KEY"],
    }
    with (
        log.open("w") as output,
        served(
            "admin_app:create_app()",
            app.config["SQLALCHEMY_DATABASE_URI"],
            workers=2,
            env=keys,
            output=output,
        ) as base,
    ):
        session = requests.Session()
        token = csrf_token(session.get(f"{base}/login", timeout=10).text)
        assert (
            session.post(
                f"{base}/login",
                data={"login": "staff1", "password": "demo-password-2026", "csrf_token": token},
                allow_redirects=False,
                timeout=10,
            ).status_code
            == 302
        )
        for term in (NAME, KANA, PHONE):
            page = session.get(f"{base}/admin/registrant/", params={"search": term}, timeout=10)
            assert NAME in page.text
        assert session.get(f"{base}/circles", params={"q": NAME}, timeout=10).ok
    written = log.read_text()
    assert len(re.findall(r"GET /admin/registrant/ 200 \d+ms user=\d+ request=", written)) == 3
    assert personal(written) == []
