"""The database's own file dropped on the window or on the import wizard: refused in plain
words, and never opened (a close() would drop SQLite's locks in this process)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from database_file_support import held_locks, opened_database_files, python_opens
from import_wizard_support import open_wizard
from PySide6.QtCore import QSettings, QThreadPool
from test_import_wizard_pages import _drop_on
from test_window_workflows import RecordingPrompts, _drop

from crm_desktop.models.database import Database
from crm_desktop.views.drop import process_drop
from crm_desktop.views.import_wizard.state import FILE_PAGE
from crm_desktop.views.main_window import MainWindow


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _path(db: Database, suffix: str = "") -> Path:
    assert db.sqlite_path is not None
    return Path(f"{db.sqlite_path}{suffix}")


def test_dropping_the_database_on_the_window_is_refused_without_opening_it(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    prompts = RecordingPrompts()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, prompts=prompts, settings=settings)
    qtbot.addWidget(window)
    window.show()
    db, wal, shm = _path(sqlite_db), _path(sqlite_db, "-wal"), _path(sqlite_db, "-shm")
    locks = held_locks(db), held_locks(shm)
    assert locks[1], "no lock on the -shm: the test would prove nothing"
    with python_opens() as seen:
        _drop(window, db, wal)
        qtbot.waitUntil(lambda: bool(prompts.infos))
        QThreadPool.globalInstance().waitForDone()
    assert prompts.infos == [
        f"{db.name} is the database crm-desktop is working in: it cannot be imported, and it "
        f"was not opened.\n\n{wal.name} belongs to {db.name}, the database crm-desktop is "
        "working in: it was not opened."
    ]
    assert window.import_wizard is None
    assert opened_database_files(seen, db) == []
    assert (held_locks(db), held_locks(shm)) == locks


def test_a_dropped_link_to_the_database_is_known_by_identity(
    sqlite_db: Database, tmp_path: Path
) -> None:
    link = tmp_path / "contacts.txt"  # a .txt is read to see whether it holds a table
    os.link(_path(sqlite_db), link)
    with python_opens() as seen:
        result = process_drop(sqlite_db.sessions, [link])
    assert result.messages == (
        "contacts.txt is the database crm-desktop is working in: it cannot be imported, "
        "and it was not opened.",
    )
    assert result.sheets == () and not result.changes.any()
    assert [p for p in seen if Path(p) == link] == []


def test_the_database_dropped_on_the_wizard_is_refused_on_its_page(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database
) -> None:
    wizard = open_wizard(qtbot, sqlite_db, None)
    page = wizard.file_page
    with python_opens() as seen:
        _drop_on(page, _path(sqlite_db))
        qtbot.waitUntil(lambda: page.error_label.isVisible())
        QThreadPool.globalInstance().waitForDone()
    assert page.error_label.text() == (
        f"{_path(sqlite_db).name}: it is the database crm-desktop is working in; "
        "it cannot be imported"
    )
    assert not page.isComplete() and wizard.currentId() == FILE_PAGE
    assert opened_database_files(seen, _path(sqlite_db)) == []
