"""The check page's problem rows (fix a cell, leave a row out) and lists of row notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from crm_desktop.services.imports.run import RowNote
from crm_desktop.services.imports.scan import RowIssue
from crm_desktop.services.imports.transform import Problem
from crm_desktop.views.import_wizard.base_model import (
    SORT_ROLE,
    Index,
    RowsTableModel,
    check_state,
    is_checked,
    one_line,
)

FIXED_BACKGROUND = QColor("#fff3c4")
PROBLEM_FOREGROUND = QColor("#c62828")
PROBLEM_BACKGROUND = QColor("#fde4e1")
FLAG_FOREGROUND = QColor("#8a5300")  # imported, but worth a look: a number kept as written


class ProblemTableModel(RowsTableModel[RowIssue]):
    """Rows with problems: a "Leave out" box, the row, the reasons, then the row's cells.

    Cells are editable; an edit is a fix kept in `overrides` (sheet row -> column -> text)
    and shown highlighted. Ticking "Leave out" puts the row in `excluded`. Rows that import
    but carry flags (a phone number kept as written) are listed the same way, in amber.
    """

    LEAVE_OUT, ROW, PROBLEMS = range(3)
    FIRST_CELL = 3
    fixes_changed = Signal()  # overrides or excluded changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._file_headers: tuple[str, ...] = ()
        self._field_labels: tuple[str, ...] = ()  # per column: the label of its field
        self.overrides: dict[int, dict[int, str]] = {}
        self.excluded: set[int] = set()
        self.editable_cells = True

    def set_issues(
        self,
        issues: Sequence[RowIssue],
        file_headers: Sequence[str],
        overrides: Mapping[int, Mapping[int, str]],
        excluded: frozenset[int],
        editable_cells: bool = True,
        field_labels: Sequence[str] = (),
    ) -> None:
        """`field_labels`: per column, the label of the field it is mapped to; a problem
        names the column's header, or the field when it concerns a value that is missing."""
        self._file_headers = tuple(file_headers)
        self._field_labels = tuple(field_labels)
        self.overrides = {row: dict(cells) for row, cells in overrides.items()}
        self.excluded = set(excluded)
        self.editable_cells = editable_cells
        self.set_rows(issues)

    def frozen_overrides(self) -> dict[int, dict[int, str]]:
        return {row: dict(cells) for row, cells in self.overrides.items() if cells}

    def headers(self) -> Sequence[str]:
        width = max((len(issue.cells) for issue in self._rows), default=0)
        names = [
            h or self.tr("Column %1").replace("%1", str(i + 1))
            for i, h in enumerate(self._file_headers)
        ]
        names += [self.tr("Column %1").replace("%1", str(i + 1)) for i in range(len(names), width)]
        return [self.tr("Leave out"), self.tr("Row"), self.tr("Problems"), *names]

    def _cell_text(self, issue: RowIssue, column: int) -> tuple[str, bool]:
        fixed = self.overrides.get(issue.row, {})
        if column in fixed:
            return fixed[column], True
        return (issue.cells[column] if column < len(issue.cells) else ""), False

    def cell(self, number: int, column: int, role: int) -> Any:
        issue = self._rows[number]
        if column == self.LEAVE_OUT:
            if role == Qt.ItemDataRole.CheckStateRole:
                return check_state(issue.row in self.excluded)
            if role == SORT_ROLE:
                return issue.row in self.excluded
            return None
        if column == self.ROW:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{issue.row:,}"
            if role == SORT_ROLE:
                return issue.row
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if column == self.PROBLEMS:
            notes = (*issue.problems, *issue.flags)
            text = "; ".join(f"{p.field}: {p.reason}" for p in notes)
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return one_line(text)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(f"{p.field}: {p.reason}" for p in notes)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(PROBLEM_FOREGROUND if issue.problems else FLAG_FOREGROUND)
            return None
        index = column - self.FIRST_CELL
        text, fixed = self._cell_text(issue, index)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return one_line(text)
        if role == Qt.ItemDataRole.EditRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return (self.tr("Fixed: the import takes this value") if fixed else text) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if fixed:
                return QBrush(FIXED_BACKGROUND)
            return QBrush(PROBLEM_BACKGROUND) if self._has_problem(issue, index) else None
        if role == Qt.ItemDataRole.ForegroundRole and not fixed:
            if self._has_problem(issue, index):
                return QBrush(PROBLEM_FOREGROUND)
            if self._has_problem(issue, index, issue.flags):
                return QBrush(FLAG_FOREGROUND)
        return None

    def _has_problem(
        self, issue: RowIssue, index: int, notes: Sequence[Problem] | None = None
    ) -> bool:
        names = {
            names[index]
            for names in (self._file_headers, self._field_labels)
            if index < len(names) and names[index]
        }
        return any(p.field in names for p in (issue.problems if notes is None else notes))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        if index.column() == self.LEAVE_OUT:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() >= self.FIRST_CELL and self.editable_cells:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        issue = self.row_at(index.row()) if index.isValid() else None
        if issue is None:
            return False
        if index.column() == self.LEAVE_OUT and role == Qt.ItemDataRole.CheckStateRole:
            if is_checked(value):
                self.excluded.add(issue.row)
            else:
                self.excluded.discard(issue.row)
        elif index.column() >= self.FIRST_CELL and role == Qt.ItemDataRole.EditRole:
            if not self.editable_cells:
                return False
            column = index.column() - self.FIRST_CELL
            text = "" if value is None else str(value)
            original = issue.cells[column] if column < len(issue.cells) else ""
            fixes = self.overrides.setdefault(issue.row, {})
            if text == original:
                fixes.pop(column, None)
            else:
                fixes[column] = text
        else:
            return False
        self.emit_row_changed(index.row())
        self.fixes_changed.emit()
        return True


class NoteTableModel(RowsTableModel[RowNote]):
    """Rows not imported (or that would not be): sheet row, column and reason."""

    ROW, FIELD, REASON = range(3)

    def headers(self) -> Sequence[str]:
        return (self.tr("Row"), self.tr("Column"), self.tr("Reason"))

    def cell(self, number: int, column: int, role: int) -> Any:
        note = self._rows[number]
        values: tuple[Any, ...] = (note.row, note.field, note.reason)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{note.row:,}" if column == self.ROW else one_line(str(values[column]))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.REASON:
            return note.reason
        if role == SORT_ROLE:
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
