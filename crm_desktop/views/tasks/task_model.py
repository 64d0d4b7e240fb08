"""The Tasks page's table: one row per to-do, in the order the service gave them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from crm_desktop.services.activities.tasks import TaskRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the TaskRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the native value
OVERDUE_COLOR = QColor("#c62828")
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskTableModel", text)


def kind_text(kind: str) -> str:
    return {
        "task": _tr("Task"),
        "call": _tr("Call"),
        "meeting": _tr("Meeting"),
        "email": _tr("E-mail"),
        "note": _tr("Note"),
    }.get(kind, kind)


def local_text(moment: dt.datetime | None, zone: dt.tzinfo, today: dt.date | None = None) -> str:
    """A moment on the user's wall clock: "Today 14:30", "Tomorrow 09:00", else the date."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    if today is not None:
        if local.date() == today:
            return _tr("Today %1").replace("%1", f"{local:%H:%M}")
        if local.date() == today + dt.timedelta(days=1):
            return _tr("Tomorrow %1").replace("%1", f"{local:%H:%M}")
        if local.date() == today - dt.timedelta(days=1):
            return _tr("Yesterday %1").replace("%1", f"{local:%H:%M}")
    return f"{local:%a %Y-%m-%d %H:%M}"


class TaskTableModel(QAbstractTableModel):
    KIND, SUBJECT, DUE, LINKS, OWNER, DONE = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[TaskRow, ...] = ()
        self.now = dt.datetime.now(dt.UTC)
        self.zone: dt.tzinfo = dt.UTC
        self._today = self.now.date()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: tuple[TaskRow, ...], now: dt.datetime, zone: dt.tzinfo) -> None:
        self.beginResetModel()
        self.rows = rows
        self.now = now
        self.zone = zone
        self._today = now.astimezone(zone).date()
        self.endResetModel()

    def row_at(self, row: int) -> TaskRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # ---- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (_tr("Kind"), _tr("Subject"), _tr("Due"), _tr("Linked to"), _tr("Owner"))
        return (*titles, _tr("Done"))[section] if 0 <= section < 6 else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        overdue = not row.done and row.occurs_at < self.now
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column == self.DUE:
            return QBrush(OVERDUE_COLOR)
        if role == Qt.ItemDataRole.FontRole and overdue and column == self.DUE:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.LINKS and row.links:
                return "\n".join(link.label for link in row.links)
            if column == self.SUBJECT:
                return row.subject
        return None

    def _display(self, row: TaskRow, column: int) -> str:
        if column == self.KIND:
            return kind_text(row.kind)
        if column == self.SUBJECT:
            return row.subject
        if column == self.DUE:
            return local_text(row.occurs_at, self.zone, self._today)
        if column == self.LINKS:
            return " · ".join(link.label for link in row.links)
        if column == self.OWNER:
            return row.owner_name or ""
        return local_text(row.done_at, self.zone, self._today)

    def _sort_value(self, row: TaskRow, column: int) -> object:
        if column == self.DUE:
            return row.occurs_at.timestamp()
        if column == self.DONE:
            return row.done_at.timestamp() if row.done_at else 0.0
        return self._display(row, column)
