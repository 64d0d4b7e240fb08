"""The board's bar: the pipeline switcher, the filters, the order of the cards, the menu."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QCoreApplication, QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from crm_desktop.services.listing import Option
from crm_desktop.services.pipeline.board import BoardFilter, BoardOptions
from crm_desktop.views.date_edits import DateEdit

ORDERS = ("close", "amount", "age", "title")
ANY_DATE = QDate(2000, 1, 1)  # the date edits show "any" here: no limit


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


class BoardFilterBar(QWidget):
    """Pipeline, text, owner, source, event, tag, expected close range, card order."""

    filters_changed = Signal()  # a filter changed (after a short pause while typing)
    pipeline_chosen = Signal(object)  # the pipeline's uuid.UUID
    order_changed = Signal(str)  # a key of CARD_ORDERS

    DELAY_MS = 250

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.filters_changed)
        self.pipeline_combo = self._compact_combo("pipelineCombo", _tr("The pipeline on the board"))
        self.pipeline_combo.currentIndexChanged.connect(self._on_pipeline_combo_changed)
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("boardTextFilter")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setPlaceholderText(_tr("Deal or company…"))
        self.text_filter.setMinimumWidth(110)
        self.text_filter.textChanged.connect(lambda _t: self._timer.start())
        self.owner_filter = self._choice("boardOwnerFilter", _tr("All owners"))
        self.source_filter = self._choice("boardSourceFilter", _tr("All sources"))
        self.event_filter = self._choice("boardEventFilter", _tr("All events"))
        self.tag_filter = self._choice("boardTagFilter", _tr("All tags"))
        self.close_from = self._date_edit("closeFrom", _tr("Expected close on or after"))
        self.close_to = self._date_edit("closeTo", _tr("Expected close on or before"))
        self.order_combo = self._compact_combo(
            "orderCombo", _tr("Order of the cards in each column")
        )
        labels = (_tr("Close date"), _tr("Largest first"), _tr("Longest in stage"), _tr("Title"))
        for key, label in zip(ORDERS, labels, strict=True):
            self.order_combo.addItem(label, key)
        self.order_combo.currentIndexChanged.connect(
            lambda _i: self.order_changed.emit(self.order())
        )
        self.board_button = QPushButton(_tr("Board"))
        self.board_button.setObjectName("boardMenuButton")
        self.board_button.setToolTip(
            _tr("Move the selected deal (with its shortcuts), edit the stages, add a pipeline")
        )
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        bar.addWidget(self.pipeline_combo, 1)
        bar.addWidget(self.text_filter, 2)
        for combo in (self.owner_filter, self.source_filter, self.event_filter, self.tag_filter):
            bar.addWidget(combo, 1)
        bar.addWidget(QLabel(_tr("Close")))
        bar.addWidget(self.close_from)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.close_to)
        bar.addWidget(self.order_combo)
        bar.addWidget(self.board_button)

    def _compact_combo(self, name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        # Narrow at least: the bar fits a 1280-pixel window beside the sidebar.
        combo.setMinimumContentsLength(6)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _choice(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setMinimumContentsLength(4)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(lambda _i: self._timer.start())
        return combo

    def _date_edit(self, name: str, tip: str) -> QDateEdit:
        edit = DateEdit()
        edit.setObjectName(name)
        edit.setToolTip(tip)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(ANY_DATE)
        edit.setSpecialValueText(_tr("any"))  # shown at the minimum date: no limit
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(ANY_DATE)
        edit.dateChanged.connect(lambda _d: self._timer.start())
        return edit

    # ---- values ----------------------------------------------------------------------------

    def board_filter(self, pipeline_id: uuid.UUID | None) -> BoardFilter:
        def ident(combo: QComboBox) -> uuid.UUID | None:
            data = combo.currentData()
            return uuid.UUID(data) if data else None

        def day(edit: QDateEdit) -> dt.date | None:
            date = edit.date()
            return None if date <= ANY_DATE else dt.date(date.year(), date.month(), date.day())

        return BoardFilter(
            pipeline_id=pipeline_id,
            owner_id=ident(self.owner_filter),
            source_id=ident(self.source_filter),
            event_id=ident(self.event_filter),
            tag_id=ident(self.tag_filter),
            close_from=day(self.close_from),
            close_to=day(self.close_to),
            text=self.text_filter.text().strip(),
        )

    def order(self) -> str:
        return str(self.order_combo.currentData() or "close")

    def stop_pending(self) -> None:
        """A reload is starting anyway: the pending filter change is in it."""
        self._timer.stop()

    # ---- choices ---------------------------------------------------------------------------

    def fill(self, options: BoardOptions, pipeline_id: uuid.UUID | None) -> bool:
        """New choices for every list; True if a chosen owner, source, event or tag is gone."""
        combo = self.pipeline_combo
        combo.blockSignals(True)
        combo.clear()
        for pipeline in options.pipelines:
            combo.addItem(pipeline.name, str(pipeline.id))
        combo.blockSignals(False)
        self.select_pipeline(pipeline_id)
        gone = False
        gone |= self._fill(self.owner_filter, options.owners)
        gone |= self._fill(self.source_filter, options.sources)
        gone |= self._fill(self.event_filter, options.events)
        gone |= self._fill(self.tag_filter, options.tags)
        return gone

    def _fill(self, combo: QComboBox, options: tuple[Option, ...]) -> bool:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for option in options:
            combo.addItem(option.label, option.id)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        return index < 0

    def select_pipeline(self, pipeline_id: uuid.UUID | None) -> None:
        """Show this pipeline in the switcher without announcing it."""
        if pipeline_id is None:
            return
        index = self.pipeline_combo.findData(str(pipeline_id))
        if index >= 0 and index != self.pipeline_combo.currentIndex():
            self.pipeline_combo.blockSignals(True)
            self.pipeline_combo.setCurrentIndex(index)
            self.pipeline_combo.blockSignals(False)

    def _on_pipeline_combo_changed(self, _index: int) -> None:
        data = self.pipeline_combo.currentData()
        if data:
            self.pipeline_chosen.emit(uuid.UUID(data))
