"""Ctrl+Z in the window: the last form edit or board move, named in the status bar; typing
in a field is still undone in the field."""

from __future__ import annotations

from pathlib import Path

from pipeline_support import build_sales, load_deal
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_main_window import FakePrompts, _add_contacts, _settle

from crm_desktop.models.database import Database
from crm_desktop.services.records import load_record, save_record
from crm_desktop.views.main_window import MainWindow


def _window(qtbot, db: Database, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    _settle(qtbot, window)
    return window


def _ctrl(key: Qt.Key) -> None:
    QTest.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_z_undoes_typing_in_a_field_then_the_saved_edit(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (anna,) = _add_contacts(sqlite_db, "Anna Berg")
    window = _window(qtbot, sqlite_db, tmp_path)
    window.show_record("contacts", anna)
    form = window.list_pages["contacts"].form
    qtbot.waitUntil(lambda: form.record_id == anna and not form.is_loading())
    title = form.editors["title"].widget
    title.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is title)
    QTest.keyClicks(title, "Buyer")
    _ctrl(Qt.Key.Key_Z)  # typing to undo: the field takes Ctrl+Z
    assert title.text() == "" and not window.undo.can_undo()

    QTest.keyClicks(title, "Buyer")
    with qtbot.waitSignal(form.edit_saved):
        _ctrl(Qt.Key.Key_S)
    assert load_record(sqlite_db.sessions, "contacts", anna).fields["title"] == "Buyer"
    assert window.undo.can_undo()
    assert QApplication.focusWidget() is title  # still in the field, with nothing typed since
    with qtbot.waitSignal(window.undo.undone):
        _ctrl(Qt.Key.Key_Z)
    assert window.statusBar().currentMessage() == "Undone: edited “Anna Berg”"
    assert load_record(sqlite_db.sessions, "contacts", anna).fields["title"] is None
    qtbot.waitUntil(lambda: title.text() == "")  # the form shows the record as it is again


def test_ctrl_z_takes_back_a_board_move(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sales = build_sales(sqlite_db)
    gamma = sales.deals["Gamma"]
    window = _window(qtbot, sqlite_db, tmp_path)
    window.show_page("pipeline")
    board = window.board
    qtbot.waitUntil(lambda: board.board is not None and not board.is_busy())
    with qtbot.waitSignal(board.move_finished):
        assert board.move_deal(gamma, sales.stages["Won"])
    assert load_deal(sqlite_db, gamma).stage_id == sales.stages["Won"]
    assert board.select_deal(sales.deals["Alpha"])
    with qtbot.waitSignal(window.undo.undone):
        _ctrl(Qt.Key.Key_Z)
    assert window.statusBar().currentMessage() == "Undone: moved “Gamma” from Proposal to Won"
    assert load_deal(sqlite_db, gamma).stage_id == sales.stages["Proposal"]
    qtbot.waitUntil(lambda: not board.is_busy() and board.column_of(gamma) is not None)
    assert board.column_of(gamma).stage.name == "Proposal"  # type: ignore[union-attr]


def test_an_undo_never_overwrites_a_later_change(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sales = build_sales(sqlite_db)
    alpha = sales.deals["Alpha"]
    window = _window(qtbot, sqlite_db, tmp_path)
    window.show_page("pipeline")
    board = window.board
    qtbot.waitUntil(lambda: board.board is not None and not board.is_busy())
    with qtbot.waitSignal(board.move_finished):
        board.move_deal(alpha, sales.stages["Proposal"])
    detail = load_record(sqlite_db.sessions, "deals", alpha)
    save_record(sqlite_db.sessions, "deals", alpha, detail.version, {"notes": "called them"})
    window.undo.undo_last()
    qtbot.waitUntil(lambda: "Not undone" in window.statusBar().currentMessage())
    assert "someone else changed “Alpha”" in window.statusBar().currentMessage()
    assert load_deal(sqlite_db, alpha).stage_id == sales.stages["Proposal"]
