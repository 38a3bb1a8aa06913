"""record versions: a ``version`` column on the records people edit in forms (optimistic locking)

Revision ID: 0013_record_versions
Revises: 0004_window, 0009_plans, 0010_leadership_orgs, 0012_search_index
Create Date: 2026-12-10 09:00:00

Two people may open the same record (several PCs on one station server, issue 19). Each form keeps the
version it was opened on; a save from an older version is refused instead of overwriting the other
person's change (data/record_versions.py). Existing rows start at version 1. ``ADD COLUMN`` with a
default (batch mode adds a column without rebuilding the table on SQLite: the person table's generated
column and search triggers stay as they are).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_record_versions'
down_revision = ('0004_window', '0009_plans', '0010_leadership_orgs', '0012_search_index')
branch_labels = None
depends_on = None

TABLES = ('person', 'household', 'window_matter_type', 'window_registration', 'case_record', 'referral',
          'service_plan', 'staff_member', 'staff_contract', 'asset', 'archive_file', 'community_org')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
