"""service window (窗口登记): departments, matter catalogue, holiday table, registrations, events

Revision ID: 0004_window
Revises: 0002
Create Date: 2026-11-28 01:26:46.589838

The catalogue and the departments are pre-filled with the usual matters of a Guangdong
town station. They are defaults for the station to adjust to its county's rules; the
list is frozen here (as shipped with this revision) and never re-applied.
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0004_window'
down_revision = '0002'
branch_labels = None
depends_on = None

DEPARTMENTS = ("镇社会事务办", "县民政局", "残联", "人社所", "卫健", "教育", "村(居)委会", "其他单位")

# (name, materials, guidance, default handling, time limit in working days, department number or None)
MATTERS = (
    ("最低生活保障",
     "《最低生活保障申请书》（申请人签名）\n共同生活家庭成员的居民身份证、户口簿原件及复印件\n"
     "《家庭经济状况核对授权书》（家庭成员签名）\n家庭成员收入、财产状况声明\n"
     "残疾证、重大疾病诊断证明等（如有）\n结婚证、离婚证等婚姻状况证明（如有）\n银行卡或存折复印件",
     "家庭成员在外务工的，请一并提供务工收入情况说明。", "transfer", 30, 1),
    ("特困人员救助供养",
     "《特困人员救助供养申请书》\n居民身份证、户口簿原件及复印件\n本人收入、财产状况声明\n"
     "《家庭经济状况核对授权书》\n残疾证或医疗机构出具的疾病诊断证明（丧失劳动能力的）\n"
     "法定赡养、抚养、扶养义务人情况说明（如有）",
     "", "transfer", 20, 1),
    ("临时救助",
     "《临时救助申请书》\n居民身份证、户口簿原件及复印件\n"
     "遭遇困难的证明（医疗费用票据、事故或灾害证明等）\n家庭经济状况声明及核对授权书\n银行卡复印件",
     "情况紧急的，可先行救助，事后补齐材料。", "transfer", 10, 1),
    ("困难残疾人生活补贴和重度残疾人护理补贴",
     "《困难残疾人生活补贴和重度残疾人护理补贴申请审批表》\n第二代残疾人证原件及复印件\n"
     "居民身份证、户口簿原件及复印件\n低保、低收入家庭证明（申请生活补贴的）\n银行卡复印件",
     "", "transfer", 15, 3),
    ("残疾人证办理",
     "《残疾人证申请表》\n居民身份证、户口簿原件及复印件\n近期二寸白底彩色免冠照片 3 张\n"
     "相关病历、诊断证明或检查报告\n监护人身份证复印件（申请人为未成年人或无民事行为能力人的）",
     "残疾评定须到指定医疗机构进行，具体时间另行通知。", "transfer", 20, 3),
    ("孤儿和事实无人抚养儿童保障",
     "《孤儿（事实无人抚养儿童）基本生活费申请表》\n儿童户口簿、居民身份证或出生医学证明复印件\n"
     "父母死亡、失踪、服刑、重残等情况的证明材料\n监护人（实际抚养人）身份证复印件及监护关系说明\n银行卡复印件",
     "", "transfer", 20, 1),
    ("高龄津贴",
     "《高龄老人津贴申请表》\n居民身份证、户口簿原件及复印件\n银行卡或存折复印件\n"
     "代办人身份证复印件（委托他人代办的）",
     "", "transfer", 20, 1),
    ("居家养老服务",
     "《居家养老服务申请表》\n居民身份证、户口簿复印件\n老年人能力评估结果或健康状况说明（如有）\n"
     "低保、特困等身份证明（申请政府购买服务的）",
     "", "assign", 10, None),
    ("心理疏导", "", "无需提交材料；如有既往诊疗记录，可一并带来供社工参考。", "assign", 5, None),
    ("政策咨询", "", "无需提交材料。", "on_spot", 0, None),
    ("其他", "", "所需材料由窗口社工按具体事项告知。", "assign", 5, None),
)


def upgrade() -> None:
    op.create_table('window_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('contact', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_window_department_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_department')),
    sa.UniqueConstraint('name', name=op.f('uq_window_department_name'))
    )
    op.create_table('window_holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_window_holiday'))
    )
    op.create_table('window_matter_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('default_handling', sa.String(length=10), nullable=False),
    sa.Column('time_limit_days', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_window_matter_type_name_not_empty')),
    sa.CheckConstraint('time_limit_days BETWEEN 0 AND 365', name=op.f('ck_window_matter_type_time_limit_range')),
    sa.ForeignKeyConstraint(['department_id'], ['window_department.id'], name=op.f('fk_window_matter_type_department_id_window_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_matter_type')),
    sa.UniqueConstraint('name', name=op.f('uq_window_matter_type_name'))
    )
    op.create_table('window_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_no', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('agent_name', sa.String(length=40), nullable=False),
    sa.Column('agent_id_number', sa.String(length=18), nullable=True),
    sa.Column('agent_phone', sa.String(length=20), nullable=False),
    sa.Column('agent_relation', sa.String(length=20), nullable=False),
    sa.Column('matter_type_id', sa.Integer(), nullable=False),
    sa.Column('matter_name', sa.String(length=40), nullable=False),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('materials_received', sa.Text(), nullable=False),
    sa.Column('time_limit_days', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('first_responder_id', sa.Integer(), nullable=False),
    sa.Column('handling', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department_name', sa.String(length=40), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('due_estimated', sa.Boolean(), nullable=False),
    sa.Column('due_manual', sa.Boolean(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('result_date', sa.Date(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_date', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.String(length=12), nullable=False),
    sa.Column('void_reason', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_window_registration_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['department_id'], ['window_department.id'], name=op.f('fk_window_registration_department_id_window_department')),
    sa.ForeignKeyConstraint(['first_responder_id'], ['app_user.id'], name=op.f('fk_window_registration_first_responder_id_app_user')),
    sa.ForeignKeyConstraint(['handler_id'], ['app_user.id'], name=op.f('fk_window_registration_handler_id_app_user')),
    sa.ForeignKeyConstraint(['matter_type_id'], ['window_matter_type.id'], name=op.f('fk_window_registration_matter_type_id_window_matter_type')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_window_registration_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_registration')),
    sa.UniqueConstraint('ticket_no', name=op.f('uq_window_registration_ticket_no'))
    )
    with op.batch_alter_table('window_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_window_registration_first_responder_id'), ['first_responder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_matter_type_id'), ['matter_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_registered_at'), ['registered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_registered_on'), ['registered_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_registration_result_date'), ['result_date'], unique=False)
        batch_op.create_index('ix_window_registration_status_due', ['status', 'due_date'], unique=False)
        batch_op.create_index('ix_window_registration_status_at', ['status', 'registered_at'], unique=False)

    op.create_table('window_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department_name', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.String(length=12), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_window_event_actor_id_app_user')),
    sa.ForeignKeyConstraint(['department_id'], ['window_department.id'], name=op.f('fk_window_event_department_id_window_department')),
    sa.ForeignKeyConstraint(['registration_id'], ['window_registration.id'], name=op.f('fk_window_event_registration_id_window_registration')),
    sa.ForeignKeyConstraint(['to_user_id'], ['app_user.id'], name=op.f('fk_window_event_to_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_event'))
    )
    with op.batch_alter_table('window_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_window_event_registration_id'), ['registration_id'], unique=False)


    departments = sa.table('window_department', sa.column('id', sa.Integer), sa.column('name', sa.String),
                           sa.column('contact', sa.String), sa.column('phone', sa.String),
                           sa.column('address', sa.String), sa.column('active', sa.Boolean),
                           sa.column('sort_order', sa.Integer))
    op.bulk_insert(departments, [{"id": i, "name": name, "contact": "", "phone": "", "address": "",
                                  "active": True, "sort_order": i} for i, name in enumerate(DEPARTMENTS, 1)])
    matters = sa.table('window_matter_type', sa.column('id', sa.Integer), sa.column('name', sa.String),
                       sa.column('materials', sa.Text), sa.column('guidance', sa.Text),
                       sa.column('default_handling', sa.String), sa.column('time_limit_days', sa.Integer),
                       sa.column('department_id', sa.Integer), sa.column('active', sa.Boolean),
                       sa.column('sort_order', sa.Integer), sa.column('updated_at', sa.DateTime))
    stamp = datetime.now().replace(microsecond=0)
    op.bulk_insert(matters, [{"id": i, "name": name, "materials": materials, "guidance": guidance,
                              "default_handling": handling, "time_limit_days": days, "department_id": dept,
                              "active": True, "sort_order": i, "updated_at": stamp}
                             for i, (name, materials, guidance, handling, days, dept) in enumerate(MATTERS, 1)])


def downgrade() -> None:
    with op.batch_alter_table('window_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_window_event_registration_id'))
    op.drop_table('window_event')
    with op.batch_alter_table('window_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_window_registration_status_at')
        batch_op.drop_index('ix_window_registration_status_due')
        batch_op.drop_index(batch_op.f('ix_window_registration_result_date'))
        batch_op.drop_index(batch_op.f('ix_window_registration_registered_on'))
        batch_op.drop_index(batch_op.f('ix_window_registration_registered_at'))
        batch_op.drop_index(batch_op.f('ix_window_registration_person_id'))
        batch_op.drop_index(batch_op.f('ix_window_registration_matter_type_id'))
        batch_op.drop_index(batch_op.f('ix_window_registration_handler_id'))
        batch_op.drop_index(batch_op.f('ix_window_registration_first_responder_id'))
    op.drop_table('window_registration')
    op.drop_table('window_matter_type')
    op.drop_table('window_holiday')
    op.drop_table('window_department')
