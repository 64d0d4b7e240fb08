"""Questions and messages to the user behind one injectable service.

Views ask through a `Prompts` object instead of calling QMessageBox directly, so
tests pass a scripted one and never block on a modal box.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget


class Prompts(Protocol):
    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        """True if the user answered yes."""
        ...

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None: ...

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None: ...


class QtPrompts:
    """The real thing: modal message boxes."""

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)
