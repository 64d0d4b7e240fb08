"""Step 6: what happened to every row; save the problem rows; undo the import."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm_desktop.services.imports.history import save_problem_rows
from crm_desktop.services.imports.run import ImportReport
from crm_desktop.services.imports.undo import UndoReport
from crm_desktop.views.import_wizard.check_models import NoteTableModel
from crm_desktop.views.import_wizard.labels import duplicate_counts_text
from crm_desktop.views.import_wizard.progress_row import ProgressRow
from crm_desktop.views.import_wizard.state import WizardState
from crm_desktop.views.import_wizard.undo_flow import UndoFlow
from crm_desktop.views.worker import Task, run_in_background

XLSX_FILTER = "Excel workbook (*.xlsx)"
COUNT_STYLE = "font-size: 20px; font-weight: 600;"
WARNING_STYLE = "color: #b26a00;"


def problem_file_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return f"{stem} - problem rows.xlsx"


def notes_table(model: NoteTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setTabKeyNavigation(False)  # Tab moves on to the next field
    table.setObjectName(name)
    table.setModel(model)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class SummaryPage(QWizardPage):
    changes_made = Signal(object)  # Changes (after an undo)

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.save_task: Task | None = None
        self.undone: UndoReport | None = None
        self.setTitle(self.tr("Summary"))
        self.undo_flow = UndoFlow(state, self)
        self.undo_flow.started.connect(self._on_undo_flow_started)
        self.undo_flow.progressed.connect(self._on_undo_flow_progressed)
        self.undo_flow.finished.connect(self._on_undo_flow_finished)
        self.undo_flow.stopped.connect(self._on_undo_flow_stopped)
        self._build()

    def _build(self) -> None:
        self.cancelled_label = QLabel(
            self.tr(
                "The import was stopped. What it saved stays: resume it or undo it from "
                "File ▸ Import history (or undo it here)."
            )
        )
        self.cancelled_label.setObjectName("cancelledNote")
        self.cancelled_label.setStyleSheet(WARNING_STYLE)
        self.cancelled_label.setWordWrap(True)
        counts_box = QGroupBox(self.tr("Rows"))
        grid = QGridLayout(counts_box)
        self.count_labels: dict[str, QLabel] = {}
        names = (
            ("created", self.tr("Created")),
            ("updated", self.tr("Updated")),
            ("merged", self.tr("Merged")),
            ("skipped", self.tr("Skipped")),
            ("failed", self.tr("Failed")),
            ("blank", self.tr("Blank")),
        )
        for column, (key, text) in enumerate(names):
            number = QLabel("0")
            number.setObjectName(f"count_{key}")
            number.setStyleSheet(COUNT_STYLE)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(text)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, column)
            grid.addWidget(caption, 1, column)
            self.count_labels[key] = number
        # Rows that matched a record, per reason, and what was done with them.
        self.duplicates_label = QLabel()
        self.duplicates_label.setObjectName("duplicateCounts")
        self.duplicates_label.setWordWrap(True)
        grid.addWidget(self.duplicates_label, 2, 0, 1, len(names))
        self.failed_model = NoteTableModel(self)
        self.skipped_model = NoteTableModel(self)
        self.flagged_model = NoteTableModel(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(notes_table(self.failed_model, "failedTable"), self.tr("Failed rows"))
        self.tabs.addTab(notes_table(self.skipped_model, "skippedTable"), self.tr("Skipped rows"))
        self.tabs.addTab(
            notes_table(self.flagged_model, "flaggedTable"), self.tr("Numbers kept as written")
        )
        self.more_label = QLabel()
        self.more_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save problem rows as xlsx…"))
        self.save_button.setObjectName("saveProblems")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.undo_button = QPushButton(self.tr("&Undo this import…"))
        self.undo_button.setObjectName("undoImport")
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        self.progress = ProgressRow()
        self.result_label = QLabel()
        self.result_label.setObjectName("summaryResult")
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.cancelled_label)
        layout.addWidget(counts_box)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.more_label)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)

    # ------------------------------------------------------------------ showing the report

    def initializePage(self) -> None:
        report = self.state.report
        if report is None:
            return
        self.undone = None
        self.setSubTitle(self._headline(report))
        self.cancelled_label.setVisible(report.cancelled)
        for key, label in self.count_labels.items():
            label.setText(f"{getattr(report, key):,}")
        duplicates = duplicate_counts_text(report.duplicates)
        self.duplicates_label.setText(duplicates)
        self.duplicates_label.setVisible(bool(duplicates))
        self.failed_model.set_rows(report.failures)
        self.skipped_model.set_rows(report.skips)
        self.flagged_model.set_rows(report.flags)
        self.tabs.setTabText(0, self.tr("Failed rows (%1)").replace("%1", f"{report.failed:,}"))
        self.tabs.setTabText(1, self.tr("Skipped rows (%1)").replace("%1", f"{report.skipped:,}"))
        self.tabs.setTabText(
            2, self.tr("Numbers kept as written (%1)").replace("%1", f"{report.flagged:,}")
        )
        self.tabs.setTabVisible(2, report.flagged > 0)
        self.tabs.setCurrentIndex(0 if report.failed or not report.skipped else 1)
        if report.flagged and not report.failed:
            self.tabs.setCurrentIndex(2)
        for index in range(self.tabs.count()):
            table = self.tabs.widget(index)
            if isinstance(table, QTableView):
                table.resizeColumnsToContents()
        more = []
        if report.failed > len(report.failures):
            more.append(
                self.tr(
                    "The first %1 failed rows are listed; the saved sheet has all of them."
                ).replace("%1", f"{len(report.failures):,}")
            )
        if report.skipped > len(report.skips):
            more.append(
                self.tr("The first %1 skipped rows are listed.").replace(
                    "%1", f"{len(report.skips):,}"
                )
            )
        if report.flagged:
            more.append(
                self.tr(
                    "%n phone number(s) are no valid number of the country they were read "
                    "in: they were imported as written, not turned into numbers of that "
                    "country.",
                    "",
                    report.flagged,
                )
            )
        self.more_label.setText(" ".join(more))
        self.more_label.setVisible(bool(more))
        self.save_button.setEnabled(report.failed > 0 and report.batch_id is not None)
        self.undo_button.setEnabled(report.batch_id is not None)
        self.result_label.clear()

    def _headline(self, report: ImportReport) -> str:
        head = (
            self.tr("Stopped importing %1 after %2 rows, in %3.")
            if report.cancelled
            else self.tr("Imported %1: %2 rows in %3.")
        )
        took = (
            self.tr("under a second")
            if report.seconds < 1
            else self.tr("%1 s").replace("%1", f"{report.seconds:,.1f}")
        )
        return (
            head.replace("%1", report.file_name)
            .replace("%2", f"{report.rows:,}")
            .replace("%3", took)
        )

    # ------------------------------------------------------------------ problem rows

    def _on_save_button_clicked(self) -> None:
        report = self.state.report
        if report is None or report.batch_id is None:
            return
        path = self.state.files.save_file(
            self, self.tr("Save problem rows"), problem_file_name(report.file_name), XLSX_FILTER
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.save_button.setEnabled(False)
        self.result_label.setText(self.tr("Saving the problem rows…"))
        self.save_task = run_in_background(
            save_problem_rows,
            parent=self,
            on_done=partial(self._on_saved, path.name),
            on_error=self._on_save_failed,
            sessions=self.state.sessions,
            batch_id=report.batch_id,
            path=path,
        )

    def _on_saved(self, name: str, count: int) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.result_label.setText(
            self.tr(
                "%n problem row(s) saved to %1: fix them there and import that file.", "", count
            ).replace("%1", name)
        )

    def _on_save_failed(self, message: str, _trace: str) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.result_label.setText(
            self.tr("The problem rows were not saved: %1").replace("%1", message)
        )
        self.state.show_error(self, self.tr("Save problem rows"), message)

    # ------------------------------------------------------------------ undo

    def _on_undo_button_clicked(self) -> None:
        report = self.state.report
        if report is None or report.batch_id is None or self.undo_flow.busy:
            return
        self.undo_button.setEnabled(False)
        self.undo_flow.start(report.batch_id)

    def _on_undo_flow_started(self, task: Task) -> None:
        self.progress.start(task.cancel, self.tr("Undoing the import…"))

    def _on_undo_flow_progressed(self, fraction: float, message: str) -> None:
        self.progress.update_progress(fraction, message)

    def _on_undo_flow_finished(self, result: UndoReport) -> None:
        self.progress.finish()
        self.undone = result
        self.result_label.setText(result.summary())
        self.changes_made.emit(result.changes)

    def _on_undo_flow_stopped(self, message: str) -> None:
        self.progress.finish()
        self.undo_button.setEnabled(True)
        if message:
            self.result_label.setText(
                self.tr("The import was not undone: %1").replace("%1", message)
            )

    @property
    def busy(self) -> bool:
        return self.undo_flow.busy or self.save_task is not None
