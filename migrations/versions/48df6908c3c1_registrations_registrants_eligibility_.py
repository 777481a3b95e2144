"""registrations: registrants, eligibility checks, rosters, facility rules

Revision ID: 48df6908c3c1
Revises: ac9c86b46ec5
Create Date: 2026-11-26 04:50:11.507168

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '48df6908c3c1'
down_revision = 'ac9c86b46ec5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_counter',
    sa.Column('series', sa.String(length=4), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', name=op.f('pk_registration_counter'))
    )
    op.create_table('registrant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'group', name='registrant_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('number_series', sa.String(length=4), nullable=False),
    sa.Column('registration_number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('active', 'expired', 'withdrawn', 'erased', name='registrant_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('expired_on', sa.Date(), nullable=True),
    sa.Column('erased_on', sa.Date(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('name_kana', sa.String(length=100), nullable=True),
    sa.Column('representative_name', sa.String(length=100), nullable=True),
    sa.Column('representative_kana', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=7), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('phone_digits', sa.String(length=15), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('activity', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_registrant_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_registrant_facility_id_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrant')),
    sa.UniqueConstraint('number_series', 'registration_number', name=op.f('uq_registrant_number_series'))
    )
    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.create_index('ix_registrant_expires_on', ['expires_on'], unique=False)
        batch_op.create_index('ix_registrant_kana_facility', ['name_kana', 'facility_id'], unique=False)
        # Prefix search: plain b-trees on SQLite, pattern ops on PostgreSQL (models.types).
        for column in ('name', 'phone_digits', 'registration_number'):
            batch_op.create_index(f'ix_registrant_{column}', [column], unique=False,
                                  postgresql_ops={column: 'varchar_pattern_ops'})

    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_registrant_name_kana_pattern', 'registrant', ['name_kana'],
                        postgresql_ops={'name_kana': 'varchar_pattern_ops'})

    op.create_table('eligibility_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registrant_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Enum('resident', 'worker', 'student', 'joint_use', name='eligibility_basis', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('doc_member_list', sa.Boolean(), nullable=False),
    sa.Column('doc_employment_cert', sa.Boolean(), nullable=False),
    sa.Column('doc_student_cert', sa.Boolean(), nullable=False),
    sa.Column('doc_identity', sa.Boolean(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['staff_user.id'], name=op.f('fk_eligibility_check_checked_by_id_staff_user')),
    sa.ForeignKeyConstraint(['registrant_id'], ['registrant.id'], name=op.f('fk_eligibility_check_registrant_id_registrant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_check'))
    )
    with op.batch_alter_table('eligibility_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_check_registrant_id'), ['registrant_id'], unique=False)

    op.create_table('roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registrant_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('total_members', sa.Integer(), nullable=False),
    sa.Column('members_resident', sa.Integer(), nullable=False),
    sa.Column('members_working', sa.Integer(), nullable=False),
    sa.Column('members_studying', sa.Integer(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=False),
    sa.Column('paper_location', sa.String(length=100), nullable=False),
    sa.Column('destroy_by', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['registrant_id'], ['registrant.id'], name=op.f('fk_roster_registrant_id_registrant')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['staff_user.id'], name=op.f('fk_roster_verified_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster'))
    )
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_registrant_id'), ['registrant_id'], unique=False)

    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_prefix', sa.String(length=4), nullable=False, server_default='X'))
        batch_op.add_column(sa.Column('registration_term_years', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('individual_fee_by_age', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('group_min_members', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('group_min_in_city_percent', sa.Integer(), nullable=False, server_default='50'))

    # ### end Alembic commands ###


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_registrant_name_kana_pattern', table_name='registrant')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.drop_column('group_min_in_city_percent')
        batch_op.drop_column('group_min_members')
        batch_op.drop_column('individual_fee_by_age')
        batch_op.drop_column('registration_term_years')
        batch_op.drop_column('number_prefix')

    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_registrant_id'))

    op.drop_table('roster')
    with op.batch_alter_table('eligibility_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_check_registrant_id'))

    op.drop_table('eligibility_check')
    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.drop_index('ix_registrant_registration_number')
        batch_op.drop_index('ix_registrant_phone_digits')
        batch_op.drop_index('ix_registrant_name')
        batch_op.drop_index('ix_registrant_kana_facility')
        batch_op.drop_index('ix_registrant_expires_on')

    op.drop_table('registrant')
    op.drop_table('registration_counter')
    # ### end Alembic commands ###
