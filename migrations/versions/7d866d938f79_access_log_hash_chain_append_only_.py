"""access log: hash chain, append-only triggers, review sign-offs, review indexes

Revision ID: 7d866d938f79
Revises: 2deebfc0ab53
Create Date: 2026-11-26 05:45:41.440665

"""
from alembic import op
import sqlalchemy as sa

from models.append_only import APPEND_ONLY_TABLES, create_statements, drop_statements


# revision identifiers, used by Alembic.
revision = '7d866d938f79'
down_revision = '2deebfc0ab53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_head'))
    )
    op.create_table('log_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('findings', sa.Enum('none', 'noted', name='review_findings', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('findings_text', sa.String(length=2000), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id'], name=op.f('fk_log_review_reviewer_id_staff_user')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_log_review_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_review'))
    )
    with op.batch_alter_table('log_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_review_section_id'), ['section_id'], unique=False)

    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_access_log_at'))
        # Every read starts with the section; one index less makes every write cheaper.
        batch_op.drop_index(batch_op.f('ix_access_log_user_at'))
        batch_op.drop_index(batch_op.f('ix_access_log_section_at'))
        batch_op.create_index('ix_access_log_section_at', ['section_id', 'at', 'id'], unique=False)
        batch_op.create_index('ix_access_log_section_action_at', ['section_id', 'action', 'at', 'id'], unique=False)
        batch_op.create_index('ix_access_log_section_endpoint_at', ['section_id', 'endpoint', 'at', 'id'], unique=False)
        batch_op.create_index('ix_access_log_section_record_at', ['section_id', 'record_ids', 'at', 'id'], unique=False)
        batch_op.create_index('ix_access_log_section_user_at', ['section_id', 'user_id', 'at', 'id'], unique=False)

    # The chain starts after any rows already logged (those stay, marked unchained).
    bind = op.get_bind()
    last = bind.execute(sa.text('SELECT COALESCE(MAX(id), 0) FROM access_log')).scalar()
    bind.execute(sa.text('INSERT INTO access_log_head (id, first_id, last_id, last_hash) '
                         'VALUES (1, :first, :last, :genesis)'),
                 {'first': last + 1, 'last': last, 'genesis': '0' * 64})
    for table in APPEND_ONLY_TABLES:
        for statement in create_statements(bind.dialect.name, table):
            op.execute(statement)


def downgrade():
    for table in APPEND_ONLY_TABLES:
        for statement in drop_statements(op.get_bind().dialect.name, table):
            op.execute(statement)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_section_user_at')
        batch_op.drop_index('ix_access_log_section_record_at')
        batch_op.drop_index('ix_access_log_section_endpoint_at')
        batch_op.drop_index('ix_access_log_section_action_at')
        batch_op.drop_index('ix_access_log_section_at')
        batch_op.create_index(batch_op.f('ix_access_log_section_at'), ['section_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_user_at'), ['user_id', 'at'], unique=False)
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')

    with op.batch_alter_table('log_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_review_section_id'))

    op.drop_table('log_review')
    op.drop_table('access_log_head')
