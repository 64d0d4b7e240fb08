"""What a user does through the main window: search, card entry, conversion, dropped files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import func, select
from test_drop import VCF, qr_image  # sibling test modules (pytest puts this folder on sys.path)
from test_main_window import FakePrompts, _settle

from crm_desktop.models import Company, Contact, Lead, LeadStatus
from crm_desktop.models.database import Database
from crm_desktop.services.events import create_event
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.records import save_record
from crm_desktop.views.main_window import MainWindow


class RecordingPrompts(FakePrompts):
    def __init__(self) -> None:
        super().__init__()
        self.infos: list[str] = []

    def show_info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.infos.append(text)


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def prompts() -> RecordingPrompts:
    return RecordingPrompts()


@pytest.fixture
def window(qtbot, sqlite_db: Database, tmp_path: Path, prompts: RecordingPrompts) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(sqlite_db, prompts=prompts, settings=settings)
    qtbot.addWidget(win)
    win.show()
    _settle(qtbot, win)
    return win


def _count(db: Database, entity: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(entity)) or 0)


def test_ctrl_k_finds_a_contact_and_opens_it(
    qtbot, sqlite_db: Database, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    record = save_record(sqlite_db.sessions, "contacts", None, None, {"full_name": "王小明"})
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.line_edit.insert("小明")  # keyClicks types ASCII only
    qtbot.waitUntil(lambda: dialog.model.hit_count() == 1)
    page = window.list_pages["contacts"]
    with qtbot.waitSignal(page.form.loaded):
        qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.current_key() == "contacts"
    assert page.form.record_id == record.detail.id
    assert page.form.editors["full_name"].edit.text() == "王小明"


def test_card_entry_page_saves_leads_the_list_shows(
    qtbot, sqlite_db: Database, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    window.show_page("cards")
    cards = window.card_entry
    assert window.stack.currentWidget() is cards
    qtbot.waitUntil(lambda: cards.owner_combo.count() > 0)
    qtbot.keyClicks(cards.event_combo.lineEdit(), "CES 2027")
    qtbot.keyClick(cards.event_combo.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClicks(cards.name_edit, "Li Wei")
    qtbot.keyClick(cards.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(cards.company_edit, "Haier")
    with qtbot.waitSignal(window.changes_applied):
        qtbot.keyClick(cards.company_edit, Qt.Key.Key_Return)
    assert cards.name_edit.text() == "" and cards.event_combo.currentText() == "CES 2027"
    with sqlite_db.sessions() as session:
        lead = session.scalars(select(Lead)).one()
        assert (lead.person_name, lead.company_name, lead.event_id is not None) == (
            "Li Wei",
            "Haier",
            True,
        )
    window.show_page("leads")
    leads = window.list_pages["leads"]
    qtbot.waitUntil(lambda: leads.model.count_known and leads.model.rowCount() == 1)


def test_convert_a_lead_from_the_window(qtbot, sqlite_db: Database, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    event = create_event(sqlite_db.sessions, "Canton Fair 2026")
    lead = create_lead(
        sqlite_db.sessions,
        LeadInput(
            person_name="Maria Garcia",
            company_name="Acme Ltd",
            emails=["maria@acme.es"],
            event_id=event.id,
        ),
    )
    window.apply_changes(lead.changes)
    page = window.list_pages["leads"]
    with qtbot.waitSignal(page.form.loaded):
        window.show_record("leads", lead.id)
    qtbot.waitUntil(lambda: page.form.convert_button.isEnabled())  # type: ignore[attr-defined]
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.convert_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded)
    with qtbot.waitSignal(window.changes_applied):
        dialog.ok_button.click()
    assert "Lead converted" in window.statusBar().currentMessage()
    with sqlite_db.sessions() as session:
        converted = session.get(Lead, lead.id)
        assert converted is not None and converted.status == LeadStatus.CONVERTED.value
        assert session.scalars(select(Contact.full_name)).all() == ["Maria Garcia"]
        assert session.scalars(select(Company.name)).all() == ["Acme Ltd"]
    qtbot.waitUntil(lambda: not page.form.convert_button.isEnabled())  # type: ignore[attr-defined]


def _drop(window: MainWindow, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(QPoint(200, 200)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # QApplication delivers a drop only during a real drag; call the handler as Qt would.
    window.dropEvent(event)
    assert event.isAccepted()


def test_dropped_vcf_becomes_leads_of_the_chosen_event(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, window: MainWindow, prompts: RecordingPrompts, tmp_path: Path
) -> None:
    event = create_event(sqlite_db.sessions, "Hannover Messe")
    window.apply_changes(event.changes)
    cards = window.card_entry
    qtbot.waitUntil(lambda: cards.event_combo.findText("Hannover Messe") >= 0)
    cards.event_combo.setCurrentText("Hannover Messe")
    path = tmp_path / "booth.vcf"
    path.write_text(VCF, encoding="utf-8")
    assert window.acceptDrops()
    _drop(window, path)
    qtbot.waitUntil(lambda: bool(prompts.infos))
    # An import batch like the wizard's: a summary, the problem cards, the way to undo it.
    assert "Imported booth.vcf: 5 cards: 3 created" in prompts.infos[0]
    assert "card 2: a contact group, not a person" in prompts.infos[0]
    assert "File ▸ Import history" in prompts.infos[0]
    with sqlite_db.sessions() as session:
        leads = session.scalars(select(Lead)).all()
        names = sorted(lead.person_name for lead in leads)
        assert names == ["Anna Schmidt", "Bad Mail", "王小明"]
        assert {lead.event_id for lead in leads} == {event.id}
    assert [b.file_name for b in list_batches(sqlite_db.sessions)] == ["booth.vcf"]
    leads_page = window.list_pages["leads"]
    qtbot.waitUntil(lambda: leads_page.model.count_known and leads_page.model.rowCount() == 3)


def test_dropped_card_photos_fill_card_entry_one_after_another(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, window: MainWindow, prompts: RecordingPrompts, tmp_path: Path
) -> None:
    first, second = tmp_path / "card1.png", tmp_path / "card2.jpg"
    first.write_bytes(qr_image("MECARD:N:Tanaka,Yuki;ORG:Sony;EMAIL:yuki@sony.jp;;"))
    second.write_bytes(
        qr_image("BEGIN:VCARD\nVERSION:3.0\nFN:Jan Novak\nORG:Skoda\nEND:VCARD\n", "JPEG")
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    _drop(window, first, second, notes)
    qtbot.waitUntil(lambda: bool(prompts.infos))
    assert "notes.txt: cannot use this file" in prompts.infos[0]
    cards = window.card_entry
    assert window.current_key() == "cards"
    assert cards.name_edit.text() == "Yuki Tanaka"
    assert cards.email_edit.text() == "yuki@sony.jp"
    assert cards.pending_cards == 1
    qtbot.waitUntil(lambda: cards.owner_combo.count() > 0)
    with qtbot.waitSignal(cards.lead_saved):
        qtbot.keyClick(cards.name_edit, Qt.Key.Key_Return)
    assert cards.name_edit.text() == "Jan Novak"  # the next scanned card, for review
    assert cards.pending_cards == 0
    qtbot.keyClick(cards.name_edit, Qt.Key.Key_Escape)  # not this one
    assert cards.name_edit.text() == ""
    assert _count(sqlite_db, Lead) == 1


def test_drag_of_files_is_welcome_and_of_text_is_not(window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtGui import QDragEnterEvent

    def enter(mime: QMimeData) -> bool:
        event = QDragEnterEvent(
            QPoint(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        event.setAccepted(False)
        window.dragEnterEvent(event)
        return event.isAccepted()

    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(tmp_path / "cards.vcf"))])
    text = QMimeData()
    text.setText("just words")
    assert enter(files)
    assert not enter(text)


def test_settings_change_the_region_card_entry_reads_phones_in(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, window: MainWindow
) -> None:
    from crm_desktop.models import ContactMethod

    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("DE"))
    with qtbot.waitSignal(window.changes_applied):
        dialog.save_button.click()
    assert window.statusBar().currentMessage() == "Settings saved."
    cards = window.card_entry
    qtbot.waitUntil(lambda: cards._region == "DE")
    window.show_page("cards")
    cards.name_edit.setText("Jürgen Groß")
    cards.phones_edit.setText("030 1234567")
    with qtbot.waitSignal(cards.lead_saved):
        cards.save()
    with sqlite_db.sessions() as session:
        assert session.scalars(select(ContactMethod.normalized)).all() == ["+49301234567"]
