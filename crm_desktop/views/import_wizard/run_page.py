"""Step 5: the import itself, in the background, with progress and a way to stop it.

Batches commit as they go: a stopped import keeps what it wrote and can be resumed or
undone from the import history. The page follows the commit page, so Back is off.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizardPage

from crm_desktop.services.changes import Changes
from crm_desktop.services.imports.run import ImportReport, run_import
from crm_desktop.views.import_wizard.labels import target_label
from crm_desktop.views.import_wizard.progress_row import ProgressRow
from crm_desktop.views.import_wizard.state import ERROR_STYLE, Refused, WizardState, attempt
from crm_desktop.views.worker import Task, run_in_background

# Records a failed import may have committed before it failed.
ALL_RECORDS = Changes(leads=True, contacts=True, companies=True, deals=True, events=True, tags=True)


class RunPage(QWizardPage):
    import_finished = Signal(object)  # ImportReport
    changes_made = Signal(object)  # Changes

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.task: Task | None = None
        self.setTitle(self.tr("Importing"))
        self.progress = ProgressRow(self.tr("&Stop the import"))
        self.progress.bar.setObjectName("importProgress")
        self.note = QLabel(
            self.tr(
                "Rows are saved in batches as they go. A stopped import keeps what it saved: "
                "resume it or undo it later from File ▸ Import history."
            )
        )
        self.note.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("runError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.note)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    @property
    def running(self) -> bool:
        return self.task is not None

    def initializePage(self) -> None:
        plan = self.state.require_plan()
        self.setSubTitle(
            self.tr("%1 into %2")
            .replace("%1", plan.file_name)
            .replace("%2", target_label(plan.target))
        )
        self.state.report = None
        self.error_label.hide()
        self.task = run_in_background(
            attempt,
            parent=self,
            with_progress=True,
            on_done=self._on_done,
            on_error=self._on_failed,
            on_progress=self.progress.update_progress,
            service=run_import,
            sessions=self.state.sessions,
            plan=plan,
        )
        self.progress.start(self.task.cancel, self.tr("Starting…"))
        self.completeChanged.emit()

    def cancel(self) -> None:
        """Stop after the batch being written (what is written stays, and is undoable)."""
        self.progress.cancel()

    def _on_done(self, result: ImportReport | Refused) -> None:
        self.task = None
        if isinstance(result, Refused):
            self._fail(result.message)
            return
        self.progress.finish(keep_visible=True)
        self.progress.update_progress(1.0, result.summary())
        self.state.report = result
        self.completeChanged.emit()
        if result.changes.any():
            self.changes_made.emit(result.changes)
        self.import_finished.emit(result)

    def _on_failed(self, message: str, _trace: str) -> None:
        self.task = None
        self._fail(message)
        self.changes_made.emit(ALL_RECORDS)
        self.state.show_error(self, self.tr("Import"), message)

    def _fail(self, message: str) -> None:
        self.progress.finish(keep_visible=True)
        self.error_label.setText(self.tr("The import stopped: %1").replace("%1", message))
        self.error_label.show()
        self.completeChanged.emit()
        self.import_finished.emit(None)

    def isComplete(self) -> bool:
        return self.state.report is not None
