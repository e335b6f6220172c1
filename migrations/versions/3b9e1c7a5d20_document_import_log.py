"""document import log: each confirmed import of a document, once per reviewed plan

Revision ID: 3b9e1c7a5d20
Revises: df22fe329e7b
Create Date: 2026-11-25 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9e1c7a5d20'
down_revision = 'df22fe329e7b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('removed', sa.Integer(), nullable=False),
        sa.Column('kept', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('new', 'revised')", name=op.f('ck_document_import_kind')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_import_document_id_document'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_document_import_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_import')),
        sa.UniqueConstraint('token', name=op.f('uq_document_import_token')),
    )
    with op.batch_alter_table('document_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_import_document_id'), ['document_id'], unique=False)


def downgrade():
    with op.batch_alter_table('document_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_import_document_id'))
    op.drop_table('document_import')
