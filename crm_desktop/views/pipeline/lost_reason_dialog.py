"""The question "why was this deal lost?": a reason picked from the list or typed.

Nothing is chosen when it opens, and OK (so Enter too) stays disabled until a reason is
picked or typed: a reflexive Enter must not record a reason nobody chose.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


class LostReasonDialog(QDialog):
    """An editable list of the usual reasons with nothing selected; `reason()` is the answer."""

    def __init__(self, deal_title: str, reasons: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_tr("Deal lost"))
        label = QLabel(
            _tr("Why was “%1” lost? Choose a reason or type your own:").replace("%1", deal_title)
        )
        label.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.setObjectName("lostReason")
        self.combo.setEditable(True)
        # Enter in the box must not add the text to the list (nor accept the dialog by itself).
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems([r for r in reasons if r.strip()])
        self.combo.setCurrentIndex(-1)
        self.combo.setEditText("")
        line = self.combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(_tr("Choose or type a reason"))
        label.setBuddy(self.combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.buttons)
        self.combo.editTextChanged.connect(lambda _t: self._update_ok())
        self.combo.currentIndexChanged.connect(lambda _i: self._update_ok())
        self._update_ok()
        self.combo.setFocus()

    def reason(self) -> str:
        return self.combo.currentText().strip()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason()))

    def _on_buttons_accepted(self) -> None:
        if self.reason():
            self.accept()


def ask_lost_reason(parent: QWidget | None, deal_title: str, reasons: Sequence[str]) -> str | None:
    """The reason given, or None if the user cancelled."""
    dialog = LostReasonDialog(deal_title, reasons, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reason() or None
