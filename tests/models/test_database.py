"""Opening, migrating and guarding the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from crm_desktop.models import Contact, Pipeline, Stage, User
from crm_desktop.models.database import Database, DatabaseError, open_database, resolve_url
from crm_desktop.models.migrations import current_revision, head_revision


def test_fresh_database_has_one_local_user_and_default_pipeline(db: Database) -> None:
    with db.sessions() as session:
        users = session.scalars(select(User)).all()
        assert [(u.name, u.is_local) for u in users] == [("Me", True)]
        pipeline = session.scalars(select(Pipeline)).one()
        assert pipeline.is_default
        stages = session.scalars(
            select(Stage).where(Stage.pipeline_id == pipeline.id).order_by(Stage.position)
        ).all()
        assert stages[0].name == "Qualification"
        assert [s.is_won for s in stages].count(True) == 1
        assert [s.is_lost for s in stages].count(True) == 1
        assert current_revision(db.engine) == head_revision()


def test_timestamps_are_utc_aware_and_version_increments(db: Database) -> None:
    with db.sessions.begin() as session:
        contact = Contact(full_name="王小明")
        session.add(contact)
    assert contact.created_at.tzinfo is not None
    assert contact.version == 1
    with db.sessions.begin() as session:
        loaded = session.get(Contact, contact.id)
        assert loaded is not None
        assert loaded.full_name == "王小明"
        assert loaded.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        loaded.title = "总经理"
    with db.sessions() as session:
        again = session.get(Contact, contact.id)
        assert again is not None and again.version == 2


def test_concurrent_edit_is_refused_not_overwritten(db: Database) -> None:
    with db.sessions.begin() as session:
        contact = Contact(full_name="Anna Müller")
        session.add(contact)
    first = db.sessions()
    second = db.sessions()
    try:
        mine = first.get(Contact, contact.id)
        theirs = second.get(Contact, contact.id)
        assert mine is not None and theirs is not None
        theirs.title = "CEO"
        second.commit()
        mine.title = "CTO"
        with pytest.raises(StaleDataError):
            first.commit()
    finally:
        first.close()
        second.close()
    with db.sessions() as session:
        assert session.get(Contact, contact.id).title == "CEO"  # type: ignore[union-attr]


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_default_url_is_a_sqlite_file_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = resolve_url(None)
    assert url.get_backend_name() == "sqlite"
    assert url.database is not None and url.database.startswith(str(tmp_path))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nonsense", "is not a database URL"),
        ("mysql://u@h/db", "not supported"),
        ("postgresql+psycopg://nobody:x@127.0.0.1:1/crm", "Cannot reach the PostgreSQL server"),
    ],
)
def test_bad_urls_give_a_clear_message(url: str, words: str) -> None:
    with pytest.raises(DatabaseError, match=words):
        open_database(url)


def test_not_a_database_file_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite " * 100)
    with pytest.raises(DatabaseError, match="not a crm-desktop database"):
        open_database(f"sqlite:///{path}")


def test_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer version of crm-desktop"):
        open_database(f"sqlite:///{path}")


def test_sqlite_file_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    from alembic import command

    from crm_desktop.models.database import create_db_engine, resolve_url
    from crm_desktop.models.migrations import alembic_config

    path = tmp_path / "crm.sqlite3"
    url = resolve_url(f"sqlite:///{path}")
    engine = create_db_engine(url)
    # A file written by the first release: schema 0001, with a pending upgrade.
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.exec_driver_sql(
            "INSERT INTO contact (id, full_name, created_at, updated_at, version) VALUES "
            "('0123456789abcdef0123456789abcdef', 'Kept', ?, ?, 1)",
            (datetime.now(UTC).isoformat(), datetime.now(UTC).isoformat()),
        )
    engine.dispose()
    assert head_revision() != "0001"
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    backups = list(tmp_path.glob("crm.sqlite3.*.bak"))
    assert len(backups) == 1
    kept = sqlite3.connect(backups[0]).execute("SELECT full_name FROM contact").fetchall()
    assert kept == [("Kept",)]
    migrated = sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchall()
    assert migrated == [(head_revision(),)]
