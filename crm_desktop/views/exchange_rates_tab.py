"""Settings ▸ Exchange rates: the dated rates reports convert amounts with.

Rates are records of their own: adding or deleting one is saved at once (the dialog's
Save button is for the settings on the other tabs). Work runs off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.exchange_rates import RateInfo, delete_rate, list_rates, save_rate
from crm_desktop.services.settings import COMMON_CURRENCIES
from crm_desktop.views.date_edits import DateEdit
from crm_desktop.views.worker import run_in_background

HEADERS = ("Currency", "Worth", "In", "From")


class ExchangeRatesTab(QWidget):
    changed = Signal(object)  # Changes, after a rate was added or deleted

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = db.sessions
        self.base = "USD"
        self._ids: list[uuid.UUID] = []
        self.loaded = False
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next field
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText(self.tr("e.g. 1.08"))
        self.base_label = QLabel()
        self.date_edit = DateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.add_button = QPushButton(self.tr("&Add rate"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.delete_button = QPushButton(self.tr("De&lete selected"))
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.error_label = QLabel()
        self.error_label.setObjectName("ratesError")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        note = QLabel(
            self.tr(
                "One unit of a currency is worth the rate in the other, from a day on, until "
                "a later rate. Reports convert into the currency of new deals; amounts with "
                "no rate are shown apart, never counted one to one. Rates are saved at once."
            )
        )
        note.setWordWrap(True)
        entry = QHBoxLayout()
        entry.addWidget(QLabel(self.tr("1")))
        entry.addWidget(self.currency_combo)
        entry.addWidget(QLabel(self.tr("=")))
        entry.addWidget(self.rate_edit, 1)
        entry.addWidget(self.base_label)
        entry.addWidget(QLabel(self.tr("from")))
        entry.addWidget(self.date_edit)
        entry.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        row = QHBoxLayout()
        row.addWidget(self.error_label, 1)
        row.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(row)

    def set_base(self, currency: str) -> None:
        """The default currency: new rates are into it."""
        self.base = currency
        self.base_label.setText(currency)
        if self.currency_combo.currentText() == currency:
            other = next(c for c in COMMON_CURRENCIES if c != currency)
            self.currency_combo.setCurrentText(other)

    def reload(self) -> None:
        run_in_background(
            list_rates,
            parent=self,
            sessions=self._sessions,
            on_done=self._on_rates_loaded,
            on_error=self._on_failed,
        )

    def _on_rates_loaded(self, rates: list[RateInfo]) -> None:
        self.table.setRowCount(len(rates))
        self._ids = []
        for row, rate in enumerate(rates):
            self._ids.append(rate.id)
            cells = (rate.currency, f"{rate.rate.normalize():f}", rate.base, str(rate.valid_from))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.loaded = True

    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._ids[r] for r in rows if r < len(self._ids)]

    def _on_add_button_clicked(self) -> None:
        self.error_label.clear()
        day: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        run_in_background(
            save_rate,
            parent=self,
            sessions=self._sessions,
            currency=self.currency_combo.currentText(),
            base=self.base,
            rate=self.rate_edit.text().strip().replace(",", "."),
            valid_from=day,
            on_done=lambda saved: self._on_saved(saved.changes),
            on_error=self._on_failed,
        )

    def _on_delete_button_clicked(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.error_label.setText(self.tr("Select the rates to delete."))
            return
        self.error_label.clear()

        def delete_all() -> Changes:
            changes = Changes()
            for rate_id in ids:
                changes = changes | delete_rate(self._sessions, rate_id)
            return changes

        run_in_background(delete_all, parent=self, on_done=self._on_saved, on_error=self._on_failed)

    def _on_saved(self, changes: Changes) -> None:
        self.rate_edit.clear()
        self.changed.emit(changes)
        self.reload()

    def _on_failed(self, message: str, _details: str) -> None:
        self.error_label.setText(message)
