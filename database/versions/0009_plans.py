"""一人一案 service plans (R4.2): service_plan and its reviews

Revision ID: 0009_plans
Revises: 0008_import
Create Date: 2026-12-07 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_plans'
down_revision = '0008_import'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_no', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('need_material', sa.String(length=500), nullable=False),
    sa.Column('need_spiritual', sa.String(length=500), nullable=False),
    sa.Column('need_social', sa.String(length=500), nullable=False),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('review_due', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= start_on', name=op.f('ck_service_plan_ended_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_service_plan_case_id_case_record'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_service_plan_person_id_person')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_service_plan_staff_id_staff_member'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_plan')),
    sa.UniqueConstraint('plan_no', name=op.f('uq_service_plan_plan_no'))
    )
    with op.batch_alter_table('service_plan', schema=None) as batch_op:
        for column in ('person_id', 'staff_id', 'start_on', 'review_due', 'status', 'ended_on', 'case_id'):
            batch_op.create_index(batch_op.f(f'ix_service_plan_{column}'), [column], unique=False)
    op.create_table('service_plan_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('by', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['service_plan.id'], name=op.f('fk_service_plan_review_plan_id_service_plan'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_plan_review'))
    )
    with op.batch_alter_table('service_plan_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_plan_review_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('service_plan_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_plan_review_plan_id'))
    op.drop_table('service_plan_review')
    with op.batch_alter_table('service_plan', schema=None) as batch_op:
        for column in ('person_id', 'staff_id', 'start_on', 'review_due', 'status', 'ended_on', 'case_id'):
            batch_op.drop_index(batch_op.f(f'ix_service_plan_{column}'))
    op.drop_table('service_plan')
