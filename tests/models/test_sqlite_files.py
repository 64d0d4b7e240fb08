"""Which files belong to a SQLite database this process has open: by name and identity,
without opening them; PostgreSQL and in-memory databases have none."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from database_file_support import python_opens
from sqlalchemy.engine import make_url

from crm_desktop.models.database import Database, open_database
from crm_desktop.models.sqlite_files import (
    database_in_use,
    is_database_file,
    open_databases,
    sqlite_path,
)

COMPANIONS = ["", "-wal", "-shm", "-journal"]


def _file(db: Database, suffix: str = "") -> Path:
    assert db.sqlite_path is not None
    return Path(f"{db.sqlite_path}{suffix}")


def test_an_open_database_and_its_companions_are_known_by_name_and_identity(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = _file(sqlite_db)
    assert path in open_databases()
    for suffix in COMPANIONS:
        assert database_in_use(f"{path}{suffix}") == path
    hard = tmp_path / "contacts.csv"
    os.link(path, hard)
    soft = tmp_path / "elsewhere" / "crm.db"
    soft.parent.mkdir()
    soft.symlink_to(path)
    spelled = tmp_path / "." / path.name
    with python_opens() as seen:
        for other_name in (hard, soft, spelled):
            assert database_in_use(other_name) == path
            assert is_database_file(other_name, path)
    assert seen == []  # stat and readlink only
    stranger = tmp_path / "crm.sqlite3.bak"
    stranger.write_bytes(b"x")
    assert database_in_use(stranger) is None
    assert database_in_use(tmp_path) is None


def test_a_database_stops_counting_once_its_engine_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite3"
    db = open_database(f"sqlite:///{path}")
    assert database_in_use(path) == path
    db.dispose()
    del db
    gc.collect()
    assert database_in_use(path) is None


def test_postgresql_and_memory_urls_have_no_file(db: Database) -> None:
    assert sqlite_path(make_url("sqlite://")) is None
    assert sqlite_path(make_url("sqlite:///:memory:")) is None
    assert sqlite_path(make_url("postgresql+psycopg://u@h/d")) is None
    assert (db.sqlite_path is None) == (db.url.get_backend_name() == "postgresql")
