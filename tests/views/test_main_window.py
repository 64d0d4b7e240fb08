"""The main window: pages, shortcuts, delete and undo, Changes, remembered layout."""

from __future__ import annotations

import uuid
from collections import deque
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.listing import ListQuery, count_rows
from crm_desktop.services.records import MethodInput, save_record
from crm_desktop.views.main_window import MainWindow


class FakePrompts:
    def __init__(self, *answers: bool):
        self.answers = deque(answers)
        self.questions: list[str] = []
        self.errors: list[str] = []

    def ask_yes_no(self, parent, title: str, text: str) -> bool:
        self.questions.append(text)
        if not self.answers:
            raise AssertionError(f"unexpected question: {text}")
        return self.answers.popleft()

    def show_error(self, parent, title: str, text: str) -> None:
        self.errors.append(text)

    def show_info(self, parent, title: str, text: str) -> None:
        pass


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot, db: Database, settings: QSettings, prompts=None) -> MainWindow:
    window = MainWindow(db, prompts=prompts or FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    _settle(qtbot, window)
    return window


def _settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: all(
            not p.model.started or (p.model.count_known and not p.model.busy)
            for p in window.list_pages.values()
        )
    )


def _add_contacts(db: Database, *names: str) -> list[uuid.UUID]:
    ids = []
    for name in names:
        detail = save_record(
            db.sessions,
            "contacts",
            None,
            None,
            {"full_name": name},
            methods=[MethodInput("email", f"{len(ids)}@example.com")],
        ).detail
        assert detail.id is not None
        ids.append(detail.id)
    return ids


