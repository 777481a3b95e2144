"""`flask backup create FILE` and `flask backup restore FILE`: a round trip on this suite's
database (SQLite or PostgreSQL) gives the same rows in every table and an access log that
verifies with the same key — and is reported broken with another key. A restore goes only into
an empty database, and only from a backup of the same kind."""

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from admin_app import create_app
from admin_app.backup import table_counts
from admin_app.config import TestConfig
from admin_app.extensions import db
from tests.conftest import DIALECT
from tests.support import dispose

pytestmark = pytest.mark.slow


def config_on(url: str, **settings) -> type[TestConfig]:
    class Restored(TestConfig):
        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = url
            for name, value in settings.items():
                setattr(self, name, value)

    return Restored


@contextmanager
def empty_database(tmp_path):
    """A new, empty database of the suite's kind; dropped afterwards."""
    if DIALECT == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"fbo_restore_{os.getpid()}"
    base = make_url(TestConfig().SQLALCHEMY_DATABASE_URI)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@contextmanager
def app_on(url: str, **settings):
    app = create_app(config_on(url, **settings))
    try:
        yield app
    finally:
        dispose(app)


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def used_system(app, full_demo, login_as):
    """The demo set plus an access log written by real requests."""
    client = login_as("staff1")
    for url in ("/admin/registrant/", "/admin/facility/", "/admin/registrant/?search=青葉"):
        assert client.get(url).status_code == 200
    return app


def test_a_round_trip_keeps_every_row_and_a_verifiable_log(used_system, tmp_path):
    app = used_system
    dump = tmp_path / "fbo.backup"
    made = cli(app, "backup", "create", str(dump))
    assert made.exit_code == 0, made.output
    assert dump.stat().st_mode & 0o077 == 0  # the operator's only
    with app.app_context():
        before = table_counts(db.engine)
        verified = cli(app, "audit", "verify")
    assert before.tables["access_log"] > 0 and before.tables["registrant"] > 0
    assert verified.exit_code == 0 and f"OK {before.tables['access_log']} rows" in verified.output

    with empty_database(tmp_path) as url:
        with app_on(url) as restored:
            done = cli(restored, "backup", "restore", str(dump))
            assert done.exit_code == 0, done.output
            with restored.app_context():
                assert table_counts(db.engine).tables == before.tables
            again = cli(restored, "audit", "verify")
            assert again.exit_code == 0, again.output
            assert f"OK {before.tables['access_log']} rows" in again.output
            # Into a database that now has tables: refused, nothing changed.
            twice = cli(restored, "backup", "restore", str(dump))
            assert twice.exit_code != 0 and "not empty" in twice.output
            with restored.app_context():
                assert table_counts(db.engine).tables == before.tables
        # With another chain key the restored log does not verify.
        with app_on(url, AUDIT_CHAIN_KEY="another-key-" + "k" * 40) as wrong:
            broken = cli(wrong, "audit", "verify")
    assert broken.exit_code != 0 and "BROKEN" in broken.output


def test_bad_files_are_refused_and_nothing_is_written(used_system, tmp_path):
    app = used_system
    existing = tmp_path / "there.backup"
    existing.write_bytes(b"keep me")
    refused = cli(app, "backup", "create", str(existing))
    assert refused.exit_code != 0 and "never overwrites" in refused.output
    assert existing.read_bytes() == b"keep me"

    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a backup")
    with empty_database(tmp_path) as url, app_on(url) as target:
        wrong = cli(target, "backup", "restore", str(stranger))
        assert wrong.exit_code != 0 and "not a backup of this system" in wrong.output
        other_kind = tmp_path / "other.backup"
        other_kind.write_bytes(b"PGDMP" if DIALECT == "sqlite" else b"SQLite format 3\x00")
        mixed = cli(target, "backup", "restore", str(other_kind))
        assert mixed.exit_code != 0 and "restore it into a database of the same kind" in (
            mixed.output
        )
        with target.app_context():
            assert table_counts(db.engine).tables == {}
