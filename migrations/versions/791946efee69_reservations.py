"""reservations: rooms' slots and parts, closures, fee tables, bookings and their holds

Revision ID: 791946efee69
Revises: c5e8a1f04b27
Create Date: 2026-12-01 09:00:00.000000

Facilities gain their booking rules (horizon, monthly cap, payment days, fee multipliers),
rooms a slot pattern and a parent (divided halls). A booking holds one row per (unit room,
day, part slot): a partial UNIQUE index on the active rows on both databases, and on
PostgreSQL also an exclusion constraint over the rows' time spans (btree_gist), which
admin_app.database.include_object leaves out of the models-versus-migrations comparison.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '791946efee69'
down_revision = 'c5e8a1f04b27'
branch_labels = None
depends_on = None

EXCLUDE_OVERLAP = 'ex_booking_hold_overlap'


def upgrade():
    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registrant_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('series_id', sa.String(length=32), nullable=True),
    sa.Column('state', sa.Enum('provisional', 'confirmed', 'cancelled', 'expired', name='booking_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=True),
    sa.Column('admission', sa.Boolean(), nullable=False),
    sa.Column('tier', sa.Enum('child', 'student', 'adult', name='fee_tier', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('non_resident', sa.Boolean(), nullable=False),
    sa.Column('table_fee', sa.Integer(), nullable=False),
    sa.Column('non_resident_percent', sa.Integer(), nullable=False),
    sa.Column('admission_percent', sa.Integer(), nullable=False),
    sa.Column('reduction', sa.Enum('city_event', 'disability_group', 'social_education', name='reduction', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('reduction_percent', sa.Integer(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('cancelled_by_city', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('refund_percent', sa.Integer(), nullable=True),
    sa.Column('refund', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state <> 'confirmed' OR paid_at IS NOT NULL", name=op.f('ck_booking_confirmed_is_paid')),
    sa.CheckConstraint("state NOT IN ('cancelled', 'expired') OR cancelled_at IS NOT NULL", name=op.f('ck_booking_ended_has_when')),
    sa.CheckConstraint('fee >= 0 AND table_fee >= 0', name=op.f('ck_booking_fee_not_negative')),
    sa.CheckConstraint('people >= 1', name=op.f('ck_booking_people_positive')),
    sa.CheckConstraint('reduction_percent BETWEEN 0 AND 100', name=op.f('ck_booking_reduction_percent_range')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['staff_user.id'], name=op.f('fk_booking_cancelled_by_id_staff_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_booking_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_booking_facility_id_facility')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['staff_user.id'], name=op.f('fk_booking_paid_by_id_staff_user')),
    sa.ForeignKeyConstraint(['registrant_id'], ['registrant.id'], name=op.f('fk_booking_registrant_id_registrant')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_booking_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_facility_day', ['facility_id', 'day'], unique=False)
        batch_op.create_index('ix_booking_registrant_facility_day', ['registrant_id', 'facility_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_room_id'), ['room_id'], unique=False)
        batch_op.create_index('ix_booking_series_id', ['series_id'], unique=False)
        batch_op.create_index('ix_booking_state_deadline', ['state', 'deadline'], unique=False)

    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('weekly', 'monthly', 'period', 'works', name='closure_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('nth', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('yearly', sa.Boolean(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind NOT IN ('weekly', 'monthly') OR weekday IS NOT NULL) AND (kind <> 'monthly' OR nth IS NOT NULL) AND (kind NOT IN ('period', 'works') OR (starts_on IS NOT NULL AND ends_on IS NOT NULL))", name=op.f('ck_closure_kind_has_its_values')),
    sa.CheckConstraint('nth IS NULL OR nth BETWEEN 1 AND 5', name=op.f('ck_closure_nth_range')),
    sa.CheckConstraint('weekday IS NULL OR weekday BETWEEN 0 AND 6', name=op.f('ck_closure_weekday_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_closure_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_closure_facility_id_facility')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_closure_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index('ix_closure_facility_kind', ['facility_id', 'kind'], unique=False)

    op.create_table('room_fee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('tier', sa.Enum('child', 'student', 'adult', name='fee_tier', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_room_fee_amount_not_negative')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_room_fee_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_fee')),
    sa.UniqueConstraint('room_id', 'slot', 'tier', name='uq_room_fee_room_slot_tier')
    )
    op.create_table('booking_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('starts', sa.DateTime(), nullable=False),
    sa.Column('ends', sa.DateTime(), nullable=False),
    sa.CheckConstraint('starts < ends', name=op.f('ck_booking_hold_starts_before_ends')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_booking_hold_booking_id_booking')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_booking_hold_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_hold'))
    )
    with op.batch_alter_table('booking_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_hold_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('uq_booking_hold_active', ['room_id', 'day', 'slot'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('booking_months_ahead', sa.Integer(), server_default=sa.text('2'), nullable=False))
        batch_op.add_column(sa.Column('booking_months_ahead_non_resident', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.add_column(sa.Column('booking_cap_per_month', sa.Integer(), server_default=sa.text('4'), nullable=False))
        batch_op.add_column(sa.Column('payment_days', sa.Integer(), server_default=sa.text('7'), nullable=False))
        batch_op.add_column(sa.Column('non_resident_fee_percent', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('admission_fee_percent', sa.Integer(), nullable=True))

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot_pattern', sa.Enum('standard', 'hourly', name='slot_pattern', native_enum=False, create_constraint=True, length=32), server_default='standard', nullable=False))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_room_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_room_parent_id_room'), 'room', ['parent_id'], ['id'])

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(f'ALTER TABLE booking_hold ADD CONSTRAINT {EXCLUDE_OVERLAP} '
                   'EXCLUDE USING gist (room_id WITH =, tsrange(starts, ends) WITH &&) '
                   'WHERE (active)')



def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE booking_hold DROP CONSTRAINT IF EXISTS {EXCLUDE_OVERLAP}')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_room_parent_id_room'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_room_parent_id'))
        batch_op.drop_column('parent_id')
        batch_op.drop_constraint(batch_op.f('ck_room_slot_pattern'), type_='check')
        batch_op.drop_column('slot_pattern')

    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.drop_column('admission_fee_percent')
        batch_op.drop_column('non_resident_fee_percent')
        batch_op.drop_column('payment_days')
        batch_op.drop_column('booking_cap_per_month')
        batch_op.drop_column('booking_months_ahead_non_resident')
        batch_op.drop_column('booking_months_ahead')

    with op.batch_alter_table('booking_hold', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_hold_active', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index(batch_op.f('ix_booking_hold_booking_id'))

    op.drop_table('booking_hold')
    op.drop_table('room_fee')
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index('ix_closure_facility_kind')

    op.drop_table('closure')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_state_deadline')
        batch_op.drop_index('ix_booking_series_id')
        batch_op.drop_index(batch_op.f('ix_booking_room_id'))
        batch_op.drop_index('ix_booking_registrant_facility_day')
        batch_op.drop_index('ix_booking_facility_day')

    op.drop_table('booking')
