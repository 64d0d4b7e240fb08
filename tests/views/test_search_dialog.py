"""The Ctrl+K search dialog: typing, grouped hits, keyboard choice, no match, stale answers."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from crm_desktop.models import Company, Contact, ContactMethod, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.search import SearchHit
from crm_desktop.views.search_dialog import (
    HEADER_ROLE,
    ID_ROLE,
    KIND_ROLE,
    SearchDialog,
    SearchResultModel,
)


@pytest.fixture
def records(sqlite_db: Database) -> dict[str, uuid.UUID]:
    with sqlite_db.sessions.begin() as session:
        company = Company(name="王氏贸易有限公司", domain="wangs-trading.cn", city="上海")
        session.add(company)
        session.flush()
        wang = Contact(full_name="王伟", company_id=company.id)
        wang2 = Contact(full_name="王伟明", company_id=company.id)
        lead = Lead(person_name="Anna Müller", company_name="Acme GmbH")
        session.add_all([wang, wang2, lead])
        session.flush()
        session.add(
            ContactMethod(
                kind="mobile",
                value="+86 138-0013-8000",
                normalized="+8613800138000",
                contact_id=wang.id,
            )
        )
        session.add(
            ContactMethod(
                kind="email", value="anna@acme.de", normalized="anna@acme.de", lead_id=lead.id
            )
        )
    return {"company": company.id, "wang": wang.id, "wang2": wang2.id, "lead": lead.id}


def _dialog(qtbot, db: Database) -> SearchDialog:  # type: ignore[no-untyped-def]
    dialog = SearchDialog(db, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(qtbot, dialog: SearchDialog, text: str) -> None:  # type: ignore[no-untyped-def]
    dialog.line_edit.clear()
    if text.isascii():
        qtbot.keyClicks(dialog.line_edit, text)
    else:  # QTest cannot type CJK: insert the text as an input method commits it
        dialog.line_edit.insert(text)
    qtbot.waitUntil(
        lambda: dialog.model.hit_count() > 0 or "No matches" in dialog.status_label.text(),
        timeout=5000,
    )


def test_result_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = SearchResultModel()
    model.set_hits(
        [
            SearchHit("contact", uuid.uuid4(), "王伟", "王氏贸易 · +86 138-0013-8000"),
            SearchHit("company", uuid.uuid4(), "王氏贸易有限公司", "上海"),
            SearchHit("contact", uuid.uuid4(), "王伟明", ""),
        ]
    )
    qtmodeltester.check(model)
    # Grouped by kind, in the order of each kind's best hit; headers are not selectable.
    kinds = [
        (model.index(r, 0).data(KIND_ROLE), model.index(r, 0).data(HEADER_ROLE)) for r in range(5)
    ]
    assert kinds == [
        ("contact", True),
        ("contact", False),
        ("contact", False),
        ("company", True),
        ("company", False),
    ]
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.index(0, 0).data() == "Contacts"
    assert model.next_hit_row(2, 1) == 4  # skips the "Companies" header
    assert model.next_hit_row(4, 1) == 4
    assert model.next_hit_row(-1, 1) == 1


def test_typing_finds_records_grouped_by_kind_and_enter_chooses(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "王伟")
    model = dialog.model
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles == ["Contacts", "王伟", "王伟明"]
    assert dialog.list_view.currentIndex().row() == 1  # the best hit is preselected
    qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Down)
    assert dialog.list_view.currentIndex().row() == 2
    with qtbot.waitSignal(dialog.result_chosen) as chosen:
        qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Return)
    assert chosen.args == ["contact", records["wang2"]]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_arrow_keys_skip_group_headers(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "王")
    model = dialog.model
    rows = [(model.index(r, 0).data(HEADER_ROLE), model.index(r, 0).data()) for r in range(5)]
    assert rows[0] == (True, "Contacts") and rows[3] == (True, "Companies")
    for _ in range(5):
        qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Down)
    current = dialog.list_view.currentIndex()
    assert current.row() == 4 and current.data(ID_ROLE) == records["company"]
    qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Up)
    assert dialog.list_view.currentIndex().row() == 2


def test_phone_digits_and_click_choose(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "138 0013")
    assert dialog.model.hit_count() == 1
    index = dialog.model.index(1, 0)
    rect = dialog.list_view.visualRect(index)
    with qtbot.waitSignal(dialog.result_chosen) as chosen:
        qtbot.mouseClick(dialog.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == ["contact", records["wang"]]


def test_no_matches_is_said_plainly(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "zzqqxx")
    assert dialog.status_label.text() == "No matches for “zzqqxx”."
    assert dialog.status_label.isVisible() and not dialog.list_view.isVisible()
    with qtbot.assertNotEmitted(dialog.result_chosen):
        qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()


def test_an_answer_to_an_older_query_is_dropped(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "anna")
    assert dialog.model.hit_at(1) is not None
    assert dialog.model.hit_at(1).title == "Anna Müller"  # type: ignore[union-attr]
    stale_generation = dialog._generation
    qtbot.keyClicks(dialog.line_edit, "x")  # a newer question is now pending
    stale = SearchHit("contact", uuid.uuid4(), "Stale answer", "")
    dialog._on_results((stale_generation, "anna", [stale]))
    assert all(
        dialog.model.hit_at(r) is None or dialog.model.hit_at(r) != stale
        for r in range(dialog.model.rowCount())
    )
    qtbot.waitUntil(lambda: dialog.status_label.text() == "No matches for “annax”.", timeout=5000)


def test_clearing_the_box_clears_the_results(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "anna")
    dialog.line_edit.clear()
    assert dialog.model.rowCount() == 0
    assert "Type part of a name" in dialog.status_label.text()


def test_render_with_real_data(
    qtbot, sqlite_db: Database, records: dict[str, uuid.UUID], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db)
    _type(qtbot, dialog, "王")
    image = dialog.grab()
    assert not image.isNull() and image.width() >= 560
    image.save(str(tmp_path / "search_dialog.png"))
