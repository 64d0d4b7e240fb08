"""search index: a line of CJK bigrams per document, so two-character words are found

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Appends crm_cjk_bigrams(body) to every document (see crm_desktop/models/cjk.py). On
PostgreSQL the function is created here; on SQLite the program registers it on every
connection. Downgrading rebuilds the documents as 0002 made them.
"""

from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from alembic import op

from crm_desktop.models.cjk import PG_FUNCTION, SQL_FUNCTION

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _rebuild_fts(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")


# Rewriting every body while the trigram index is kept up to date row by row takes minutes
# at a million records; building the index once afterwards takes seconds.
PG_BODY_INDEX = "CREATE INDEX ix_search_doc_body ON search_doc USING gin (body gin_trgm_ops)"


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    if pg:
        conn.exec_driver_sql(PG_FUNCTION)
        conn.exec_driver_sql("DROP INDEX ix_search_doc_body")
    conn.exec_driver_sql(f"UPDATE search_doc SET body = body || '\n' || {SQL_FUNCTION}(body)")
    if pg:
        conn.exec_driver_sql(PG_BODY_INDEX)
    _rebuild_fts(conn)


def downgrade() -> None:
    conn = op.get_bind()
    path = Path(__file__).with_name("0002_search_index.py")
    spec = spec_from_file_location("migration_0002", path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    conn.exec_driver_sql("DELETE FROM search_doc")
    for statement in module._fill_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)
    _rebuild_fts(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {SQL_FUNCTION}(text)")
