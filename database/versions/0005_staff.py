"""staff files: workers, villages served, pay table, contracts, monthly pay, training,
assessment, third-party evaluation, supervision (issue 5)

Revision ID: 0005_staff
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_staff'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('staff_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('evaluator', sa.String(length=80), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_evaluation')),
    sa.UniqueConstraint('year', name=op.f('uq_staff_evaluation_year'))
    )
    op.create_table('staff_pay_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('certificate', sa.String(length=20), nullable=False),
    sa.Column('min_years', sa.Integer(), nullable=False),
    sa.Column('base_pay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('performance_standard', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('notes', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_pay_level')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_pay_level_name'))
    )
    op.create_table('staff_supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('supervisor', sa.String(length=40), nullable=False),
    sa.Column('organisation', sa.String(length=80), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_staff_supervision_hours_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_supervision'))
    )
    with op.batch_alter_table('staff_supervision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_supervision_visit_date'), ['visit_date'], unique=False)

    op.create_table('staff_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organiser', sa.String(length=80), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('certificate', sa.String(length=60), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_staff_training_hours_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_training'))
    )
    with op.batch_alter_table('staff_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_training_start_date'), ['start_date'], unique=False)

    op.create_table('staff_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('name_pinyin', sa.String(length=160), nullable=False),
    sa.Column('name_initials', sa.String(length=40), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('major', sa.String(length=60), nullable=False),
    sa.Column('certificate', sa.String(length=20), nullable=False),
    sa.Column('certificate_no', sa.String(length=40), nullable=False),
    sa.Column('certificate_date', sa.Date(), nullable=True),
    sa.Column('supervisor_cert', sa.Boolean(), nullable=False),
    sa.Column('supervisor_cert_no', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('is_liaison', sa.Boolean(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('hire_date', sa.Date(), nullable=False),
    sa.Column('career_start', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('leave_date', sa.Date(), nullable=True),
    sa.Column('leave_reason', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('pay_level_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_staff_member_name_not_empty')),
    sa.ForeignKeyConstraint(['pay_level_id'], ['staff_pay_level.id'], name=op.f('fk_staff_member_pay_level_id_staff_pay_level'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_staff_member_point_id_service_point'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_staff_member_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_member')),
    sa.UniqueConstraint('id_number', name=op.f('uq_staff_member_id_number')),
    sa.UniqueConstraint('user_id', name=op.f('uq_staff_member_user_id'))
    )
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_member_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_member_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_member_status'), ['status'], unique=False)

    op.create_table('staff_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('units', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_assessment_staff_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_assessment')),
    sa.UniqueConstraint('staff_id', 'year', name='staff_year')
    )
    with op.batch_alter_table('staff_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_assessment_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('employer', sa.String(length=60), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('probation_months', sa.Integer(), nullable=False),
    sa.Column('pay_level_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.String(length=200), nullable=False),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('termination_reason', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pay_level_id'], ['staff_pay_level.id'], name=op.f('fk_staff_contract_pay_level_id_staff_pay_level'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['staff_contract.id'], name=op.f('fk_staff_contract_previous_id_staff_contract')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_contract_staff_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_contract')),
    sa.UniqueConstraint('previous_id', name=op.f('uq_staff_contract_previous_id'))
    )
    with op.batch_alter_table('staff_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_contract_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_pay_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('level_name', sa.String(length=20), nullable=False),
    sa.Column('base_pay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('performance_standard', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('factor_scores', sa.Text(), nullable=False),
    sa.Column('performance_pay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('other_pay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('contribution_base', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('contributions', sa.Text(), nullable=False),
    sa.Column('notes', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_pay_month_staff_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_pay_month')),
    sa.UniqueConstraint('staff_id', 'year', 'month', name='staff_month')
    )
    with op.batch_alter_table('staff_pay_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_pay_month_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_supervision_attendee',
    sa.Column('supervision_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_supervision_attendee_staff_id_staff_member')),
    sa.ForeignKeyConstraint(['supervision_id'], ['staff_supervision.id'], name=op.f('fk_staff_supervision_attendee_supervision_id_staff_supervision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('supervision_id', 'staff_id', name=op.f('pk_staff_supervision_attendee'))
    )
    with op.batch_alter_table('staff_supervision_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_supervision_attendee_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_training_attendee',
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_training_attendee_staff_id_staff_member')),
    sa.ForeignKeyConstraint(['training_id'], ['staff_training.id'], name=op.f('fk_staff_training_attendee_training_id_staff_training'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_id', 'staff_id', name=op.f('pk_staff_training_attendee'))
    )
    with op.batch_alter_table('staff_training_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_training_attendee_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_village',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_staff_village_staff_id_staff_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_staff_village_village_code_village')),
    sa.PrimaryKeyConstraint('staff_id', 'village_code', name=op.f('pk_staff_village'))
    )
    with op.batch_alter_table('staff_village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_village_village_code'), ['village_code'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('staff_village', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_village_village_code'))

    op.drop_table('staff_village')
    with op.batch_alter_table('staff_training_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_training_attendee_staff_id'))

    op.drop_table('staff_training_attendee')
    with op.batch_alter_table('staff_supervision_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_supervision_attendee_staff_id'))

    op.drop_table('staff_supervision_attendee')
    with op.batch_alter_table('staff_pay_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_pay_month_staff_id'))

    op.drop_table('staff_pay_month')
    with op.batch_alter_table('staff_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_contract_staff_id'))

    op.drop_table('staff_contract')
    with op.batch_alter_table('staff_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_assessment_staff_id'))

    op.drop_table('staff_assessment')
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_member_status'))
        batch_op.drop_index(batch_op.f('ix_staff_member_point_id'))
        batch_op.drop_index(batch_op.f('ix_staff_member_name'))

    op.drop_table('staff_member')
    with op.batch_alter_table('staff_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_training_start_date'))

    op.drop_table('staff_training')
    with op.batch_alter_table('staff_supervision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_supervision_visit_date'))

    op.drop_table('staff_supervision')
    op.drop_table('staff_pay_level')
    op.drop_table('staff_evaluation')
