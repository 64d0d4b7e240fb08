"""Delete acts on the record the form shows, after asking, and the list never disagrees.

Each test drives the window as a user would: real clicks on a row's rectangle, real keys,
and a scripted answer to every question (the window's injected prompts).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_main_window import FakePrompts, _settle

from crm_desktop.models import Contact, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.records import delete_record, save_record
from crm_desktop.views.list_page import ListPage
from crm_desktop.views.main_window import MainWindow


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _window(qtbot, db: Database, tmp_path: Path, prompts: FakePrompts) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, prompts=prompts, settings=settings)
    qtbot.addWidget(window)
    window.show()
    _settle(qtbot, window)
    return window


def _lead(db: Database, name: str, company: str) -> uuid.UUID:
    return create_lead(db.sessions, LeadInput(person_name=name, company_name=company)).id


def _contact(db: Database, name: str) -> uuid.UUID:
    detail = save_record(db.sessions, "contacts", None, None, {"full_name": name}).detail
    assert detail.id is not None
    return detail.id


def _alive(db: Database, entity: type) -> set[uuid.UUID]:
    with db.sessions() as session:
        return set(session.scalars(select(entity.id).where(entity.deleted_at.is_(None))))  # type: ignore[attr-defined]


def _row_of_text(page: ListPage, text: str) -> int:
    page.model.data(page.model.index(0, 0))  # asks for the first page
    for row in range(page.model.rowCount()):
        if page.model.index(row, 0).data() == text:
            return row
    raise AssertionError(f"{text!r} is not in the list")


def _click_row(qtbot, page: ListPage, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = page.table.visualRect(page.model.index(row, 0))
    assert rect.isValid()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _open_by_click(qtbot, page: ListPage, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.model.count_known and not page.model.busy)
    row = _row_of_text(page, text)
    with qtbot.waitSignal(page.form.loaded):
        _click_row(qtbot, page, row)
    assert page.form.heading.text() == text


def _focus_table(qtbot, window: MainWindow, page: ListPage) -> None:  # type: ignore[no-untyped-def]
    # A closed dialog leaves no active window offscreen (a window manager would reactivate it).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.table.setFocus()


def _press_delete(qtbot, window: MainWindow, page: ListPage) -> None:  # type: ignore[no-untyped-def]
    _focus_table(qtbot, window, page)
    with qtbot.waitSignal(window.deleted):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)


def test_refused_discard_puts_the_selection_back_and_delete_takes_the_form_record(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wang = _lead(sqlite_db, "王伟", "上海华东电子")
    li = _lead(sqlite_db, "李娜", "北京星辰科技")
    prompts = FakePrompts(False, True)  # keep my edit; yes, delete
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    page = window.list_pages["leads"]
    _open_by_click(qtbot, page, "王伟")
    qtbot.keyClicks(page.form.editors["title"].edit, "Buyer")
    assert page.form.is_dirty()
    _click_row(qtbot, page, _row_of_text(page, "李娜"))
    assert prompts.questions[-1].endswith("Discard them?")
    assert page.form.record_id == wang and page.form.is_dirty()
    assert page.current_id() == wang  # the highlight went back to the record being edited
    _press_delete(qtbot, window, page)
    assert prompts.questions[-1].startswith("Delete 王伟, 上海华东电子?")
    _settle(qtbot, window)
    assert _alive(sqlite_db, Lead) == {li}
    assert "王伟" in window.undo_label.text()


def test_delete_names_the_record_and_no_keeps_it(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wang = _lead(sqlite_db, "王伟", "上海华东电子")
    prompts = FakePrompts(False)
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    page = window.list_pages["leads"]
    _open_by_click(qtbot, page, "王伟")
    _focus_table(qtbot, window, page)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert prompts.questions == ["Delete 王伟, 上海华东电子?"]
    assert _alive(sqlite_db, Lead) == {wang}
    assert page.form.record_id == wang and page.current_id() == wang


def test_opening_a_converted_record_beyond_the_loaded_rows_selects_nothing_and_delete_takes_it(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # More contacts than one page holds: the converted contact sorts past the loaded rows.
    with sqlite_db.sessions.begin() as session:
        session.add_all(Contact(full_name=f"Aaron {n:03}") for n in range(260))
    first = _alive(sqlite_db, Contact)
    lead = _lead(sqlite_db, "Maria Garcia", "Acme Ltd")
    prompts = FakePrompts(True)
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    contacts = window.list_pages["contacts"]
    window.show_page("contacts")
    _open_by_click(qtbot, contacts, "Aaron 000")
    window.show_page("leads")
    leads = window.list_pages["leads"]
    _open_by_click(qtbot, leads, "Maria Garcia")
    qtbot.waitUntil(lambda: leads.form.convert_button.isEnabled())  # type: ignore[attr-defined]
    leads.form.convert_button.click()  # type: ignore[attr-defined]
    dialog = window.convert_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded)
    with qtbot.waitSignal(window.changes_applied):
        dialog.ok_button.click()
    links = leads.form.links
    wanted = "Converted to: Maria Garcia"
    qtbot.waitUntil(lambda: any(links.item(i).text() == wanted for i in range(links.count())))
    item = next(links.item(i) for i in range(links.count()) if links.item(i).text() == wanted)
    with qtbot.waitSignal(contacts.form.loaded):
        links.itemActivated.emit(item)  # Return or a double click on the link
    assert window.current_key() == "contacts"
    maria = contacts.form.record_id
    assert maria is not None and maria not in first
    _settle(qtbot, window)
    assert contacts.current_id() is None  # not Aaron 000's row: the list has no row for Maria
    assert contacts.form.heading.text() == "Maria Garcia"
    _press_delete(qtbot, window, contacts)
    assert prompts.questions[-1] == "Delete Maria Garcia, Acme Ltd?"
    assert _alive(sqlite_db, Contact) == first
    assert lead in _alive(sqlite_db, Lead)


def test_a_record_the_list_does_not_show_leaves_no_row_selected(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    anna = _contact(sqlite_db, "Anna")
    bob = _contact(sqlite_db, "Bob")
    prompts = FakePrompts(True)
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    _open_by_click(qtbot, page, "Anna")
    with qtbot.waitSignal(page.count_changed):
        page.text_filter.setText("ann")  # Bob is filtered out
    _settle(qtbot, window)
    with qtbot.waitSignal(page.form.loaded):
        window.show_record("contacts", bob)  # e.g. from search: a record the list does not show
    assert page.current_id() is None
    assert page.form.heading.text() == "Bob"  # the form says which record it shows
    _press_delete(qtbot, window, page)
    assert prompts.questions == ["Delete Bob?"]
    assert _alive(sqlite_db, Contact) == {anna}


def test_sorting_and_a_reload_from_elsewhere_keep_the_selection_on_the_form_record(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    anna = _contact(sqlite_db, "Anna")
    _contact(sqlite_db, "Bob")
    prompts = FakePrompts()
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    _open_by_click(qtbot, page, "Anna")
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_mid(header, 0))
    _settle(qtbot, window)
    assert page.model.query.descending
    qtbot.waitUntil(lambda: page.current_id() == anna and _selected_row(page) == 1)
    _contact(sqlite_db, "Zoe")  # someone else adds a record that sorts first
    window.apply_changes(Changes(contacts=True))
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: _selected_row(page) == 2)
    assert page.current_id() == anna == page.form.record_id


def test_a_record_deleted_elsewhere_clears_form_and_selection(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    anna = _contact(sqlite_db, "Anna")
    bob = _contact(sqlite_db, "Bob")
    prompts = FakePrompts()
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    _open_by_click(qtbot, page, "Anna")
    delete_record(sqlite_db.sessions, "contacts", anna)  # another window deletes Anna
    window.apply_changes(Changes(contacts=True))
    qtbot.waitUntil(lambda: page.form.record_id is None)
    _settle(qtbot, window)
    assert page.current_id() is None
    _focus_table(qtbot, window, page)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # nothing is shown: nothing to delete
    assert _alive(sqlite_db, Contact) == {bob}
    assert window.statusBar().currentMessage() == "Select a record to delete."


def _mid(header, section: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, 5)


def _selected_row(page: ListPage) -> int | None:
    rows = page.table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def test_delete_while_the_clicked_record_loads_deletes_nothing(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    anna = _contact(sqlite_db, "Anna")
    bob = _contact(sqlite_db, "Bob")
    prompts = FakePrompts()  # no question may be asked
    window = _window(qtbot, sqlite_db, tmp_path, prompts)
    window.show_page("contacts")
    page = window.list_pages["contacts"]
    _open_by_click(qtbot, page, "Anna")
    with qtbot.waitSignal(page.form.loaded):
        page.form.load(bob)  # the highlight is on Bob, the form still shows Anna
        assert page.current_id() == bob and page.form.record_id == anna
        window.delete_current()
    assert prompts.questions == []
    assert window.statusBar().currentMessage() == (
        "The record is still loading; try again in a moment."
    )
    assert _alive(sqlite_db, Contact) == {anna, bob}
