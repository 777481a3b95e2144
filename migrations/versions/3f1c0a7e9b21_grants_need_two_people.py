"""grants need two people: the approval trail of role assignments, HR's lists as batches

Revision ID: 3f1c0a7e9b21
Revises: 2b2433df3c96
Create Date: 2026-11-26 14:23:12.909714

Role assignments get their approval trail (state, who entered, who decided, when, why refused)
and the batch of HR's list they came with. Existing assignments were in force before this
revision, so they are backfilled as approved. New staff-event and security-event kinds widen
those tables' CHECK constraints.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1c0a7e9b21'
down_revision = '2b2433df3c96'
branch_labels = None
depends_on = None

GRANT_STATES = ('pending', 'approved', 'refused', 'not_required')
STAFF_EVENT_KINDS = ('issued', 'suspended', 'reactivated', 'revoked', 'password_changed',
                     'password_reset', 'transfer_registered', 'transfer_applied')
NEW_STAFF_EVENT_KINDS = ('grant_set_up', 'grant_entered', 'grant_approved', 'grant_refused',
                         'grant_narrowed', 'grant_ended')
SECURITY_EVENT_KINDS = ('login_failed', 'lockout', 'locked_attempt', 'throttled',
                        'login_refused')
NEW_SECURITY_EVENT_KINDS = ('self_grant_refused',)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _widen_kinds(table, name, old, new):
    """Replace the CHECK constraint of a string enum column (a table rebuild on SQLite)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_enum(old, name), type_=_enum(new, name),
                              existing_nullable=False)


def upgrade():
    op.create_table('transfer_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', _enum(GRANT_STATES, 'grant_state'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_transfer_batch_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff_user.id'], name=op.f('fk_transfer_batch_uploaded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_batch'))
    )
    with op.batch_alter_table('personnel_transfer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_personnel_transfer_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_personnel_transfer_batch_id_transfer_batch'), 'transfer_batch', ['batch_id'], ['id'])

    # Assignments that exist were in force: they are approved (the default fills them), and
    # the default goes afterwards, so that a row made without the trail is never in force.
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', _enum(GRANT_STATES, 'grant_state'), nullable=False, server_default='approved'))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refusal_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_role_assignment_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_assignment_entered_by_id_staff_user'), 'staff_user', ['entered_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_role_assignment_batch_id_transfer_batch'), 'transfer_batch', ['batch_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_role_assignment_decided_by_id_staff_user'), 'staff_user', ['decided_by_id'], ['id'])
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.alter_column('state', server_default=None, existing_nullable=False,
                              existing_type=_enum(GRANT_STATES, 'grant_state'))

    _widen_kinds('staff_event', 'staff_event_kind', STAFF_EVENT_KINDS,
                 STAFF_EVENT_KINDS + NEW_STAFF_EVENT_KINDS)
    _widen_kinds('security_event', 'security_event_kind', SECURITY_EVENT_KINDS,
                 SECURITY_EVENT_KINDS + NEW_SECURITY_EVENT_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM security_event WHERE kind IN ('self_grant_refused')"))
    op.execute(sa.text("DELETE FROM staff_event WHERE kind IN ('grant_set_up', 'grant_entered', "
                       "'grant_approved', 'grant_refused', 'grant_narrowed', 'grant_ended')"))
    _widen_kinds('security_event', 'security_event_kind',
                 SECURITY_EVENT_KINDS + NEW_SECURITY_EVENT_KINDS, SECURITY_EVENT_KINDS)
    _widen_kinds('staff_event', 'staff_event_kind', STAFF_EVENT_KINDS + NEW_STAFF_EVENT_KINDS,
                 STAFF_EVENT_KINDS)
    # Without the trail every assignment would count: those never approved go.
    op.execute(sa.text("DELETE FROM assignment_facility WHERE assignment_id IN (SELECT id FROM "
                       "role_assignment WHERE state IN ('pending', 'refused'))"))
    op.execute(sa.text("DELETE FROM role_assignment WHERE state IN ('pending', 'refused')"))
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_role_assignment_decided_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_role_assignment_batch_id_transfer_batch'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_role_assignment_entered_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_role_assignment_batch_id'))
        batch_op.drop_constraint(batch_op.f('ck_role_assignment_grant_state'), type_='check')
        batch_op.drop_column('batch_id')
        batch_op.drop_column('refusal_reason')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('state')

    with op.batch_alter_table('personnel_transfer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_personnel_transfer_batch_id_transfer_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_personnel_transfer_batch_id'))
        batch_op.drop_column('batch_id')

    op.drop_table('transfer_batch')
