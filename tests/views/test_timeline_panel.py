"""A record's Activity tab: facts, next steps, history, quick-add and the next-step offer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from activity_support import Customer, add_activity, add_deal, build_customer
from PySide6.QtCore import QSettings, QUrl
from sqlalchemy import select
from test_main_window import FakePrompts, _settle

from crm_desktop.models import Activity, utcnow
from crm_desktop.models.database import Database
from crm_desktop.views.activities.activity_dialog import ActivityDialog
from crm_desktop.views.main_window import MainWindow


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def customer(sqlite_db: Database) -> Customer:
    return build_customer(sqlite_db)


def _open_contact(qtbot, db: Database, settings: QSettings, customer: Customer, prompts=None):
    window = MainWindow(db, prompts=prompts or FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    _settle(qtbot, window)
    window.show_record("contacts", customer.contact)
    form = window.list_pages["contacts"].form
    qtbot.waitUntil(lambda: form.record_id == customer.contact)
    panel = form.timeline
    qtbot.waitUntil(lambda: panel.timeline is not None)
    return window, form, panel


def _activities(db: Database) -> list[Activity]:
    with db.sessions() as session:
        return list(session.scalars(select(Activity).order_by(Activity.created_at)))


def test_the_tab_shows_facts_next_steps_and_history(
    qtbot, sqlite_db: Database, settings: QSettings, customer: Customer
) -> None:
    c = customer
    now = utcnow()
    add_activity(
        sqlite_db,
        kind="call",
        subject="Intro call",
        outcome="Reached",
        occurs_at=now - dt.timedelta(days=12),
        contact_id=c.contact,
        company_id=c.company,
    )
    add_activity(
        sqlite_db,
        kind="task",
        subject="Send samples",
        done=False,
        occurs_at=now - dt.timedelta(days=1),
        contact_id=c.contact,
    )
    add_deal(sqlite_db, c, "Pumps", "Won", "2500", closed_at=now - dt.timedelta(days=3))
    _window, _form, panel = _open_contact(qtbot, sqlite_db, settings, customer)
    facts = panel.facts_label.text()
    assert panel.facts_label.isVisible()
    assert "12 days ago" in facts
    assert "Send samples" in facts
    assert "2,500.00 USD in 1 purchase" in facts
    text = panel.browser.toPlainText()
    assert text.index("Next steps") < text.index("Send samples") < text.index("History")
    assert "Intro call" in text and "Reached" in text
    assert "Record created" in text


def test_log_call_then_schedule_the_next_step(
    qtbot, sqlite_db: Database, settings: QSettings, customer: Customer
) -> None:
    prompts = FakePrompts(True)  # "Schedule the next step now?" yes
    window, form, panel = _open_contact(qtbot, sqlite_db, settings, customer, prompts)
    dialog = window.quick_add("call")
    assert isinstance(dialog, ActivityDialog)
    assert form.tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: dialog.owner.count() > 0)
    assert dialog.subject.text() == "Call with Anna Müller"
    assert dialog.done_box.isChecked()
    dialog.outcome.setEditText("Reached")
    dialog.body.setPlainText("Wants a quote for 20 pumps")
    dialog.save()
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog is not dialog)
    follow_up = panel.dialog
    assert follow_up.subject.text() == "Follow up: Call with Anna Müller"
    assert not follow_up.done_box.isChecked()
    qtbot.waitUntil(lambda: follow_up.owner.count() > 0)
    follow_up.save()
    qtbot.waitUntil(lambda: len(_activities(sqlite_db)) == 2)
    call, task = _activities(sqlite_db)
    assert (call.kind, call.done, call.outcome, call.contact_id, call.company_id) == (
        "call",
        True,
        "Reached",
        customer.contact,
        customer.company,
    )
    assert (task.kind, task.done, task.contact_id) == ("task", False, customer.contact)
    assert task.occurs_at > utcnow()
    assert task.remind_at == task.occurs_at  # tasks remind at their due time by default
    qtbot.waitUntil(lambda: "Follow up: Call with Anna Müller" in panel.browser.toPlainText())
    assert "Next step" in prompts.questions[0] or "next step" in prompts.questions[0]


def test_done_link_checks_a_next_step_off(
    qtbot, sqlite_db: Database, settings: QSettings, customer: Customer
) -> None:
    task_id = add_activity(
        sqlite_db,
        kind="task",
        subject="Visit",
        done=False,
        occurs_at=utcnow() + dt.timedelta(days=1),
        contact_id=customer.contact,
    )
    _window, _form, panel = _open_contact(qtbot, sqlite_db, settings, customer)
    assert f"done:{task_id}" in panel.browser.toHtml()
    panel.browser.anchorClicked.emit(QUrl(f"done:{task_id}"))
    qtbot.waitUntil(lambda: _activities(sqlite_db)[0].done)
    qtbot.waitUntil(lambda: f"done:{task_id}" not in panel.browser.toHtml())


def test_links_open_the_other_record(
    qtbot, sqlite_db: Database, settings: QSettings, customer: Customer
) -> None:
    deal = add_deal(sqlite_db, customer, "Pumps", "Proposal", "100")
    add_activity(
        sqlite_db,
        kind="note",
        subject="About pumps",
        occurs_at=utcnow(),
        contact_id=customer.contact,
        deal_id=deal,
    )
    window, _form, panel = _open_contact(qtbot, sqlite_db, settings, customer)
    panel.browser.anchorClicked.emit(QUrl(f"open:deals:{deal}"))
    qtbot.waitUntil(lambda: window.list_pages["deals"].form.record_id == deal)
    assert window.current_key() == "deals"


def test_follow_up_filter_on_the_contacts_list(
    qtbot, sqlite_db: Database, settings: QSettings, customer: Customer
) -> None:
    add_activity(sqlite_db, kind="call", occurs_at=utcnow(), contact_id=customer.contact)
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: page.model.count_known and page.model.rowCount() == 2)
    page.follow_up_filter.setCurrentIndex(page.follow_up_filter.findData("quiet"))
    qtbot.waitUntil(lambda: page.model.count_known and page.model.rowCount() == 1)
    qtbot.waitUntil(lambda: page.model.index(0, 0).data() == "王小明")


def test_a_new_activitys_reminder_follows_its_kind(qtbot, sqlite_db: Database) -> None:
    dialog = ActivityDialog(sqlite_db.sessions, kind="task")
    qtbot.addWidget(dialog)
    assert dialog.reminder.currentData() == 0  # at the due time
    dialog.kind.setCurrentIndex(dialog.kind.findData("meeting"))
    assert dialog.reminder.currentData() == 15
    dialog.kind.setCurrentIndex(dialog.kind.findData("note"))
    assert dialog.reminder.currentData() is None
    assert dialog.reminder.currentText() == "No reminder"
