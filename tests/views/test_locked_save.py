"""Saving while another program holds SQLite's write lock: one retry, then a plain sentence."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from sqlalchemy import select

from crm_desktop.models import Contact
from crm_desktop.models import database as database_module
from crm_desktop.models.database import Database, open_database
from crm_desktop.services import db_errors
from crm_desktop.services.records import save_record
from crm_desktop.views.forms import ContactForm


class RecordingPrompts:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def ask_yes_no(self, parent, title: str, text: str) -> bool:  # type: ignore[no-untyped-def]
        raise AssertionError(f"unexpected question: {text}")

    def show_error(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.errors.append((title, text))

    def show_info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def quick_db(
    tmp_path: Path, _sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """A SQLite database whose connections give up on a lock after 50 ms, not 5 s."""
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    QThreadPool.globalInstance().waitForDone()
    db.dispose()


@pytest.fixture
def holder(quick_db: Database) -> Iterator[sqlite3.Connection]:
    """Another program's connection; the test takes the write lock with BEGIN IMMEDIATE."""
    connection = sqlite3.connect(
        quick_db.url.database, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA busy_timeout=50")
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def _edited_form(qtbot, db: Database, prompts: RecordingPrompts) -> ContactForm:  # type: ignore[no-untyped-def]
    record = save_record(db.sessions, "contacts", None, None, {"full_name": "王伟"}).detail
    assert record.id is not None
    form = ContactForm(db.sessions, prompts)
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.loaded):
        form.load(record.id)
    form.editors["title"].edit.setText("采购经理")
    return form


def _title(db: Database) -> str | None:
    with db.sessions() as session:
        return session.scalars(select(Contact.title)).one()


def test_a_save_blocked_by_another_writer_says_so_plainly_and_keeps_the_edit(
    qtbot, quick_db: Database, holder: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    prompts = RecordingPrompts()
    form = _edited_form(qtbot, quick_db, prompts)
    waits: list[float] = []
    monkeypatch.setattr(db_errors, "_sleep", waits.append)
    holder.execute("BEGIN IMMEDIATE")  # e.g. the sqlite3 shell in the middle of a change
    form.save()
    qtbot.waitUntil(lambda: not form.is_saving())
    assert prompts.errors == [
        ("Could not save", "Another program is writing to this database; try again.")
    ]
    assert waits == [db_errors.RETRY_WAIT_S]  # it tried once more by itself first
    assert form.is_dirty() and form.editors["title"].edit.text() == "采购经理"
    holder.execute("ROLLBACK")
    with qtbot.waitSignal(form.saved):
        form.save()  # the user's "try again"
    assert _title(quick_db) == "采购经理"


def test_a_lock_let_go_while_waiting_to_retry_lets_the_save_through(
    qtbot, quick_db: Database, holder: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    prompts = RecordingPrompts()
    form = _edited_form(qtbot, quick_db, prompts)
    # The other program commits while the save waits to try again (in the worker thread).
    monkeypatch.setattr(db_errors, "_sleep", lambda _seconds: holder.execute("COMMIT"))
    holder.execute("BEGIN IMMEDIATE")
    with qtbot.waitSignal(form.saved):
        form.save()
    assert prompts.errors == []
    assert not form.is_dirty()
    assert _title(quick_db) == "采购经理"
