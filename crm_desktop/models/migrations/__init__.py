"""Alembic migrations, run at start-up so every database is at this program's schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from crm_desktop.models.database import DatabaseError, backup_sqlite_file

HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine, url: URL) -> None:
    """Bring the schema to this program's head, backing up a SQLite file first."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:  # noqa: BLE001 - alembic raises several kinds here
            raise DatabaseError(
                f"This database was written by a newer version of crm-desktop (schema {current}). "
                "Install the newest crm-desktop to open it."
            ) from None
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            backup_sqlite_file(Path(url.database))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
