"""File ▸ Import history: every import with its counts; undo, resume, save problem rows.

Each action runs in the background and refreshes the list when it ends; what it wrote
goes to the main window through `changes_made`.
"""

from __future__ import annotations

import uuid
from functools import partial

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.imports.history import BatchInfo, list_batches, save_problem_rows
from crm_desktop.services.imports.run import ImportReport, resume_import
from crm_desktop.services.imports.undo import UndoReport
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.import_wizard.history_model import BatchTableModel
from crm_desktop.views.import_wizard.progress_row import ProgressRow
from crm_desktop.views.import_wizard.run_page import ALL_RECORDS
from crm_desktop.views.import_wizard.state import (
    FileChooser,
    QtFileChooser,
    Refused,
    WizardState,
    attempt,
)
from crm_desktop.views.import_wizard.summary_page import XLSX_FILTER, problem_file_name
from crm_desktop.views.import_wizard.undo_flow import UndoFlow
from crm_desktop.views.worker import Task, run_in_background


class ImportHistoryDialog(QDialog):
    changes_made = Signal(object)  # Changes: an undo or a resume wrote records
    refreshed = Signal()  # the list was (re)loaded

    def __init__(
        self,
        sessions: sessionmaker[Session],
        prompts: Prompts | None = None,
        files: FileChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importHistory")
        self.setWindowTitle(self.tr("Import history"))
        self.state = WizardState(sessions, prompts or QtPrompts(), files or QtFileChooser())
        self.task: Task | None = None  # a resume or a save
        self.loading = False
        self._close_when_stopped = False
        self.undo_flow = UndoFlow(self.state, self)
        self.undo_flow.started.connect(self._on_undo_flow_started)
        self.undo_flow.progressed.connect(self._on_undo_flow_progressed)
        self.undo_flow.finished.connect(self._on_undo_flow_finished)
        self.undo_flow.stopped.connect(self._on_undo_flow_stopped)
        self._build()
        self.resize(1000, 480)
        self.refresh()

    def _build(self) -> None:
        self.model = BatchTableModel(self)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.setObjectName("batchTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.undo_button = QPushButton(self.tr("&Undo…"))
        self.undo_button.setObjectName("historyUndo")
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.resume_button = QPushButton(self.tr("&Resume"))
        self.resume_button.setObjectName("historyResume")
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.save_button = QPushButton(self.tr("&Save problem rows…"))
        self.save_button.setObjectName("historySave")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.refresh_button = QPushButton(self.tr("Re&fresh"))
        self.refresh_button.clicked.connect(self.refresh)
        actions = QHBoxLayout()
        for button in (self.undo_button, self.resume_button, self.save_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        self.progress = ProgressRow()
        self.status_label = QLabel()
        self.status_label.setObjectName("historyStatus")
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self._update_buttons()

    # ------------------------------------------------------------------ the list

    def refresh(self) -> None:
        self.loading = True
        run_in_background(
            list_batches,
            parent=self,
            on_done=self._on_loaded,
            on_error=self._on_load_failed,
            sessions=self.state.sessions,
        )

    def _on_loaded(self, batches: list[BatchInfo]) -> None:
        chosen = self.selected()
        self.model.set_rows(batches)
        self.table.resizeColumnsToContents()
        row = self.model.row_of(chosen.id) if chosen is not None else -1
        if row < 0 and batches:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self.loading = False
        self._update_buttons()
        self._say_if_running()
        if not batches:
            self.status_label.setText(self.tr("Nothing has been imported yet."))
        elif not self.status_label.text():
            self.status_label.setText(self.select_text())
        self.refreshed.emit()

    def _on_load_failed(self, message: str, _trace: str) -> None:
        self.loading = False
        self.status_label.setText(message)
        self.state.show_error(self, self.tr("Import history"), message)

    def selected(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_batch(self, batch_id: uuid.UUID) -> None:
        row = self.model.row_of(batch_id)
        if row >= 0:
            self.table.selectRow(row)

    @property
    def busy(self) -> bool:
        return self.task is not None or self.undo_flow.busy

    def _update_buttons(self) -> None:
        batch = self.selected()
        idle = not self.busy
        self.undo_button.setEnabled(idle and batch is not None and batch.can_undo)
        self.resume_button.setEnabled(idle and batch is not None and batch.can_resume)
        self.save_button.setEnabled(idle and batch is not None and batch.failed > 0)
        self.refresh_button.setEnabled(idle)
        running = batch is not None and batch.busy
        for button in (self.undo_button, self.resume_button):
            button.setToolTip(self.running_text() if running else "")

    def running_text(self) -> str:
        """Why Resume and Undo are not offered for an import another program runs."""
        return self.tr(
            "This import is running in another window or program: it can be resumed or "
            "undone once it has stopped (Refresh to look again)."
        )

    def _say_if_running(self) -> None:
        batch = self.selected()
        if batch is not None and batch.busy and not self.busy:
            self.status_label.setText(self.running_text())
        elif self.status_label.text() == self.running_text():
            self.status_label.setText(self.select_text())

    def select_text(self) -> str:
        return self.tr("Select an import to undo it, resume it or save its problem rows.")

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()
        self._say_if_running()

    def _after_action(self, text: str) -> None:
        self.progress.finish()
        self.status_label.setText(text)
        self._update_buttons()
        if self._close_when_stopped:
            super().reject()
            return
        self.refresh()

    # ------------------------------------------------------------------ resume

    def _on_resume_button_clicked(self) -> None:
        batch = self.selected()
        if batch is None or not batch.can_resume or self.busy:
            return
        self.task = run_in_background(
            attempt,
            parent=self,
            with_progress=True,
            on_done=self._on_resumed,
            on_error=self._on_resume_failed,
            on_progress=self.progress.update_progress,
            service=resume_import,
            sessions=self.state.sessions,
            batch_id=batch.id,
        )
        self.progress.start(
            self.task.cancel, self.tr("Resuming the import of %1…").replace("%1", batch.file_name)
        )
        self._update_buttons()

    def _on_resumed(self, result: ImportReport | Refused) -> None:
        self.task = None
        if isinstance(result, Refused):
            self.state.show_error(self, self.tr("Resume import"), result.message)
            self._after_action(self.tr("Not resumed: %1").replace("%1", result.message))
            return
        if result.changes.any():
            self.changes_made.emit(result.changes)
        self._after_action(result.summary())

    def _on_resume_failed(self, message: str, _trace: str) -> None:
        self.task = None
        self.changes_made.emit(ALL_RECORDS)
        self.state.show_error(self, self.tr("Resume import"), message)
        self._after_action(self.tr("The import stopped: %1").replace("%1", message))

    # ------------------------------------------------------------------ undo

    def _on_undo_button_clicked(self) -> None:
        batch = self.selected()
        if batch is None or not batch.can_undo or self.busy:
            return
        self.undo_flow.start(batch.id)
        self._update_buttons()

    def _on_undo_flow_started(self, task: Task) -> None:
        self.progress.start(task.cancel, self.tr("Undoing the import…"))

    def _on_undo_flow_progressed(self, fraction: float, message: str) -> None:
        self.progress.update_progress(fraction, message)

    def _on_undo_flow_finished(self, result: UndoReport) -> None:
        self.changes_made.emit(result.changes)
        self._after_action(result.summary())

    def _on_undo_flow_stopped(self, message: str) -> None:
        text = self.tr("Not undone: %1").replace("%1", message) if message else ""
        self._after_action(text)

    # ------------------------------------------------------------------ problem rows

    def _on_save_button_clicked(self) -> None:
        batch = self.selected()
        if batch is None or self.busy:
            return
        path = self.state.files.save_file(
            self, self.tr("Save problem rows"), problem_file_name(batch.file_name), XLSX_FILTER
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.task = run_in_background(
            save_problem_rows,
            parent=self,
            on_done=partial(self._on_saved, path.name),
            on_error=self._on_save_failed,
            sessions=self.state.sessions,
            batch_id=batch.id,
            path=path,
        )
        self.status_label.setText(self.tr("Saving the problem rows…"))
        self._update_buttons()

    def _on_saved(self, name: str, count: int) -> None:
        self.task = None
        self._after_action(self.tr("%n problem row(s) saved to %1.", "", count).replace("%1", name))

    def _on_save_failed(self, message: str, _trace: str) -> None:
        self.task = None
        self.state.show_error(self, self.tr("Save problem rows"), message)
        self._after_action(self.tr("The problem rows were not saved: %1").replace("%1", message))

    # ------------------------------------------------------------------ closing

    def reject(self) -> None:
        """Close: a running resume stops after its batch first (what it wrote stays)."""
        if self.progress.running:
            self._close_when_stopped = True
            self.progress.cancel()
            return
        if self.busy:
            self._close_when_stopped = True
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
