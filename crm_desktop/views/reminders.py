"""Reminders of the current user's to-dos: a desktop notification at the reminder time.

Every half minute (and after this window changed activities) the watcher asks, in the
background, for the user's reminders that are due and claims them in the database
(`mark_reminded`). Only the reminders this program claimed are shown, so neither a
restart nor a second laptop on the same team database shows one twice. They appear
as a tray notification (one summary for more than three) and in the Reminders window,
where each can be opened, snoozed or checked off. At start the watcher also says how
many to-dos are overdue.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import utcnow
from crm_desktop.services.activities.reminders import (
    OverdueSummary,
    Reminder,
    due_reminders,
    mark_reminded,
    overdue_summary,
    reminder_owner,
    snooze,
)
from crm_desktop.services.activities.schedule import at_local, local_zone
from crm_desktop.services.activities.store import set_done
from crm_desktop.services.changes import Changes
from crm_desktop.views.notifier import TrayNotifier
from crm_desktop.views.tasks.reminder_window import ReminderWindow, Snooze
from crm_desktop.views.tasks.task_model import kind_text, local_text
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Poll:
    now: dt.datetime
    reminders: tuple[Reminder, ...]  # claimed by this poll
    summary: OverdueSummary | None = None  # at start only


def _poll(sessions: sessionmaker[Session], now: dt.datetime, with_summary: bool) -> _Poll:
    owner = reminder_owner(sessions)
    if owner is None:
        return _Poll(now, ())
    summary = overdue_summary(sessions, owner, now) if with_summary else None
    due = due_reminders(sessions, owner, now)
    claimed = mark_reminded(sessions, [r.id for r in due], now)
    return _Poll(now, tuple(r for r in due if r.id in claimed), summary)


class ReminderWatcher(QObject):
    changes_made = Signal(object)  # Changes from Snooze and Done, for the window to broadcast
    tasks_requested = Signal()  # the overdue note was clicked: show the Tasks page
    reminders_shown = Signal(object)  # tuple[Reminder, ...] claimed and shown by one poll

    POLL_MS = 30_000
    ONE_BY_ONE = 3  # more than this at once become one summary notification
    SNOOZE_TIMES = {Snooze.TEN_MINUTES: 10, Snooze.ONE_HOUR: 60}

    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifier: TrayNotifier,
        open_record: Callable[[str, uuid.UUID], None],
        parent: QObject | None = None,
        *,
        zone: dt.tzinfo | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._notifier = notifier
        self._open_record = open_record
        self.zone = zone or local_zone()
        self.clock = clock
        self._busy = False
        self._again = False
        self._started = False
        self.window: ReminderWindow | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self.check)

    # ---- public API ------------------------------------------------------------------------

    def start(self) -> None:
        """Say what is overdue, show what is due, and poll from now on."""
        self.timer.start()
        self._run(with_summary=not self._started)
        self._started = True

    def stop(self) -> None:
        self.timer.stop()

    def apply_changes(self, changes: Changes) -> None:
        if changes.activities or changes.users:
            self.check()

    def check(self) -> None:
        self._run(with_summary=False)

    def is_busy(self) -> bool:
        return self._busy

    def show_window(self) -> ReminderWindow:
        window = self._window()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    # ---- polling ---------------------------------------------------------------------------

    def _run(self, with_summary: bool) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        run_in_background(
            _poll,
            parent=self,
            on_done=self._on_poll_done,
            on_error=self._on_poll_failed,
            sessions=self._sessions,
            now=self.clock(),
            with_summary=with_summary,
        )

    def _on_poll_done(self, result: _Poll) -> None:
        self._busy = False
        if result.summary is not None and result.summary.count:
            self._notify_overdue(result.summary)
        if result.reminders:
            self._show(result)
        if self._again:
            self._again = False
            self.check()

    def _on_poll_failed(self, message: str, trace: str) -> None:
        # Offline or locked: the next tick tries again, and nothing was claimed.
        self._busy = False
        self._again = False
        log.warning("reminder check failed: %s\n%s", message, trace)

    def _show(self, result: _Poll) -> None:
        reminders = result.reminders
        window = self._window()
        window.add_reminders(reminders, result.now)
        window.show()  # without taking the focus (WA_ShowWithoutActivating)
        if len(reminders) > self.ONE_BY_ONE:
            lines = [r.subject for r in reminders[: self.ONE_BY_ONE]]
            more = len(reminders) - len(lines)
            lines.append(self.tr("…and %1 more").replace("%1", f"{more:,}"))
            self._notifier.notify(
                self.tr("%n reminder(s)", "", len(reminders)), "\n".join(lines), self._raise_window
            )
        else:
            today = result.now.astimezone(self.zone).date()
            for reminder in reminders:
                self._notifier.notify(
                    reminder.subject,
                    self._when_text(reminder, today),
                    partial(self._raise_at, reminder.id),
                )
        self.reminders_shown.emit(reminders)

    def _notify_overdue(self, summary: OverdueSummary) -> None:
        title = self.tr("You have %n overdue task(s)", "", summary.count)
        lines = list(summary.oldest)
        if summary.count > len(lines):
            more = summary.count - len(lines)
            lines.append(self.tr("…and %1 more").replace("%1", f"{more:,}"))
        self._notifier.notify(title, "\n".join(lines), self.tasks_requested.emit)

    def _when_text(self, reminder: Reminder, today: dt.date) -> str:
        text = self.tr("%1 due %2").replace("%1", kind_text(reminder.kind))
        text = text.replace("%2", local_text(reminder.occurs_at, self.zone, today))
        if reminder.links:
            text += "\n" + " · ".join(link.label for link in reminder.links)
        return text

    def _raise_window(self) -> None:
        self.show_window()

    def _raise_at(self, activity_id: uuid.UUID) -> None:
        self.show_window().select(activity_id)

    # ---- the window's buttons --------------------------------------------------------------

    def _window(self) -> ReminderWindow:
        if self.window is None or not shiboken6.isValid(self.window):
            owner = self.parent()
            self.window = ReminderWindow(self.zone, owner if isinstance(owner, QWidget) else None)
            self.window.open_requested.connect(self._on_window_open_requested)
            self.window.snooze_requested.connect(self._on_window_snooze_requested)
            self.window.done_requested.connect(self._on_window_done_requested)
        return self.window

    def _on_window_open_requested(self, kind: str, record_id: uuid.UUID) -> None:
        self._open_record(kind, record_id)

    def _on_window_snooze_requested(self, activity_id: uuid.UUID, choice: str) -> None:
        self._save(activity_id, snooze, activity_id=activity_id, until=self.snooze_until(choice))

    def _on_window_done_requested(self, activity_id: uuid.UUID) -> None:
        self._save(activity_id, set_done, activity_ids=[activity_id], done=True)

    def snooze_until(self, choice: str) -> dt.datetime:
        now = self.clock()
        minutes = self.SNOOZE_TIMES.get(choice)
        if minutes is not None:
            return now + dt.timedelta(minutes=minutes)
        day = now.astimezone(self.zone).date() + dt.timedelta(days=1)
        return at_local(day, dt.time(9, 0), self.zone)

    def _save(self, target: uuid.UUID, fn: Callable[..., Changes], **kwargs: Any) -> None:
        window = self._window()
        run_in_background(
            fn,
            parent=self,
            on_done=lambda changes: self._on_saved(target, changes),
            on_error=lambda message, _tb: window.show_error(message),
            sessions=self._sessions,
            **kwargs,
        )

    def _on_saved(self, activity_id: uuid.UUID, changes: Changes) -> None:
        if self.window is not None and shiboken6.isValid(self.window):
            self.window.remove(activity_id)
        self.changes_made.emit(changes)
