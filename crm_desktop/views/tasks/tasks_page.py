"""The Tasks page: overdue, today, upcoming and done to-dos of one owner (or everyone).

Keyboard first: Space (or Ctrl+Enter) checks off the selected to-dos (reopens them in
Done), Ctrl+T moves them to tomorrow, Ctrl+Shift+N to next Monday, Ctrl+D asks for a
date; Enter opens the linked record. Lists load in the background; changes are saved
on a one-thread pool, so they land in the order they were made. The page reloads every
minute while shown, so "Today" rolls over at local midnight and due tasks turn red.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import utcnow
from crm_desktop.services.activities import schedule
from crm_desktop.services.activities.schedule import Bucket, local_zone
from crm_desktop.services.activities.store import SavedActivity, reassign, reschedule, set_done
from crm_desktop.services.activities.tasks import TaskList, TaskOptions, TaskRow, list_tasks
from crm_desktop.services.activities.tasks import task_options as read_task_options
from crm_desktop.services.changes import Changes
from crm_desktop.views.activities.activity_dialog import ActivityDialog
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.tasks.reschedule_dialog import ask_reschedule_date
from crm_desktop.views.tasks.task_model import TaskTableModel
from crm_desktop.views.worker import run_in_background

ME = "me"  # the owner filter's "Me" entry; "" is everyone


def _tr(text: str) -> str:
    return QCoreApplication.translate("TasksPage", text)


def _reschedule_many(
    sessions: sessionmaker[Session], moves: Sequence[tuple[uuid.UUID, dt.datetime]]
) -> Changes:
    changes = Changes()
    for activity_id, when in moves:
        changes |= reschedule(sessions, activity_id, when)
    return changes


class TasksPage(QWidget):
    changes_made = Signal(object)  # Changes, for the window to broadcast
    open_requested = Signal(str, object)  # page name ("deals", ...), record id
    load_failed = Signal(str)
    loaded = Signal(object)  # TaskList, once on screen (tests wait for it)

    RELOAD_MS = 60_000
    SETTINGS_OWNER = "tasks/owner"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: QSettings,
        prompts: Prompts | None = None,
        parent: QWidget | None = None,
        *,
        zone: dt.tzinfo | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._settings = settings
        self._prompts: Prompts = prompts or QtPrompts()
        self.zone = zone or local_zone()
        self.clock = clock
        # Tests put a scripted one here: (parent, due, zone) -> new due or None.
        self.ask_date: Callable[[QWidget, dt.datetime, dt.tzinfo], dt.datetime | None] = (
            ask_reschedule_date
        )
        self.bucket = Bucket.TODAY
        # Until the user picks a list, the page opens on the first one that has something:
        # not "Today (0)" while "Overdue (1)" waits.
        self._bucket_chosen = False
        self._pick_bucket = True
        self.options: TaskOptions | None = None
        self.task_list: TaskList | None = None
        self._generation = 0
        self._loading = False
        self._options_loading = False
        self._saves_pending = 0
        self._dirty = True
        self._own_changes: Changes | None = None
        self._keep_row = 0
        self._save_pool = QThreadPool(self)
        self._save_pool.setMaxThreadCount(1)
        self.model = TaskTableModel(self)
        self._build()
        self._build_actions()
        self._timer = QTimer(self)
        self._timer.setInterval(self.RELOAD_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    # ---- building --------------------------------------------------------------------------

    def _build(self) -> None:
        self.bucket_buttons: dict[Bucket, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        bar = QHBoxLayout()
        bar.setSpacing(0)
        for bucket in Bucket:
            button = QToolButton()
            button.setObjectName(f"bucket_{bucket.value}")
            button.setCheckable(True)
            button.setProperty("bucket", True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(110)
            button.clicked.connect(lambda _c=False, b=bucket: self.set_bucket(b))
            group.addButton(button)
            bar.addWidget(button)
            self.bucket_buttons[bucket] = button
        self.bucket_buttons[self.bucket].setChecked(True)
        # The chosen list stands out like a selected tab.
        self.setStyleSheet(
            "QToolButton[bucket='true'] { padding: 3px 10px; }"
            "QToolButton[bucket='true']:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border: 1px solid palette(highlight); }"
        )
        self._refresh_bucket_titles()
        bar.addSpacing(16)
        bar.addStretch(1)
        bar.addWidget(QLabel(_tr("Owner:")))
        self.owner_filter = QComboBox()
        self.owner_filter.setObjectName("taskOwnerFilter")
        self.owner_filter.setMinimumContentsLength(14)
        self.owner_filter.addItem(_tr("Me"), ME)
        self.owner_filter.addItem(_tr("Everyone"), "")
        saved = str(self._settings.value(self.SETTINGS_OWNER, ME) or "")
        self.owner_filter.setCurrentIndex(max(self.owner_filter.findData(saved), 0))
        self._wanted_owner = saved
        self.owner_filter.currentIndexChanged.connect(self._on_owner_filter_changed)
        bar.addWidget(self.owner_filter)

        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next field
        self.table.setObjectName("tasksTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # Subject and linked records share the width: the links name who it is about.
        header.setSectionResizeMode(TaskTableModel.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TaskTableModel.LINKS, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (TaskTableModel.KIND, 80),
            (TaskTableModel.DUE, 170),
            (TaskTableModel.OWNER, 120),
            (TaskTableModel.DONE, 170),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())

        self.status_label = QLabel()
        self.status_label.setObjectName("tasksStatus")
        self.status_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        self.new_button = QPushButton(_tr("New task…"))
        self.new_button.setObjectName("newTask")
        self.new_button.setToolTip(_tr("Schedule a task (you can link it to a record)"))
        self.new_button.clicked.connect(lambda: self.open_dialog())
        bottom.addWidget(self.new_button)
        self.dialog: ActivityDialog | None = None  # the one open, for tests

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._bar = bar
        self._show_done_column()

    def _build_actions(self) -> None:
        def action(
            name: str, text: str, shortcuts: Sequence[str], slot: Callable[[], None], table: bool
        ) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.triggered.connect(slot)
            if table:
                # Space and Enter only in the list: in the owner box they mean something else.
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.table.addAction(act)
            else:
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(act)
            return act

        self.check_action = action(
            "checkOff", _tr("Check off"), ["Space", "Ctrl+Return", "Ctrl+Enter"],
            self.toggle_done, True,
        )  # fmt: skip
        self.open_action = action(
            "openRecord", _tr("Open linked record"), ["Return", "Enter"], self.open_current, True
        )
        self.tomorrow_action = action(
            "tomorrow", _tr("Tomorrow"), ["Ctrl+T"], self.move_to_tomorrow, False
        )
        self.next_week_action = action(
            "nextWeek", _tr("Next week"), ["Ctrl+Shift+N"], self.move_to_next_week, False
        )
        self.date_action = action(
            "rescheduleDate", _tr("Reschedule to a date…"), ["Ctrl+D"], self.move_to_date, False
        )
        self.reload_action = action("reloadTasks", _tr("Reload"), [], self.reload, False)
        self._update_actions()

    # ---- public API ------------------------------------------------------------------------

    def set_bucket(self, bucket: Bucket) -> None:
        """Show one list; the page then keeps it when shown again."""
        self._bucket_chosen = True
        self._pick_bucket = False
        self._show_bucket(bucket)

    def _show_bucket(self, bucket: Bucket) -> None:
        if bucket is not self.bucket:
            self.bucket = bucket
            self._keep_row = 0
            self.model.set_rows((), self.clock(), self.zone)
        self.bucket_buttons[bucket].setChecked(True)
        self._show_done_column()
        self._update_actions()
        self.reload()

    def owner_choice(self) -> uuid.UUID | None:
        """The owner the lists are for; None is everyone."""
        data = self.owner_filter.currentData()
        if data == ME:
            return self.options.me if self.options else None
        return uuid.UUID(data) if data else None

    def selected_rows(self) -> list[TaskRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = [self.model.row_at(r) for r in rows]
        return [row for row in found if row is not None]

    def is_busy(self) -> bool:
        """Loading or saving (tests wait for this to end)."""
        return self._loading or self._options_loading or self._saves_pending > 0

    def apply_changes(self, changes: Changes) -> None:
        """Reload when to-dos, or the names and owners they show, changed elsewhere."""
        if changes is self._own_changes:
            return  # this page reloads after its own saves already
        if changes.users:
            self.options = None  # the owner list is read again with the next load
        if (
            changes.activities
            or changes.users
            or changes.leads
            or changes.contacts
            or changes.companies
            or changes.deals
        ):
            if self.isVisible():
                self.reload()
            else:
                self._dirty = True

    def reload(self) -> None:
        """Read the current list again in the background; the rows on screen stay until then."""
        self._dirty = False
        if self.options is None:
            self._load_options()
            return
        self._generation += 1
        generation = self._generation
        self._loading = True
        now = self.clock()
        run_in_background(
            list_tasks,
            parent=self,
            on_done=lambda result: self._on_list_loaded(generation, result),
            on_error=lambda message, _tb: self._on_list_failed(generation, message),
            sessions=self._sessions,
            bucket=self.bucket,
            owner_id=self.owner_choice(),
            now=now,
            zone=self.zone,
        )

    # ---- actions on the selection ----------------------------------------------------------

    def toggle_done(self) -> None:
        """Check off the selected to-dos; in Done, reopen them."""
        rows = self.selected_rows()
        if rows:
            self._save(set_done, activity_ids=[r.id for r in rows], done=self.bucket != Bucket.DONE)

    def move_to_tomorrow(self) -> None:
        now = self.clock()
        self._move(lambda row: schedule.tomorrow(row.occurs_at, now, self.zone))

    def move_to_next_week(self) -> None:
        now = self.clock()
        self._move(lambda row: schedule.next_week(row.occurs_at, now, self.zone))

    def move_to_date(self) -> None:
        rows = self._open_selection()
        if not rows:
            return
        when = self.ask_date(self, rows[0].occurs_at, self.zone)
        if when is not None:
            self._save(_reschedule_many, moves=[(row.id, when) for row in rows])

    def reassign_to(self, owner_id: uuid.UUID) -> None:
        rows = self.selected_rows()
        if rows:
            self._save(reassign, activity_ids=[r.id for r in rows], owner_id=owner_id)

    def open_dialog(self, activity_id: uuid.UUID | None = None) -> ActivityDialog:
        """The activity dialog: a new task, or the to-do given, not modal."""
        dialog = ActivityDialog(
            self._sessions, self, kind="task", activity_id=activity_id, zone=self.zone
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_dialog_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_current(self) -> None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.open_dialog(row.id)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        link = row.first_link() if row else None
        if link is None:
            self._set_status(_tr("This to-do is not linked to a record."))
            return
        self.open_requested.emit(link.kind, link.id)

    def context_menu(self) -> QMenu:
        """The actions on the selection, with Open ▸ each link and Reassign to ▸ each user."""
        menu = QMenu(self)
        menu.setObjectName("tasksMenu")
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None and row.links:
            open_menu = menu.addMenu(_tr("Open"))
            for link in row.links:
                act = open_menu.addAction(link.label or link.kind)
                act.triggered.connect(
                    lambda _c=False, k=link.kind, i=link.id: self.open_requested.emit(k, i)
                )
            menu.addSeparator()
        if row is not None:
            menu.addAction(_tr("Edit…")).triggered.connect(lambda _c=False: self.edit_current())
        for act in (self.check_action, self.tomorrow_action, self.next_week_action):
            menu.addAction(act)
        menu.addAction(self.date_action)
        reassign_menu = menu.addMenu(_tr("Reassign to"))
        reassign_menu.setObjectName("reassignMenu")
        reassign_menu.setEnabled(bool(self.selected_rows()) and self.options is not None)
        for option in self.options.owners if self.options else ():
            act = reassign_menu.addAction(option.label)
            act.triggered.connect(lambda _c=False, i=option.id: self.reassign_to(uuid.UUID(i)))
        return menu

    # ---- loading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._pick_bucket = not self._bucket_chosen
        if self._dirty or self._pick_bucket:
            self.reload()  # fresh counts to open on the first list that has something

    def _open_first_bucket(self) -> bool:
        """On opening: the first of Overdue, Today, Upcoming that has something.

        True if that is another list than the one shown (it is being read).
        """
        if not self._pick_bucket or self.task_list is None:
            return False
        self._pick_bucket = False
        counts = self.task_list.counts
        first = next(
            (b for b in (Bucket.OVERDUE, Bucket.TODAY, Bucket.UPCOMING) if counts.of(b)),
            Bucket.TODAY,
        )
        if first is self.bucket:
            return False
        self._show_bucket(first)
        return True

    def _on_timer_timeout(self) -> None:
        if self.isVisible() and not self.is_busy():
            self.reload()
        else:
            self._dirty = True

    def _load_options(self) -> None:
        if self._options_loading:
            return
        self._options_loading = True
        run_in_background(
            read_task_options,
            parent=self,
            on_done=self._on_options_loaded,
            on_error=self._on_options_failed,
            sessions=self._sessions,
        )

    def _on_options_loaded(self, options: TaskOptions) -> None:
        self._options_loading = False
        self.options = options
        combo = self.owner_filter
        current = combo.currentData() if combo.count() > 2 else self._wanted_owner
        combo.blockSignals(True)
        while combo.count() > 2:
            combo.removeItem(2)
        for option in options.owners:
            if uuid.UUID(option.id) != options.me:
                combo.addItem(option.label, option.id)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)
        self.reload()

    def _on_options_failed(self, message: str, _trace: str) -> None:
        self._options_loading = False
        self._dirty = True
        self._set_status(_tr("The tasks could not be read: %1").replace("%1", message), True)
        self.load_failed.emit(message)

    def _on_list_loaded(self, generation: int, result: TaskList) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if self._saves_pending:
            return  # a newer list comes after the saves
        self.task_list = result
        if self._open_first_bucket():
            self._refresh_bucket_titles()
            return  # the list that has something is on its way
        self.model.set_rows(result.rows, result.now, self.zone)
        self._refresh_bucket_titles()
        self._restore_selection()
        if result.truncated:
            text = _tr("Showing the first %1.").replace("%1", f"{len(result.rows):,}")
        elif not result.rows:
            text = self._empty_text()
        else:
            text = ""
        self._set_status(text)
        self._update_actions()
        self.loaded.emit(result)

    def _on_list_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._dirty = True
        self._set_status(_tr("The tasks could not be read: %1").replace("%1", message), True)
        self.load_failed.emit(message)

    # ---- saving ----------------------------------------------------------------------------

    def _save(self, fn: Callable[..., Changes], **kwargs: Any) -> None:
        self._keep_row = max(self.table.currentIndex().row(), 0)
        self._saves_pending += 1
        run_in_background(
            fn,
            parent=self,
            pool=self._save_pool,
            on_done=self._on_saved,
            on_error=self._on_save_failed,
            sessions=self._sessions,
            **kwargs,
        )

    def _on_saved(self, changes: Changes) -> None:
        self._saves_pending -= 1
        self._own_changes = changes
        self.changes_made.emit(changes)
        if not self._saves_pending:
            self.reload()

    def _on_dialog_saved(self, saved: SavedActivity) -> None:
        self._own_changes = saved.changes
        self.changes_made.emit(saved.changes)
        self.reload()

    def _on_save_failed(self, message: str, _trace: str) -> None:
        self._saves_pending -= 1
        self._set_status(_tr("Not saved: %1").replace("%1", message), True)
        if not self._saves_pending:
            self.reload()

    def _move(self, when: Callable[[TaskRow], dt.datetime]) -> None:
        rows = self._open_selection()
        if rows:
            self._save(_reschedule_many, moves=[(row.id, when(row)) for row in rows])

    def _open_selection(self) -> list[TaskRow]:
        return [row for row in self.selected_rows() if not row.done]

    # ---- small things ----------------------------------------------------------------------

    def _on_owner_filter_changed(self, _index: int) -> None:
        self._settings.setValue(self.SETTINGS_OWNER, self.owner_filter.currentData())
        self._keep_row = 0
        self.reload()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.table.setCurrentIndex(index)
        self.open_current()

    def _on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row()):
            self.select_row(index.row())
        self.context_menu().popup(self.table.viewport().mapToGlobal(pos))

    def _restore_selection(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.select_row(min(self._keep_row, self.model.rowCount() - 1))

    def select_row(self, row: int) -> None:
        """Select one row (QTableView.selectRow would toggle it while Ctrl is held)."""
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, TaskTableModel.SUBJECT), flags
        )

    def _refresh_bucket_titles(self) -> None:
        counts = self.task_list.counts if self.task_list else None
        titles = {
            Bucket.OVERDUE: _tr("Overdue"),
            Bucket.TODAY: _tr("Today"),
            Bucket.UPCOMING: _tr("Upcoming"),
            Bucket.DONE: _tr("Done"),
        }
        for bucket, button in self.bucket_buttons.items():
            text = titles[bucket]
            if counts is not None and bucket is not Bucket.DONE:
                text += f" ({counts.of(bucket):,})"
            button.setText(text)
        overdue = self.bucket_buttons[Bucket.OVERDUE]
        overdue.setStyleSheet(
            "QToolButton { font-weight: bold; } QToolButton:!checked { color: #c62828; }"
            if counts is not None and counts.overdue
            else ""
        )

    def _show_done_column(self) -> None:
        self.table.setColumnHidden(TaskTableModel.DONE, self.bucket is not Bucket.DONE)

    def _update_actions(self) -> None:
        done_list = self.bucket is Bucket.DONE
        self.check_action.setText(_tr("Reopen") if done_list else _tr("Check off"))
        has_selection = bool(self.table.selectionModel().selectedRows())
        self.check_action.setEnabled(has_selection)
        for act in (self.tomorrow_action, self.next_week_action, self.date_action):
            act.setEnabled(has_selection and not done_list)

    def _empty_text(self) -> str:
        return {
            Bucket.OVERDUE: _tr("Nothing overdue."),
            Bucket.TODAY: _tr("Nothing more due today."),
            Bucket.UPCOMING: _tr("Nothing planned after today."),
            Bucket.DONE: _tr("Nothing done that was due in the last 30 days."),
        }[self.bucket]

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #c62828;" if error else "")
        self.status_label.setText(text)
