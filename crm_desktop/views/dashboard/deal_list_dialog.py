"""The deals behind one bar of a chart; a double-click (or Enter) opens one."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.reports import DealList

HEADERS = ("Deal", "Company", "Amount", "Stage", "Owner", "Expected close", "Closed")


class DealListDialog(QDialog):
    deal_opened = Signal(object)  # uuid.UUID

    def __init__(self, title: str, deals: DealList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 480)
        shown = len(deals.deals)
        if deals.total > shown:
            summary = self.tr("%1 deals; the %2 biggest are listed.")
            summary = summary.replace("%1", f"{deals.total:,}").replace("%2", f"{shown:,}")
        else:
            summary = self.tr("%n deal(s).", "", deals.total)
        self.summary_label = QLabel(summary)
        self.table = QTableWidget(shown, len(HEADERS))
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self._ids: list[uuid.UUID] = []
        for row, deal in enumerate(deals.deals):
            self._ids.append(deal.id)
            amount = f"{deal.amount:,.2f} {deal.currency}" if deal.amount is not None else ""
            cells = (
                deal.title,
                deal.company or "",
                amount,
                deal.stage,
                deal.owner or "",
                deal.expected_close.isoformat() if deal.expected_close else "",
                deal.closed_at.date().isoformat() if deal.closed_at else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def deal_ids(self) -> list[uuid.UUID]:
        return list(self._ids)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self._ids):
            self.deal_opened.emit(self._ids[row])
