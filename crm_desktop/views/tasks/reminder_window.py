"""The Reminders window: the reminders shown so far, each with Open, Snooze and Done.

It is not modal and does not take the focus when it appears, so a reminder never
interrupts typing. A reminder leaves the list when it is snoozed, done or dismissed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.activities.reminders import Reminder
from crm_desktop.views.tasks.task_model import kind_text, local_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Snooze:
    """The snooze menu's choices."""

    TEN_MINUTES = "10m"
    ONE_HOUR = "1h"
    TOMORROW_9 = "tomorrow"


class ReminderWindow(QDialog):
    open_requested = Signal(str, object)  # page name, record id
    snooze_requested = Signal(object, str)  # activity id, a Snooze choice
    done_requested = Signal(object)  # activity id

    def __init__(self, zone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderWindow")
        self.setWindowTitle(self.tr("Reminders"))
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.zone = zone
        self.reminders: dict[uuid.UUID, Reminder] = {}
        self.tree = QTreeWidget()
        self.tree.setObjectName("reminderList")
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHeaderLabels([self.tr("Subject"), self.tr("Due"), self.tr("Linked to")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(1, 150)
        self.tree.setColumnWidth(2, 200)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.open_current())
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())

        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setObjectName("reminderOpen")
        self.open_button.clicked.connect(self.open_current)
        self.snooze_button = QToolButton()
        self.snooze_button.setObjectName("reminderSnooze")
        self.snooze_button.setText(self.tr("&Snooze"))
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze_menu = QMenu(self.snooze_button)
        for choice, text in (
            (Snooze.TEN_MINUTES, self.tr("10 minutes")),
            (Snooze.ONE_HOUR, self.tr("1 hour")),
            (Snooze.TOMORROW_9, self.tr("Tomorrow 09:00")),
        ):
            action = self.snooze_menu.addAction(text)
            action.setObjectName(f"snooze_{choice}")
            action.triggered.connect(lambda _c=False, c=choice: self.snooze_current(c))
        self.snooze_button.setMenu(self.snooze_menu)
        self.done_button = QPushButton(self.tr("&Done"))
        self.done_button.setObjectName("reminderDone")
        self.done_button.clicked.connect(self.done_current)
        self.dismiss_button = QPushButton(self.tr("D&ismiss"))
        self.dismiss_button.setToolTip(self.tr("Take it off this list; the task stays as it is"))
        self.dismiss_button.clicked.connect(self._dismiss_current)
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.hide)
        self.hint = QLabel()
        self.hint.setWordWrap(True)

        buttons = QHBoxLayout()
        for widget in (self.open_button, self.snooze_button, self.done_button, self.dismiss_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.resize(620, 260)
        self._update_buttons()

    def add_reminders(self, reminders: Iterable[Reminder], now: dt.datetime) -> None:
        today = now.astimezone(self.zone).date()
        for reminder in reminders:
            if reminder.id in self.reminders:
                self.remove(reminder.id)
            self.reminders[reminder.id] = reminder
            item = QTreeWidgetItem(
                [
                    f"{kind_text(reminder.kind)}: {reminder.subject}",
                    local_text(reminder.occurs_at, self.zone, today),
                    " · ".join(link.label for link in reminder.links),
                ]
            )
            item.setData(0, ID_ROLE, reminder.id)
            item.setToolTip(0, reminder.subject)
            self.tree.addTopLevelItem(item)
        items = self._items()
        if self.tree.currentItem() is None and items:
            self.tree.setCurrentItem(items[0])
        self._update_buttons()

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def remove(self, activity_id: uuid.UUID) -> None:
        self.reminders.pop(activity_id, None)
        for index, item in enumerate(self._items()):
            if item.data(0, ID_ROLE) == activity_id:
                self.tree.takeTopLevelItem(index)
                break
        self._update_buttons()
        if not self.reminders:
            self.hide()

    def current(self) -> Reminder | None:
        item = self.tree.currentItem()
        return self.reminders.get(item.data(0, ID_ROLE)) if item is not None else None

    def select(self, activity_id: uuid.UUID) -> None:
        for item in self._items():
            if item.data(0, ID_ROLE) == activity_id:
                self.tree.setCurrentItem(item)

    def open_current(self) -> None:
        reminder = self.current()
        if reminder is not None and reminder.links:
            link = reminder.links[0]
            self.open_requested.emit(link.kind, link.id)

    def snooze_current(self, choice: str) -> None:
        reminder = self.current()
        if reminder is not None:
            self.snooze_requested.emit(reminder.id, choice)

    def done_current(self) -> None:
        reminder = self.current()
        if reminder is not None:
            self.done_requested.emit(reminder.id)

    def show_error(self, text: str) -> None:
        self.hint.setStyleSheet("color: #c62828;")
        self.hint.setText(text)

    def _dismiss_current(self) -> None:
        reminder = self.current()
        if reminder is not None:
            self.remove(reminder.id)

    def _update_buttons(self) -> None:
        reminder = self.current()
        for button in (self.snooze_button, self.done_button, self.dismiss_button):
            button.setEnabled(reminder is not None)
        self.open_button.setEnabled(reminder is not None and bool(reminder.links))
