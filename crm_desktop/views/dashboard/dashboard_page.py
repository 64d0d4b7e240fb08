"""The dashboard page: filters on top, the manager's charts below, each with its table.

All numbers come from `services.reports` in one background call; the page never waits
on the database. It reloads when shown after deals, leads or settings changed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.events import UserInfo, list_users
from crm_desktop.services.pipeline.board import PipelineInfo
from crm_desktop.services.pipeline.stages import list_pipelines
from crm_desktop.services.reports import (
    BarKey,
    Dashboard,
    DealList,
    ReportFilters,
    ReportKind,
    dashboard_reports,
    deals_for,
)
from crm_desktop.services.reports.output import write_xlsx
from crm_desktop.views.dashboard.chart_card import ChartCard
from crm_desktop.views.dashboard.chart_data import CHARTS
from crm_desktop.views.dashboard.deal_list_dialog import DealListDialog
from crm_desktop.views.date_edits import DateEdit
from crm_desktop.views.dialogs import Prompts
from crm_desktop.views.import_wizard.state import FileChooser, QtFileChooser
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)

PERIODS = (
    ("all", "All time"),
    ("this_month", "This month"),
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("this_year", "This year"),
    ("last_year", "Last year"),
    ("last_12", "Last 12 months"),
    ("custom", "Custom range"),
)
DRILL_LIMIT = 200


def period_range(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day (both included) of a named period; (None, None) for all time."""
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if period == "this_month":
        return today.replace(day=1), _month_end(today)
    if period == "this_quarter":
        return quarter_start, _month_end(_add_months(quarter_start, 2))
    if period == "last_quarter":
        start = _add_months(quarter_start, -3)
        return start, quarter_start - dt.timedelta(days=1)
    if period == "this_year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if period == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if period == "last_12":
        return _add_months(today.replace(day=1), -11), _month_end(today)
    return None, None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class _Options:
    users: list[UserInfo]
    pipelines: tuple[PipelineInfo, ...]


def _load_options(db: Database) -> _Options:
    return _Options(list_users(db.sessions), list_pipelines(db.sessions))


def _load_dashboard(db: Database, filters: ReportFilters) -> tuple[Dashboard, float]:
    started = time.perf_counter()
    dashboard = dashboard_reports(db.sessions, filters)
    return dashboard, time.perf_counter() - started


