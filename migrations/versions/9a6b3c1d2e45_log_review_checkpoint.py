"""log review: the access log's checkpoint taken at each sign-off

Revision ID: 9a6b3c1d2e45
Revises: 5c2d8e4b1a90
Create Date: 2026-11-27 09:00:00.000000

log_review is append-only (triggers refuse UPDATE and DELETE): a plain ADD COLUMN keeps its
rows and triggers as they are. Sign-offs recorded before have no checkpoint.
"""
from alembic import op
import sqlalchemy as sa

from models.append_only import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = '9a6b3c1d2e45'
# The brief named 20455d96a950, but 2b2433df3c96 already follows it on this branch: one head.
down_revision = '5c2d8e4b1a90'
branch_labels = None
depends_on = None


def upgrade():
    # Not batch: on SQLite a batch would rebuild the table and drop its triggers.
    op.add_column('log_review', sa.Column('checkpoint', sa.String(length=2000), nullable=True))


def downgrade():
    bind = op.get_bind()
    for statement in drop_statements(bind.dialect.name, 'log_review'):
        op.execute(statement)
    with op.batch_alter_table('log_review', schema=None) as batch_op:
        batch_op.drop_column('checkpoint')
    for statement in create_statements(bind.dialect.name, 'log_review'):
        op.execute(statement)
