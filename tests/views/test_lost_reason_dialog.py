"""The lost-reason question: nothing preselected, Enter does nothing until a reason is given."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from crm_desktop.views.pipeline.lost_reason_dialog import LostReasonDialog

REASONS = ("Price too high", "Went with a competitor", "No budget")


def _shown(qtbot) -> LostReasonDialog:  # type: ignore[no-untyped-def]
    dialog = LostReasonDialog("Big order", REASONS)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def _press(key: Qt.Key) -> None:
    QTest.keyClick(QApplication.focusWidget(), key)


def test_nothing_is_preselected_and_enter_alone_records_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _shown(qtbot)
    assert dialog.reason() == ""
    assert dialog.combo.currentIndex() == -1
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    _press(Qt.Key.Key_Return)
    _press(Qt.Key.Key_Enter)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    QTest.keyClicks(QApplication.focusWidget(), "   ")  # blanks are no reason either
    _press(Qt.Key.Key_Return)
    assert dialog.isVisible()


def test_a_reason_picked_with_the_keyboard_is_taken(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _shown(qtbot)
    _press(Qt.Key.Key_Down)
    assert dialog.reason() == "Price too high"
    with qtbot.waitSignal(dialog.accepted):
        _press(Qt.Key.Key_Return)
    assert dialog.reason() == "Price too high"


def test_a_typed_reason_is_taken(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _shown(qtbot)
    QTest.keyClicks(QApplication.focusWidget(), "Project cancelled")
    with qtbot.waitSignal(dialog.accepted):
        _press(Qt.Key.Key_Return)
    assert dialog.reason() == "Project cancelled"
    assert dialog.combo.findText("Project cancelled") == -1  # the list is not changed


def test_the_board_question_returns_nothing_for_a_reflexive_enter(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    from crm_desktop.views.pipeline.prompts import QtBoardPrompts

    pressed: list[str] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, answer)
            return
        target = QApplication.focusWidget() or modal
        QTest.keyClick(target, Qt.Key.Key_Return)
        pressed.append("enter")
        if modal.isVisible():
            QTest.keyClick(QApplication.focusWidget() or modal, Qt.Key.Key_Escape)
            pressed.append("escape")

    QTimer.singleShot(0, answer)
    assert QtBoardPrompts().ask_lost_reason(None, "Big order", REASONS) is None
    assert pressed == ["enter", "escape"]
