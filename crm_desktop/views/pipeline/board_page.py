"""The pipeline board page: a filter bar, a column per open stage, Won and Lost drop zones.

The board is read in the background (one query) and shown all at once. A move (drag and
drop, the context menu or a shortcut) changes the board at once and is saved in the
background, one move after another on a single-thread pool so that quick moves of the
same deal land in order; a failed move reloads the board and says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.changes import Changes
from crm_desktop.services.pipeline.board import (
    Board,
    BoardCard,
    BoardFilter,
    BoardOptions,
    StageInfo,
    adjust_totals,
    board_options,
    load_board,
)
from crm_desktop.services.pipeline.moves import MoveResult, move_deal
from crm_desktop.services.pipeline.stages import create_pipeline
from crm_desktop.views.pipeline.card_model import CARD_ROLE, StageCardModel
from crm_desktop.views.pipeline.column import StageColumn
from crm_desktop.views.pipeline.filter_bar import BoardFilterBar
from crm_desktop.views.pipeline.prompts import BoardPrompts, QtBoardPrompts
from crm_desktop.views.pipeline.zones import DropZone
from crm_desktop.views.worker import run_in_background

RELEASE_SLICE = 2000


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("PipelineBoard", text, None, n)


def _release(garbage: list[Any]) -> None:
    """Free a replaced board in a worker, a slice at a time.

    Freeing 100,000 cards takes about a tenth of a second; done in the GUI thread it would
    freeze the window for that long. The Board goes first (its tuples only point at cards
    the lists still hold), then the lists shrink in slices that let the GUI thread run.
    """
    lists = [item for item in garbage if isinstance(item, list)]
    garbage.clear()
    for cards in lists:
        while cards:
            del cards[-RELEASE_SLICE:]
            time.sleep(0)


class PipelineBoardPage(QWidget):
    """Kanban columns of a pipeline's open deals; emits what the window needs to know."""

    open_requested = Signal(object)  # a deal's uuid.UUID: show it in the deal form
    changes_made = Signal(object)  # Changes, for the window to broadcast
    message_posted = Signal(str)  # a line for the status bar
    load_failed = Signal(str)
    board_shown = Signal(object)  # Board, once it is on screen
    move_finished = Signal(object)  # MoveResult or an error message (str)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: QSettings | None = None,
        prompts: BoardPrompts | None = None,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._settings = settings or QSettings()
        self.prompts: BoardPrompts = prompts or QtBoardPrompts()
        self._today = today  # None: the real today at each load (tests fix a day)
        self.board: Board | None = None
        self.columns: list[StageColumn] = []
        self._options: BoardOptions | None = None
        self._pipeline_id = self._remembered_pipeline()
        self._generation = 0  # a load's answer counts only if nothing changed since
        self._loading = False
        self._dirty = True  # load when shown
        self._moves_pending = 0
        self._reload_after_moves = False
        self._own_changes: Changes | None = None
        self._active: StageColumn | None = None
        self._move_pool = QThreadPool(self)
        self._move_pool.setMaxThreadCount(1)
        self.setObjectName("pipelineBoard")
        self._build_filters()
        self._build_board()
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.board_area, 1)
        layout.addLayout(self._zone_bar)

    # ---- building --------------------------------------------------------------------------

    def _build_filters(self) -> None:
        bar = BoardFilterBar(self)
        bar.filters_changed.connect(self.apply_filters)
        bar.pipeline_chosen.connect(self.show_pipeline)
        bar.order_changed.connect(self._on_order_changed)
        self.filter_bar = bar
        # The bar's widgets by name, for scripts and tests.
        self.pipeline_combo = bar.pipeline_combo
        self.text_filter = bar.text_filter
        self.owner_filter = bar.owner_filter
        self.source_filter = bar.source_filter
        self.event_filter = bar.event_filter
        self.tag_filter = bar.tag_filter
        self.close_from = bar.close_from
        self.close_to = bar.close_to
        self.order_combo = bar.order_combo
        self.board_button = bar.board_button

    def _build_board(self) -> None:
        self.columns_host = QWidget()
        self.columns_host.setObjectName("boardColumns")
        self._columns_layout = QHBoxLayout(self.columns_host)
        self._columns_layout.setContentsMargins(0, 0, 0, 0)
        self._columns_layout.setSpacing(10)
        self._columns_layout.addStretch(0)  # only once every column is at its widest
        self.board_area = QScrollArea()
        self.board_area.setObjectName("boardScroll")
        self.board_area.setWidgetResizable(True)
        self.board_area.setFrameShape(QFrame.Shape.NoFrame)
        self.board_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.board_area.setWidget(self.columns_host)
        self.won_zone = DropZone("won")
        self.lost_zone = DropZone("lost")
        for zone in (self.won_zone, self.lost_zone):
            zone.deals_dropped.connect(self._on_deals_dropped, Qt.ConnectionType.QueuedConnection)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("boardSummary")
        self.summary_label.setMinimumWidth(220)
        bar = QHBoxLayout()
        bar.setSpacing(10)
        bar.addWidget(self.summary_label)
        bar.addWidget(self.won_zone, 1)
        bar.addWidget(self.lost_zone, 1)
        self._zone_bar = bar

    def _build_actions(self) -> None:
        def action(text: str, shortcut: str, slot: Any, name: str) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
            # Only while the cards have the keyboard: W and L are letters in the filter box.
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.board_area.addAction(act)
            return act

        self.open_action = action(_tr("&Open deal"), "Return", self.open_current, "openDeal")
        self.next_action = action(
            _tr("Move to &next stage"), "Ctrl+Shift+Right", lambda: self.step_current(1), "next"
        )
        self.previous_action = action(
            _tr("Move to &previous stage"),
            "Ctrl+Shift+Left",
            lambda: self.step_current(-1),
            "previous",
        )
        self.won_action = action(_tr("Mark as &won"), "W", lambda: self.close_current(True), "won")
        self.lost_action = action(
            _tr("Mark as &lost…"), "L", lambda: self.close_current(False), "lost"
        )
        enter = QAction(self)  # the keypad's Enter opens too
        enter.setShortcut(QKeySequence("Enter"))
        enter.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        enter.triggered.connect(self.open_current)
        self.board_area.addAction(enter)
        menu = QMenu(self.board_button)
        menu.setObjectName("boardMenu")
        for act in (
            self.open_action,
            self.next_action,
            self.previous_action,
            self.won_action,
            self.lost_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        self.edit_stages_action = menu.addAction(_tr("Edit stages…"), self.edit_stages)
        self.new_pipeline_action = menu.addAction(_tr("New pipeline…"), self.new_pipeline)
        menu.addAction(_tr("Reload"), self.reload)
        self.board_button.setMenu(menu)
        self._update_actions()

    # ---- loading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._options is None:
            self.load_options()
        if self._dirty:
            self.reload()

    def current_filter(self) -> BoardFilter:
        return self.filter_bar.board_filter(self._pipeline_id)

    def apply_filters(self) -> None:
        self.filter_bar.stop_pending()
        self.reload()

    def reload(self) -> None:
        """Read the board again in the background; the cards on screen stay until then."""
        self._dirty = False
        self._generation += 1
        generation = self._generation
        self._loading = True
        self.summary_label.setText(_tr("Loading…"))
        run_in_background(
            load_board,
            parent=self,
            on_done=lambda board: self._on_board_loaded(generation, board),
            on_error=lambda message, _tb: self._on_board_failed(generation, message),
            sessions=self._sessions,
            flt=self.current_filter(),
            today=self._today,
            order=self.filter_bar.order(),
        )

    def is_busy(self) -> bool:
        """Loading or saving a move (tests wait for this to end)."""
        return self._loading or self._moves_pending > 0

    def _on_board_loaded(self, generation: int, board: Board) -> None:
        if generation != self._generation:
            return  # a move or a newer filter came since: that answer is on its way
        self._loading = False
        if self._moves_pending:
            self._reload_after_moves = True
            return
        self._show_board(board)

    def _on_board_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.summary_label.setText(_tr("The board could not be read."))
        self.load_failed.emit(message)

    def _show_board(self, board: Board) -> None:
        selected = self.current_card()
        scrolls = {c.stage.id: c.view.verticalScrollBar().value() for c in self.columns}
        garbage: list[Any] = [self.board]  # the board replaced, freed off the GUI thread
        if [c.stage.id for c in self.columns] != [col.stage.id for col in board.columns]:
            garbage += [column.model.set_cards([]) for column in self.columns]
            self._rebuild_columns(board)
        for column, data in zip(self.columns, board.columns, strict=True):
            column.delegate.today = board.today
            garbage.append(column.model.set_cards(data.cards, data.stage, board.order))
            column.refresh_header(data.totals)
        for column in self.columns:
            if column.stage.id in scrolls:
                column.view.verticalScrollBar().setValue(scrolls[column.stage.id])
        self.board = board
        run_in_background(_release, garbage=garbage)
        self._pipeline_id = board.pipeline.id
        self.filter_bar.select_pipeline(board.pipeline.id)
        hint = _tr("Drop a deal here, or select it and press %1")
        self.won_zone.set_stage(board.won_stage, hint.replace("%1", "W"))
        self.lost_zone.set_stage(board.lost_stage, hint.replace("%1", "L"))
        if selected is not None:
            self._select_card(selected)
        self._update_summary()
        self._update_actions()
        self.board_shown.emit(board)

    def _rebuild_columns(self, board: Board) -> None:
        for column in self.columns:
            self._columns_layout.removeWidget(column)
            column.hide()
            column.deleteLater()
        self.columns = []
        self._active = None
        hint = _tr("Enter opens · Ctrl+Shift+→/← next/previous stage · W won · L lost")
        for position, data in enumerate(board.columns):
            model = StageCardModel(data.stage)
            model.tooltip_hint = lambda: hint
            model.order = self.filter_bar.order()
            model.deals_dropped.connect(self._on_deals_dropped, Qt.ConnectionType.QueuedConnection)
            column = StageColumn(model, self.columns_host)
            model.setParent(column)
            view = column.view
            view.activated.connect(self._on_view_activated)
            view.step_requested.connect(
                lambda step, c=column: self._on_view_step_requested(c, step)
            )
            view.selectionModel().selectionChanged.connect(
                lambda _selected, _deselected, c=column: self._on_selection_changed(c)
            )
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, c=column: self._on_view_context_menu(c, pos)
            )
            self._columns_layout.insertWidget(position, column, 1)
            self.columns.append(column)

    def _update_summary(self) -> None:
        board = self.board
        if board is None:
            self.summary_label.clear()
            return
        count = sum(c.model.rowCount() for c in self.columns)
        stale = sum(c.header.totals.stale for c in self.columns)
        text = (
            _tr("1 open deal") if count == 1 else _tr("%1 open deals").replace("%1", f"{count:,}")
        )
        if stale:
            text += " · " + _tr("%1 stale").replace("%1", f"{stale:,}")
        if dataclasses.replace(board.filter, pipeline_id=None) != BoardFilter():
            text += " · " + _tr("filtered")
        self.summary_label.setText(text)

    # ---- options ---------------------------------------------------------------------------

    def load_options(self) -> None:
        run_in_background(
            board_options,
            parent=self,
            on_done=self._on_options_loaded,
            on_error=lambda message, _tb: self.load_failed.emit(message),
            sessions=self._sessions,
        )

    def _on_options_loaded(self, options: BoardOptions) -> None:
        self._options = options
        if self.filter_bar.fill(options, self._pipeline_id):
            self.apply_filters()  # a chosen owner, source, event or tag is gone

    def show_pipeline(self, pipeline_id: uuid.UUID) -> None:
        self._pipeline_id = pipeline_id
        self._settings.setValue("board/pipeline", str(pipeline_id))
        self.filter_bar.select_pipeline(pipeline_id)
        self.reload()

    def _remembered_pipeline(self) -> uuid.UUID | None:
        value = self._settings.value("board/pipeline")
        try:
            return uuid.UUID(str(value)) if value else None
        except ValueError:
            return None

    def _on_order_changed(self, order: str) -> None:
        for column in self.columns:
            column.model.set_order(order)
        current = self.current_card()
        if current is not None:
            self._select_card(current)

    # ---- other pages' changes ----------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Reload when deals (or the names and stages they show) changed elsewhere."""
        if changes is self._own_changes:
            return  # the board shows its own move already
        if changes.users or changes.tags or changes.events or changes.pipelines or changes.settings:
            self.load_options()
        if (
            changes.deals
            or changes.companies
            or changes.users
            or changes.pipelines
            or changes.settings
        ):
            if self.isVisible():
                self.reload()
            else:
                self._dirty = True

    # ---- selection and keyboard --------------------------------------------------------------

    def current_card(self) -> BoardCard | None:
        column = self._active
        if column is None:
            return None
        rows = column.view.selectionModel().selectedRows()
        return column.model.card_at(rows[0].row()) if rows else None

    def column_of(self, deal_id: uuid.UUID) -> StageColumn | None:
        return next((c for c in self.columns if c.model.row_of(deal_id) is not None), None)

    def select_deal(self, deal_id: uuid.UUID) -> bool:
        """Select a card (and give its column the keyboard); False if it is not shown."""
        column = self.column_of(deal_id)
        if column is None:
            return False
        row = column.model.row_of(deal_id)
        assert row is not None
        self._select_row(column, row, focus=True)
        return True

    def _select_card(self, card: BoardCard) -> None:
        """Select this card again after a reload: a binary search in its stage's column."""
        column = self._column_of_stage(card.stage_id)
        row = column.model.find(card) if column is not None else None
        if column is not None and row is not None:
            self._select_row(column, row, focus=column.view.hasFocus())
        else:
            self.select_deal(card.id)  # it moved elsewhere meanwhile: look everywhere

    def _select_row(self, column: StageColumn, row: int, *, focus: bool) -> None:
        index = column.model.index(row)
        self._activate(column)
        column.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        column.view.scrollTo(index)
        if focus and self.isVisible() and self.window().isActiveWindow():
            column.view.setFocus()

    def _activate(self, column: StageColumn) -> None:
        """One selected card on the whole board: the others' selections are cleared."""
        if self._active is not column:
            for other in self.columns:
                if other is not column:
                    other.view.clearSelection()
        self._active = column
        self._update_actions()

    def _on_selection_changed(self, column: StageColumn) -> None:
        if column.view.selectionModel().hasSelection():
            self._activate(column)
        else:
            self._update_actions()

    def _on_view_step_requested(self, column: StageColumn, step: int) -> None:
        index = self.columns.index(column) + step
        if not 0 <= index < len(self.columns):
            return
        target = self.columns[index]
        current = column.view.currentIndex()
        y = column.view.visualRect(current).center().y() if current.isValid() else 0
        found = target.view.indexAt(QPoint(target.view.viewport().width() // 2, max(y, 1)))
        if not found.isValid() and target.model.rowCount():
            found = target.model.index(target.model.rowCount() - 1)
        self._activate(target)
        target.view.setFocus()
        if found.isValid():
            target.view.selectionModel().setCurrentIndex(
                found, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _on_view_activated(self, index: QModelIndex) -> None:
        card = index.data(CARD_ROLE) if index.isValid() else None
        if isinstance(card, BoardCard):
            self.open_requested.emit(card.id)

    def open_current(self) -> None:
        card = self.current_card()
        if card is not None:
            self.open_requested.emit(card.id)

    def _update_actions(self) -> None:
        has_card = self.current_card() is not None
        for act in (self.open_action, self.next_action, self.previous_action):
            act.setEnabled(has_card)
        board = self.board
        self.won_action.setEnabled(has_card and board is not None and board.won_stage is not None)
        self.lost_action.setEnabled(has_card and board is not None and board.lost_stage is not None)

    def _on_view_context_menu(self, column: StageColumn, pos: QPoint) -> None:
        index = column.view.indexAt(pos)
        if not index.isValid():
            return
        column.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.card_menu().popup(column.view.viewport().mapToGlobal(pos))

    def card_menu(self) -> QMenu:
        """Open, Move to ▸ each stage, Won, Lost: the selected card's actions."""
        menu = QMenu(self)
        menu.setObjectName("cardMenu")
        menu.addAction(self.open_action)
        card = self.current_card()
        move_to = menu.addMenu(_tr("Move to"))
        for column in self.columns:
            act = move_to.addAction(column.stage.name)
            act.setEnabled(card is not None and card.stage_id != column.stage.id)
            act.triggered.connect(
                lambda _checked=False, s=column.stage.id: self._move_current_to(s)
            )
        menu.addAction(self.next_action)
        menu.addAction(self.previous_action)
        menu.addSeparator()
        menu.addAction(self.won_action)
        menu.addAction(self.lost_action)
        return menu

    # ---- moving ----------------------------------------------------------------------------

    def step_current(self, step: int) -> None:
        """Ctrl+Shift+Right / Left: the selected deal to the next / previous open stage."""
        card = self.current_card()
        column = self._active
        if card is None or column is None:
            return
        index = self.columns.index(column) + step
        if 0 <= index < len(self.columns):
            self.move_card(card, self.columns[index].stage.id)

    def close_current(self, won: bool) -> None:
        """W / L: the selected deal to Won, or to Lost (asking why)."""
        card = self.current_card()
        board = self.board
        stage = None if board is None else board.won_stage if won else board.lost_stage
        if card is not None and stage is not None:
            self.move_card(card, stage.id)

    def _move_current_to(self, stage_id: uuid.UUID) -> None:
        card = self.current_card()
        if card is not None:
            self.move_card(card, stage_id)

    def _on_deals_dropped(
        self, deals: list[tuple[uuid.UUID, uuid.UUID]], stage_id: uuid.UUID
    ) -> None:
        for deal_id, from_stage in deals:
            self.move_deal(deal_id, stage_id, from_stage)

    def stage(self, stage_id: uuid.UUID) -> StageInfo | None:
        board = self.board
        return next((s for s in board.stages if s.id == stage_id), None) if board else None

    def move_deal(
        self, deal_id: uuid.UUID, stage_id: uuid.UUID, from_stage: uuid.UUID | None = None
    ) -> bool:
        """Move a deal's card now and save the move in the background; False if it did not.

        `from_stage` (where a drag came from) saves looking through every column.
        """
        source = self._column_of_stage(from_stage)
        if source is None or source.model.row_of(deal_id) is None:
            source = self.column_of(deal_id)
        if source is None:
            return False
        card = source.model.card_at(source.model.row_of(deal_id) or 0)
        return card is not None and self.move_card(card, stage_id)

    def move_card(self, card: BoardCard, stage_id: uuid.UUID) -> bool:
        source = self._column_of_stage(card.stage_id)
        stage = self.stage(stage_id)
        if source is None or stage is None or source.stage.id == stage_id:
            return False
        reason = None
        if stage.is_lost:
            reasons = self._options.lost_reasons if self._options else ()
            reason = self.prompts.ask_lost_reason(self, card.title, reasons)
            if reason is None or not reason.strip():
                return False
        if not self._show_move(source, card, stage):
            return False
        self._generation += 1  # a load under way predates this move
        if self._loading:
            self._loading = False
            self._reload_after_moves = True
        self._moves_pending += 1
        run_in_background(
            move_deal,
            parent=self,
            pool=self._move_pool,
            on_done=self._on_move_saved,
            on_error=lambda message, _tb: self._on_move_failed(card.title, message),
            sessions=self._sessions,
            deal_id=card.id,
            stage_id=stage_id,
            lost_reason=reason,
        )
        return True

    def _column_of_stage(self, stage_id: uuid.UUID | None) -> StageColumn | None:
        return next((c for c in self.columns if c.stage.id == stage_id), None)

    def _show_move(self, source: StageColumn, card: BoardCard, stage: StageInfo) -> bool:
        """The optimistic part: the card leaves its column and joins the target's.

        Rows are found by binary search and the two headers adjusted by this one card:
        with tens of thousands of cards a move still costs the GUI thread almost nothing.
        """
        had_focus = source.view.hasFocus()
        row = source.model.take(card)
        if row is None:
            return False
        source.refresh_header(adjust_totals(source.header.totals, card, source.stage, -1))
        target = self._column_of_stage(stage.id)
        if target is not None:
            moved = card._replace(stage=stage.id.int, days_in_stage=0, stale=False)
            new_row = target.model.put(moved)
            target.refresh_header(adjust_totals(target.header.totals, moved, target.stage, 1))
            self._select_row(target, new_row, focus=had_focus)
        elif source.model.rowCount():
            # Won or Lost: the card leaves the board; the next one in its column is selected.
            self._select_row(source, min(row, source.model.rowCount() - 1), focus=had_focus)
        else:
            self._update_actions()
        self._update_summary()
        verb = _tr("Moving “%1” to %2…")
        self.message_posted.emit(verb.replace("%1", card.title).replace("%2", stage.name))
        return True

    def _on_move_saved(self, result: MoveResult) -> None:
        self._moves_pending -= 1
        done = _tr("“%1” moved to %2.")
        self.message_posted.emit(
            done.replace("%1", result.title).replace("%2", result.to_stage_name)
        )
        self._emit_own(result.changes)
        self._after_move()
        self.move_finished.emit(result)

    def _on_move_failed(self, title: str, message: str) -> None:
        self._moves_pending -= 1
        self._reload_after_moves = True
        text = _tr("“%1” was not moved: %2").replace("%1", title).replace("%2", message)
        self.message_posted.emit(text)
        self._after_move()
        self.prompts.show_error(
            self, _tr("Pipeline"), text + "\n\n" + _tr("The board is reloaded.")
        )
        self.move_finished.emit(message)

    def _after_move(self) -> None:
        if self._moves_pending == 0 and self._reload_after_moves:
            self._reload_after_moves = False
            self.reload()

    # ---- stages and pipelines ----------------------------------------------------------------

    def edit_stages(self) -> None:
        from crm_desktop.views.pipeline.stage_editor import StageEditorDialog

        if self.board is None:
            return
        dialog = StageEditorDialog(self._sessions, self.board.pipeline, self.prompts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_stages_saved)
        self.stage_editor = dialog
        dialog.open()

    def new_pipeline(self) -> None:
        name = self.prompts.ask_text(self, _tr("New pipeline"), _tr("Name of the new pipeline:"))
        if not name or not name.strip():
            return
        run_in_background(
            create_pipeline,
            parent=self,
            on_done=self._on_pipeline_created,
            on_error=lambda message, _tb: self.prompts.show_error(
                self, _tr("New pipeline"), message
            ),
            sessions=self._sessions,
            name=name,
        )

    def _on_pipeline_created(self, pipeline: Any) -> None:
        self._pipeline_id = pipeline.id
        self._settings.setValue("board/pipeline", str(pipeline.id))
        self._on_stages_saved(Changes(pipelines=True))

    def _on_stages_saved(self, changes: Changes) -> None:
        """After the stage editor or a new pipeline: tell the window, read the board again."""
        self._emit_own(changes)
        self.load_options()
        self.reload()

    def _emit_own(self, changes: Changes) -> None:
        self._own_changes = changes
        try:
            self.changes_made.emit(changes)
        finally:
            self._own_changes = None

    def view_of(self, stage_name: str) -> QAbstractItemView:
        """The card list of a stage, by name (for tests and scripts)."""
        return next(c.view for c in self.columns if c.stage.name == stage_name)
