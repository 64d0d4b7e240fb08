"""import batches count their duplicates per reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10

An import now tells duplicates (the same e-mail or mobile) from possible duplicates (a
close name at the same company, nothing conflicting) and counts the rows of each reason
with what was done with them; the batch keeps those counts as JSON. Imports made before
have none (NULL). ADD COLUMN: no table copy on SQLite.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('import_batch', sa.Column('duplicates', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN, not a batch table copy (see 0009).
    op.drop_column('import_batch', 'duplicates')
