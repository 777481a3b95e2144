"""access log lanes: sixteen chains side by side, so log writers do not queue on one head

Revision ID: 20455d96a950
Revises: 7d866d938f79
Create Date: 2026-11-26 07:14:05.499162

Existing rows are lane 1 (the chain so far); lanes 2..16 start empty. On PostgreSQL ids now
come from the table's sequence, which is moved past the ids written so far. Downgrading keeps
only lane 1's rows verifiable.
"""
from alembic import op
import sqlalchemy as sa

from models.append_only import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = '20455d96a950'
down_revision = '7d866d938f79'
branch_labels = None
depends_on = None

LANES = 16


def upgrade():
    # A plain ADD COLUMN (no table rebuild on SQLite): the append-only triggers stay.
    op.add_column('access_log', sa.Column('lane', sa.SmallInteger(), server_default='1',
                                          nullable=False))
    bind = op.get_bind()
    for lane in range(2, LANES + 1):
        bind.execute(sa.text('INSERT INTO access_log_head (id, first_id, last_id, last_hash) '
                             'VALUES (:lane, 0, 0, :genesis)'),
                     {'lane': lane, 'genesis': '0' * 64})
    if bind.dialect.name == 'postgresql':
        bind.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('access_log', 'id'), "
            "COALESCE(MAX(id), 0) + 1, false) FROM access_log"))


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text('DELETE FROM access_log_head WHERE id > 1'))
    for statement in drop_statements(bind.dialect.name, 'access_log'):
        op.execute(statement)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_column('lane')
    for statement in create_statements(bind.dialect.name, 'access_log'):
        op.execute(statement)
