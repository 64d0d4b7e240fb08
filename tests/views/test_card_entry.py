"""Card entry at typing speed: keyboard only, Enter saves, duplicates warned live."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crm_desktop.models import Contact, ContactMethod, Event, Lead, MethodKind
from crm_desktop.models.database import Database
from crm_desktop.services.card_data import CardData
from crm_desktop.services.events import create_event
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.views.card_entry import CardEntryPage, split_emails, split_phones

SHOTS = Path("/tmp/shots_c")


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a user: ASCII as key presses, other text as an input method commits it."""
    for chunk in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


class Keyboard:
    """Types into whatever has focus, counting the keys that are not the card's text."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.extra_keys = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def type(self, text: str) -> None:
        type_text(self.qtbot, self.focus(), text)

    def key(self, key: Qt.Key) -> None:
        self.extra_keys += 1
        self.qtbot.keyClick(self.focus(), key)


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database) -> CardEntryPage:
    widget = CardEntryPage(sqlite_db)
    qtbot.addWidget(widget)
    widget.resize(720, 640)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.owner_combo.count() > 0)
    yield widget
    QThreadPool.globalInstance().waitForDone()


def _leads(db: Database) -> list[Lead]:
    with db.sessions() as session:
        return list(session.scalars(select(Lead).order_by(Lead.created_at)))


def test_typing_cards_with_the_keyboard_only(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    kb = Keyboard(qtbot)
    page.event_combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    kb.type("Canton Fair 2026")
    assert "new event" in page.event_hint.text()
    kb.key(Qt.Key.Key_Return)  # to Name
    assert kb.focus() is page.name_edit
    setup_keys = kb.extra_keys
    kb.extra_keys = 0

    # A typical card: name, company, title, phone, e-mail.
    for text in ("Maria Garcia", "Acme Ltd", "CTO", "+34 612 345 678"):
        kb.type(text)
        kb.key(Qt.Key.Key_Tab)
    kb.type("maria@acme.es")
    with qtbot.waitSignal(page.lead_saved) as saved:
        kb.key(Qt.Key.Key_Return)
    assert kb.extra_keys == 5  # four Tabs and one Enter beyond the card's own text
    assert setup_keys == 1
    assert saved.args[0].leads and saved.args[0].events

    [lead] = _leads(sqlite_db)
    assert (lead.person_name, lead.company_name, lead.title) == ("Maria Garcia", "Acme Ltd", "CTO")
    with sqlite_db.sessions() as session:
        event = session.get(Event, lead.event_id)
        assert event is not None and event.name == "Canton Fair 2026"
        methods = session.scalars(
            select(ContactMethod.normalized).where(ContactMethod.lead_id == lead.id)
        ).all()
    assert sorted(m for m in methods if m) == ["+34612345678", "maria@acme.es"]
    assert lead.source_id == page.source_combo.currentData()  # "Trade show" by default
    assert page.source_combo.currentText() == "Trade show"

    # The form is empty and ready for the next card; event, source and owner stay.
    assert all(edit.text() == "" for edit in page._card_edits())
    assert kb.focus() is page.name_edit
    assert page.event_combo.currentText() == "Canton Fair 2026"
    assert page.cards_entered == 1 and "1" in page.counter_label.text()

    # Name and company only: one Tab and Enter.
    kb.extra_keys = 0
    kb.type("王小明")
    kb.key(Qt.Key.Key_Tab)
    kb.type("华为技术有限公司")
    with qtbot.waitSignal(page.lead_saved):
        kb.key(Qt.Key.Key_Return)
    assert kb.extra_keys == 2
    first, second = _leads(sqlite_db)
    assert second.person_name == "王小明" and second.event_id == first.event_id
    assert page.cards_entered == 2

    # A full card with a note: five Tabs and Enter.
    kb.extra_keys = 0
    for text in ("Jean Dupont", "Société Générale", "Directeur", "+33 6 12 34 56 78", "jd@sg.fr"):
        kb.type(text)
        kb.key(Qt.Key.Key_Tab)
    kb.type("Wants a demo in May")
    with qtbot.waitSignal(page.lead_saved):
        kb.key(Qt.Key.Key_Return)
    assert kb.extra_keys == 6
    third = _leads(sqlite_db)[2]
    assert (third.company_name, third.title, third.notes) == (
        "Société Générale",
        "Directeur",
        "Wants a demo in May",
    )
    qtbot.waitUntil(lambda: page.event_combo.count() == 1)  # the new event is now in the list


def test_validation_error_keeps_the_card_and_focuses_the_field(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    page.name_edit.setText("Bob")
    page.email_edit.setText("bob-at-example")
    page.email_edit.setFocus()
    qtbot.keyClick(page.email_edit, Qt.Key.Key_Return)
    assert "not an e-mail address" in page.status_label.text()
    assert page.name_edit.text() == "Bob"
    assert QApplication.focusWidget() is page.email_edit
    assert _leads(sqlite_db) == [] and page.cards_entered == 0


def test_live_duplicate_warning_with_links(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    create_event(sqlite_db.sessions, "Web Summit 2026")
    existing = create_lead(
        sqlite_db.sessions,
        LeadInput(person_name="Maria Garcia", company_name="Acme Ltd", emails=["maria@acme.es"]),
    )
    with sqlite_db.sessions.begin() as session:
        contact = Contact(full_name="Anna Schmidt")
        session.add(contact)
        session.flush()
        session.add(
            ContactMethod(
                contact_id=contact.id,
                kind=MethodKind.MOBILE,
                value="+86 138 0013 8000",
                normalized="+8613800138000",
            )
        )
        contact_id = contact.id
    page.reload_choices()
    qtbot.waitUntil(lambda: page.event_combo.count() == 1)
    page.event_combo.setEditText("Web Summit 2026")
    page.name_edit.setFocus()
    type_text(qtbot, page.name_edit, "María García")
    qtbot.keyClick(page.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.company_edit, "ACME Limited")
    qtbot.keyClick(page.company_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(page.title_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.phones_edit, "138-0013-8000")
    qtbot.waitUntil(lambda: len(page.duplicates) == 2, timeout=5000)

    assert page.duplicates_label.isVisible()
    text = page.duplicates_label.text()
    assert f'href="lead:{existing.id}"' in text and "same name at Acme Ltd" in text
    assert f'href="contact:{contact_id}"' in text and "same mobile +86 138 0013 8000" in text
    # Anna has the typed mobile: a duplicate; María only a close name: a possible one.
    duplicate, possible = text.split("Possible duplicate")
    assert "Duplicate: already in the CRM" in duplicate and "Anna Schmidt" in duplicate
    assert "María" not in duplicate and "Maria Garcia" in possible

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "card_entry_duplicates.png"))

    with qtbot.waitSignal(page.open_record_requested) as opened:
        page.duplicates_label.linkActivated.emit(f"contact:{contact_id}")
    assert opened.args == ["contact", contact_id]
    assert isinstance(opened.args[1], uuid.UUID)

    page.clear_card()
    assert not page.duplicates_label.isVisible() and page.duplicates == []


def test_no_warning_about_a_same_name_with_another_email(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    """Issue 11: 王伟 with his own e-mail is not the 王伟 already at the company."""
    existing = create_lead(
        sqlite_db.sessions,
        LeadInput(
            person_name="王伟",
            company_name="上海华东电子有限公司",
            emails=["wang.wei1@hdec.cn"],
            phones=["13900000001"],
        ),
    )
    page.name_edit.setFocus()
    type_text(qtbot, page.name_edit, "王伟")
    type_text(qtbot, page.company_edit, "上海华东电子有限公司")
    qtbot.waitUntil(lambda: len(page.duplicates) == 1, timeout=5000)
    assert "Possible duplicate" in page.duplicates_label.text()  # nothing else typed yet
    assert f"lead:{existing.id}" in page.duplicates_label.text()

    qtbot.keyClicks(page.email_edit, "wang.wei2@hdec.cn")
    qtbot.waitUntil(lambda: page.duplicates == [], timeout=5000)
    assert not page.duplicates_label.isVisible()

    page.email_edit.clear()
    qtbot.keyClicks(page.email_edit, "WANG.WEI1@hdec.cn")
    qtbot.waitUntil(lambda: len(page.duplicates) == 1 and not page.duplicates[0].possible)
    assert "Duplicate: already in the CRM" in page.duplicates_label.text()
    assert "same e-mail wang.wei1@hdec.cn" in page.duplicates_label.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "card_entry_same_name_other_email.png"))


def test_fill_from_card_then_enter_saves(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    page.fill_from_card(
        CardData(
            full_name="Jane Doe",
            company="Acme",
            title="Buyer",
            mobiles=("+1 415 555 0100",),
            phones=("+1 415 555 0101",),
            emails=("jane@acme.com",),
            note="From the QR code",
            websites=("https://acme.com",),
            city="San Francisco",
        )
    )
    assert "website, address" in page.status_label.text()
    assert page.phones_edit.text() == "+1 415 555 0100; +1 415 555 0101"
    assert QApplication.focusWidget() is page.name_edit
    with qtbot.waitSignal(page.lead_saved):
        qtbot.keyClick(page.name_edit, Qt.Key.Key_Return)
    [lead] = _leads(sqlite_db)
    assert (lead.person_name, lead.notes, lead.event_id) == ("Jane Doe", "From the QR code", None)
    assert lead.city == "San Francisco"
    with sqlite_db.sessions() as session:
        kinds = sorted(
            session.scalars(select(ContactMethod.kind).where(ContactMethod.lead_id == lead.id))
        )
    assert kinds == ["email", "phone", "phone", "website"]  # US numbers may be either kind
    page.fill_from_card(CardData(full_name="Next", city="Paris"))
    page.clear_card()
    assert page.current_input().city == ""


def test_splitting_lists() -> None:
    assert split_phones("030/1234567; +49 171 2345678,") == ["030/1234567", "+49 171 2345678"]
    assert split_emails("a@x.com; b@y.com c@z.com") == ["a@x.com", "b@y.com", "c@z.com"]


def test_alt_mnemonics_jump_to_fields(page: CardEntryPage, qtbot: QtBot) -> None:
    page.name_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name_edit)
    qtbot.keyClick(page.name_edit, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.email_edit
    qtbot.keyClick(page.email_edit, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.event_combo


def _contact_with_mobile(db: Database, name: str, typed: str, e164: str) -> uuid.UUID:
    with db.sessions.begin() as session:
        contact = Contact(full_name=name)
        session.add(contact)
        session.flush()
        session.add(
            ContactMethod(
                contact_id=contact.id, kind=MethodKind.MOBILE, value=typed, normalized=e164
            )
        )
        return contact.id


def test_a_german_card_reads_its_numbers_in_germany(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    """Issue 11: "0176 95455361" on a German card became +86 and the duplicate was missed."""
    existing = _contact_with_mobile(sqlite_db, "Jonas Weber", "+49 176 95455361", "+4917695455361")
    kb = Keyboard(qtbot)
    page.name_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name_edit)
    for text in ("Jonas Weber", "Weber Technik", "Einkauf", "0176 95455361"):
        kb.type(text)
        if text != "0176 95455361":
            kb.key(Qt.Key.Key_Tab)
    # Nothing on the card says Germany yet: the setting (CN) reads it, and it is no CN number.
    assert page.country.region == "CN"
    assert page.country.warning.isVisible()
    assert page.country.warning.text() == "0176 95455361: not a valid CN number; kept as written"
    kb.key(Qt.Key.Key_Tab)
    kb.type("jonas@weber-technik.de")
    assert page.country.region == "DE"
    assert page.country.combo.currentData() == "DE"
    assert "e-mail domain .de" in page.country.hint.text()
    assert not page.country.warning.isVisible()
    qtbot.waitUntil(lambda: [m.id for m in page.duplicates] == [existing], timeout=5000)
    assert "same mobile +49 176 95455361" in page.duplicates_label.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "card_entry_german_card.png"))

    with qtbot.waitSignal(page.lead_saved):
        kb.key(Qt.Key.Key_Return)
    [lead] = _leads(sqlite_db)
    with sqlite_db.sessions() as session:
        [(kind, value, normalized)] = session.execute(
            select(ContactMethod.kind, ContactMethod.value, ContactMethod.normalized).where(
                ContactMethod.lead_id == lead.id, ContactMethod.kind != MethodKind.EMAIL
            )
        ).all()
    assert (kind, value, normalized) == ("mobile", "0176 95455361", "+4917695455361")
    assert page.country.region == "CN"  # the next card starts from the setting again


def test_f4_changes_the_country_of_the_card(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    kb = Keyboard(qtbot)
    page.name_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name_edit)
    for text in ("Sam Reporter", "Acme", "Buyer"):
        kb.type(text)
        kb.key(Qt.Key.Key_Tab)
    kb.type("(415) 293-3313")
    assert page.country.region == "CN"
    assert "not a valid CN number; kept as written" in page.country.warning.text()
    assert "the setting" in page.country.hint.text()

    kb.key(Qt.Key.Key_F4)  # one key: into the country box, its text selected
    assert page.country._in_combo(kb.focus())
    kb.type("us")
    kb.key(Qt.Key.Key_Return)
    assert kb.focus() is page.phones_edit  # back where the user was
    assert page.country.region == "US" and "chosen by you" in page.country.hint.text()
    assert not page.country.warning.isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "card_entry_f4_us.png"))

    kb.key(Qt.Key.Key_F4)
    kb.type("Deutsch")
    kb.key(Qt.Key.Key_Escape)  # leaves the box as it was; the card stays
    assert kb.focus() is page.phones_edit and page.phones_edit.text() == "(415) 293-3313"
    assert page.country.region == "US"

    with qtbot.waitSignal(page.lead_saved):
        kb.key(Qt.Key.Key_Return)
    with sqlite_db.sessions() as session:
        normalized = session.scalar(
            select(ContactMethod.normalized).where(ContactMethod.kind != MethodKind.EMAIL)
        )
    assert normalized == "+14152933313"


def test_a_number_not_valid_anywhere_is_saved_as_typed(
    page: CardEntryPage, qtbot: QtBot, sqlite_db: Database
) -> None:
    page.name_edit.setFocus()
    qtbot.keyClicks(page.name_edit, "Odd Number")
    page.phones_edit.setFocus()
    qtbot.keyClicks(page.phones_edit, "1-955-371-0847 x371")
    assert page.country.warning.text() == (
        "1-955-371-0847 x371: not a valid CN number; kept as written"
    )
    with qtbot.waitSignal(page.lead_saved):
        qtbot.keyClick(page.phones_edit, Qt.Key.Key_Return)
    with sqlite_db.sessions() as session:
        row = session.execute(select(ContactMethod.value, ContactMethod.normalized)).one()
    assert tuple(row) == ("1-955-371-0847 x371", "19553710847")  # no made-up +86
