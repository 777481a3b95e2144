"""passwords in two halves: a password IT hands out for an ID that opens residents' data, the
log or IT's approvals is handed out by two IT administrators, half each

Revision ID: c5e8a1f04b27
Revises: 7e4a2b9c6d13
Create Date: 2026-11-28 09:00:00.000000

Each handout keeps only the hashes of its two halves (the second one once a second IT
administrator handed it out); the staff-event kinds widen by the second half's event.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c5e8a1f04b27'
down_revision = '7e4a2b9c6d13'
branch_labels = None
depends_on = None

STAFF_EVENT_KINDS = ('issued', 'suspended', 'reactivated', 'revoked', 'password_changed',
                     'password_reset', 'transfer_registered', 'transfer_applied',
                     'grant_set_up', 'grant_entered', 'grant_approved', 'grant_refused',
                     'grant_narrowed', 'grant_ended')
NEW_STAFF_EVENT_KINDS = ('password_second_half',)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _kinds(old, new):
    """Replace the CHECK constraint of the staff-event kind (a table rebuild on SQLite)."""
    with op.batch_alter_table('staff_event', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_enum(old, 'staff_event_kind'),
                              type_=_enum(new, 'staff_event_kind'), existing_nullable=False)


def upgrade():
    op.create_table('password_handout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_by_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_hash', sa.String(length=255), nullable=False),
    sa.Column('second_by_id', sa.Integer(), nullable=True),
    sa.Column('second_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('second_hash', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['first_by_id'], ['staff_user.id'], name=op.f('fk_password_handout_first_by_id_staff_user')),
    sa.ForeignKeyConstraint(['second_by_id'], ['staff_user.id'], name=op.f('fk_password_handout_second_by_id_staff_user')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_password_handout_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_handout'))
    )
    with op.batch_alter_table('password_handout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_handout_user_id'), ['user_id'], unique=False)
    _kinds(STAFF_EVENT_KINDS, STAFF_EVENT_KINDS + NEW_STAFF_EVENT_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM staff_event WHERE kind IN ('password_second_half')"))
    _kinds(STAFF_EVENT_KINDS + NEW_STAFF_EVENT_KINDS, STAFF_EVENT_KINDS)
    with op.batch_alter_table('password_handout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_handout_user_id'))

    op.drop_table('password_handout')
