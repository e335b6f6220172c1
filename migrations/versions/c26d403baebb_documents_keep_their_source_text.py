"""documents keep their source text

Revision ID: c26d403baebb
Revises: cc7ad90b07b0
Create Date: 2026-11-25 18:12:41.495758

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c26d403baebb'
down_revision = 'cc7ad90b07b0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('first_line', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('first_line')
        batch_op.drop_column('source_text')

