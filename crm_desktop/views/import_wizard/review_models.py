"""The duplicates page: the pairs found, and one pair's fields side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from crm_desktop.services.imports.fields import ImportField, fields_of
from crm_desktop.services.imports.plan import Review
from crm_desktop.services.imports.review import DuplicatePair, FieldPair
from crm_desktop.views.import_wizard.base_model import (
    SORT_ROLE,
    Index,
    RowsTableModel,
    check_state,
    is_checked,
    one_line,
)
from crm_desktop.views.import_wizard.labels import decision_label, field_label

DIFFERS_BACKGROUND = QColor("#fff3c4")
TAKEN_BACKGROUND = QColor("#d9f2d9")


class PairTableModel(RowsTableModel[DuplicatePair]):
    """The matching rows: the row, what it matches, duplicate or possible duplicate, why,
    and what happens to it (the user's decision, or the rule's)."""

    ROW, MATCHES, KIND, REASON, DECISION = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reviews: dict[int, Review] = {}
        self.reviewing = False
        self.on_duplicate = "skip"
        self.on_possible = "create"

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Row"),
            self.tr("Matches"),
            self.tr("Match"),
            self.tr("Reason"),
            self.tr("Decision"),
        )

    def set_pairs(self, pairs: Sequence[DuplicatePair], reviews: Mapping[int, Review]) -> None:
        self.reviews = dict(reviews)
        self.set_rows(pairs)

    def set_rules(self, on_duplicate: str, on_possible: str) -> None:
        self.on_duplicate, self.on_possible = on_duplicate, on_possible
        self.reviewing = on_duplicate == "review"
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.DECISION), self.index(len(self._rows) - 1, self.DECISION)
            )

    def rule_action(self, pair: DuplicatePair | None) -> str:
        """What the rules do with a pair nobody decided on: "skip", "merge" or "create"."""
        if pair is not None and pair.possible:
            return self.on_possible
        return {"fill": "merge", "overwrite": "merge", "create": "create"}.get(
            self.on_duplicate, "skip"
        )

    def kind_text(self, pair: DuplicatePair) -> str:
        return self.tr("Possible duplicate") if pair.possible else self.tr("Duplicate")

    def set_review(self, number: int, review: Review) -> None:
        pair = self._rows[number]
        self.reviews[pair.row] = review
        self.emit_row_changed(number)

    def matches_text(self, pair: DuplicatePair) -> str:
        if pair.earlier_row is not None:
            where = self.tr("row %1 of this file").replace("%1", f"{pair.earlier_row:,}")
        else:
            where = self.tr("a record in the CRM")
        return f"{pair.name} ({where})" if pair.name else where

    def cell(self, number: int, column: int, role: int) -> Any:
        pair = self._rows[number]
        review = self.reviews.get(pair.row)
        if role == SORT_ROLE:
            decided = review.action if review else ""
            return (pair.row, pair.name, pair.possible, pair.reason, decided)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == self.DECISION and review:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == self.ROW:
            return f"{pair.row:,}"
        if column == self.MATCHES:
            return self.matches_text(pair)
        if column == self.KIND:
            return self.kind_text(pair)
        if column == self.REASON:
            return pair.reason
        if not self.reviewing or (review is None and pair.possible):
            return self.tr("%1 (the rule)").replace("%1", decision_label(self.rule_action(pair)))
        if review is None:
            return decision_label(None)
        if review.action == "merge" and review.take_file:
            taken = len(review.take_file)
            return self.tr("Merge, %n field(s) from the file", "", taken)
        return decision_label(review.action)


class FieldPairTableModel(RowsTableModel[FieldPair]):
    """One pair side by side: per field, the file's value, the record's, and which to keep."""

    FIELD, FILE, RECORD, TAKE = range(4)
    take_changed = Signal(object)  # frozenset of field keys whose file value is taken

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.take_file: set[str] = set()
        self.editable = False
        self._fields: dict[str, ImportField] = {}

    def outcome(self, pair: FieldPair) -> str:
        """What a merge does with this field: "same", "fills" an empty field, "adds" (e-mails,
        phones and tags are added beside the record's), or "choice" for the user."""
        spec = self._fields.get(pair.key)
        if not pair.differs:
            return "same"
        if spec is not None and spec.type in ("method", "tags"):
            return "adds"
        # A ref field (company, owner…) shows no record value even when it has one: ask.
        if not pair.record_value and (spec is None or spec.type != "ref"):
            return "fills"
        return "choice"

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Field"),
            self.tr("In the file"),
            self.tr("In the CRM"),
            self.tr("Take the file's value"),
        )

    def set_pair(
        self,
        pair: DuplicatePair | None,
        take_file: frozenset[str],
        editable: bool,
        target: str = "contacts",
    ) -> None:
        self._fields = fields_of(target)  # type: ignore[arg-type]
        self.take_file = set(take_file)
        self.editable = editable
        self.set_rows(pair.fields if pair is not None else ())

    def set_take_file(self, take_file: frozenset[str]) -> None:
        """Another decision changed which file values are taken (no reset: a view may be
        in the middle of a click on this model)."""
        if set(take_file) == self.take_file:
            return
        self.take_file = set(take_file)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.TAKE))

    def cell(self, number: int, column: int, role: int) -> Any:
        pair = self._rows[number]
        outcome = self.outcome(pair)
        taken = pair.key in self.take_file if outcome == "choice" else outcome != "same"
        if column == self.TAKE:
            if role == Qt.ItemDataRole.CheckStateRole and outcome == "choice":
                return check_state(taken)
            if role == Qt.ItemDataRole.DisplayRole:
                return {
                    "same": self.tr("same") if pair.file_value else "",
                    "fills": self.tr("fills the empty field"),
                    "adds": self.tr("added"),
                }.get(outcome)
            return None
        values = (field_label(pair.label), pair.file_value, pair.record_value)
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(values[column])
        if role == Qt.ItemDataRole.ToolTipRole:
            return values[column] or None
        if role == SORT_ROLE:
            return values[column]
        if role == Qt.ItemDataRole.BackgroundRole and outcome != "same":
            if (column == self.FILE and taken) or (column == self.RECORD and not taken):
                return QBrush(TAKEN_BACKGROUND)
            if column == self.FIELD:
                return QBrush(DIFFERS_BACKGROUND)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        pair = self.row_at(index.row()) if index.isValid() else None
        if pair is not None and index.column() == self.TAKE and self.outcome(pair) == "choice":
            base |= Qt.ItemFlag.ItemIsUserCheckable
            if not self.editable:
                base &= ~Qt.ItemFlag.ItemIsEnabled
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        pair = self.row_at(index.row()) if index.isValid() else None
        if pair is None or index.column() != self.TAKE or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if not (self.editable and self.outcome(pair) == "choice"):
            return False
        if is_checked(value):
            self.take_file.add(pair.key)
        else:
            self.take_file.discard(pair.key)
        self.emit_row_changed(index.row())
        self.take_changed.emit(frozenset(self.take_file))
        return True
