"""Small data builders for tests, one module per domain (staff, registration, public,
access_log); here what every domain looks up: the test password, ids by name.

Call them inside an app context unless a builder says otherwise."""

from sqlalchemy import select

from admin_app.extensions import db
from models import Facility, Section, StaffUser

PASSWORD = "a-long-test-password-2026"  # every login a builder makes


def facility_id(name: str) -> int:
    return db.session.scalar(select(Facility.id).where(Facility.name == name))


def section_id(code: str) -> int:
    return db.session.scalar(select(Section.id).where(Section.code == code))


def user_id(login: str) -> int:
    return db.session.scalar(select(StaffUser.id).where(StaffUser.login == login))


# The same looked up from outside an app context: each opens its own.


def user_id_of(app, login: str) -> int:
    with app.app_context():
        return user_id(login)


def section_id_of(app, code: str) -> int:
    with app.app_context():
        return section_id(code)


def facility_id_of(app, name: str) -> int:
    with app.app_context():
        return facility_id(name)
