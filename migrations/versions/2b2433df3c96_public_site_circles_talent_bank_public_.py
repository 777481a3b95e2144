"""public site: circles' public fields, talent bank, public version stamp

Revision ID: 2b2433df3c96
Revises: 20455d96a950
Create Date: 2026-11-26 07:34:36.902206

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b2433df3c96'
down_revision = '20455d96a950'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_version'))
    )
    op.create_table('talent_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('education', 'culture', 'arts', 'sports', 'skills', name='talent_field', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('publish_consent_on', sa.Date(), nullable=True),
    sa.Column('contact_consent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('display_kana', sa.String(length=100), nullable=False),
    sa.Column('offer', sa.String(length=500), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=True),
    sa.Column('conditions', sa.String(length=200), nullable=True),
    sa.Column('qualifications', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_talent_entry_facility_id_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talent_entry'))
    )
    with op.batch_alter_table('talent_entry', schema=None) as batch_op:
        batch_op.create_index('ix_talent_entry_expires_on', ['expires_on'], unique=False)
        batch_op.create_index('ix_talent_entry_kana', ['display_kana', 'id'], unique=False)

    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('circle_category', sa.Enum('culture', 'arts', 'sports', 'learning', 'welfare', 'children', 'other', name='circle_category', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('recruiting', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('publish_consent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contact_consent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('activity_confirmed_on', sa.Date(), nullable=True))

    op.execute(sa.text("INSERT INTO public_version (id, counter, changed_at) "
                       "VALUES (1, 0, CURRENT_TIMESTAMP)"))


def downgrade():
    with op.batch_alter_table('registrant', schema=None) as batch_op:
        batch_op.drop_column('activity_confirmed_on')
        batch_op.drop_column('contact_consent')
        batch_op.drop_column('publish_consent_on')
        batch_op.drop_column('recruiting')
        batch_op.drop_column('circle_category')
        batch_op.drop_column('schedule')

    with op.batch_alter_table('talent_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_talent_entry_kana')
        batch_op.drop_index('ix_talent_entry_expires_on')

    op.drop_table('talent_entry')
    op.drop_table('public_version')
