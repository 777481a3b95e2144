"""registration trail: received / entered / confirmed, pending status, eligibility setting

Revision ID: 5c2d8e4b1a90
Revises: 3f1c0a7e9b21
Create Date: 2026-11-26 14:30:00.000000

A registration now waits as 'pending' (確認待ち) until a chief or designated confirmer who did
not enter it confirms it. Rows that exist already were valid before the trail existed: they are
marked confirmed at their creation time with confirmed_by NULL ("before the trail"), and their
receipt is taken from what the printed form showed until now (the creator, the registration
date). Facilities say whether a registration needs a recorded eligibility check
(default: yes). The registrant history records changes made without a notice (notice_id NULL)
and how each change came about (source).

Downgrade refuses while pending registrations exist, and drops history rows that no notice
made (the old schema cannot hold them).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2d8e4b1a90'
down_revision = '3f1c0a7e9b21'
branch_labels = None
depends_on = None

OLD_STATUS = "status IN ('active', 'expired', 'withdrawn', 'erased')"
NEW_STATUS = "status IN ('pending', 'active', 'expired', 'withdrawn', 'erased')"
SOURCE = sa.Enum('notice', 'correction', 'edit', 'renewal', name='history_source',
                 native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility_check_required', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))

    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registrant_received_by_id_staff_user'),
                                    'staff_user', ['received_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_registrant_confirmed_by_id_staff_user'),
                                    'staff_user', ['confirmed_by_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_registrant_registrant_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_registrant_registrant_status'),
                                         NEW_STATUS)

    # Valid before the trail existed: confirmed (by nobody recorded) when they were created.
    op.execute("UPDATE registrant SET confirmed_at = created_at, "
               "received_by_id = created_by_id, received_on = registered_on")

    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_registrant_active_is_confirmed'),
            "status <> 'active' OR confirmed_at IS NOT NULL")
        batch_op.create_check_constraint(
            batch_op.f('ck_registrant_confirmer_is_not_enterer'),
            "confirmed_by_id IS NULL OR created_by_id IS NULL "
            "OR confirmed_by_id <> created_by_id")

    with op.batch_alter_table('registrant_history', schema=None) as batch_op:
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('source', SOURCE, server_default='notice',
                                      nullable=False))
    with op.batch_alter_table('registrant_history', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=SOURCE, server_default=None,
                              existing_nullable=False)


def downgrade():
    bind = op.get_bind()
    pending = bind.execute(sa.text(
        "SELECT COUNT(*) FROM registrant WHERE status = 'pending'")).scalar()
    if pending:
        raise RuntimeError(f"{pending} registrations wait for confirmation: confirm them "
                           "before downgrading")
    op.execute("DELETE FROM registrant_history WHERE notice_id IS NULL")
    with op.batch_alter_table('registrant_history', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registrant_history_history_source'),
                                 type_='check')
        batch_op.drop_column('source')
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registrant_confirmer_is_not_enterer'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_registrant_active_is_confirmed'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_registrant_registrant_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_registrant_registrant_status'),
                                         OLD_STATUS)
        batch_op.drop_constraint(batch_op.f('fk_registrant_confirmed_by_id_staff_user'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_registrant_received_by_id_staff_user'),
                                 type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('received_on')
        batch_op.drop_column('received_by_id')

    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.drop_column('eligibility_check_required')
