"""import batches: the station's own Excel ledgers brought in, and undone

Revision ID: 0008_import
Revises: 0003_targets, 0005_staff, 0006_assets_archives
Create Date: 2026-12-06 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_import'
down_revision = ('0003_targets', '0005_staff', '0006_assets_archives')
branch_labels = None
depends_on = None

TABLES = ('person', 'household', 'staff_member', 'staff_contract', 'asset', 'archive_file')


def upgrade() -> None:
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('existing', sa.String(length=10), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=40), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('import_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_change_batch_id_import_batch'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_change'))
    )
    with op.batch_alter_table('import_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_change_batch_id'), ['batch_id'], unique=False)
    op.create_table('import_mapping',
    sa.Column('shape', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('shape', name=op.f('pk_import_mapping'))
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_import_batch_id'), ['import_batch_id'], unique=False)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_import_batch_id'))
            batch_op.drop_column('import_batch_id')
    op.drop_table('import_mapping')
    with op.batch_alter_table('import_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_change_batch_id'))
    op.drop_table('import_change')
    op.drop_table('import_batch')
