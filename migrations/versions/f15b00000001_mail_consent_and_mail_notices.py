"""mail consent of registrants and the mails sent to them (reminders, lottery results)

Revision ID: f15b00000001
Revises: f15a00000001
Create Date: 2026-11-27 05:00:00.000000

Registrant.mail_consent: the paper form's checkbox (false for everyone registered before).
mail_notice: one row per mail (registrant, kind, key) — sent once, failures tried again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f15b00000001'
down_revision = 'f15a00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_consent', sa.Boolean(), server_default=sa.false(), nullable=True))

    op.create_table('mail_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registrant_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('reminder', 'lottery_result', name='notice_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('state', sa.Enum('sent', 'failed', name='mail_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=100), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_mail_notice_booking_id_booking')),
    sa.ForeignKeyConstraint(['registrant_id'], ['registrant.id'], name=op.f('fk_mail_notice_registrant_id_registrant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_notice')),
    sa.UniqueConstraint('registrant_id', 'kind', 'key', name=op.f('uq_mail_notice_registrant_id'))
    )
    with op.batch_alter_table('mail_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_notice_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_notice_registrant_id'), ['registrant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_notice_registrant_id'))
        batch_op.drop_index(batch_op.f('ix_mail_notice_booking_id'))

    op.drop_table('mail_notice')
    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.drop_column('mail_consent')
