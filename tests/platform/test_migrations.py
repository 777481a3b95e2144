"""The migrations build exactly the schema the models describe (run on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from admin_app.database import include_object, render_migration_item
from admin_app.extensions import db
from tests.support import let_go_of_connections


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_item": render_migration_item,
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations: run `flask db migrate`: {diff}"


def test_database_backend_is_the_one_under_test(app):
    import os

    expected = "postgresql" if "postgres" in os.environ.get("TEST_DATABASE_URL", "") else "sqlite"
    with app.app_context():
        assert db.engine.dialect.name == expected


def test_assignments_made_before_grants_had_a_trail_stay_in_force(app):
    """The grants migration backfills existing role assignments as approved; a row made
    without the trail afterwards is pending (deny by default)."""
    from datetime import UTC, date, datetime

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, text

    from models import GrantState, Role, RoleAssignment, StaffUser
    from models.staff.access import access_of

    with app.app_context():
        let_go_of_connections()
        db.session.remove()
        db.engine.dispose()
        downgrade(revision="2b2433df3c96")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO section (code, name, authority) "
                    "VALUES ('KOMINKAN', '公民館', 'board_of_education')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO staff_user (login, name, kind, section_id, status, valid_from, "
                    "must_change_password, created_at) SELECT 'old1', '旧 職員', 'employee', id, "
                    "'active', '2026-04-01', false, '2026-04-01 00:00:00+00' FROM section"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO role_assignment (user_id, role, section_id, valid_from, "
                    "created_at, designated_confirmer) SELECT staff_user.id, 'section_chief', "
                    "section.id, '2026-04-01', '2026-04-01 00:00:00+00', false "
                    "FROM staff_user, section"
                )
            )
        db.engine.dispose()
        upgrade()
        db.engine.dispose()
        grant = db.session.scalar(select(RoleAssignment))
        assert grant.state == GrantState.APPROVED
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "old1"))
        assert access_of(user, datetime(2026, 12, 1, tzinfo=UTC)).roles == {Role.SECTION_CHIEF}
        fresh = RoleAssignment(
            user=user, role=grant.role, section=grant.section, valid_from=date(2026, 4, 1)
        )
        db.session.add(fresh)
        db.session.flush()
        assert fresh.state == GrantState.PENDING
        db.session.rollback()
