"""The window's one undo history: Ctrl+Z takes back the last form edit, board move or delete.

Actions come from the pages (a form's save, a board move, a delete) as the services'
undo records (`services/undo.py`); undoing one runs in the background through the
services, which refuse to overwrite a record someone changed since. The status bar names
what was undone ("Undone: moved “Big order” from Proposal to Won") or why not.

Ctrl+Z in a text field that has typing to undo undoes that typing, as everywhere else;
only when no field is being edited does it take back the last action (`TextFieldsFirst`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStatusBar,
    QTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.changes import Changes
from crm_desktop.services.db_errors import retry_once_if_locked
from crm_desktop.services.pipeline.moves import MoveResult
from crm_desktop.services.records import RecordNotFoundError, SaveResult, StaleRecordError
from crm_desktop.services.undo import (
    Action,
    UndoError,
    action_label,
    describe,
    edit_action,
    move_action,
    undo,
)
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("UndoStack", text)


def _attempt(sessions: sessionmaker[Session], action: Action) -> Changes | str:
    """Undo in the worker; a refusal comes back as the sentence to show."""
    try:
        return retry_once_if_locked(undo, sessions, action)
    except StaleRecordError:
        return tr("Not undone: someone else changed “%1” since; it was left as it is.")
    except RecordNotFoundError:
        return tr("Not undone: “%1” was deleted or restored meanwhile.")
    except UndoError as exc:
        return tr("Not undone: %1").replace("%1", str(exc))


def text_undo_available(widget: QWidget | None) -> bool:
    """Has this text field typing of its own to undo?"""
    if isinstance(widget, QComboBox):
        widget = widget.lineEdit() if widget.isEditable() else None
    elif isinstance(widget, QAbstractSpinBox):
        widget = widget.findChild(QLineEdit)
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly() and widget.isUndoAvailable()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        document = widget.document()
        return not widget.isReadOnly() and document is not None and document.isUndoAvailable()
    return False


_TEXT_FIELDS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit)


class TextFieldsFirst(QObject):
    """Ctrl+Z goes to the focused field when it has typing to undo, else to the window.

    Qt's text fields claim Ctrl+Z (a ShortcutOverride) whether or not they have anything
    to undo, so the window's Undo never fired while the cursor sat in any field. A field
    with nothing to undo no longer claims it.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, _TEXT_FIELDS)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and watched.window() is self._window
            and not text_undo_available(watched)
        ):
            event.ignore()
            return True  # not claimed: the window's Undo shortcut takes the key
        return False


class UndoStack(QObject):
    """Undoable actions, newest last; the Undo action, offer and status bar follow it."""

    undone = Signal(object, object)  # Action, Changes: after an undo was saved
    LIMIT = 20
    OFFER_MS = 15000

    def __init__(
        self,
        sessions: sessionmaker[Session],
        window: QWidget,
        action: QAction,
        status_bar: QStatusBar,
        offer_label: QLabel,
        offer_button: QPushButton,
    ) -> None:
        super().__init__(window)
        self._sessions = sessions
        self._actions: list[Action] = []
        self._action = action
        self._status = status_bar
        self._label = offer_label
        self._button = offer_button
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.OFFER_MS)
        self._timer.timeout.connect(self.hide_offer)
        self._filter = TextFieldsFirst(window)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._filter)
        self._update()

    # ---- what goes on the stack ------------------------------------------------------------

    def push(self, action: Action, offer: str = "") -> None:
        self._actions.append(action)
        del self._actions[: -self.LIMIT]
        if offer:
            self._status.clearMessage()
            self._label.setText(offer)
            self._label.show()
            self._button.show()
            self._timer.start()
        self._update()

    def push_edit(self, result: SaveResult) -> None:
        action = edit_action(result)
        if action is not None:
            self.push(action)

    def push_move(self, result: object) -> None:
        """A board move saved (MoveResult), or its error message (nothing to undo)."""
        action = move_action(result) if isinstance(result, MoveResult) else None
        if action is not None:
            self.push(action)

    def can_undo(self) -> bool:
        return bool(self._actions)

    def last(self) -> Action | None:
        return self._actions[-1] if self._actions else None

    # ---- undoing ---------------------------------------------------------------------------

    def undo_last(self) -> None:
        if not self._actions:
            self._status.showMessage(tr("Nothing to undo."), 4000)
            return
        action = self._actions.pop()
        self._update()
        self.hide_offer()
        run_in_background(
            _attempt,
            parent=QCoreApplication.instance(),
            on_done=lambda result: self._on_undone(action, result),
            on_error=self._on_failed,
            sessions=self._sessions,
            action=action,
        )

    def _on_undone(self, action: Action, result: Changes | str) -> None:
        what = describe(action)
        if isinstance(result, str):
            self._status.showMessage(result.replace("%1", action_label(action)), 10000)
            return
        self._status.showMessage(tr("Undone: %1").replace("%1", what), 8000)
        self.undone.emit(action, result)

    def _on_failed(self, message: str, trace: str) -> None:
        log.error("undo failed: %s\n%s", message, trace)
        self._status.showMessage(tr("Not undone: %1").replace("%1", message), 10000)

    def hide_offer(self) -> None:
        self._timer.stop()
        self._label.hide()
        self._button.hide()

    def _update(self) -> None:
        last = self.last()
        self._action.setEnabled(last is not None)
        tip = tr("Undo: %1 (Ctrl+Z)").replace("%1", describe(last)) if last else tr("Undo")
        self._action.setToolTip(tip)
        self._action.setStatusTip(tip)
