"""Tab reaches every field of every dialog and form and comes round again: nothing traps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from test_main_window import FakePrompts, _add_contacts

from crm_desktop.models.database import Database
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.views.activities.activity_dialog import ActivityDialog
from crm_desktop.views.card_entry import CardEntryPage
from crm_desktop.views.convert_lead_dialog import ConvertLeadDialog
from crm_desktop.views.forms import FORMS
from crm_desktop.views.import_wizard import ImportHistoryDialog
from crm_desktop.views.pipeline.lost_reason_dialog import LostReasonDialog
from crm_desktop.views.search_dialog import SearchDialog
from crm_desktop.views.settings_dialog import SettingsDialog
from crm_desktop.views.tasks.reschedule_dialog import RescheduleDialog


def _fields(window: QWidget) -> set[QWidget]:
    """What Tab should reach: shown, enabled widgets that take focus by Tab (not buttons
    that only take it by click, nor the insides of a field that hands its focus on)."""
    found = set()
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.focusProxy():
            continue
        if isinstance(widget.parentWidget(), QWidget) and widget.parentWidget().focusProxy():
            continue
        found.add(widget)
    return found


def walk(qtbot, window: QWidget, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    start = QApplication.focusWidget()
    seen: list[QWidget] = []
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is start:
            break
        if seen and widget is seen[-1]:
            raise AssertionError(f"Tab is trapped in {widget!r} in {widget.parentWidget()!r}")
        seen.append(widget)
    else:
        raise AssertionError(f"Tab never came back to {start!r}: {seen[-6:]}")
    missing = {
        w for w in _fields(window) - set(seen) - {start} if not isinstance(w, QAbstractButton)
    }
    assert not missing, sorted(f"{type(w).__name__} {w.objectName()}" for w in missing)


BERLIN = ZoneInfo("Europe/Berlin")


def _settings(tmp: Path) -> QSettings:
    return QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)


BUILDERS: dict[str, Callable[[Database, Path], QWidget]] = {
    "activity": lambda db, _t: ActivityDialog(db.sessions, kind="call", zone=BERLIN),
    "reschedule": lambda _db, _t: RescheduleDialog(
        dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), BERLIN
    ),
    "lost reason": lambda _db, _t: LostReasonDialog("Big order", ("Price", "Timing")),
    "settings": lambda db, _t: SettingsDialog(db),
    "search": lambda db, _t: SearchDialog(db),
    "import history": lambda db, _t: ImportHistoryDialog(db.sessions, FakePrompts()),
    "card entry": lambda db, _t: CardEntryPage(db),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_tab_goes_round_every_dialog(qtbot, sqlite_db: Database, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    window = BUILDERS[name](sqlite_db, tmp_path)
    qtbot.addWidget(window)
    qtbot.wait(50)
    walk(qtbot, window)


@pytest.mark.parametrize("kind", ["leads", "contacts", "companies", "deals"])
def test_tab_goes_round_every_record_form(qtbot, sqlite_db: Database, kind: str) -> None:  # type: ignore[no-untyped-def]
    form = FORMS[kind](sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    form.new_record()
    qtbot.waitUntil(lambda: form.detail is not None)
    walk(qtbot, form)


def test_tab_goes_round_the_convert_dialog(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    lead = create_lead(sqlite_db.sessions, LeadInput(person_name="Anna Berg", company_name="Acme"))
    dialog = ConvertLeadDialog(sqlite_db, lead.lead_id if hasattr(lead, "lead_id") else lead.id)
    qtbot.addWidget(dialog)
    qtbot.wait(100)
    walk(qtbot, dialog)


def test_tab_goes_round_the_window_from_a_list(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crm_desktop.views.main_window import MainWindow

    (contact,) = _add_contacts(sqlite_db, "Anna Berg")
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    window.show_record("contacts", contact)
    page = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: page.form.record_id == contact and not page.form.is_loading())
    window.activateWindow()
    qtbot.waitActive(window)
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    walk(qtbot, window, limit=200)


def test_tab_goes_round_the_import_wizard(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The wizard's tables kept Tab for moving between their cells.
    from import_wizard_support import go_next, open_wizard

    from crm_desktop.views.import_wizard.state import (
        CHECK_PAGE,
        DUPLICATES_PAGE,
        MAPPING_PAGE,
        SUMMARY_PAGE,
    )

    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAnna Berg,anna@acme.de\nBo Chen,bo@acme\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete())
    walk(qtbot, wizard)
    for page in (MAPPING_PAGE, CHECK_PAGE, DUPLICATES_PAGE, SUMMARY_PAGE):
        go_next(qtbot, wizard, page)
        qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=20_000)
        walk(qtbot, wizard)