class DashboardPage(QWidget):
    open_deal_requested = Signal(object)  # uuid.UUID
    loaded = Signal()  # after the charts show fresh numbers

    def __init__(
        self,
        db: Database,
        prompts: Prompts,
        file_chooser: FileChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._prompts = prompts
        self.file_chooser: FileChooser = file_chooser or QtFileChooser()
        self.dashboard: Dashboard | None = None
        self.busy = False
        self._stale = True
        self._again = False
        self._options_loaded = False
        self.dialogs: list[DealListDialog] = []

        self.period_combo = QComboBox()
        for key, label in PERIODS:
            self.period_combo.addItem(self.tr(label), key)
        self.from_edit = DateEdit()
        self.to_edit = DateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.hide()
            edit.dateChanged.connect(self._on_filter_changed)
        self.owner_combo = QComboBox()
        self.owner_combo.addItem(self.tr("Everyone"), None)
        self.pipeline_combo = QComboBox()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Read the numbers again (F5)"))
        self.refresh_button.clicked.connect(self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload)
        self.period_combo.currentIndexChanged.connect(self._on_period_combo_changed)
        self.owner_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.pipeline_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.status_label = QLabel()
        self.status_label.setObjectName("dashboardStatus")

        filters = QHBoxLayout()
        rows: tuple[tuple[str | None, QWidget], ...] = (
            (self.tr("&Period:"), self.period_combo),
            (None, self.from_edit),
            (None, self.to_edit),
            (self.tr("&Owner:"), self.owner_combo),
            (self.tr("P&ipeline:"), self.pipeline_combo),
        )
        for text, widget in rows:
            if text:
                caption = QLabel(text)
                caption.setBuddy(widget)
                filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        filters.addWidget(self.status_label)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        self.cards: dict[str, ChartCard] = {}
        for index, spec in enumerate(CHARTS):
            card = ChartCard(spec)
            card.bar_chosen.connect(self._on_card_bar_chosen)
            card.save_png_requested.connect(self._on_card_save_png_requested)
            card.save_table_requested.connect(self._on_card_save_table_requested)
            grid.addWidget(card, index // 2, index % 2)
            self.cards[spec.key] = card
        for row in range((len(CHARTS) + 1) // 2):
            grid.setRowMinimumHeight(row, 340)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(scroll, 1)

    # ---- loading -----------------------------------------------------------------------

    def filters(self) -> ReportFilters:
        period = str(self.period_combo.currentData())
        if period == "custom":
            start: dt.date | None = self.from_edit.date().toPython()  # type: ignore[assignment]
            end: dt.date | None = self.to_edit.date().toPython()  # type: ignore[assignment]
        else:
            start, end = period_range(period, dt.date.today())
        owner = self.owner_combo.currentData()
        pipeline = self.pipeline_combo.currentData()
        return ReportFilters(
            date_from=start,
            date_to=end,
            owner_id=owner if isinstance(owner, uuid.UUID) else None,
            pipeline_id=pipeline if isinstance(pipeline, uuid.UUID) else None,
        )

    def reload(self) -> None:
        if self.busy:
            self._again = True
            return
        try:
            filters = self.filters()
        except ValueError as exc:  # a custom range that ends before it starts
            self.status_label.setText(str(exc))
            return
        self.busy = True
        self._stale = False
        self.status_label.setText(self.tr("Reading the numbers…"))
        run_in_background(
            _load_dashboard,
            parent=self,
            on_done=self._on_dashboard_loaded,
            on_error=self._on_load_failed,
            db=self._db,
            filters=filters,
        )

    def _on_dashboard_loaded(self, result: tuple[Dashboard, float]) -> None:
        self.busy = False
        dashboard, seconds = result
        self.dashboard = dashboard
        for spec in CHARTS:
            self.cards[spec.key].set_data(spec.data(dashboard), dashboard.currency)
        now = dt.datetime.now().strftime("%H:%M")
        self.status_label.setText(
            self.tr("Amounts in %1 · read at %2 in %3 s")
            .replace("%1", dashboard.currency)
            .replace("%2", now)
            .replace("%3", f"{seconds:.2f}")
        )
        self.loaded.emit()
        if self._again:
            self._again = False
            self.reload()

    def _on_load_failed(self, message: str, details: str) -> None:
        self.busy = False
        log.error("dashboard failed to load: %s\n%s", message, details)
        self.status_label.setText(self.tr("Could not read the reports: %1").replace("%1", message))

    def _load_options(self) -> None:
        self._options_loaded = True
        run_in_background(
            _load_options,
            parent=self,
            on_done=self._on_options_loaded,
            on_error=self._on_load_failed,
            db=self._db,
        )

    def _on_options_loaded(self, options: _Options) -> None:
        for combo in (self.owner_combo, self.pipeline_combo):
            combo.blockSignals(True)
        owner = self.owner_combo.currentData()
        while self.owner_combo.count() > 1:
            self.owner_combo.removeItem(1)
        for user in options.users:
            self.owner_combo.addItem(user.name, user.id)
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(owner)))
        pipeline = self.pipeline_combo.currentData()
        self.pipeline_combo.clear()
        for info in options.pipelines:
            self.pipeline_combo.addItem(info.name, info.id)
        chosen = self.pipeline_combo.findData(pipeline)
        if chosen < 0:
            chosen = next((i for i, p in enumerate(options.pipelines) if p.is_default), 0)
        self.pipeline_combo.setCurrentIndex(chosen)
        for combo in (self.owner_combo, self.pipeline_combo):
            combo.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._options_loaded:
            self._load_options()
        if self._stale:
            self.reload()

    def apply_changes(self, changes: Changes) -> None:
        if changes.users or changes.pipelines:
            self._options_loaded = False
        if not (
            changes.deals
            or changes.leads
            or changes.events
            or changes.settings
            or changes.pipelines
            or changes.users
        ):
            return
        self._stale = True
        if self.isVisible():
            if not self._options_loaded:
                self._load_options()
            self.reload()

    # ---- filters -----------------------------------------------------------------------

    def _on_period_combo_changed(self, _index: int) -> None:
        custom = self.period_combo.currentData() == "custom"
        if custom:
            start, end = period_range("this_year", dt.date.today())
            for edit, day in ((self.from_edit, start), (self.to_edit, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day) if day else QDate.currentDate())
                edit.blockSignals(False)
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        self._on_filter_changed()

    def _on_filter_changed(self, *_args: object) -> None:
        self.reload()

    # ---- bars, pictures and tables -----------------------------------------------------

    def _on_card_bar_chosen(self, report: str, key: BarKey, label: str) -> None:
        kind: ReportKind = report  # type: ignore[assignment]
        run_in_background(
            deals_for,
            parent=self,
            on_done=lambda deals: self._show_deals(label, deals),
            on_error=self._on_drill_failed,
            sessions=self._db.sessions,
            report=kind,
            key=key,
            filters=self.filters(),
            limit=DRILL_LIMIT,
        )

    def _show_deals(self, label: str, deals: DealList) -> None:
        dialog = DealListDialog(label, deals, self)
        dialog.deal_opened.connect(self.open_deal_requested)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        self.dialogs.append(dialog)
        dialog.show()

    def _on_drill_failed(self, message: str, details: str) -> None:
        log.error("listing a bar's deals failed: %s\n%s", message, details)
        self._prompts.show_error(self, self.tr("Deals of this bar"), message)

    def _on_card_save_png_requested(self, key: str) -> None:
        card = self.cards[key]
        path = self.file_chooser.save_file(
            self, self.tr("Save chart as PNG"), f"{key}.png", self.tr("PNG image (*.png)")
        )
        if path is None:
            return
        if not card.chart.save_png(str(path)):
            self._prompts.show_error(
                self, self.tr("Save chart"), self.tr("Could not write %1").replace("%1", str(path))
            )
            return
        self.status_label.setText(self.tr("Saved %1").replace("%1", path.name))

    def _on_card_save_table_requested(self, key: str) -> None:
        if self.dashboard is None:
            return
        spec = next(s for s in CHARTS if s.key == key)
        table = spec.table(self.dashboard)
        path = self.file_chooser.save_file(
            self, self.tr("Save table as xlsx"), f"{key}.xlsx", self.tr("Excel workbook (*.xlsx)")
        )
        if path is None:
            return
        run_in_background(
            write_xlsx,
            parent=self,
            on_done=lambda _r: self._on_table_saved(path),
            on_error=self._on_save_failed,
            table=table,
            path=path,
        )

    def _on_table_saved(self, path: Path) -> None:
        self.status_label.setText(self.tr("Saved %1").replace("%1", path.name))

    def _on_save_failed(self, message: str, details: str) -> None:
        log.error("saving a report table failed: %s\n%s", message, details)
        self._prompts.show_error(self, self.tr("Save table"), message)
