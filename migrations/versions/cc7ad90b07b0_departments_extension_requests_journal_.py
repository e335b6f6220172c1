"""departments: extension requests, journal kinds, calendar tokens, list indexes

Revision ID: cc7ad90b07b0
Revises: 3b9e1c7a5d20
Create Date: 2026-11-25 18:06:32.804825

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cc7ad90b07b0'
down_revision = '3b9e1c7a5d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('extension_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('original_deadline', sa.Date(), nullable=True),
    sa.Column('requested_deadline', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'approved', 'refused')", name=op.f('ck_extension_request_state')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_extension_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_extension_request_task_id_task'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_extension_request_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_extension_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_task_id'), ['task_id'], unique=False)
        batch_op.create_index('uq_extension_request_pending', ['task_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        # Every entry so far is a unit's report.
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='report'))
        batch_op.create_check_constraint(
            'kind', "kind IN ('report', 'confirm', 'send_back', 'extension_request', 'extension_approved', "
            "'extension_refused')")
        batch_op.drop_index(batch_op.f('ix_progress_report_task_id'))
        batch_op.create_index('ix_progress_report_task_created', ['task_id', 'created_at'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_progress_report_task_id_task'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_progress_report_task_id_task'), 'task', ['task_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_status_deadline', ['status', 'deadline'], unique=False)

    with op.batch_alter_table('task_unit', schema=None) as batch_op:
        batch_op.create_index('ix_task_unit_unit_role_task', ['unit_id', 'role', 'task_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_calendar_token'), ['calendar_token'])



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')

    with op.batch_alter_table('task_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_task_unit_unit_role_task')

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_status_deadline')

    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_progress_report_task_id_task'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_progress_report_task_id_task'), 'task', ['task_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_index('ix_progress_report_task_created')
        batch_op.create_index(batch_op.f('ix_progress_report_task_id'), ['task_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_progress_report_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index('uq_extension_request_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_extension_request_task_id'))

    op.drop_table('extension_request')
