"""person list orders: an index for each sortable column of the person list (性别, 年龄, 村(居), 状态)

Revision ID: 0009_person_order
Revises: 0003_targets
Create Date: 2026-12-06 09:00:00
"""
from alembic import op


revision = '0009_person_order'
down_revision = '0003_targets'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_person_order_sex': ['sex', 'name_pinyin', 'id'],
    'ix_person_order_birth': ['birth_date', 'name_pinyin', 'id'],
    'ix_person_order_village': ['village_code', 'name_pinyin', 'id'],
    'ix_person_order_status': ['status', 'name_pinyin', 'id'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'person', columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='person')
