"""journal: a supervisor's edits and tasks added by hand

Revision ID: 8a4d2c6e9f10
Revises: 5e1f0a9c3b21
Create Date: 2026-11-25 18:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8a4d2c6e9f10'
down_revision = '5e1f0a9c3b21'
branch_labels = None
depends_on = None

KINDS = "'report', 'confirm', 'send_back', 'extension_request', 'extension_approved', 'extension_refused', 'urge'"


def upgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS}, 'edit', 'add')")


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS})")
