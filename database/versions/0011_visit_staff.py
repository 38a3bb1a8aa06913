"""visits by roster workers without an account: visit_staff (visit, staff member)

Revision ID: 0011_visit_staff
Revises: 0008_import
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_visit_staff'
down_revision = '0008_import'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visit_staff',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_visit_staff_staff_id_staff_member')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_staff_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', 'staff_id', name=op.f('pk_visit_staff'))
    )
    with op.batch_alter_table('visit_staff', schema=None) as batch_op:
        batch_op.create_index('ix_visit_staff_staff', ['staff_id', 'visit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit_staff', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_staff_staff')
    op.drop_table('visit_staff')
