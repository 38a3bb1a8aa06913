"""number series: one lock row per numbered series (受理编号, 档号, asset codes, case and plan numbers)

Revision ID: 0014_number_series
Revises: 0013_record_versions
Create Date: 2026-12-10 09:30:00

The transaction that hands out a series' next number locks the series' row first (``SELECT … FOR
UPDATE`` on a server; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), then reads the highest
number in use: two PCs never hand out the same number, and none is skipped (data/numbering.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_number_series'
down_revision = '0013_record_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_series',
    sa.Column('series', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('series', name=op.f('pk_number_series'))
    )


def downgrade() -> None:
    op.drop_table('number_series')
