"""The database's own files are never read as an import nor written over by an export.

Opening them at all (and closing them again) would drop the locks SQLite holds on them in
this process (models/sqlite_files.py); writing over them would destroy the database. Each
refusal happens before anything opens the file, and says why in one line.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from database_file_support import opened_database_files, python_opens
from sqlalchemy import func, select

from crm_desktop.models import Contact
from crm_desktop.models.database import Database
from crm_desktop.models.sqlite_files import DatabaseFileInUse
from crm_desktop.services.calendar_export import export_calendar
from crm_desktop.services.email_files import EmailFileError, read_email_file
from crm_desktop.services.export import ExportError, export_records
from crm_desktop.services.imports.history import save_problem_rows
from crm_desktop.services.imports.plan import ImportPlan, PlanError, read_mapping_file
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.source import ImportFileError
from crm_desktop.services.reports.output import write_xlsx
from crm_desktop.services.reports.table import Table, TableColumn

COMPANIONS = ["", "-wal", "-shm", "-journal"]


def _file(db: Database, suffix: str = "") -> Path:
    assert db.sqlite_path is not None
    return Path(f"{db.sqlite_path}{suffix}")


def _fingerprint(db: Database) -> tuple[int, int]:
    st = os.stat(_file(db))
    return st.st_size, st.st_mtime_ns


@pytest.mark.parametrize("suffix", COMPANIONS)
def test_the_database_is_not_imported(sqlite_db: Database, suffix: str) -> None:
    path = _file(sqlite_db, suffix)
    before = _fingerprint(sqlite_db)
    with python_opens() as seen, pytest.raises(ImportFileError) as refused:
        prepare_import(sqlite_db.sessions, path)
    if suffix:
        assert str(refused.value) == (
            f"{path.name}: it belongs to {_file(sqlite_db).name}, the database crm-desktop "
            "is working in; it cannot be imported"
        )
    else:
        assert str(refused.value) == (
            f"{path.name}: it is the database crm-desktop is working in; it cannot be imported"
        )
    assert opened_database_files(seen, _file(sqlite_db)) == []
    assert _fingerprint(sqlite_db) == before


def test_a_hard_link_to_the_database_is_not_imported(sqlite_db: Database, tmp_path: Path) -> None:
    link = tmp_path / "contacts.csv"
    os.link(_file(sqlite_db), link)
    with python_opens() as seen, pytest.raises(ImportFileError, match="it is the database"):
        prepare_import(sqlite_db.sessions, link)
    assert [p for p in seen if Path(p) == link] == []


def test_a_plan_that_points_at_the_database_is_not_run(sqlite_db: Database) -> None:
    """An import resumed from its plan reads the file again: the same refusal."""
    plan = ImportPlan(path=str(_file(sqlite_db)), target="contacts")
    with python_opens() as seen, pytest.raises(ImportFileError, match="cannot be imported"):
        run_import(sqlite_db.sessions, plan)
    assert opened_database_files(seen, _file(sqlite_db)) == []
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    with python_opens() as seen, pytest.raises(PlanError, match="it is the database"):
        read_mapping_file(_file(sqlite_db), plan)
    assert opened_database_files(seen, _file(sqlite_db)) == []


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_nothing_is_exported_over_the_database(sqlite_db: Database, suffix: str) -> None:
    target = _file(sqlite_db, suffix)
    before = _fingerprint(sqlite_db)
    reason = "it is the database" if not suffix else "it belongs to"
    with python_opens() as seen:
        with pytest.raises(ExportError, match=f"cannot write {target}: {reason}"):
            export_records(sqlite_db.sessions, "contacts", "csv", target)
        with pytest.raises(ExportError, match=f"cannot write {target}: {reason}"):
            export_calendar(sqlite_db.sessions, target)
        with pytest.raises(DatabaseFileInUse, match=reason):
            save_problem_rows(sqlite_db.sessions, uuid.uuid4(), target)
        table = Table("Pipeline", "", "EUR", (TableColumn("Stage"),), (("Won",),))
        with pytest.raises(DatabaseFileInUse, match=reason):
            write_xlsx(table, target)
    assert opened_database_files(seen, _file(sqlite_db)) == []
    assert _fingerprint(sqlite_db) == before
    assert not list(_file(sqlite_db).parent.glob("*.part"))


def test_the_database_is_not_read_as_an_email(sqlite_db: Database, tmp_path: Path) -> None:
    link = tmp_path / "mail.eml"
    os.link(_file(sqlite_db), link)
    with python_opens() as seen, pytest.raises(EmailFileError, match="it is the database"):
        read_email_file(link)
    assert [p for p in seen if Path(p) == link] == []
