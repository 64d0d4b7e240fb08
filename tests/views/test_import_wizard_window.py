"""The wizard and the history from the main window: menu, Ctrl+I, dropped files, Changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_wizard_support import PEOPLE_CSV, ScriptedFiles, ScriptedPrompts, go_next
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDropEvent
from test_main_window import _settle

from crm_desktop.models.database import Database
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.views.import_wizard.state import DUPLICATES_PAGE, SUMMARY_PAGE
from crm_desktop.views.main_window import MainWindow


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def window(qtbot, sqlite_db: Database, tmp_path: Path, prompts: ScriptedPrompts) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(sqlite_db, prompts=prompts, settings=settings)
    win.file_chooser = ScriptedFiles()
    qtbot.addWidget(win)
    win.show()
    _settle(qtbot, win)
    return win


def _drop(window: MainWindow, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(QPoint(200, 200)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)  # QApplication delivers a drop only during a real drag
    assert event.isAccepted()


def test_file_menu_and_ctrl_i_open_the_wizard_and_the_history(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions()]
    assert "&Import…" in texts and "Import &history…" in texts
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    wizard = window.import_wizard
    assert wizard is not None and wizard.isVisible()
    assert window.open_import_wizard() is wizard  # one wizard at a time
    wizard.reject()
    qtbot.waitUntil(lambda: window.import_wizard is None)  # closed and deleted
    window.import_history_action.trigger()
    dialog = window.import_history
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.status_label.text() == "Nothing has been imported yet."


def test_a_dropped_spreadsheet_opens_the_wizard_and_its_import_reaches_the_lists(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    table = tmp_path / "more.txt"
    table.write_text("Name\tEmail\nBo Chen\tbo@acme.de\n", encoding="utf-8")
    window.show_page("contacts")  # "Import into" starts at the page it was opened from
    _drop(window, path, table)
    qtbot.waitUntil(lambda: window.import_wizard is not None)
    wizard = window.import_wizard
    assert wizard is not None and wizard.file_page.path == path
    assert prompts.infos == [
        "more.txt: import one file at a time; drop it again after this import."
    ]
    for page in (1, 2, DUPLICATES_PAGE):
        go_next(qtbot, wizard, page)
    window.show_page("contacts")
    contacts = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: contacts.model.count_known and contacts.model.rowCount() == 0)
    with qtbot.waitSignal(window.changes_applied) as applied:
        go_next(qtbot, wizard, SUMMARY_PAGE)
    assert applied.args[0].contacts
    assert window.statusBar().currentMessage().startswith("Imported people.csv: 5 rows: 3 created")
    qtbot.waitUntil(lambda: contacts.model.count_known and contacts.model.rowCount() == 3)


def test_history_undo_reaches_the_window(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sqlite_db: Database, tmp_path: Path, prompts: ScriptedPrompts
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    run_import(sqlite_db.sessions, prepare_import(sqlite_db.sessions, path, "contacts").plan)
    window.show_page("contacts")
    window.reload()
    contacts = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: contacts.model.count_known and contacts.model.rowCount() == 3)
    dialog = window.open_import_history()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.undo_button.isEnabled())
    prompts.answers.append(True)
    with qtbot.waitSignal(window.changes_applied) as applied:
        dialog.undo_button.click()
    assert applied.args[0].contacts
    qtbot.waitUntil(lambda: contacts.model.count_known and contacts.model.rowCount() == 0)
