"""The window's activity wiring: e-mails dropped on a record's form, File > Export calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
from activity_support import Customer, add_activity, build_customer
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import select
from test_main_window import FakePrompts, _settle

from crm_desktop.models import Activity, utcnow
from crm_desktop.models.database import Database
from crm_desktop.views.main_window import MainWindow

DATA = Path(__file__).resolve().parents[1] / "data" / "email"


class SaveTo:
    def __init__(self, path: Path) -> None:
        self.path = path

    def open_file(self, parent, title, filters):  # pragma: no cover - not asked here
        raise AssertionError("no file should be opened")

    def save_file(self, parent, title, suggested, filters):
        return self.path


def _window(qtbot, db: Database, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    _settle(qtbot, window)
    return window


def test_an_email_dropped_on_a_contact_form_is_filed_there(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    customer: Customer = build_customer(sqlite_db)
    window = _window(qtbot, sqlite_db, tmp_path)
    window.show_record("contacts", customer.other_contact)
    form = window.list_pages["contacts"].form
    qtbot.waitUntil(lambda: form.record_id == customer.other_contact)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "quote_alternative.eml"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    form.dropEvent(event)
    assert event.isAccepted()

    def filed() -> list[Activity]:
        with sqlite_db.sessions() as session:
            return list(session.scalars(select(Activity)))

    qtbot.waitUntil(lambda: len(filed()) == 1)
    mail = filed()[0]
    assert (mail.kind, mail.contact_id, mail.company_id) == (
        "email",
        customer.other_contact,
        customer.company,
    )
    qtbot.waitUntil(lambda: mail.subject in form.timeline.browser.toPlainText())


def test_export_calendar_from_the_file_menu(qtbot, sqlite_db: Database, tmp_path: Path) -> None:
    customer = build_customer(sqlite_db)
    add_activity(
        sqlite_db,
        kind="meeting",
        subject="Werksbesuch",
        done=False,
        occurs_at=utcnow() + dt.timedelta(days=2),
        duration_minutes=90,
        contact_id=customer.contact,
    )
    add_activity(
        sqlite_db,
        kind="call",
        subject="Not in a calendar",
        occurs_at=utcnow(),
        contact_id=customer.contact,
    )
    window = _window(qtbot, sqlite_db, tmp_path)
    target = tmp_path / "mine"  # the extension is added
    window.file_chooser = SaveTo(target)
    window.export_calendar_action.trigger()
    written = tmp_path / "mine.ics"
    qtbot.waitUntil(written.exists)
    calendar = icalendar.Calendar.from_ical(written.read_bytes())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Werksbesuch"]
    qtbot.waitUntil(lambda: "1 meeting" in window.statusBar().currentMessage())


def test_a_calendar_that_cannot_be_written_says_why(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = _window(qtbot, sqlite_db, tmp_path)
    window.file_chooser = SaveTo(tmp_path / "no such folder" / "cal.ics")
    window.export_calendar_action.trigger()
    qtbot.waitUntil(lambda: bool(window.prompts.errors))
    assert "cannot write" in window.prompts.errors[0] and "cal.ics" in window.prompts.errors[0]
    assert window.statusBar().currentMessage() == ""
