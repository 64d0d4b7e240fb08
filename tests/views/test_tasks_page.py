"""The Tasks page: buckets and counts, check off, reschedule by key, reassign, open, reload."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crm_desktop.models import Activity, Company, User
from crm_desktop.models.database import Database
from crm_desktop.services.activities.schedule import Bucket, next_week, tomorrow
from crm_desktop.services.changes import Changes
from crm_desktop.views.tasks.task_model import TaskTableModel
from crm_desktop.views.tasks.tasks_page import TasksPage

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)  # Monday, 12:00 in Berlin
HOUR = dt.timedelta(hours=1)


def add(
    db: Database, subject: str, due: dt.datetime, *, owner: uuid.UUID | None = None, **links: object
) -> uuid.UUID:
    with db.sessions.begin() as session:
        owner_id = owner or session.scalars(select(User.id).where(User.is_local)).one()
        activity = Activity(kind="task", subject=subject, occurs_at=due, owner_id=owner_id, **links)
        session.add(activity)
        session.flush()
        return activity.id


def add_user(db: Database, name: str) -> uuid.UUID:
    with db.sessions.begin() as session:
        user = User(name=name)
        session.add(user)
        session.flush()
        return user.id


def load(db: Database, activity_id: uuid.UUID) -> Activity:
    with db.sessions() as session:
        return session.get_one(Activity, activity_id)


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> TasksPage:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = TasksPage(sqlite_db.sessions, settings, zone=BERLIN, clock=lambda: NOW)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    return page


def show(qtbot: QtBot, page: TasksPage) -> None:
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()  # shortcuts work in the active window only
    qtbot.waitActive(page)
    settle(qtbot, page)
    page.table.setFocus()


def settle(qtbot: QtBot, page: TasksPage) -> None:
    qtbot.waitUntil(lambda: page.task_list is not None and not page.is_busy(), timeout=5000)


def subjects(page: TasksPage) -> list[str]:
    return [row.subject for row in page.model.rows]


def test_buckets_show_their_counts_and_rows(
    qtbot: QtBot, qtmodeltester, sqlite_db: Database, page: TasksPage
) -> None:
    add(sqlite_db, "old", NOW - 30 * HOUR)
    add(sqlite_db, "late", NOW - HOUR)
    add(sqlite_db, "this afternoon", NOW + 2 * HOUR)
    add(sqlite_db, "next month", NOW + 24 * 30 * HOUR)
    show(qtbot, page)
    texts = {b: page.bucket_buttons[b].text() for b in Bucket}
    assert texts == {
        Bucket.OVERDUE: "Overdue (2)",
        Bucket.TODAY: "Today (1)",
        Bucket.UPCOMING: "Upcoming (1)",
        Bucket.DONE: "Done",
    }
    # It opens on the first list that has something: Overdue.
    assert page.bucket is Bucket.OVERDUE and page.bucket_buttons[Bucket.OVERDUE].isChecked()
    assert subjects(page) == ["old", "late"]
    with qtbot.waitSignal(page.loaded):
        page.bucket_buttons[Bucket.TODAY].click()
    assert subjects(page) == ["this afternoon"]
    index = page.model.index(0, TaskTableModel.DUE)
    assert page.model.data(index) == "Today 14:00"
    qtmodeltester.check(page.model)

    with qtbot.waitSignal(page.loaded):
        page.bucket_buttons[Bucket.OVERDUE].click()
    assert subjects(page) == ["old", "late"]
    due = page.model.index(0, TaskTableModel.DUE)
    assert page.model.data(due) == "Yesterday 06:00"
    assert page.model.data(due, Qt.ItemDataRole.ForegroundRole) is not None  # red
    assert page.table.isColumnHidden(TaskTableModel.DONE)


def test_space_checks_off_and_ctrl_enter_reopens_in_done(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    first = add(sqlite_db, "call Anna", NOW + HOUR)
    add(sqlite_db, "call Bob", NOW + 2 * HOUR)
    show(qtbot, page)
    page.select_row(0)
    with qtbot.waitSignal(page.changes_made) as changed:
        QTest.keyClick(page.table, Qt.Key.Key_Space)
    assert changed.args[0].activities
    settle(qtbot, page)
    assert load(sqlite_db, first).done
    assert subjects(page) == ["call Bob"]
    assert page.bucket_buttons[Bucket.TODAY].text() == "Today (1)"

    with qtbot.waitSignal(page.loaded):
        page.set_bucket(Bucket.DONE)
    assert subjects(page) == ["call Anna"]
    assert not page.table.isColumnHidden(TaskTableModel.DONE)
    assert page.check_action.text() == "Reopen"
    assert not page.tomorrow_action.isEnabled()
    page.select_row(0)
    QTest.keyClick(page.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not load(sqlite_db, first).done)
    settle(qtbot, page)
    assert subjects(page) == []


def test_ctrl_t_moves_to_tomorrow_and_ctrl_shift_t_to_next_week(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    late = add(sqlite_db, "late", NOW - 26 * HOUR)  # 10:00 Berlin yesterday
    show(qtbot, page)
    with qtbot.waitSignal(page.loaded):
        page.set_bucket(Bucket.OVERDUE)
    page.select_row(0)
    QTest.keyClick(page.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, page)
    expected = tomorrow(NOW - 26 * HOUR, NOW, BERLIN)
    assert load(sqlite_db, late).occurs_at == expected
    assert expected.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 6, 16, 10, 0)
    assert subjects(page) == []
    assert page.bucket_buttons[Bucket.UPCOMING].text() == "Upcoming (1)"

    with qtbot.waitSignal(page.loaded):
        page.set_bucket(Bucket.UPCOMING)
    page.select_row(0)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(page.table, Qt.Key.Key_N, modifiers)
    qtbot.waitUntil(lambda: load(sqlite_db, late).occurs_at != expected)
    assert load(sqlite_db, late).occurs_at == next_week(expected, NOW, BERLIN)


def test_reschedule_to_a_date_asks_for_it(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    task = add(sqlite_db, "quote", NOW + HOUR)
    chosen = dt.datetime(2026, 7, 1, 7, 30, tzinfo=dt.UTC)
    asked: list[dt.datetime] = []

    def ask(_parent: object, due: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
        asked.append(due)
        return chosen

    page.ask_date = ask
    show(qtbot, page)
    page.select_row(0)
    QTest.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: load(sqlite_db, task).occurs_at == chosen)
    assert asked == [NOW + HOUR]


def test_reassign_and_the_owner_filter(qtbot: QtBot, sqlite_db: Database, page: TasksPage) -> None:
    anna = add_user(sqlite_db, "Anna")
    task = add(sqlite_db, "mine", NOW + HOUR)
    add(sqlite_db, "annas", NOW + 2 * HOUR, owner=anna)
    show(qtbot, page)
    assert subjects(page) == ["mine"]
    owners = [page.owner_filter.itemText(i) for i in range(page.owner_filter.count())]
    assert owners == ["Me", "Everyone", "Anna"]

    page.select_row(0)
    menu = page.context_menu()
    reassign_menu = next(a.menu() for a in menu.actions() if a.text() == "Reassign to")
    to_anna = next(a for a in reassign_menu.actions() if a.text() == "Anna")
    with qtbot.waitSignal(page.changes_made):
        to_anna.trigger()
    settle(qtbot, page)
    assert load(sqlite_db, task).owner_id == anna
    assert subjects(page) == []

    with qtbot.waitSignal(page.loaded):
        page.owner_filter.setCurrentIndex(page.owner_filter.findText("Anna"))
    assert subjects(page) == ["mine", "annas"]
    with qtbot.waitSignal(page.loaded):
        page.owner_filter.setCurrentIndex(page.owner_filter.findText("Everyone"))
    assert [r.owner_name for r in page.model.rows] == ["Anna", "Anna"]


def test_enter_and_double_click_open_the_linked_record(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    with sqlite_db.sessions.begin() as session:
        company = Company(name="Acme")
        session.add(company)
        session.flush()
        company_id = company.id
    add(sqlite_db, "visit Acme", NOW + HOUR, company_id=company_id)
    add(sqlite_db, "no link", NOW + 2 * HOUR)
    show(qtbot, page)
    assert page.model.data(page.model.index(0, TaskTableModel.LINKS)) == "Acme"
    page.select_row(0)
    with qtbot.waitSignal(page.open_requested) as opened:
        QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == ["companies", company_id]
    rect = page.table.visualRect(page.model.index(0, TaskTableModel.SUBJECT))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_requested) as opened:
        QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["companies", company_id]
    page.select_row(1)
    with qtbot.assertNotEmitted(page.open_requested):
        page.open_current()
    assert "not linked" in page.status_label.text()


def test_changes_from_elsewhere_reload_and_the_own_ones_do_not_twice(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    show(qtbot, page)
    assert subjects(page) == []
    add(sqlite_db, "from the dialog", NOW + HOUR)
    with qtbot.waitSignal(page.loaded):
        page.apply_changes(Changes(activities=True))
    assert subjects(page) == ["from the dialog"]
    with qtbot.assertNotEmitted(page.loaded, wait=100):
        page.apply_changes(Changes(events=True))


def test_the_new_task_button_opens_the_activity_dialog(qtbot: QtBot, page: TasksPage) -> None:
    show(qtbot, page)
    page.new_button.click()
    assert page.dialog is not None and page.dialog.isVisible()
    page.dialog.reject()


def test_it_opens_on_the_first_list_that_has_something(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    add(sqlite_db, "late", NOW - HOUR)
    add(sqlite_db, "next month", NOW + 24 * 30 * HOUR)
    show(qtbot, page)
    assert page.bucket is Bucket.OVERDUE
    assert page.bucket_buttons[Bucket.OVERDUE].isChecked()
    assert subjects(page) == ["late"]
    assert page.bucket_buttons[Bucket.TODAY].text() == "Today (0)"

    # Nothing overdue or due today: Upcoming. A list the user picked stays picked.
    page.hide()
    with qtbot.waitSignal(page.loaded):
        page.set_bucket(Bucket.TODAY)
    page.show()
    settle(qtbot, page)
    assert page.bucket is Bucket.TODAY


def test_with_nothing_due_it_opens_on_upcoming(
    qtbot: QtBot, sqlite_db: Database, page: TasksPage
) -> None:
    add(sqlite_db, "next month", NOW + 24 * 30 * HOUR)
    show(qtbot, page)
    assert page.bucket is Bucket.UPCOMING
    assert subjects(page) == ["next month"]
