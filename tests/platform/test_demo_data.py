"""Demo data: realistic, idempotent, loaded only when asked for."""

import pytest
from sqlalchemy import func, select

from admin_app import create_app
from admin_app.config import TestConfig
from admin_app.demo.guard import DemoRefused
from admin_app.demo.loader import DEMO_PASSWORD, USERS, load_demo_data
from admin_app.demo.registration import load_demo_registrants
from admin_app.demo.staff import load_demo_staff
from admin_app.extensions import db
from models import Authority, Facility, Registrant, Room, Section, StaffUser
from tests.support import dispose


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Section, Facility, Room, StaffUser)
    )


@pytest.mark.slow
def test_demo_data_is_idempotent(app):
    with app.app_context():
        load_demo_data()
        first = counts()
        added = load_demo_data()
        assert counts() == first
        assert set(added.values()) == {0}


def test_demo_has_both_authorities_and_one_login_per_role(app, demo):
    with app.app_context():
        authorities = set(db.session.scalars(select(Section.authority)))
        logins = set(db.session.scalars(select(StaffUser.login)))
        sports = db.session.scalar(select(Facility).where(Facility.name == "スポーツセンター"))
        assert sports.section.addressee == "東村山市教育委員会"
        assert sports.rooms
    assert authorities == {Authority.MAYOR, Authority.BOARD_OF_EDUCATION}
    assert {u[0] for u in USERS} <= logins
    assert logins - {u[0] for u in USERS} == {"contractor2", "olduser1"}  # for the IT screens
    assert {u[5] for u in USERS} == {
        "facility_staff",
        "section_chief",
        "it_admin",
        "contractor_operator",
        "records_officer",
        "auditor",
    }


def test_a_production_start_is_empty(app):
    with app.app_context():
        assert counts() == (0, 0, 0, 0)


@pytest.mark.slow
def test_demo_data_cli_if_empty_loads_once(app):
    runner = app.test_cli_runner()
    assert "sections +5" in runner.invoke(args=["demo-data", "--if-empty"]).output
    assert "not loaded" in runner.invoke(args=["demo-data", "--if-empty"]).output
    output = runner.invoke(args=["demo-logins"]).output
    assert "demo-password-2026" in output and "staff1" in output


def test_demo_public_entries_come_in_every_state(app, demo_registrants):
    from admin_app.demo.public import load_demo_talent
    from models import Registrant, RegistrantKind
    from models.clock import today_local
    from models.public.publication import circle_listed, talent_listed
    from models.public.talent import TalentEntry

    with app.app_context():
        assert load_demo_talent() == 40
        today = today_local()
        entries = db.session.scalars(select(TalentEntry)).all()
        listed = set(db.session.scalars(select(TalentEntry.id).where(talent_listed(today))))
        assert {e.publish_consent_on is None for e in entries} == {True, False}
        assert {e.contact_consent for e in entries if e.id in listed} == {True, False}
        assert any(e.expires_on < today for e in entries)  # expired
        assert any(e.registered_on > today for e in entries)  # not begun
        groups = db.session.scalars(
            select(Registrant).where(Registrant.kind == RegistrantKind.GROUP)
        ).all()
        circles = set(db.session.scalars(select(Registrant.id).where(circle_listed(today))))
        assert circles and len(circles) < len(groups)
        assert {g.contact_consent for g in groups if g.id in circles} == {True, False}


def test_demo_registrations_went_through_the_trail_and_some_wait(app, demo_registrants):
    from models import Registrant, RegistrantStatus

    with app.app_context():
        rows = db.session.scalars(select(Registrant)).all()
        pending = [r for r in rows if r.status == RegistrantStatus.PENDING]
        confirmed = [r for r in rows if r.status != RegistrantStatus.PENDING]
        assert 0 < len(pending) < 10
        assert all(
            r.confirmed_by is not None
            and r.confirmed_by_id != r.created_by_id
            and r.confirmed_by.login.startswith("chief")
            for r in confirmed
        )
        assert all(r.eligibility_checks for r in confirmed)
        assert any(not r.eligibility_checks for r in pending)  # the confirmer sees why


class ProductionTestConfig(TestConfig):
    """The test database under APP_ENV=production (without the production environment checks,
    which tests/platform/test_production.py covers)."""

    APP_ENV = "production"


@pytest.fixture
def production_app(app):
    """An app built from a production configuration, on the (migrated, emptied) test database."""
    production = create_app(ProductionTestConfig)
    yield production
    dispose(production)


@pytest.mark.parametrize("command", [["demo-data"], ["demo-data", "--if-empty"], ["demo-logins"]])
def test_demo_data_and_logins_are_refused_in_production(production_app, command):
    """APP_ENV=production: the published demo password never reaches the database or the
    screen; the command fails (make run stops there) and nothing is written."""
    assert production_app.config["APP_ENV"] == "production"
    result = production_app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "Refused: Demo data are never loaded in production" in result.output
    assert DEMO_PASSWORD not in result.output and "staff1" not in result.output
    with production_app.app_context():
        assert counts() == (0, 0, 0, 0)


def test_the_loaders_themselves_refuse_in_production(production_app):
    """Whoever calls a loader (a script, a shell): refused before anything is added."""
    with production_app.app_context():
        for load in (load_demo_data, load_demo_staff, load_demo_registrants):
            with pytest.raises(DemoRefused, match="never loaded in production"):
                load()
        db.session.commit()  # whatever a loader might have added would be written now
        assert counts() == (0, 0, 0, 0)
        assert db.session.scalar(select(func.count()).select_from(Registrant)) == 0


def test_the_same_command_loads_outside_production(app):
    """The refusal is production's: the development/test app loads the demo set."""
    result = app.test_cli_runner().invoke(args=["demo-logins"])
    assert result.exit_code == 0 and DEMO_PASSWORD in result.output
