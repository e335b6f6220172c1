"""document numbers: the year in 〔〕 however its brackets were written (浙政办发[2026]9号)

Revision ID: f3b8d2a6c1e7
Revises: e5a1f7c2b9d4
Create Date: 2026-11-25 23:15:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.parsing.documents import canonical_number

# revision identifiers, used by Alembic.
revision = 'f3b8d2a6c1e7'
down_revision = 'e5a1f7c2b9d4'
branch_labels = None
depends_on = None


def upgrade():
    document = sa.table('document', sa.column('id', sa.Integer), sa.column('number', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(document.c.id, document.c.number).where(document.c.number.is_not(None))).all()
    taken = {number for _, number in rows}
    for id_, number in rows:
        canonical = canonical_number(number)
        # Two stored documents that are one notice under two spellings are left for a person to merge.
        if canonical != number and canonical not in taken:
            connection.execute(document.update().where(document.c.id == id_).values(number=canonical))
            taken.add(canonical)


def downgrade():
    pass  # the spelling a number had is not kept; 〔〕 is a valid spelling of every one
