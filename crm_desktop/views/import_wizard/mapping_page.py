"""Step 2 (not for vCards): what each column becomes, date orders, and values for every row.

One row per column of the file: its header, up to three sample values from non-empty
cells, and a combo of the target's fields plus "Keep as custom field" and "Leave out".
A column whose dates read both as day/month and month/day asks which order it uses.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import cast

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm_desktop.services.imports.cells import DateOrder
from crm_desktop.services.imports.fields import CUSTOM, FIELDS, IGNORE
from crm_desktop.services.imports.plan import PlanError
from crm_desktop.services.imports.prepare import ambiguous_date_columns
from crm_desktop.views.import_wizard.defaults_box import DefaultsBox
from crm_desktop.views.import_wizard.labels import field_label, order_label
from crm_desktop.views.import_wizard.preview_models import (
    MappedColumn,
    MappingTableModel,
    samples_of,
)
from crm_desktop.views.import_wizard.state import ERROR_STYLE, WizardState

ORDER_PREFERENCE: tuple[DateOrder, ...] = ("DMY", "MDY", "YMD")


class MappingPage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle(self.tr("Map the columns"))
        self.setSubTitle(
            self.tr(
                "Choose what each column of the file becomes. A column with no field is "
                "kept as a custom field unless you leave it out."
            )
        )
        self.field_combos: list[QComboBox] = []
        self.order_combos: dict[int, QComboBox] = {}  # model row -> its date order combo
        self._build()

    def _build(self) -> None:
        self.remembered_label = QLabel(
            self.tr(
                "These columns were mapped as you mapped a file with the same headers last time."
            )
        )
        self.remembered_label.setObjectName("rememberedNote")
        self.remembered_label.setStyleSheet("color: #2e7d32;")
        self.remembered_label.setWordWrap(True)
        self.dates_label = QLabel(
            self.tr(
                "Some date columns read both as day/month and as month/day: choose how "
                "to read them."
            )
        )
        self.dates_label.setObjectName("datesNote")
        self.dates_label.setWordWrap(True)
        self.model = MappingTableModel(self)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next field
        self.table.setObjectName("mappingTable")
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)  # Tab moves from combo to combo
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MappingTableModel.HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MappingTableModel.SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MappingTableModel.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(MappingTableModel.DATES, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(MappingTableModel.HEADER, 170)
        self.table.setColumnWidth(MappingTableModel.FIELD, 210)
        self.table.setColumnWidth(MappingTableModel.DATES, 200)
        self.defaults_box = DefaultsBox()
        self.error_label = QLabel()
        self.error_label.setObjectName("mappingError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.remembered_label)
        layout.addWidget(self.dates_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.defaults_box)
        layout.addWidget(self.error_label)

    # ------------------------------------------------------------------ filling

    def initializePage(self) -> None:
        prepared, plan = self.state.prepared, self.state.require_plan()
        assert prepared is not None
        rows = prepared.preview[plan.header_row + 1 :]
        columns = []
        for index, header in enumerate(plan.headers):
            orders = frozenset(prepared.ambiguous_dates.get(index, frozenset()))
            order = plan.date_orders.get(index)
            if orders and order not in orders:
                order = next(o for o in ORDER_PREFERENCE if o in orders)
            key = plan.columns[index] if index < len(plan.columns) else IGNORE
            columns.append(MappedColumn(index, header, samples_of(rows, index), key, orders, order))
        self.model.set_columns(plan.target, columns)
        self.remembered_label.setVisible(prepared.remembered)
        self.field_combos = [self._field_combo(plan.target, row) for row in range(len(columns))]
        self.order_combos = {}
        for row in range(len(columns)):
            self._update_order_combo(row)
        self._fit_rows()
        self.defaults_box.set_target(plan.target)
        if self.state.choices is not None:
            self.defaults_box.set_choices(self.state.choices)
        self.defaults_box.set_defaults(plan.defaults)
        self.error_label.hide()

    def _field_combo(self, target: str, row: int) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"fieldCombo{row}")
        for spec in FIELDS[target]:  # type: ignore[index]
            combo.addItem(field_label(spec.label), spec.key)
        combo.insertSeparator(combo.count())
        combo.addItem(self.tr("Keep as custom field"), CUSTOM)
        combo.addItem(self.tr("Leave out"), IGNORE)
        mapped = self.model.row_at(row)
        assert mapped is not None
        combo.setCurrentIndex(max(combo.findData(mapped.key), 0))
        combo.setAccessibleName(self.tr("Import column %1 as").replace("%1", mapped.header))
        combo.currentIndexChanged.connect(partial(self._on_field_combo_changed, row, combo))
        self.table.setIndexWidget(self.model.index(row, MappingTableModel.FIELD), combo)
        return combo

    def _update_order_combo(self, row: int) -> None:
        mapped = self.model.row_at(row)
        assert mapped is not None
        index = self.model.index(row, MappingTableModel.DATES)
        if not mapped.orders:
            self.order_combos.pop(row, None)
            self.table.setIndexWidget(index, None)  # type: ignore[arg-type]
            return
        combo = QComboBox()
        combo.setObjectName(f"orderCombo{row}")
        for order in ORDER_PREFERENCE:
            if order in mapped.orders:
                combo.addItem(order_label(order), order)
        combo.setCurrentIndex(max(combo.findData(mapped.order), 0))
        combo.setAccessibleName(self.tr("Dates of column %1 read as").replace("%1", mapped.header))
        combo.currentIndexChanged.connect(partial(self._on_order_combo_changed, row, combo))
        self.model.set_order(row, combo.currentData())
        self.order_combos[row] = combo
        self.table.setIndexWidget(index, combo)
        self.dates_label.setVisible(True)

    def _fit_rows(self) -> None:
        height = max((c.sizeHint().height() for c in self.field_combos), default=24) + 4
        self.table.verticalHeader().setDefaultSectionSize(height)
        self.table.resizeColumnToContents(MappingTableModel.HEADER)
        self.table.setColumnWidth(
            MappingTableModel.HEADER, min(260, max(120, self.table.columnWidth(0)))
        )
        self.dates_label.setVisible(bool(self.order_combos))

    # ------------------------------------------------------------------ the user maps

    def _on_order_combo_changed(self, row: int, combo: QComboBox, _index: int) -> None:
        self.model.set_order(row, combo.currentData())

    def _on_field_combo_changed(self, row: int, combo: QComboBox, _index: int = -1) -> None:
        self.model.set_key(row, str(combo.currentData()))
        prepared, plan = self.state.prepared, self.state.require_plan()
        assert prepared is not None
        ambiguous = ambiguous_date_columns(
            plan.target, self.model.keys(), prepared.preview[plan.header_row + 1 :]
        )
        for changed in self.model.set_ambiguous(ambiguous):
            mapped = self.model.row_at(changed)
            if mapped is not None and mapped.orders and mapped.order is None:
                self.model.set_order(
                    changed, next(o for o in ORDER_PREFERENCE if o in mapped.orders)
                )
            self._update_order_combo(changed)
        self.dates_label.setVisible(bool(self.order_combos))
        self.error_label.hide()

    def validatePage(self) -> bool:
        plan = replace(
            self.state.require_plan(),
            columns=self.model.keys(),
            date_orders=cast(dict[int, DateOrder], self.model.orders()),
            defaults=self.defaults_box.defaults(),
        )
        try:
            plan.check()
            plan.check_required()
        except PlanError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.state.plan = plan
        return True
