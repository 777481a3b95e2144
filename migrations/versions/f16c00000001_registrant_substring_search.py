"""substring search over registrants: pg_trgm GIN indexes (PostgreSQL), FTS5 trigram (SQLite)

Revision ID: f16c00000001
Revises: f15b00000001
Create Date: 2026-11-27 06:00:00.000000

PostgreSQL: the pg_trgm extension and a GIN gin_trgm_ops index on each searched column
(name, name_kana, registration_number, phone_digits, activity).
SQLite: registrant_search, an FTS5 table with the trigram tokenizer over the same columns,
contentless towards the text (content='registrant': no copy of it), kept in step by
insert/update/delete triggers; filled from the existing rows.
A later migration that rebuilds registrant on SQLite (batch "move and copy") drops these
triggers with the old table: it must create them again (SQLITE_UP's CREATE TRIGGER lines).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f16c00000001'
down_revision = 'f15b00000001'
branch_labels = None
depends_on = None

COLUMNS = ('name', 'name_kana', 'registration_number', 'phone_digits', 'activity')
LISTED = ', '.join(COLUMNS)
NEW = ', '.join(f'new.{c}' for c in COLUMNS)
OLD = ', '.join(f'old.{c}' for c in COLUMNS)

SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE registrant_search USING fts5({LISTED},
        content='registrant', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER registrant_search_insert AFTER INSERT ON registrant BEGIN
        INSERT INTO registrant_search(rowid, {LISTED}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER registrant_search_delete AFTER DELETE ON registrant BEGIN
        INSERT INTO registrant_search(registrant_search, rowid, {LISTED})
        VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER registrant_search_update AFTER UPDATE OF {LISTED} ON registrant BEGIN
        INSERT INTO registrant_search(registrant_search, rowid, {LISTED})
        VALUES ('delete', old.id, {OLD});
        INSERT INTO registrant_search(rowid, {LISTED}) VALUES (new.id, {NEW});
    END""",
    "INSERT INTO registrant_search(registrant_search) VALUES ('rebuild')",
]


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for column in COLUMNS:
            op.create_index(f'ix_registrant_{column}_trgm', 'registrant', [column],
                            unique=False, postgresql_using='gin',
                            postgresql_ops={column: 'gin_trgm_ops'})
        return
    for statement in SQLITE_UP:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in COLUMNS:
            op.drop_index(f'ix_registrant_{column}_trgm', table_name='registrant')
        return  # the extension stays: other objects may use it
    for trigger in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER registrant_search_{trigger}')
    op.execute('DROP TABLE registrant_search')
