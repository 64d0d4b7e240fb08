"""import lease

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08

import_batch gets `lease_token` and `lease_until`: the program running an import holds its
lease and renews it with every batch it commits, so `import --resume`, `undo-import` and the
wizard's Resume and Undo are refused while the import runs (services/imports/lease.py).
Two nullable columns, added with ADD COLUMN (no table copy on SQLite).
"""

from alembic import op
import sqlalchemy as sa
import crm_desktop.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('import_batch', sa.Column('lease_token', sa.Uuid(), nullable=True))
    op.add_column(
        'import_batch',
        sa.Column('lease_until', crm_desktop.models.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch table copy: dropping import_batch to copy
    # it would cascade to import_change and import_problem with foreign keys on.
    op.drop_column('import_batch', 'lease_until')
    op.drop_column('import_batch', 'lease_token')
