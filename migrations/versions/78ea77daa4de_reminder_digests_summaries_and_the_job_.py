"""reminder digests, summaries and the job lock

Revision ID: 78ea77daa4de
Revises: d4e8f2a1c6b3
Create Date: 2026-11-25 19:31:03.688392

A unit's reminders go out as one digest a day (kind digest, the tasks it held pointing at
it), supervisors get a weekly summary (user_id), users may opt out, and the scheduled job
takes a lock row so that it runs once however many schedulers are started.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '78ea77daa4de'
down_revision = 'd4e8f2a1c6b3'
branch_labels = None
depends_on = None

OLD_KINDS = "'due_soon', 'overdue', 'urge'"


def upgrade():
    op.create_table('job_lock',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lock'))
    )
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('threshold', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deadline', sa.Date(), nullable=True))
        batch_op.alter_column('unit_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_reminder_log_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ('digest', {OLD_KINDS}, 'summary')")
        batch_op.create_index(batch_op.f('ix_reminder_log_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index('ix_reminder_log_task_kind', ['task_id', 'kind'], unique=False)
        batch_op.create_index('uq_reminder_log_summary', ['user_id', 'kind', 'for_date'], unique=True, sqlite_where=sa.text('user_id IS NOT NULL'), postgresql_where=sa.text('user_id IS NOT NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_reminder_log_user_id_user'), 'user', ['user_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_reminder_log_digest_id_reminder_log'), 'reminder_log', ['digest_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('reminders_opt_out')

    # Digests and summaries have no place in the old table (their tasks' rows go with them).
    op.execute("DELETE FROM reminder_log WHERE kind IN ('digest', 'summary')")
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reminder_log_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({OLD_KINDS})")
        batch_op.drop_constraint(batch_op.f('fk_reminder_log_digest_id_reminder_log'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reminder_log_user_id_user'), type_='foreignkey')
        batch_op.drop_index('uq_reminder_log_summary', sqlite_where=sa.text('user_id IS NOT NULL'), postgresql_where=sa.text('user_id IS NOT NULL'))
        batch_op.drop_index('ix_reminder_log_task_kind')
        batch_op.drop_index(batch_op.f('ix_reminder_log_digest_id'))
        batch_op.alter_column('unit_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('deadline')
        batch_op.drop_column('threshold')
        batch_op.drop_column('digest_id')
        batch_op.drop_column('user_id')

    op.drop_table('job_lock')
