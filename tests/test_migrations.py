"""The migrations build exactly the schema the models describe (run on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from admin_app.database import include_object, render_migration_item
from admin_app.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "render_item": render_migration_item,
            "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations: run `flask db migrate`: {diff}"


def test_database_backend_is_the_one_under_test(app):
    import os

    expected = "postgresql" if "postgres" in os.environ.get("TEST_DATABASE_URL", "") else "sqlite"
    with app.app_context():
        assert db.engine.dialect.name == expected
