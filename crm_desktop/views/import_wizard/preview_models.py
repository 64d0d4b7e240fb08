"""The file page's preview of the sheet and the mapping page's one row per column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from crm_desktop.services.imports.cells import CellValue, cell_text
from crm_desktop.services.imports.fields import IGNORE
from crm_desktop.views.import_wizard.base_model import SORT_ROLE, RowsTableModel, one_line
from crm_desktop.views.import_wizard.labels import mapping_choice, order_label

HEADER_BACKGROUND = QColor("#d7e8fb")
MUTED = QColor("#8a8a8a")
SAMPLES = 3


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class PreviewTableModel(RowsTableModel[list[str]]):
    """The first rows of the sheet as read, the header row marked, rows above it muted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._width = 0
        self.header_row = 0  # 0-based

    def set_preview(self, rows: Sequence[Sequence[CellValue]], header_row: int) -> None:
        self.header_row = header_row
        self._width = max((len(r) for r in rows), default=0)
        self.set_rows([[cell_text(c) for c in r] for r in rows])

    def set_header_row(self, header_row: int) -> None:
        old, self.header_row = self.header_row, header_row
        first, last = min(old, header_row), max(old, header_row)
        for row in range(first, last + 1):
            self.emit_row_changed(row)
        if self._rows:
            self.headerDataChanged.emit(
                Qt.Orientation.Vertical, first, min(last, len(self._rows) - 1)
            )

    def headers(self) -> Sequence[str]:
        return [column_letter(i) for i in range(self._width)]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1} ▶" if section == self.header_row else str(section + 1)
            if role == Qt.ItemDataRole.ToolTipRole and section == self.header_row:
                return self.tr("The header row: it names the columns")
            if role == Qt.ItemDataRole.FontRole and section == self.header_row:
                return _bold()
            return None
        return super().headerData(section, orientation, role)

    def cell(self, number: int, column: int, role: int) -> Any:
        row = self._rows[number]
        text = row[column] if column < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(text)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == SORT_ROLE:
            return text
        if role == Qt.ItemDataRole.FontRole and number == self.header_row:
            return _bold()
        if role == Qt.ItemDataRole.BackgroundRole and number == self.header_row:
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and number < self.header_row:
            return QBrush(MUTED)
        return None


@dataclass(frozen=True)
class MappedColumn:
    """One column of the file on the mapping page."""

    index: int
    header: str
    samples: tuple[str, ...]
    key: str  # a field key, CUSTOM or IGNORE
    orders: frozenset[str] = frozenset()  # day/month orders its dates fit, when ambiguous
    order: str | None = None  # the one chosen


def samples_of(
    rows: Sequence[Sequence[CellValue]], column: int, limit: int = SAMPLES
) -> tuple[str, ...]:
    """Up to `limit` different values from non-empty cells of the column."""
    found: list[str] = []
    for row in rows:
        text = cell_text(row[column]) if column < len(row) else ""
        if text and text not in found:
            found.append(text)
            if len(found) == limit:
                break
    return tuple(found)


class MappingTableModel(RowsTableModel[MappedColumn]):
    """One row per column of the file: header, sample values, the field, the date order."""

    HEADER, SAMPLES, FIELD, DATES = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = "contacts"

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Column"),
            self.tr("Sample values"),
            self.tr("Import as"),
            self.tr("Dates read as"),
        )

    def set_columns(self, target: str, columns: Sequence[MappedColumn]) -> None:
        self.target = target
        self.set_rows(columns)

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self._rows)

    def orders(self) -> dict[int, str]:
        return {c.index: c.order for c in self._rows if c.orders and c.order}

    def set_key(self, number: int, key: str) -> None:
        self._rows[number] = replace(self._rows[number], key=key)
        self.emit_row_changed(number)

    def set_order(self, number: int, order: str | None) -> None:
        self._rows[number] = replace(self._rows[number], order=order)
        self.emit_row_changed(number)

    def set_ambiguous(self, ambiguous: Mapping[int, frozenset[str]]) -> list[int]:
        """Which columns ask for a date order; returns the rows whose question changed."""
        changed = []
        for number, column in enumerate(self._rows):
            orders = frozenset(ambiguous.get(column.index, frozenset()))
            if orders != column.orders:
                order = column.order if column.order in orders else None
                self._rows[number] = replace(column, orders=orders, order=order)
                self.emit_row_changed(number)
                changed.append(number)
        return changed

    def cell(self, number: int, column: int, role: int) -> Any:
        mapped = self._rows[number]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            if column == self.HEADER:
                return mapped.header or self.tr("(column without a header)")
            if column == self.SAMPLES:
                shown = " · ".join(one_line(s) for s in mapped.samples)
                if role == Qt.ItemDataRole.ToolTipRole:
                    return "\n".join(mapped.samples) or None
                return shown or self.tr("(empty)")
            if column == self.FIELD:
                return mapping_choice(mapped.key, self.target)
            if column == self.DATES:
                return order_label(mapped.order) if mapped.order else ""
        if role == Qt.ItemDataRole.UserRole:
            return mapped.key if column == self.FIELD else mapped.order
        if role == Qt.ItemDataRole.ForegroundRole and mapped.key == IGNORE:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.FontRole and column == self.HEADER:
            return _bold()
        return None
