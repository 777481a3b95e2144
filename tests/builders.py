"""Small data builders for tests."""

from datetime import date

from sqlalchemy import select

from admin_app.extensions import db
from admin_app.security import hash_password
from models import Role, RoleAssignment, Section, StaffUser

PASSWORD = "a-long-test-password-2026"


def make_user(login: str, role: Role = Role.FACILITY_STAFF, section_code: str = "KOMINKAN", *,
              valid_from: date = date(2026, 4, 1), role_from: date = date(2026, 4, 1),
              role_to: date | None = None, **fields) -> int:
    """A staff user with one role assignment; returns its id. Call inside an app context."""
    section = db.session.scalar(select(Section).where(Section.code == section_code))
    user = StaffUser(login=login, name=f"テスト {login}", valid_from=valid_from,
                     password_hash=hash_password(PASSWORD), section=section, **fields)
    db.session.add(user)
    db.session.add(RoleAssignment(user=user, role=role, section=section, valid_from=role_from,
                                  valid_to=role_to))
    db.session.commit()
    return user.id
