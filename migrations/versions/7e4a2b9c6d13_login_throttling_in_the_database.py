"""login throttling in the database: failed-login counters and locks shared by every worker

Revision ID: 7e4a2b9c6d13
Revises: 9a6b3c1d2e45
Create Date: 2026-11-27 09:00:00.000000

The store admin_app.login_guard uses when REDIS_URL is not set. Rows hold a hash of the limit
and of what it counts (a typed login, an address) and the time; nothing typed is stored.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7e4a2b9c6d13'
down_revision = '9a6b3c1d2e45'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index('ix_login_attempt_key_at', ['key', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_key_at')
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))

    op.drop_table('login_attempt')
