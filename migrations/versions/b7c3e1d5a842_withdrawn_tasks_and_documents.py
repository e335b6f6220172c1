"""withdrawn tasks and documents (kept when units reported on them), journal: withdraw

Revision ID: b7c3e1d5a842
Revises: 8a4d2c6e9f10
Create Date: 2026-11-25 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3e1d5a842'
down_revision = '8a4d2c6e9f10'
branch_labels = None
depends_on = None

KINDS = ("'report', 'confirm', 'send_back', 'extension_request', 'extension_approved', 'extension_refused', 'urge', "
         "'edit', 'add'")


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS}, 'withdraw')")


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS})")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
