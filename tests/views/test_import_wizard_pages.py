"""The wizard's pages one at a time: reading options, vCards, refusals, keyboard use."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from import_wizard_support import VCF, ScriptedFiles, ScriptedPrompts, go_next, open_wizard
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import select

from crm_desktop.models import Event, Lead, Tag, Tagging
from crm_desktop.models.database import Database
from crm_desktop.services.imports.fields import IGNORE
from crm_desktop.views.import_wizard.state import (
    CHECK_PAGE,
    DUPLICATES_PAGE,
    FILE_PAGE,
    MAPPING_PAGE,
    SUMMARY_PAGE,
)


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _drop_on(widget, path: Path) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(QPoint(20, 20)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)  # QApplication delivers drops only during a real drag
    assert event.isAccepted()


def test_encoding_delimiter_header_row_and_target_can_be_changed(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "客户.txt"
    text = "客户名单 2015\n\n姓名;公司;邮箱\n王小明;华信;x@huaxin.cn\n李娜;华信;li@huaxin.cn\n"
    path.write_bytes(text.encode("gb18030"))
    files = ScriptedFiles(open_path=path)
    wizard = open_wizard(qtbot, sqlite_db, None, files=files)
    page = wizard.file_page
    assert not page.isComplete() and page.path_edit.text() == ""
    page.choose_button.click()
    qtbot.waitUntil(page.isComplete)
    assert files.asked == ["Import a file"]
    assert page.encoding_combo.currentData() == "gb18030"
    assert page.delimiter_combo.currentData() == ";"
    assert page.header_spin.value() == 3  # the title and the empty row sit above the header
    assert page.model.header_row == 2
    assert page.model.headerData(2, Qt.Orientation.Vertical) == "3 ▶"
    assert wizard.state.plan.columns == ("full_name", "company", "email")

    page.encoding_combo.setCurrentIndex(page.encoding_combo.findData("cp1252"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.prepared.info.encoding == "cp1252")
    assert "王小明" not in page.model.data(page.model.index(3, 0))  # read the wrong way
    page.encoding_combo.setCurrentIndex(page.encoding_combo.findData("gb18030"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.prepared.info.encoding == "gb18030")
    assert page.model.data(page.model.index(3, 0)) == "王小明"

    page.delimiter_combo.setCurrentIndex(page.delimiter_combo.findData(","))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.prepared.info.delimiter == ",")
    assert page.model.data(page.model.index(3, 0)) == "王小明;华信;x@huaxin.cn"
    page.delimiter_combo.setCurrentIndex(page.delimiter_combo.findData(";"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.prepared.info.delimiter == ";")
    assert page.model.data(page.model.index(3, 0)) == "王小明"

    page.header_spin.setValue(4)  # a data row as the header, as a user might by mistake
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.header_row == 3)
    assert wizard.state.plan.headers == ("王小明", "华信", "x@huaxin.cn")
    page.preview.clicked.emit(page.model.index(2, 1))  # a click on the real header row
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.header_row == 2)
    assert page.header_spin.value() == 3

    page.target_combo.setCurrentIndex(page.target_combo.findData("companies"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.target == "companies")
    assert wizard.state.plan.columns[1] == "name"  # 公司 is the company's name now


def test_a_file_dropped_on_the_page_is_read(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "list.csv"
    path.write_text("Name,Email\nAnna,anna@acme.de\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, None)
    _drop_on(wizard.file_page, path)
    qtbot.waitUntil(wizard.file_page.isComplete)
    assert wizard.file_page.path_edit.text() == str(path)
    assert wizard.state.plan.headers == ("Name", "Email")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "report.xlsx",
            b"%PDF-1.4 not a sheet",
            "report.xlsx is a PDF document, not a spreadsheet",
        ),
        ("empty.csv", b"", "empty.csv is empty"),
    ],
)
def test_an_unreadable_file_shows_its_reason_on_the_page(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    prompts = ScriptedPrompts()
    wizard = open_wizard(qtbot, sqlite_db, path, prompts)
    page = wizard.file_page
    qtbot.waitUntil(lambda: page.error_label.isVisible())
    assert page.error_label.text() == reason
    assert not page.isComplete()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert prompts.errors == []  # on the page, not in a message box
    assert wizard.currentId() == FILE_PAGE


def test_a_vcard_file_skips_the_mapping_page(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text(VCF, encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    page = wizard.file_page
    qtbot.waitUntil(page.isComplete)
    assert "vCard address book" in page.info_label.text()
    assert page.vcf_note.isVisible()
    assert not page.header_spin.isVisible()
    # The same preview as a sheet: the fields read from the first cards, one row each.
    assert page.preview.isVisible()
    model = page.model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(4)]
    assert rows[0] == ["Full name", "Company", "E-mail", "Mobile", "Phone", "Problem"]
    assert rows[1] == ["Anna Schmidt", "Acme GmbH", "anna@schmidt.de", "+49 171 2345678", "", ""]
    assert rows[2][:2] == ["王小明", "华为"] and rows[2][4] == "+86 138 0013 8000"
    assert rows[3][0] == "Booth team" and "contact group" in rows[3][-1]
    page.target_combo.setCurrentIndex(page.target_combo.findData("leads"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.target == "leads")
    go_next(qtbot, wizard, CHECK_PAGE)  # no mapping page
    qtbot.waitUntil(wizard.check_page.isComplete)
    assert wizard.check_page.totals_label.text().startswith("All ")
    wizard.back()
    assert wizard.currentId() == FILE_PAGE  # Back returns past the skipped page
    assert page.vcf_defaults.isVisible()  # no mapping page: the values for every card are here
    page.vcf_defaults.event_combo.setEditText("Hannover Messe")
    page.vcf_defaults.tags_edit.setText("booth")
    go_next(qtbot, wizard, CHECK_PAGE)
    go_next(qtbot, wizard, DUPLICATES_PAGE)
    go_next(qtbot, wizard, SUMMARY_PAGE)
    summary = wizard.summary_page
    assert summary.count_labels["created"].text() == "2"
    assert summary.count_labels["skipped"].text() == "1"  # the group card
    with sqlite_db.sessions() as session:
        leads = session.scalars(select(Lead)).all()
        assert sorted(lead.person_name for lead in leads) == ["Anna Schmidt", "王小明"]
        events = {session.get(Event, lead.event_id).name for lead in leads if lead.event_id}  # type: ignore[union-attr]
        assert events == {"Hannover Messe"} and all(lead.event_id for lead in leads)
        assert session.scalars(select(Tag.name)).all() == ["booth"]


def test_next_is_refused_when_no_column_gives_the_name(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Email,Birthday\nAnna,anna@acme.de,03/04/1985\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    go_next(qtbot, wizard, MAPPING_PAGE)
    mapping = wizard.mapping_page
    assert sorted(mapping.order_combos) == [2]  # 03/04 reads both ways: asked once
    order = mapping.order_combos[2]
    assert [order.itemData(i) for i in range(order.count())] == ["DMY", "MDY"]
    order.setCurrentIndex(order.findData("MDY"))
    name = mapping.field_combos[0]
    name.setCurrentIndex(name.findData(IGNORE))
    wizard.next()
    assert wizard.currentId() == MAPPING_PAGE
    assert mapping.error_label.isVisible()
    assert "no column is mapped to the full name" in mapping.error_label.text()
    name.setCurrentIndex(name.findData("full_name"))
    birthday = mapping.field_combos[2]
    birthday.setCurrentIndex(birthday.findData("notes"))
    assert mapping.order_combos == {}  # notes are no dates: nothing to ask
    birthday.setCurrentIndex(birthday.findData("birthday"))
    assert sorted(mapping.order_combos) == [2]
    mapping.order_combos[2].setCurrentIndex(mapping.order_combos[2].findData("MDY"))
    go_next(qtbot, wizard, CHECK_PAGE)
    assert wizard.state.plan.date_orders == {2: "MDY"}
    assert not mapping.error_label.isVisible()


def test_the_mapping_table_is_keyboard_usable(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "wide.csv"
    headers = [f"Extra {i}" for i in range(30)]
    path.write_text("Name," + ",".join(headers) + "\nAnna," + ",".join("x" * 30) + "\n", "utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    go_next(qtbot, wizard, MAPPING_PAGE)
    mapping = wizard.mapping_page
    first, last = mapping.field_combos[0], mapping.field_combos[-1]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert mapping.field_combos[1].hasFocus()  # Tab goes from combo to combo
    last.setFocus()
    qtbot.waitUntil(lambda: mapping.table.verticalScrollBar().value() > 0)  # scrolled to it


def test_a_mapping_is_remembered_for_the_next_file_with_the_same_headers(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    first = tmp_path / "2015.csv"
    first.write_text("Name,Email,Shoe size\nAnna,anna@acme.de,38\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, first)
    go_next(qtbot, wizard, MAPPING_PAGE)
    assert not wizard.mapping_page.remembered_label.isVisible()
    shoes = wizard.mapping_page.field_combos[2]
    shoes.setCurrentIndex(shoes.findData(IGNORE))
    for page in (CHECK_PAGE, DUPLICATES_PAGE, SUMMARY_PAGE):
        go_next(qtbot, wizard, page)
    wizard.accept()
    second = tmp_path / "2016.csv"
    second.write_text("name,EMAIL,Shoe  size\nBo,bo@acme.de,44\n", encoding="utf-8")
    again = open_wizard(qtbot, sqlite_db, second)
    go_next(qtbot, again, MAPPING_PAGE)
    assert again.mapping_page.remembered_label.isVisible()
    assert again.mapping_page.model.keys() == ("full_name", "email", IGNORE)
    assert again.mapping_page.field_combos[2].currentData() == IGNORE


def test_a_workbook_sheet_is_chosen_from_the_combo(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Exported from the old system"])
    people = book.create_sheet("People")
    people.append(["Company name", "Phone"])
    people.append(["Acme GmbH", "+49 40 1234567"])
    book.save(path)
    wizard = open_wizard(qtbot, sqlite_db, path)
    page = wizard.file_page
    # The first sheet holds a note only: refused, but the other sheets are offered.
    qtbot.waitUntil(lambda: page.error_label.isVisible() and not page.busy)
    assert page.error_label.text() == "book.xlsx has no rows under its header (row 1)"
    assert not page.isComplete()
    assert "Excel workbook" in page.info_label.text()
    assert page.sheet_combo.isVisible() and not page.delimiter_combo.isVisible()
    sheets = [page.sheet_combo.itemText(i) for i in range(page.sheet_combo.count())]
    assert sheets == ["First sheet with data", "Notes", "People"]
    page.sheet_combo.setCurrentIndex(page.sheet_combo.findData("People"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.sheet == "People")
    assert page.model.data(page.model.index(1, 0)) == "Acme GmbH"
    assert page.sheet_combo.currentText() == "People"
    assert not page.error_label.isVisible()


def test_values_for_every_row_are_applied(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "booth.csv"
    path.write_text("Name,Email\nAnna Berg,anna@acme.de\nBo Chen,bo@acme.de\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    page = wizard.file_page
    qtbot.waitUntil(page.isComplete)
    page.target_combo.setCurrentIndex(page.target_combo.findData("leads"))
    qtbot.waitUntil(lambda: page.isComplete() and wizard.state.plan.target == "leads")
    go_next(qtbot, wizard, MAPPING_PAGE)
    box = wizard.mapping_page.defaults_box
    qtbot.waitUntil(lambda: box.owner_combo.findData("Me") >= 0)  # users load in the background
    assert box.source_combo.findText("Trade show") >= 0
    box.event_combo.setCurrentText("Canton Fair 2026")  # a new event: the import creates it
    box.source_combo.setCurrentText("Trade show")
    box.owner_combo.setCurrentIndex(box.owner_combo.findData("Me"))
    box.tags_edit.setText("2015 list")
    go_next(qtbot, wizard, CHECK_PAGE)
    assert wizard.state.plan.defaults == {
        "event": "Canton Fair 2026",
        "source": "Trade show",
        "owner": "Me",
        "tags": "2015 list",
    }
    go_next(qtbot, wizard, DUPLICATES_PAGE)
    go_next(qtbot, wizard, SUMMARY_PAGE)
    assert wizard.summary_page.count_labels["created"].text() == "2"
    with sqlite_db.sessions() as session:
        event = session.scalars(select(Event).where(Event.name == "Canton Fair 2026")).one()
        leads = session.scalars(select(Lead)).all()
        assert {lead.event_id for lead in leads} == {event.id}
        tagged = session.scalars(
            select(Tagging.lead_id)
            .join(Tag, Tag.id == Tagging.tag_id)
            .where(Tag.name == "2015 list", Tagging.deleted_at.is_(None))
        )
        assert set(tagged) == {lead.id for lead in leads}
