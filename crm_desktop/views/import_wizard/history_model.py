"""Import history as a table: one import per row, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from crm_desktop.services.imports.history import BatchInfo
from crm_desktop.views.import_wizard.base_model import SORT_ROLE, RowsTableModel
from crm_desktop.views.import_wizard.labels import (
    duplicate_counts_text,
    status_label,
    target_label,
)

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BatchTableModel(RowsTableModel[BatchInfo]):
    (STARTED, FILE, TARGET, STATUS, ROWS, CREATED, UPDATED, MERGED, SKIPPED, FAILED,
     DUPLICATES, POSSIBLE, USER) = range(13)  # fmt: skip
    _COUNTS = (ROWS, CREATED, UPDATED, MERGED, SKIPPED, FAILED, DUPLICATES, POSSIBLE)

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Started"),
            self.tr("File"),
            self.tr("Into"),
            self.tr("Status"),
            self.tr("Rows done"),
            self.tr("Created"),
            self.tr("Updated"),
            self.tr("Merged"),
            self.tr("Skipped"),
            self.tr("Failed"),
            self.tr("Duplicates"),
            self.tr("Possible duplicates"),
            self.tr("By"),
        )

    def row_of(self, batch_id: object) -> int:
        return next((i for i, b in enumerate(self._rows) if b.id == batch_id), -1)

    def _values(self, batch: BatchInfo) -> tuple[Any, ...]:
        return (
            batch.started_at,
            f"{batch.file_name} [{batch.sheet}]" if batch.sheet else batch.file_name,
            batch.target,
            batch.status,
            batch.rows_done,
            batch.created,
            batch.updated,
            batch.merged,
            batch.skipped,
            batch.failed,
            batch.duplicates.total(False),
            batch.duplicates.total(True),
            batch.user,
        )

    def cell(self, number: int, column: int, role: int) -> Any:
        batch = self._rows[number]
        value = self._values(batch)[column]
        if role == SORT_ROLE:
            return value.timestamp() if column == self.STARTED and value else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._COUNTS:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FILE:
            return str(batch.id)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.DUPLICATES, self.POSSIBLE):
            return duplicate_counts_text(batch.duplicates) or None  # the count per reason
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == self.STARTED:
            return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "–"
        if column == self.TARGET:
            return target_label(value)
        if column == self.STATUS:
            return status_label(value)
        if column == self.ROWS:
            if batch.rows_total and batch.rows_done != batch.rows_total:
                return f"{batch.rows_done:,} / {batch.rows_total:,}"
            return f"{batch.rows_done:,}"
        if column in self._COUNTS:
            return f"{value:,}"
        return value
