"""The board's questions (a lost reason, a stage, a name) behind an injectable service.

Tests pass a scripted object with the same methods, so no modal box ever blocks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.pipeline.lost_reason_dialog import ask_lost_reason


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


class BoardPrompts(Prompts, Protocol):
    def ask_lost_reason(
        self, parent: QWidget | None, deal_title: str, reasons: Sequence[str]
    ) -> str | None:
        """A reason from the list or typed in; None if the user cancelled."""
        ...

    def choose(
        self, parent: QWidget | None, title: str, text: str, choices: Sequence[str]
    ) -> int | None:
        """The index of the choice taken; None if the user cancelled."""
        ...

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, text: str = ""
    ) -> str | None:
        """A line of text; None if the user cancelled."""
        ...


class QtBoardPrompts(QtPrompts):
    """The real thing: small input dialogs."""

    def ask_lost_reason(
        self, parent: QWidget | None, deal_title: str, reasons: Sequence[str]
    ) -> str | None:
        # No reason is preselected: Enter alone must not record one nobody chose.
        return ask_lost_reason(parent, deal_title, reasons)

    def choose(
        self, parent: QWidget | None, title: str, text: str, choices: Sequence[str]
    ) -> int | None:
        choice, ok = QInputDialog.getItem(parent, title, text, list(choices), 0, False)
        if not ok or choice not in choices:
            return None
        return list(choices).index(choice)

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, text: str = ""
    ) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None
