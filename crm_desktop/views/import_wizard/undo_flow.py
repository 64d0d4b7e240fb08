"""Undoing an import, from the summary page or the history: look, ask, then undo.

preview_undo says what would be removed and restored and which records were edited
since the import; the user confirms (through Prompts), and is asked separately
whether records edited since should be taken back too. undo_import then runs in the
background with progress.
"""

from __future__ import annotations

import uuid
from typing import Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from crm_desktop.services.imports.undo import UndoPreview, UndoReport, preview_undo, undo_import
from crm_desktop.views.import_wizard.state import Refused, WizardState, attempt
from crm_desktop.views.worker import Task, run_in_background

NAMES_SHOWN = 5


class UndoFlow(QObject):
    started = Signal(object)  # Task: the undo itself is running (cancel through it)
    progressed = Signal(float, str)
    finished = Signal(object)  # UndoReport
    stopped = Signal(str)  # declined or failed: why ("" when the user said no)

    def __init__(self, state: WizardState, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.state = state
        self.widget = parent_widget
        self.task: Task | None = None
        self.busy = False

    def start(self, batch_id: uuid.UUID) -> None:
        self.busy = True
        run_in_background(
            attempt,
            parent=self.widget,
            on_done=self._on_previewed,
            on_error=self._on_failed,
            service=preview_undo,
            sessions=self.state.sessions,
            batch_id=batch_id,
        )

    # ------------------------------------------------------------------ asking

    def _table_counts(self, preview: UndoPreview) -> str:
        names = {
            "lead": lambda n: self.tr("%n lead(s)", "", n),
            "contact": lambda n: self.tr("%n contact(s)", "", n),
            "company": lambda n: self.tr("%n company(ies)", "", n),
            "deal": lambda n: self.tr("%n deal(s)", "", n),
        }
        parts = [names[t](n) for t, n in preview.created.items() if n and t in names]
        return ", ".join(parts)

    def confirm_text(self, preview: UndoPreview) -> str:
        removed = sum(preview.created.values())
        text = self.tr("Undo the import of %1?").replace("%1", preview.file_name) + "\n\n"
        if removed:
            text += self.tr("It removes %n record(s) the import created", "", removed)
            text += f" ({self._table_counts(preview)})"
        else:
            text += self.tr("It removes no records")
        text += " " + self.tr(
            "and gives %n record(s) it changed their earlier values back.", "", preview.updated
        )
        if preview.conflict_count:
            text += "\n\n" + self.tr(
                "%n record(s) were edited after the import; you are asked next what to do "
                "with them.",
                "",
                preview.conflict_count,
            )
        return text

    def conflicts_text(self, preview: UndoPreview) -> str:
        shown = [
            f"• {c.label} ("
            + (self.tr("created by the import") if c.created else self.tr("changed by the import"))
            + ")"
            for c in preview.conflicts[:NAMES_SHOWN]
        ]
        more = preview.conflict_count - len(shown)
        if more > 0:
            shown.append(self.tr("• and %n more", "", more))
        return (
            self.tr("%n record(s) were edited after the import:", "", preview.conflict_count)
            + "\n"
            + "\n".join(shown)
            + "\n\n"
            + self.tr(
                "Undo them too? Yes takes them back as well, and the later edits are lost. "
                "No keeps them as they are now."
            )
        )

    def _on_previewed(self, result: UndoPreview | Refused) -> None:
        if isinstance(result, Refused):
            self._stop(result.message, show=True)
            return
        title = self.tr("Undo import")
        if not self.state.prompts.ask_yes_no(self.widget, title, self.confirm_text(result)):
            self._stop("")
            return
        rule: Literal["keep", "undo"] = "keep"
        if result.conflict_count and self.state.prompts.ask_yes_no(
            self.widget, title, self.conflicts_text(result)
        ):
            rule = "undo"
        self.task = run_in_background(
            attempt,
            parent=self.widget,
            with_progress=True,
            on_done=self._on_undone,
            on_error=self._on_failed,
            on_progress=self.progressed.emit,
            service=undo_import,
            sessions=self.state.sessions,
            batch_id=result.batch_id,
            conflicts=rule,
        )
        self.started.emit(self.task)

    # ------------------------------------------------------------------ results

    def _on_undone(self, result: UndoReport | Refused) -> None:
        cancelled = self.task is not None and self.task.cancel.is_set()
        self.task = None
        if isinstance(result, Refused):
            self._stop(result.message, show=not cancelled)
            return
        self.busy = False
        self.finished.emit(result)

    def _on_failed(self, message: str, _trace: str) -> None:
        self.task = None
        self._stop(message, show=True)

    def _stop(self, message: str, show: bool = False) -> None:
        self.busy = False
        if show:
            self.state.show_error(
                self.widget,
                self.tr("Undo import"),
                self.tr("The import was not undone: %1").replace("%1", message),
            )
        self.stopped.emit(message)