def test_window_shows_pages_and_status(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    _add_contacts(sqlite_db, "Anna", "Bob")
    window = _window(qtbot, sqlite_db, settings)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [
        "Leads",
        "Contacts",
        "Companies",
        "Deals",
        "Card entry",
        "Pipeline",
        "Dashboard",
        "Tasks",
    ]
    assert window.findChild(QLabel, "dbLabel").text() == sqlite_db.describe()
    window.show_page("contacts")
    _settle(qtbot, window)
    assert window.count_label.text() == "2 records"
    assert window.list_pages["contacts"].model.data(
        window.list_pages["contacts"].model.index(0, 0)
    ) in (
        "Anna",
        "…",
    )
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_dialog is not None and window.search_dialog.isVisible()


def test_postgres_password_is_not_shown(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://crm:secret@db.example/crm")
    assert "secret" not in url.render_as_string(hide_password=True)
    window = _window(qtbot, sqlite_db, settings)
    assert "secret" not in window.db_label.text()


def test_new_and_save_with_shortcuts(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    window = _window(qtbot, sqlite_db, settings)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.form.loaded):
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form.heading.text() == "New contact"
    assert not window.save_action.isEnabled()
    qtbot.keyClicks(page.form.editors["full_name"].edit, "Chen Jing")
    assert window.save_action.isEnabled()
    with qtbot.waitSignal(window.changes_applied):
        qtbot.keyClick(
            page.form.editors["full_name"].edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    _settle(qtbot, window)
    assert count_rows(sqlite_db.sessions, ListQuery("contacts")) == 1
    assert page.model.rowCount() == 1
    qtbot.waitUntil(lambda: page.current_id() == page.form.record_id)  # the new row is selected


def test_show_record_selects_page_and_row(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    _anna, bob = _add_contacts(sqlite_db, "Anna", "Bob")
    window = _window(qtbot, sqlite_db, settings)
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.form.loaded):
        window.show_record("contacts", bob)
    assert window.current_key() == "contacts"
    assert page.form.record_id == bob
    qtbot.waitUntil(lambda: page.current_id() == bob)


def test_delete_and_undo(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    anna, _bob = _add_contacts(sqlite_db, "Anna", "Bob")
    prompts = FakePrompts(True)
    window = _window(qtbot, sqlite_db, settings, prompts)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    page.model.data(page.model.index(0, 0))
    _settle(qtbot, window)
    with qtbot.waitSignal(page.form.loaded):
        page.table.selectRow(0)
    page.table.setFocus()
    with qtbot.waitSignal(window.deleted) as deleted:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert deleted.args[0].id == anna
    assert prompts.questions == ["Delete Anna?"]
    _settle(qtbot, window)
    assert page.model.rowCount() == 1
    assert window.undo_button.isVisible()
    assert "Anna" in window.undo_label.text()
    assert page.form.record_id is None
    with qtbot.waitSignal(page.form.loaded):
        qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _settle(qtbot, window)
    assert page.model.rowCount() == 2
    assert page.form.record_id == anna
    assert not window.undo_action.isEnabled()


def test_delete_key_in_a_text_field_edits_text(
    qtbot, sqlite_db: Database, settings: QSettings
) -> None:
    _add_contacts(sqlite_db, "Anna")
    window = _window(qtbot, sqlite_db, settings)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    page.text_filter.setText("An")
    page.text_filter.setFocus()
    page.text_filter.setCursorPosition(0)
    qtbot.keyClick(page.text_filter, Qt.Key.Key_Delete)
    assert page.text_filter.text() == "n"
    assert count_rows(sqlite_db.sessions, ListQuery("contacts")) == 1


def test_changes_reload_only_affected_pages(
    qtbot, sqlite_db: Database, settings: QSettings, monkeypatch
) -> None:
    window = _window(qtbot, sqlite_db, settings)
    reloaded: list[str] = []
    for kind, page in window.list_pages.items():
        monkeypatch.setattr(page.model, "reload", lambda kind=kind: reloaded.append(kind))
    window.apply_changes(Changes(deals=True))
    assert reloaded == ["deals"]
    reloaded.clear()
    window.apply_changes(Changes(companies=True, contacts=True))
    assert sorted(reloaded) == ["companies", "contacts"]


def test_filters_narrow_the_list(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    _add_contacts(sqlite_db, "Anna", "Bob", "Annette")
    window = _window(qtbot, sqlite_db, settings)
    assert not window.list_pages["deals"].model.started  # hidden pages read nothing
    window.show_page("contacts")
    _settle(qtbot, window)
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.count_changed) as counted:
        page.text_filter.setText("ann")
    assert counted.args == [2]


def test_selection_follows_the_form_record_when_a_filter_reloads_the_list(
    qtbot, sqlite_db: Database, settings: QSettings
) -> None:
    anna, _bob, annette = _add_contacts(sqlite_db, "Anna", "Bob", "Annette")
    window = _window(qtbot, sqlite_db, settings)
    window.show_page("contacts")
    _settle(qtbot, window)
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.form.loaded):
        page.table.selectRow(2)  # Bob (sorted by name: Anna, Annette, Bob)
    bob = page.form.record_id
    with qtbot.waitSignal(page.count_changed):
        page.text_filter.setText("ann")  # Bob is filtered out; row 2 is gone, rows 0-1 change
    _settle(qtbot, window)
    assert page.form.record_id == bob
    assert page.current_id() is None  # no row pretends to be the record in the form
    with qtbot.waitSignal(page.form.loaded):
        page.table.selectRow(1)
    assert page.form.record_id == annette
    with qtbot.waitSignal(page.count_changed):
        page.text_filter.setText("")  # all three again: Annette is still row 1
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: page.current_id() == annette)
    with qtbot.waitSignal(page.count_changed):
        page.text_filter.setText("annette")  # Annette moves to row 0
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: page.current_id() == annette)
    assert page.form.record_id == annette and anna != annette


def test_column_layout_and_sort_are_remembered(
    qtbot, sqlite_db: Database, settings: QSettings
) -> None:
    _add_contacts(sqlite_db, "Anna", "Bob")
    window = _window(qtbot, sqlite_db, settings)
    page = window.list_pages["contacts"]
    menu = page.column_menu()
    title_action = next(a for a in menu.actions() if a.text() == "Title")
    title_action.trigger()
    assert page.table.horizontalHeader().isSectionHidden(2)
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert page.model.query.descending
    window.close()
    again = _window(qtbot, sqlite_db, settings)
    again.show_page("contacts")
    page = again.list_pages["contacts"]
    assert page.table.horizontalHeader().isSectionHidden(2)
    assert page.model.query.sort_key == "name" and page.model.query.descending
    page.model.data(page.model.index(0, 0))
    _settle(qtbot, again)
    assert page.model.data(page.model.index(0, 0)) == "Bob"


def test_add_page_and_event_link(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    from PySide6.QtWidgets import QWidget

    window = _window(qtbot, sqlite_db, settings)
    extra = QWidget()
    window.add_page("calendar", "Calendar", extra)
    window.show_page("calendar")
    assert window.stack.currentWidget() is extra
    assert window.sidebar.item(window.sidebar.count() - 1).text() == "Calendar"
    with pytest.raises(ValueError):
        window.add_page("cards", "Again", QWidget())


def test_close_with_unsaved_changes_asks(qtbot, sqlite_db: Database, settings: QSettings) -> None:
    (anna,) = _add_contacts(sqlite_db, "Anna")
    prompts = FakePrompts(False)
    window = _window(qtbot, sqlite_db, settings, prompts)
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.form.loaded):
        window.show_record("contacts", anna)
    page.form.editors["title"].edit.setText("CEO")
    assert not window.close()
    assert prompts.questions
    page.form.revert()
    assert window.close()


def test_saving_a_company_refreshes_an_open_contact(
    qtbot, sqlite_db: Database, settings: QSettings
) -> None:
    acme = save_record(sqlite_db.sessions, "companies", None, None, {"name": "Acme"}).detail.id
    anna = save_record(
        sqlite_db.sessions, "contacts", None, None, {"full_name": "Anna", "company_id": acme}
    ).detail.id
    window = _window(qtbot, sqlite_db, settings)
    contacts = window.list_pages["contacts"]
    with qtbot.waitSignal(contacts.form.loaded):
        window.show_record("contacts", anna)
    companies = window.list_pages["companies"]
    with qtbot.waitSignal(companies.form.loaded):
        window.show_record("companies", acme)
    companies.form.editors["name"].edit.setText("Acme Holding")
    with qtbot.waitSignal(contacts.form.loaded):  # the contact form re-reads its company's name
        window.save()
    assert contacts.form.editors["company_id"].state() == "Acme Holding"
    assert window.current_key() == "companies"


def test_the_first_window_takes_most_of_the_screen() -> None:
    # At a fixed 1280 x 800 the fitted list columns pushed the phones out of view.
    from PySide6.QtCore import QRect, QSize

    from crm_desktop.views.main_window import _first_size

    class Screen:
        def __init__(self, width: int, height: int) -> None:
            self.rect = QRect(0, 0, width, height)

        def availableGeometry(self) -> QRect:
            return self.rect

    assert _first_size(Screen(1920, 1050)) == QSize(1728, 945)  # type: ignore[arg-type]
    assert _first_size(Screen(1366, 728)) == QSize(1280, 728)  # type: ignore[arg-type]
    assert _first_size(None) == QSize(1280, 800)


def test_only_the_users_drag_saves_the_list_and_form_split(qtbot, sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Saved with the header, whose columns fit themselves while the window was still small,
    # the split came back as 70:274 and the form took most of the next window.
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    _add_contacts(sqlite_db, "Anna Berg")
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    page = window.list_pages["leads"]
    page.table.horizontalHeader().resizeSection(0, 333)
    page.save_layout()
    assert settings.value("lists/leads/splitter") is None
    page.splitter.moveSplitter(300, 1)
    assert settings.value("lists/leads/splitter") is not None
