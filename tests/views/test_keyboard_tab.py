"""Tab moves from field to field: date fields let go of it, and a call is logged by keyboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox, QVBoxLayout, QWidget
from sqlalchemy import select
from test_main_window import FakePrompts, _add_contacts, _settle

from crm_desktop.models import Activity, utcnow
from crm_desktop.models.database import Database
from crm_desktop.views import date_edits
from crm_desktop.views.main_window import MainWindow

VIEWS = Path(date_edits.__file__).parent


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press on whatever has the keyboard now."""
    QTest.keyClick(focused(), k, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


@pytest.mark.parametrize(
    "make", [date_edits.DateTimeEdit, date_edits.DateEdit, date_edits.TimeEdit]
)
def test_tab_and_shift_tab_leave_a_date_field(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    before, field, after = QLineEdit(), make(), QSpinBox()
    layout = QVBoxLayout(window)
    for widget in (before, field, after):
        layout.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    before.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is before)
    key(Qt.Key.Key_Tab)
    assert focused() is field
    value = field.dateTime()
    key(Qt.Key.Key_Tab)
    assert focused() is after
    type_text("25")
    assert after.value() == 25 and field.dateTime() == value
    key(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is field
    key(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is before


def test_every_date_field_in_views_is_one_that_tab_leaves() -> None:
    made = re.compile(r"\bQ(Date|Time|DateTime)Edit\(")
    offenders = [
        str(path.relative_to(VIEWS))
        for path in VIEWS.rglob("*.py")
        if path.name != "date_edits.py" and made.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_call_is_logged_with_the_keyboard_alone(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (contact,) = _add_contacts(sqlite_db, "Anna Berg")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, prompts=FakePrompts(False), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    _settle(qtbot, window)
    window.show_record("contacts", contact)
    page = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: page.form.record_id == contact and not page.form.is_loading())
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    started = utcnow().replace(second=0, microsecond=0)

    key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    timeline = page.form.timeline
    qtbot.waitUntil(lambda: timeline.dialog is not None and timeline.dialog.isVisible())
    dialog = timeline.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.subject)
    qtbot.waitUntil(lambda: dialog.owner.count() > 0)  # the owners are read in the background
    type_text("Prices for Q3")  # the suggested subject is selected: typing replaces it
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.when
    key(Qt.Key.Key_Tab)  # once: the date-time field lets go of Tab
    assert focused() is dialog.duration
    type_text("20")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.outcome or focused().parent() is dialog.outcome
    type_text("Reached")
    for expected in (dialog.done_box, dialog.reminder, dialog.owner, dialog.body):
        key(Qt.Key.Key_Tab)
        assert focused() is expected
    type_text("She wants 200 units.")
    key(Qt.Key.Key_Tab)  # the notes let go of Tab too
    assert focused() is not dialog.body
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    with sqlite_db.sessions() as session:
        call = session.scalars(select(Activity).where(Activity.contact_id == contact)).one()
    assert call.kind == "call"
    assert call.subject == "Prices for Q3"
    assert call.duration_minutes == 20
    assert call.outcome == "Reached"
    assert call.body == "She wants 200 units."
    assert call.done
    occurs = (
        call.occurs_at.replace(tzinfo=dt.UTC) if call.occurs_at.tzinfo is None else call.occurs_at
    )
    assert abs(occurs - started) < dt.timedelta(minutes=2)  # the date was not typed over


def test_the_subject_mark_goes_once_a_subject_is_typed(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    from crm_desktop.views.activities.activity_dialog import ActivityDialog

    dialog = ActivityDialog(sqlite_db.sessions, kind="call")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.owner.count() > 0)
    dialog.subject.clear()
    dialog.save()
    assert not dialog.message.isHidden()
    QTest.keyClicks(dialog.subject, "Q")
    assert dialog.message.isHidden()
