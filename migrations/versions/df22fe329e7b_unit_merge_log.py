"""unit merge log: who merged which unit into which, when, and what moved

Revision ID: df22fe329e7b
Revises: 6ad549794fc8
Create Date: 2026-11-25 16:44:05.855493

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df22fe329e7b'
down_revision = '6ad549794fc8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=True),
        sa.Column('source_name', sa.String(length=120), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('target_name', sa.String(length=120), nullable=False),
        sa.Column('tasks', sa.Integer(), nullable=False),
        sa.Column('accounts', sa.Integer(), nullable=False),
        sa.Column('reports', sa.Integer(), nullable=False),
        sa.Column('reminders', sa.Integer(), nullable=False),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['merged_by_id'], ['user.id'], name=op.f('fk_unit_merge_merged_by_id_user')),
        sa.ForeignKeyConstraint(['target_id'], ['unit.id'], name=op.f('fk_unit_merge_target_id_unit'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_merge')),
    )
    with op.batch_alter_table('unit_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_merge_target_id'), ['target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_merge_target_id'))
    op.drop_table('unit_merge')
