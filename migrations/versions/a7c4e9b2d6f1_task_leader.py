"""task.leader: the 牵头领导 of a work list's person column (people, never units)

Revision ID: a7c4e9b2d6f1
Revises: f3b8d2a6c1e7
Create Date: 2026-11-25 23:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a7c4e9b2d6f1'
down_revision = 'f3b8d2a6c1e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('leader')
