"""Alembic environment: runs on the connection the program hands over, or on a URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import make_url

import crm_desktop.models  # noqa: F401 - registers every table on Base.metadata
from crm_desktop.models.base import Base
from crm_desktop.models.database import create_db_engine, create_migration_engine

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Keep autogenerate away from the search index (0002): its tables are per-backend DDL
    (an FTS5 virtual table and its shadow tables on SQLite) outside Base.metadata."""
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = os.environ.get("CRM_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Set CRM_DATABASE_URL to run alembic against a database")
    parsed = make_url(url)
    # SQLite: every statement inside the transaction (pysqlite alone runs DDL outside it),
    # with the program's SQL functions.
    sqlite = parsed.get_backend_name() == "sqlite"
    engine = create_migration_engine(parsed) if sqlite else create_db_engine(parsed)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
