"""journal: 催办 entries

Revision ID: 5e1f0a9c3b21
Revises: c26d403baebb
Create Date: 2026-11-25 18:35:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0a9c3b21'
down_revision = 'c26d403baebb'
branch_labels = None
depends_on = None

KINDS = "'report', 'confirm', 'send_back', 'extension_request', 'extension_approved', 'extension_refused'"


def upgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS}, 'urge')")


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS})")
