"""One sidebar page: a filter bar, the record list and the detail form in a splitter.

The column order, widths, visibility and sort of each list are remembered in
QSettings under "lists/<kind>/…".
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import MethodKind
from crm_desktop.services.changes import Changes
from crm_desktop.services.listing import (
    QUIET_DAYS,
    FilterOptions,
    Kind,
    ListQuery,
    Option,
    filter_options,
)
from crm_desktop.views.contact_links import contact_url, open_contact_url
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.fitting import ColumnFitter
from crm_desktop.views.forms import form_for
from crm_desktop.views.table_model import RecordTableModel, status_text
from crm_desktop.views.worker import run_in_background


def _tr(text: str) -> str:
    return QCoreApplication.translate("ListPage", text)


class ListPage(QWidget):
    """The list of one kind of record with its filters and its form."""

    count_changed = Signal(int)
    changes_made = Signal(object)  # Changes from the form, for the window to broadcast
    open_requested = Signal(str, object)  # kind, id (a linked record in another page)
    event_requested = Signal(object)  # event id
    load_failed = Signal(str)

    FILTER_DELAY_MS = 250

    def __init__(
        self,
        kind: Kind,
        sessions: sessionmaker[Session],
        settings: QSettings,
        prompts: Prompts | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.kind = kind
        self._sessions = sessions
        self._settings = settings
        self._prompts: Prompts = prompts or QtPrompts()
        self._pending_open: uuid.UUID | None = None  # scroll to its row once the list has it
        self._syncing = False  # the page itself moves the highlight: not a user's choice
        self._own_changes: Changes | None = None
        self._build_filters()
        # Started when the page is first shown: hidden pages read nothing at start-up.
        self.model = RecordTableModel(
            sessions, self._query_from_filters(), parent=self, autostart=False
        )
        self.model.count_changed.connect(self.count_changed)
        self.model.load_failed.connect(self.load_failed)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.model.rowsRemoved.connect(self._on_model_data_changed)
        self.model.rowsInserted.connect(self._on_model_data_changed)
        self._build_table()
        self.form = form_for(kind, sessions, self._prompts)
        self.form.target_changed.connect(self._sync_selection)
        self.form.saved.connect(self._on_form_saved)
        self.form.open_requested.connect(self.open_requested)
        self.form.event_requested.connect(self.event_requested)
        self.form.timeline.open_requested.connect(self.open_requested)
        self.form.timeline.changes_made.connect(self.changes_made)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(lambda *_a: self._save_splitter())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._filter_bar)
        layout.addWidget(self.splitter, 1)
        self._restore_layout()
        self._fitter = ColumnFitter(self.table)  # after the restore: that is no hand resize
        self._load_filter_options()  # the form loads its own options

    # ---- building --------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("textFilter")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setPlaceholderText(_tr("Filter by name…"))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filters)
        self.text_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.owner_filter = self._combo("ownerFilter", _tr("All owners"))
        self.tag_filter = self._combo("tagFilter", _tr("All tags"))
        self.status_filter = self._combo("statusFilter", _tr("All statuses"))
        self.stage_filter = self._combo("stageFilter", _tr("All stages"))
        self.event_filter = self._combo("eventFilter", _tr("All events"))
        self._filter_bar = QHBoxLayout()
        self._filter_bar.addWidget(self.text_filter, 2)
        self._filter_bar.addWidget(self.owner_filter, 1)
        self._filter_bar.addWidget(self.tag_filter, 1)
        if self.kind == "leads":
            self._filter_bar.addWidget(self.status_filter, 1)
        else:
            self.status_filter.hide()
        if self.kind == "deals":
            self._filter_bar.addWidget(self.stage_filter, 1)
        else:
            self.stage_filter.hide()
        if self.kind != "companies":
            self._filter_bar.addWidget(self.event_filter, 1)
        else:
            self.event_filter.hide()
        self.follow_up_filter = self._combo("followUpFilter", _tr("Any follow-up state"))
        for key, label in (
            ("quiet", _tr("Not contacted for %1 days")),
            ("customers_quiet", _tr("Customers not contacted for %1 days")),
            ("no_next_step", _tr("No next step")),
        ):
            self.follow_up_filter.addItem(label.replace("%1", str(QUIET_DAYS)), key)
        if self.kind in ("contacts", "companies"):
            self._filter_bar.addWidget(self.follow_up_filter, 1)
        else:
            self.follow_up_filter.hide()

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return combo

    def _build_table(self) -> None:
        table = QTableView()
        table.setTabKeyNavigation(False)  # Tab goes on to the next field, not the next cell
        table.setObjectName(f"{self.kind}Table")
        table.setModel(self.model)
        # Qt's header starts descending; lists start A to Z unless the user chose otherwise.
        table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # Fixed row heights: the view never measures rows it does not show.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(140)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu)
        header.sectionMoved.connect(lambda *_a: self.save_layout())
        header.sectionResized.connect(lambda *_a: self._save_later())
        header.sortIndicatorChanged.connect(lambda *_a: self.save_layout())
        table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_table_context_menu)
        self._layout_timer = QTimer(self)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(500)
        self._layout_timer.timeout.connect(self.save_layout)
        self.table = table

    # ---- filters and options ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.model.start()

    def refresh_options(self) -> None:
        """Re-read the choices of the filters and the form (after tags, users... changed)."""
        self._load_filter_options()
        self.form.refresh_options()

    def _load_filter_options(self) -> None:
        run_in_background(
            filter_options,
            parent=QCoreApplication.instance(),
            on_done=self._on_options_loaded,
            on_error=lambda message, _tb: self.load_failed.emit(message),
            sessions=self._sessions,
        )

    def _on_options_loaded(self, options: FilterOptions) -> None:
        self._fill(self.owner_filter, options.owners)
        self._fill(self.tag_filter, options.tags)
        self._fill(self.status_filter, options.statuses, statuses=True)
        self._fill(self.stage_filter, options.stages)
        self._fill(self.event_filter, options.events)

    def _fill(self, combo: QComboBox, options: tuple[Option, ...], statuses: bool = False) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for option in options:
            label = status_text(option.id) if statuses else option.label
            combo.addItem(label, option.id)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if index < 0:
            self._apply_filters()  # the chosen option is gone

    def set_event_filter(self, event_id: uuid.UUID) -> None:
        index = self.event_filter.findData(str(event_id))
        if index < 0:
            self.event_filter.addItem(_tr("(event)"), str(event_id))
            index = self.event_filter.count() - 1
        self.event_filter.setCurrentIndex(index)

    def _query_from_filters(self, base: ListQuery | None = None) -> ListQuery:
        def ident(combo: QComboBox) -> uuid.UUID | None:
            data = combo.currentData()
            return uuid.UUID(data) if data else None

        query = base or ListQuery(self.kind)
        return replace(
            query,
            text=self.text_filter.text().strip(),
            owner_id=ident(self.owner_filter),
            tag_id=ident(self.tag_filter),
            status=self.status_filter.currentData() if self.kind == "leads" else None,
            stage_id=ident(self.stage_filter) if self.kind == "deals" else None,
            event_id=ident(self.event_filter) if self.kind != "companies" else None,
            follow_up=(
                self.follow_up_filter.currentData()
                if self.kind in ("contacts", "companies")
                else None
            ),
        )

    def _apply_filters(self) -> None:
        self._filter_timer.stop()
        self.model.set_query(self._query_from_filters(self.model.query))

    # ---- columns and layout ----------------------------------------------------------------

    def row_menu(self, row: int) -> QMenu:
        """A row's menu: write to its e-mail address, call its phone (mailto:, tel:)."""
        menu = QMenu(self)
        keys = self.model.column_keys()
        for key, kind, text in (
            ("email", MethodKind.EMAIL.value, _tr("Write an e-mail to %1")),
            ("phone", MethodKind.PHONE.value, _tr("Call %1")),
            ("website", MethodKind.WEBSITE.value, _tr("Open %1")),
        ):
            if key not in keys:
                continue
            value = self.model.index(row, keys.index(key)).data()
            url = contact_url(kind, str(value or ""))
            if url is not None:
                action = menu.addAction(text.replace("%1", str(value)))
                action.triggered.connect(lambda _c=False, url=url: open_contact_url(url))
        return menu

    def _on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            menu = self.row_menu(index.row())
            if not menu.isEmpty():
                menu.popup(self.table.viewport().mapToGlobal(pos))

    def _on_header_context_menu(self, pos: QPoint) -> None:
        self.column_menu().popup(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The column chooser: one checkable entry per column."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnChooser")
        shown = [c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)]
        for column in range(self.model.columnCount()):
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The last visible column cannot be hidden: a list with no columns is lost.
            action.setEnabled(not (len(shown) == 1 and column in shown))
            action.toggled.connect(
                lambda checked, column=column: self.set_column_visible(column, checked)
            )
        menu.addSeparator()
        menu.addAction(_tr("Reset columns"), self.reset_columns)
        return menu

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not visible)
        self.save_layout()

    def reset_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.setSectionHidden(column, False)
            header.moveSection(header.visualIndex(column), column)
            header.resizeSection(column, header.defaultSectionSize())
        self.save_layout()

    def _key(self, name: str) -> str:
        return f"lists/{self.kind}/{name}"

    def _save_later(self) -> None:
        self._layout_timer.start()

    def save_layout(self) -> None:
        self._settings.setValue(self._key("header"), self.table.horizontalHeader().saveState())

    def _save_splitter(self) -> None:
        # Only when the user drags it: saved with the header (whose columns fit themselves
        # while the window is still being laid out) it kept a start-up 70:274 split, and the
        # form took four fifths of the next window.
        self._settings.setValue(self._key("splitter"), self.splitter.saveState())

    def _restore_layout(self) -> None:
        header = self.table.horizontalHeader()
        state = self._settings.value(self._key("header"))
        if state is not None:
            header.restoreState(state)
        splitter = self._settings.value(self._key("splitter"))
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([700, 350])  # the list first: its columns end with the phones
        # Sorting is an SQL ORDER BY: give the model the sort the header remembers.
        column = header.sortIndicatorSection()
        if 0 <= column < self.model.columnCount():
            self.model.sort(column, header.sortIndicatorOrder())
        else:
            header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)

    # ---- records ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.model.reload()

    def apply_changes(self, changes: Changes) -> None:
        """Reload what this page shows if the change touches it."""
        # The "Last contact" column and the follow-up filter follow activities.
        follow_up = changes.activities and self.kind in ("contacts", "companies")
        if getattr(changes, self.kind) or follow_up:
            self.model.reload()
            if changes is not self._own_changes:
                self.form.refresh()  # linked records or names may have changed elsewhere
        if changes.tags or changes.users or changes.events or changes.pipelines:
            self.refresh_options()
        self.form.timeline.apply_changes(changes)

    def current_id(self) -> uuid.UUID | None:
        """The record of the highlighted row. Actions on "the record" use the form's instead."""
        row = self._selected_row()
        return self.model.row_id(row) if row is not None else None

    def _selected_row(self) -> int | None:
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        return min(rows) if rows else None

    def new_record(self) -> None:
        if not self._confirm_discard():
            return
        self.table.clearSelection()
        self.form.new_record()

    def show_record(self, record_id: uuid.UUID) -> None:
        """Open a record in the form and select its row if the list has it loaded."""
        if self.form.record_id != record_id and not self._confirm_discard():
            return
        self._pending_open = record_id
        self.form.load(record_id)
        self._sync_selection()  # the form may have been about this record already

    def _on_model_data_changed(self, *_args: Any) -> None:
        self._sync_selection()

    def _sync_selection(self) -> None:
        """Highlight the row of the form's record, or no row when the list has none for it.

        The one rule that keeps list and form in agreement: whenever either changes (a
        click, a refused "Discard changes?", a reload after a change elsewhere, a sort or
        filter, pages arriving, rows removed, a record opened from a link or search that
        the loaded rows do not hold, a deleted record), the highlight is recomputed from
        the form's record. A row number alone means nothing: after a reload it can show
        another record.
        """
        target = self.form.target_id
        if self._pending_open is not None and self._pending_open != target:
            self._pending_open = None  # the form moved on to another record
        row = self.model.row_of(target) if target is not None else None
        if row != self._selected_row():
            self._syncing = True
            try:
                if row is None:
                    self.table.clearSelection()
                else:
                    self.table.selectionModel().setCurrentIndex(
                        self.model.index(row, 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows,
                    )
            finally:
                self._syncing = False
        if row is not None and self._pending_open == target:
            self._pending_open = None
            self.table.scrollTo(self.model.index(row, 0))

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._syncing or self.model.removing_rows:
            return  # the page or the view moved the highlight; rowsRemoved resyncs it
        record_id = self.current_id()
        if record_id is None or record_id == self.form.target_id:
            self._sync_selection()  # a deselecting Ctrl+click, or a row still loading
            return
        if not self._confirm_discard():
            self._sync_selection()  # the form keeps its record: so does the highlight
            return
        self._pending_open = None
        self.form.load(record_id)

    def _confirm_discard(self) -> bool:
        if not self.form.is_dirty():
            return True
        return self._prompts.ask_yes_no(
            self,
            _tr("Unsaved changes"),
            _tr("The record you are editing has unsaved changes. Discard them?"),
        )

    def _on_form_saved(self, changes: Changes) -> None:
        if self.form.record_id is not None:
            self._pending_open = self.form.record_id  # select its row once the list has it
        self._own_changes = changes  # the form shows the saved record already
        self.changes_made.emit(changes)
        self._own_changes = None
