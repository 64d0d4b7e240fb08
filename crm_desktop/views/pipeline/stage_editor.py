"""The stage editor: a pipeline's name and its stages (name, probability, stale limit, order).

Everything is saved at once with OK; removing a stage that holds deals asks where they go
first. (The lost reasons offered are a team setting: Edit ▸ Settings ▸ Deals.)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.changes import Changes
from crm_desktop.services.pipeline.board import PipelineInfo
from crm_desktop.services.pipeline.stages import (
    MAX_STALE_DAYS,
    EditableStage,
    StageDraft,
    editable_stages,
    rename_pipeline,
    save_stages,
)
from crm_desktop.views.pipeline.prompts import BoardPrompts
from crm_desktop.views.worker import run_in_background

NAME, PROBABILITY, STALE, DEALS = range(4)


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("StageEditorDialog", text, None, n)


@dataclass
class _Row:
    id: uuid.UUID | None  # None: a stage added in this dialog
    deals: int
    is_won: bool = False
    is_lost: bool = False

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)


def _save(
    sessions: sessionmaker[Session],
    pipeline_id: uuid.UUID,
    name: str | None,
    drafts: Sequence[StageDraft],
    removals: Mapping[uuid.UUID, uuid.UUID | None],
) -> Changes:
    changes = save_stages(sessions, pipeline_id, drafts, removals)
    if name is not None:
        changes |= rename_pipeline(sessions, pipeline_id, name)
    return changes


class StageEditorDialog(QDialog):
    saved = Signal(object)  # Changes

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pipeline: PipelineInfo,
        prompts: BoardPrompts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self.pipeline = pipeline
        self._prompts = prompts
        self._rows: list[_Row] = []
        self._removals: dict[uuid.UUID, uuid.UUID | None] = {}
        self.loaded = False
        self.setWindowTitle(_tr("Stages of %1").replace("%1", pipeline.name))
        self.resize(640, 420)

        self.name_edit = QLineEdit(pipeline.name)
        self.name_edit.setObjectName("pipelineName")
        self.table = QTableWidget(0, 4)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons; arrows move
        self.table.setObjectName("stageTable")
        self.table.setHorizontalHeaderLabels(
            [_tr("Stage"), _tr("Probability %"), _tr("Stale after (days)"), _tr("Deals")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (PROBABILITY, STALE, DEALS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton(_tr("&Add stage"))
        self.remove_button = QPushButton(_tr("&Remove…"))
        self.up_button = QPushButton(_tr("Move &up"))
        self.down_button = QPushButton(_tr("Move &down"))
        self.add_button.clicked.connect(self.add_stage)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        stages = QHBoxLayout()
        stages.addWidget(self.table, 1)
        stages.addLayout(buttons)

        self.status = QLabel()
        self.status.setObjectName("editorStatus")
        self.status.setWordWrap(True)
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.button_box.accepted.connect(self.save)
        self.button_box.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_tr("Pipeline name:"), self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(
            _tr(
                "Won and Lost close a deal and stay at the end. A stage that holds deals is "
                "removed only after you choose where its deals go."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(stages, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.button_box)
        self._set_busy(True, _tr("Loading…"))
        run_in_background(
            editable_stages,
            parent=self,
            on_done=self._on_loaded,
            on_error=lambda message, _tb: self._set_busy(False, message),
            sessions=sessions,
            pipeline_id=pipeline.id,
        )

    # ---- rows ------------------------------------------------------------------------------

    def _on_loaded(self, stages: tuple[EditableStage, ...]) -> None:
        for entry in stages:
            stage = entry.stage
            self._append(
                _Row(stage.id, entry.deals, stage.is_won, stage.is_lost),
                stage.name,
                stage.probability,
                stage.stale_days,
            )
        self.loaded = True
        self._set_busy(False, "")

    def _append(self, row: _Row, name: str, probability: int, stale: int | None) -> int:
        position = len([r for r in self._rows if r.is_open]) if row.is_open else len(self._rows)
        self._rows.insert(position, row)
        self.table.insertRow(position)
        self.table.setItem(position, NAME, QTableWidgetItem(name))
        spin = QSpinBox()
        spin.setRange(0, 100)
        spin.setSuffix(" %")
        spin.setValue(probability)
        self.table.setCellWidget(position, PROBABILITY, spin)
        stale_spin = QSpinBox()
        stale_spin.setRange(0, MAX_STALE_DAYS)
        stale_spin.setSpecialValueText(_tr("never"))
        stale_spin.setValue(stale or 0)
        stale_spin.setEnabled(row.is_open)
        self.table.setCellWidget(position, STALE, stale_spin)
        if row.is_won:
            deals = _tr("%1 won").replace("%1", f"{row.deals:,}")
        elif row.is_lost:
            deals = _tr("%1 lost").replace("%1", f"{row.deals:,}")
        else:
            deals = f"{row.deals:,}"
        item = QTableWidgetItem(deals)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(position, DEALS, item)
        return position

    def add_stage(self) -> None:
        names = {self._name(r).casefold() for r in range(len(self._rows))}
        name, number = _tr("New stage"), 2
        while name.casefold() in names:
            name, number = _tr("New stage %1").replace("%1", str(number)), number + 1
        position = self._append(_Row(None, 0), name, 50, None)
        self.table.selectRow(position)
        self.table.editItem(self._item(position, NAME))

    def remove_selected(self) -> None:
        position = self._selected()
        if position is None:
            return
        row = self._rows[position]
        if not row.is_open:
            return
        if row.id is not None and row.deals:
            deals = row.deals
            targets = [
                (i, r) for i, r in enumerate(self._rows) if r.is_open and r.id and i != position
            ]
            if not targets:
                self.status.setText(_tr("Add another stage first: the deals need somewhere to go."))
                return
            choice = self._prompts.choose(
                self,
                _tr("Remove stage"),
                QCoreApplication.translate(
                    "PipelineBoard", "“%1” holds %n deal(s). Move them to:", None, deals
                ).replace("%1", self._name(position)),
                [self._name(i) for i, _r in targets],
            )
            if choice is None:
                return
            self._removals[row.id] = targets[choice][1].id
            target_row = targets[choice][0]
            self._rows[target_row].deals += row.deals
            self._item(target_row, DEALS).setText(f"{self._rows[target_row].deals:,}")
        elif row.id is not None:
            self._removals[row.id] = None
        del self._rows[position]
        self.table.removeRow(position)
        self._update_buttons()

    def move_selected(self, step: int) -> None:
        position = self._selected()
        if position is None:
            return
        target = position + step
        if not (0 <= target < len(self._rows)) or not (
            self._rows[position].is_open and self._rows[target].is_open
        ):
            return
        values = [self._values(position), self._values(target)]
        rows = self._rows
        rows[position], rows[target] = rows[target], rows[position]
        self._set_values(position, *values[1])
        self._set_values(target, *values[0])
        self.table.selectRow(target)

    def _values(self, position: int) -> tuple[str, int, int, str]:
        return (
            self._name(position),
            self._spin(position, PROBABILITY).value(),
            self._spin(position, STALE).value(),
            self._item(position, DEALS).text(),
        )

    def _set_values(
        self, position: int, name: str, probability: int, stale: int, deals: str
    ) -> None:
        self._item(position, NAME).setText(name)
        self._spin(position, PROBABILITY).setValue(probability)
        self._spin(position, STALE).setValue(stale)
        self._item(position, DEALS).setText(deals)

    def _item(self, position: int, column: int) -> QTableWidgetItem:
        item = self.table.item(position, column)
        assert item is not None
        return item

    def _spin(self, position: int, column: int) -> QSpinBox:
        widget = self.table.cellWidget(position, column)
        assert isinstance(widget, QSpinBox)
        return widget

    def _name(self, position: int) -> str:
        item = self.table.item(position, NAME)
        return item.text() if item is not None else ""

    def _selected(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        position = self._selected()
        row = self._rows[position] if position is not None else None
        is_open = row is not None and row.is_open
        self.remove_button.setEnabled(is_open)
        self.up_button.setEnabled(is_open and position is not None and position > 0)
        self.down_button.setEnabled(
            is_open
            and position is not None
            and position + 1 < len(self._rows)
            and self._rows[position + 1].is_open
        )

    # ---- saving ----------------------------------------------------------------------------

    def drafts(self) -> list[StageDraft]:
        return [
            StageDraft(
                row.id,
                self._name(position),
                self._spin(position, PROBABILITY).value(),
                self._spin(position, STALE).value() or None,
            )
            for position, row in enumerate(self._rows)
        ]

    def save(self) -> None:
        if not self.loaded:
            return
        name = " ".join(self.name_edit.text().split())
        self._set_busy(True, _tr("Saving…"))
        run_in_background(
            _save,
            parent=self,
            on_done=self._on_saved,
            on_error=lambda message, _tb: self._set_busy(False, message),
            sessions=self._sessions,
            pipeline_id=self.pipeline.id,
            name=name if name != self.pipeline.name else None,
            drafts=self.drafts(),
            removals=dict(self._removals),
        )

    def _on_saved(self, changes: Changes) -> None:
        self._set_busy(False, "")
        self.saved.emit(changes)
        self.accept()

    def _set_busy(self, busy: bool, message: str) -> None:
        self.status.setText(message)
        self.button_box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)
        self.table.setEnabled(not busy)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()
