"""The shape every table model of the wizard shares: a list of rows and fixed columns.

Subclasses name their columns and answer `cell(row, column, role)`; ROW_ROLE gives the
backing row (a service dataclass), SORT_ROLE a native value to sort by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


def is_checked(value: Any) -> bool:
    """A CheckStateRole value as views pass it (an int or a Qt.CheckState)."""
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    try:
        return int(value) == Qt.CheckState.Checked.value
    except (TypeError, ValueError):
        return False


def check_state(checked: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked


def one_line(text: str) -> str:
    """A cell's text on one line (line breaks shown as ⏎), the whole text in its tooltip."""
    return text.replace("\n", " ⏎ ")


class RowsTableModel(QAbstractTableModel, Generic[T]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    # subclasses ----------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def cell(self, number: int, column: int, role: int) -> Any:
        """The data of row `number` (0-based), column `column` for `role`."""
        raise NotImplementedError

    # the model -----------------------------------------------------------------------------

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == ROW_ROLE:
            return self._rows[index.row()]
        return self.cell(index.row(), index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return str(section + 1)

    def emit_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._rows) and self.columnCount():
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
