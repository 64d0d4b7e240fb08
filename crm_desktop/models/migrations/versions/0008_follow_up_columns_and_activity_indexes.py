"""follow-up columns and activity indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Measured on the million-contact demo (docs/PERFORMANCE.md, Activities):
- contact and company get `last_contact_at` and `next_step_at`, derived from their
  activities and indexed, so the follow-up filters ("not contacted for 90 days", "no next
  step") are an index range instead of a million lookups; filled here from the activities;
- the Tasks page's indexes carry kind and deleted_at (counts from the index alone), the Done
  list and the reminder poll get indexes of their own;
- lead.converted_contact_id and converted_company_id are indexed for the timelines, and
  deals by stage with their contact and company for "customers" (a won deal);
- the changed tables are analyzed, so SQLite's planner uses the new indexes well.

Columns are added with ADD COLUMN (no table copy on SQLite), so a large database upgrades
in seconds plus the backfill.
"""

from alembic import op
import sqlalchemy as sa
import crm_desktop.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_TS = crm_desktop.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    for table, link in (('contact', 'contact_id'), ('company', 'company_id')):
        op.add_column(table, sa.Column('last_contact_at', _TS, nullable=True))
        op.add_column(table, sa.Column('next_step_at', _TS, nullable=True))
        # Only records with activities have anything to fill in.
        op.execute(
            f"UPDATE {table} SET "
            f"last_contact_at = (SELECT max(a.occurs_at) FROM activity a "
            f"WHERE a.{link} = {table}.id AND a.deleted_at IS NULL AND a.done = true "
            f"AND a.kind IN ('call', 'meeting', 'email')), "
            f"next_step_at = (SELECT min(a.occurs_at) FROM activity a "
            f"WHERE a.{link} = {table}.id AND a.deleted_at IS NULL AND a.done = false) "
            f"WHERE id IN (SELECT {link} FROM activity WHERE {link} IS NOT NULL)"
        )
        op.create_index(f'ix_{table}_last_contact', table, ['last_contact_at', 'deleted_at'])
        op.create_index(f'ix_{table}_next_step', table, ['next_step_at', 'deleted_at'])

    op.drop_index('ix_activity_owner_open', table_name='activity')
    op.drop_index('ix_activity_open_due', table_name='activity')
    op.drop_index('ix_activity_remind_at', table_name='activity')
    op.create_index(
        'ix_activity_owner_open', 'activity', ['owner_id', 'done', 'occurs_at', 'kind', 'deleted_at']
    )
    op.create_index('ix_activity_open_due', 'activity', ['done', 'occurs_at', 'kind', 'deleted_at'])
    op.create_index('ix_activity_done_at', 'activity', ['done', 'done_at'])
    op.create_index('ix_activity_owner_done_at', 'activity', ['owner_id', 'done', 'done_at'])
    op.create_index('ix_activity_reminder', 'activity', ['owner_id', 'reminded_at', 'remind_at'])

    op.create_index('ix_lead_converted_contact_id', 'lead', ['converted_contact_id'])
    op.create_index('ix_lead_converted_company_id', 'lead', ['converted_company_id'])
    op.create_index(
        'ix_deal_stage_customer', 'deal', ['stage_id', 'deleted_at', 'contact_id', 'company_id']
    )
    # SQLite's planner knows nothing of new indexes until ANALYZE: without it, it read a
    # company's timeline through the Tasks page's index (2.6 s instead of 6 ms, measured).
    for table in ('activity', 'contact', 'company', 'lead', 'deal'):
        op.execute(f'ANALYZE {table}')


def downgrade() -> None:
    op.drop_index('ix_deal_stage_customer', table_name='deal')
    op.drop_index('ix_lead_converted_company_id', table_name='lead')
    op.drop_index('ix_lead_converted_contact_id', table_name='lead')
    op.drop_index('ix_activity_reminder', table_name='activity')
    op.drop_index('ix_activity_owner_done_at', table_name='activity')
    op.drop_index('ix_activity_done_at', table_name='activity')
    op.drop_index('ix_activity_open_due', table_name='activity')
    op.drop_index('ix_activity_owner_open', table_name='activity')
    op.create_index('ix_activity_remind_at', 'activity', ['remind_at'])
    op.create_index('ix_activity_open_due', 'activity', ['done', 'occurs_at'])
    op.create_index('ix_activity_owner_open', 'activity', ['owner_id', 'done', 'occurs_at'])
    for table in ('company', 'contact'):
        op.drop_index(f'ix_{table}_next_step', table_name=table)
        op.drop_index(f'ix_{table}_last_contact', table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('next_step_at')
            batch_op.drop_column('last_contact_at')
