"""task.search_text: the task's text folded, so a search finds it in either script

Revision ID: e5a1f7c2b9d4
Revises: a654760e02f1
Create Date: 2026-11-25 23:40:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.text import searchable

# revision identifiers, used by Alembic.
revision = 'e5a1f7c2b9d4'
down_revision = 'a654760e02f1'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    task = sa.table('task', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                    sa.column('search_text', sa.Text))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(task.c.id, task.c.text).where(task.c.id > last)
                                  .order_by(task.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(task.update().where(task.c.id == sa.bindparam('task_id'))
                           .values(search_text=sa.bindparam('folded')),
                           [{'task_id': id_, 'folded': searchable(text)} for id_, text in rows])
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('search_text')
