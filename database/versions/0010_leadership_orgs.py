"""station leadership (站长, 常务副站长) and the register of community organisations fostered (R1.2, R4.5)

Revision ID: 0010_leadership_orgs
Revises: 0008_import
Create Date: 2026-12-06 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_leadership_orgs'
down_revision = '0008_import'
branch_labels = None
depends_on = None

LEADERSHIP = (('leader_name', 40), ('leader_post', 60), ('deputy_name', 40), ('deputy_post', 60))
LINKED = ('activity', 'volunteer', 'resource_link')


def upgrade() -> None:
    with op.batch_alter_table('station', schema=None) as batch_op:
        for name, length in LEADERSHIP:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=''))
    op.create_table('community_org',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=True),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('fostered_since', sa.Date(), nullable=False),
    sa.Column('contact_name', sa.String(length=40), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('support', sa.String(length=200), nullable=False),
    sa.Column('support_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_community_org_name_not_empty')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_community_org_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_org')),
    sa.UniqueConstraint('name', name=op.f('uq_community_org_name'))
    )
    with op.batch_alter_table('community_org', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_org_fostered_since'), ['fostered_since'], unique=False)
    for table in LINKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('org_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    for table in LINKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_org_id'))
            batch_op.drop_column('org_id')
    with op.batch_alter_table('community_org', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_org_fostered_since'))
    op.drop_table('community_org')
    with op.batch_alter_table('station', schema=None) as batch_op:
        for name, _length in reversed(LEADERSHIP):
            batch_op.drop_column(name)
