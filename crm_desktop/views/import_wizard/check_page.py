"""Step 3: every row checked before anything is written; fix cells or leave rows out.

The scan runs in the background (scan_rows, no database). Problem rows are listed
with their cells: an edited cell becomes a fix (plan.overrides), a ticked "Leave out"
an exclusion (plan.excluded); "Check again" scans with them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm_desktop.services.imports.fields import fields_of
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.scan import RowIssue, ScanReport, scan_rows
from crm_desktop.views.import_wizard.check_models import ProblemTableModel
from crm_desktop.views.import_wizard.progress_row import ProgressRow
from crm_desktop.views.import_wizard.state import WizardState
from crm_desktop.views.region_combo import region_name
from crm_desktop.views.worker import Task, run_in_background


def _scan_key(plan: ImportPlan) -> ImportPlan:
    """The parts of a plan a scan depends on, apart from this page's own fixes."""
    return replace(plan, overrides={}, excluded=frozenset(), reviews={}, on_duplicate="skip")


class CheckPage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.task: Task | None = None
        self.report: ScanReport | None = None
        self._scanned: ImportPlan | None = None  # _scan_key of the plan last scanned
        self._left_out: dict[int, RowIssue] = {}  # rows ticked out: the scan no longer lists them
        self.setTitle(self.tr("Check the rows"))
        self.setSubTitle(
            self.tr(
                "Every row is checked before anything is written. Fix a cell by "
                "double-clicking it, or tick “Leave out”, then check again."
            )
        )
        self._build()

    def _build(self) -> None:
        self.progress = ProgressRow()
        self.totals_label = QLabel()
        self.totals_label.setObjectName("checkTotals")
        self.totals_label.setWordWrap(True)
        self.recheck_button = QPushButton(self.tr("Check &again"))
        self.recheck_button.setObjectName("checkAgain")
        self.recheck_button.clicked.connect(self._on_recheck_button_clicked)
        self.pending_label = QLabel(
            self.tr("You changed rows: press “Check again” to check them with your fixes.")
        )
        self.pending_label.setObjectName("checkPending")
        self.pending_label.setStyleSheet("color: #b26a00;")
        self.pending_label.hide()
        top = QHBoxLayout()
        top.addWidget(self.totals_label, 1)
        top.addWidget(self.recheck_button)
        self.model = ProblemTableModel(self)
        self.model.fixes_changed.connect(self._on_model_fixes_changed)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next field
        self.table.setObjectName("problemTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setMaximumSectionSize(360)
        self.table.selectionModel().currentChanged.connect(self._on_table_current_changed)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("problemDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addLayout(top)
        layout.addWidget(self.pending_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_label)

    # ------------------------------------------------------------------ scanning

    def initializePage(self) -> None:
        plan = self.state.require_plan()
        if self._scanned != _scan_key(plan) or self.report is None or self.report.cancelled:
            self._left_out = {}
            self.scan()

    def cleanupPage(self) -> None:
        """Back: stop a scan that is running; fixes stay in the plan."""
        self.progress.cancel()

    def scan(self) -> None:
        plan = self.state.require_plan()
        if self.task is not None:
            self.task.cancel.set()
        self._scanned = _scan_key(plan)
        self.recheck_button.setEnabled(False)
        self.pending_label.hide()
        self.detail_label.clear()
        self.totals_label.setText(self.tr("Checking every row…"))
        self.task = run_in_background(
            scan_rows,
            parent=self,
            with_progress=True,
            on_done=partial(self._on_scanned, plan),
            on_error=self._on_scan_failed,
            on_progress=self.progress.update_progress,
            plan=plan,
        )
        self.progress.start(self.task.cancel, self.tr("Checking…"))
        self.completeChanged.emit()

    def _on_scanned(self, plan: ImportPlan, report: ScanReport) -> None:
        self.task = None
        self.progress.finish()
        self.report = report
        current = self.state.require_plan()
        keep = {row: issue for row, issue in self._left_out.items() if row in current.excluded}
        issues = sorted(
            [*report.issues, *report.flagged, *keep.values()], key=lambda issue: issue.row
        )
        known = fields_of(plan.target)
        labels = [known[key].label if key in known else "" for key in plan.columns]
        self.model.set_issues(
            issues, plan.headers, current.overrides, current.excluded, plan.format != "vcf", labels
        )
        self.table.resizeColumnsToContents()
        if issues:
            self.table.setCurrentIndex(self.model.index(0, ProblemTableModel.FIRST_CELL))
        self._show_totals(report)
        self.recheck_button.setEnabled(True)
        self.completeChanged.emit()

    def _on_scan_failed(self, message: str, _trace: str) -> None:
        self.task = None
        self.progress.finish()
        self.totals_label.setText(self.tr("The rows were not checked: %1").replace("%1", message))
        self.recheck_button.setEnabled(True)
        self.completeChanged.emit()
        self.state.show_error(self, self.tr("Check the rows"), message)

    def _show_totals(self, report: ScanReport) -> None:
        plan = self.state.require_plan()
        rows = report.rows - report.blank
        if report.cancelled:
            text = self.tr("Stopped after %1 rows: the rest are not checked.").replace(
                "%1", f"{report.rows:,}"
            )
        elif report.issue_count == 0 and report.flag_count == 0:
            text = self.tr("All %1 rows are fine.").replace("%1", f"{rows:,}")
        elif report.issue_count == 0:
            text = self.tr("All %1 rows can be imported.").replace("%1", f"{rows:,}")
        else:
            text = (
                self.tr(
                    "%1 of %2 rows have problems: they are not imported and are listed in "
                    "the summary, unless you fix them."
                )
                .replace("%1", f"{report.issue_count:,}")
                .replace("%2", f"{rows:,}")
            )
            if len(report.issues) < report.issue_count:
                text += " " + self.tr("The first %1 are shown here.").replace(
                    "%1", f"{len(report.issues):,}"
                )
        if report.flag_count and not report.cancelled:
            text += " " + self._flag_text(report, plan.region)
        if plan.excluded:
            text += " " + self.tr("%n row(s) left out.", "", len(plan.excluded))
        if report.blank:
            text += " " + self.tr("%n blank row(s) are skipped.", "", report.blank)
        self.totals_label.setText(text)

    def _flag_text(self, report: ScanReport, region: str) -> str:
        text = self.tr(
            "%n phone number(s) are not valid in the country they were read in (%1, unless "
            "their row names another): they are kept as written and flagged in amber below. "
            "If the file is from another country, choose it under “Phone numbers from” on "
            "the first page.",
            "",
            report.flag_count,
        ).replace("%1", region_name(region))
        if len(report.flagged) < report.flag_rows:
            text += " " + self.tr("The first %1 flagged rows are shown.").replace(
                "%1", f"{len(report.flagged):,}"
            )
        return text

    # ------------------------------------------------------------------ fixing

    def _on_model_fixes_changed(self) -> None:
        plan = self.state.require_plan()
        for issue in self.model.rows:
            if issue.row in self.model.excluded:
                self._left_out[issue.row] = issue
        self.state.plan = replace(
            plan,
            overrides=self.model.frozen_overrides(),
            excluded=frozenset(self.model.excluded),
        )
        self.pending_label.show()

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        issue = self.model.row_at(current.row()) if current.isValid() else None
        if issue is None:
            self.detail_label.clear()
            return
        problems = "; ".join(f"{p.field}: {p.reason}" for p in (*issue.problems, *issue.flags))
        self.detail_label.setText(
            self.tr("Row %1: %2").replace("%1", f"{issue.row:,}").replace("%2", problems)
        )

    def _on_recheck_button_clicked(self) -> None:
        self.scan()

    # ------------------------------------------------------------------ QWizardPage

    def isComplete(self) -> bool:
        return self.task is None
