"""tasks keep when they were finished, filled from the journal

Revision ID: d4e8f2a1c6b3
Revises: b7c3e1d5a842
Create Date: 2026-11-25 19:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8f2a1c6b3'
down_revision = 'b7c3e1d5a842'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True))
    # A finished task's moment: the latest journal entry that set it to done (an entry with
    # status done whose previous entry had another status).
    op.execute("""
        UPDATE task SET finished_at = (
            SELECT max(marks.created_at) FROM (
                SELECT task_id, created_at, status,
                       lag(status) OVER (PARTITION BY task_id ORDER BY created_at, id) AS before
                FROM progress_report) AS marks
            WHERE marks.task_id = task.id AND marks.status = 'done'
              AND (marks.before IS NULL OR marks.before <> 'done'))
        WHERE status IN ('done', 'closed')
    """)


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('finished_at')
