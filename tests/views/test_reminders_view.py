"""Reminders: shown once across restarts, snoozed and shown again, done, overdue note at start."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crm_desktop.models import Activity, Company, User
from crm_desktop.models.database import Database
from crm_desktop.views.notifier import TrayNotifier
from crm_desktop.views.reminders import ReminderWatcher
from crm_desktop.views.tasks.reminder_window import Snooze

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def add(
    db: Database,
    subject: str,
    due: dt.datetime,
    remind_at: dt.datetime | None,
    owner: uuid.UUID | None = None,
    **links: object,
) -> uuid.UUID:
    with db.sessions.begin() as session:
        owner_id = owner or session.scalars(select(User.id).where(User.is_local)).one()
        activity = Activity(
            kind="task",
            subject=subject,
            occurs_at=due,
            remind_at=remind_at,
            owner_id=owner_id,
            **links,
        )
        session.add(activity)
        session.flush()
        return activity.id


class _Harness:
    """A window, its notifier and a watcher, as one run of the program."""

    def __init__(self, qtbot: QtBot, db: Database) -> None:
        self.qtbot = qtbot
        self.now = NOW
        self.window = QMainWindow()
        qtbot.addWidget(self.window)
        self.notifier = TrayNotifier(self.window)
        self.shown: list[tuple[str, str]] = []
        self.notifier.shown.connect(lambda title, text: self.shown.append((title, text)))
        self.opened: list[tuple[str, uuid.UUID]] = []
        self.watcher = ReminderWatcher(
            db.sessions,
            self.notifier,
            lambda kind, record_id: self.opened.append((kind, record_id)),
            self.window,
            zone=BERLIN,
            clock=lambda: self.now,
        )

    def start(self) -> None:
        self.watcher.start()
        self.wait()

    def check(self) -> None:
        self.watcher.check()
        self.wait()

    def wait(self) -> None:
        self.qtbot.waitUntil(lambda: not self.watcher.is_busy(), timeout=5000)


def test_a_reminder_is_shown_once_even_after_a_restart(qtbot: QtBot, sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        company = Company(name="Acme")
        session.add(company)
        session.flush()
        company_id = company.id
    task = add(sqlite_db, "Send the quote", NOW + 5 * MINUTE, NOW - MINUTE, company_id=company_id)
    add(sqlite_db, "Later", NOW + 60 * MINUTE, NOW + 30 * MINUTE)
    first = _Harness(qtbot, sqlite_db)
    first.start()
    assert first.shown == [("Send the quote", "Task due Today 12:05\nAcme")]
    window = first.watcher.window
    assert window is not None and window.isVisible()
    assert [r.subject for r in window.reminders.values()] == ["Send the quote"]
    window.open_current()
    assert first.opened == [("companies", company_id)]

    first.check()  # the next poll
    assert len(first.shown) == 1
    second = _Harness(qtbot, sqlite_db)  # the program started again (or a second laptop)
    second.start()
    assert second.shown == []
    with sqlite_db.sessions() as session:
        assert session.get_one(Activity, task).reminded_at == NOW


def test_snooze_shows_it_again_after_ten_minutes(qtbot: QtBot, sqlite_db: Database) -> None:
    task = add(sqlite_db, "Call Anna", NOW, NOW - MINUTE)
    harness = _Harness(qtbot, sqlite_db)
    harness.start()
    window = harness.watcher.window
    assert window is not None
    with qtbot.waitSignal(harness.watcher.changes_made):
        window.snooze_current(Snooze.TEN_MINUTES)
    assert window.reminders == {}
    with sqlite_db.sessions() as session:
        row = session.get_one(Activity, task)
        assert (row.remind_at, row.reminded_at) == (NOW + 10 * MINUTE, None)

    harness.now = NOW + 9 * MINUTE
    harness.check()
    assert len(harness.shown) == 1
    harness.now = NOW + 10 * MINUTE
    harness.check()
    assert [title for title, _text in harness.shown] == ["Call Anna", "Call Anna"]
    assert list(window.reminders) == [task]


def test_snooze_until_tomorrow_nine_is_on_the_wall_clock(qtbot: QtBot, sqlite_db: Database) -> None:
    harness = _Harness(qtbot, sqlite_db)
    harness.now = dt.datetime(2026, 3, 28, 20, 0, tzinfo=dt.UTC)  # the night before DST
    until = harness.watcher.snooze_until(Snooze.TOMORROW_9)
    assert until.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 9, 0)
    assert harness.watcher.snooze_until(Snooze.ONE_HOUR) == harness.now + 60 * MINUTE


def test_done_from_the_window_checks_it_off(qtbot: QtBot, sqlite_db: Database) -> None:
    task = add(sqlite_db, "Call Anna", NOW, NOW - MINUTE)
    harness = _Harness(qtbot, sqlite_db)
    harness.start()
    window = harness.watcher.window
    assert window is not None
    with qtbot.waitSignal(harness.watcher.changes_made) as changed:
        window.done_current()
    assert changed.args[0].activities
    with sqlite_db.sessions() as session:
        assert session.get_one(Activity, task).done
    assert not window.isVisible()


def test_many_at_once_become_one_summary(qtbot: QtBot, sqlite_db: Database) -> None:
    for n in range(5):
        add(sqlite_db, f"Task {n}", NOW, NOW - (10 - n) * MINUTE)
    harness = _Harness(qtbot, sqlite_db)
    harness.watcher.check()  # a poll, not the start (no overdue note)
    harness.wait()
    assert harness.shown == [("5 reminders", "Task 0\nTask 1\nTask 2\n…and 2 more")]
    window = harness.watcher.window
    assert window is not None and len(window.reminders) == 5


def test_overdue_note_at_start_only_and_not_for_others(qtbot: QtBot, sqlite_db: Database) -> None:
    add(sqlite_db, "Oldest", NOW - 120 * MINUTE, None)
    add(sqlite_db, "Old", NOW - 60 * MINUTE, None)
    with sqlite_db.sessions.begin() as session:
        anna = User(name="Anna")
        session.add(anna)
        session.flush()
        anna_id = anna.id
    add(sqlite_db, "Anna's", NOW - 60 * MINUTE, NOW - 60 * MINUTE, owner=anna_id)
    harness = _Harness(qtbot, sqlite_db)
    requested: list[bool] = []
    harness.watcher.tasks_requested.connect(lambda: requested.append(True))
    harness.start()
    assert harness.shown == [("You have 2 overdue tasks", "Oldest\nOld")]
    harness.check()
    harness.watcher.start()  # started again in the same run: no second note
    harness.wait()
    assert len(harness.shown) == 1
    harness.watcher.tasks_requested.emit()
    assert requested == [True]
    assert harness.watcher.timer.isActive()
