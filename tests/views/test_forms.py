"""Detail forms: dirty state, validation next to fields, stale saves, links, lead conversion."""

from __future__ import annotations

import uuid
from collections import deque

from PySide6.QtCore import Qt

from crm_desktop.models.database import Database
from crm_desktop.services.records import MethodInput, load_record, save_record
from crm_desktop.views.forms import CompanyForm, ContactForm, DealForm, LeadForm, RecordForm


class FakePrompts:
    def __init__(self, *answers: bool):
        self.answers = deque(answers)
        self.questions: list[str] = []
        self.errors: list[str] = []
        self.infos: list[str] = []

    def ask_yes_no(self, parent, title: str, text: str) -> bool:
        self.questions.append(text)
        if not self.answers:
            raise AssertionError(f"unexpected question: {text}")
        return self.answers.popleft()

    def show_error(self, parent, title: str, text: str) -> None:
        self.errors.append(text)

    def show_info(self, parent, title: str, text: str) -> None:
        self.infos.append(text)


def _open(qtbot, form: RecordForm, record_id: uuid.UUID) -> None:
    with qtbot.waitSignal(form.loaded):
        form.load(record_id)


def _save(qtbot, form: RecordForm) -> None:
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not form.is_saving())


def _contact(db: Database) -> uuid.UUID:
    acme = save_record(db.sessions, "companies", None, None, {"name": "Acme GmbH"}).detail.id
    detail = save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "王小明", "company_id": acme},
        methods=[MethodInput("email", "wang@example.com", "work")],
    ).detail
    assert detail.id is not None
    return detail.id


def test_contact_form_edits_and_formats_phones(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    assert form.heading.text() == "No record selected"
    assert not form.save_button.isEnabled() and not form.revert_button.isEnabled()
    _open(qtbot, form, contact)
    assert form.heading.text() == "王小明"
    assert form.editors["company_id"].state() == "Acme GmbH"
    assert not form.save_button.isEnabled() and not form.revert_button.isEnabled()
    form.editors["title"].edit.setText("CTO")
    form.methods.add_row("mobile")
    form.methods.row_widgets(1).value.setText("13800138000")
    assert form.save_button.isEnabled() and form.revert_button.isEnabled()
    with qtbot.waitSignal(form.saved) as saved:
        _save(qtbot, form)
    assert saved.args[0].contacts
    row = form.methods.row_widgets(1)
    assert row.value.text() == "138 0013 8000"  # shown formatted after save (CN is home)
    assert row.value.toolTip() == "Typed as: 13800138000"
    assert not form.save_button.isEnabled()
    stored = load_record(sqlite_db.sessions, "contacts", contact)
    assert stored.fields["title"] == "CTO"
    assert stored.methods[1].normalized == "+8613800138000"
    assert stored.methods[1].value == "13800138000"  # display only: kept as typed
    form.editors["title"].edit.setText("CEO")  # saving again leaves the number as typed
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    assert load_record(sqlite_db.sessions, "contacts", contact).methods[1].value == "13800138000"
    form.resize(520, 900)
    assert not form.grab().isNull()


def test_revert_restores_loaded_values(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    form.editors["full_name"].edit.setText("Someone else")
    form.tags.setText("VIP")
    qtbot.mouseClick(form.revert_button, Qt.MouseButton.LeftButton)
    assert form.editors["full_name"].edit.text() == "王小明"
    assert form.tags.text() == ""
    assert not form.is_dirty()


def test_validation_is_shown_next_to_the_field(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    form.editors["full_name"].edit.setText("")
    form.editors["birthday"].edit.setText("yesterday")
    form.methods.row_widgets(0).value.setText("not an address")
    _save(qtbot, form)
    assert not form.errors["full_name"].isHidden()
    assert "required" in form.errors["full_name"].text()
    assert "date" in form.errors["birthday"].text()
    assert "e-mail" in form.methods.row_widgets(0).error.text()
    assert not form.methods.row_widgets(0).error.isHidden()
    assert form.errors["title"].isHidden()
    assert form.is_dirty()  # nothing was saved, the edits stay
    assert load_record(sqlite_db.sessions, "contacts", contact).fields["full_name"] == "王小明"


def test_a_red_mark_goes_as_soon_as_the_field_is_fixed(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    form.editors["full_name"].edit.setText("")
    form.editors["birthday"].edit.setText("yesterday")
    email = form.methods.row_widgets(0).value
    email.setText("not an address")
    _save(qtbot, form)
    birthday = form.editors["birthday"].edit
    assert not form.errors["birthday"].isHidden()
    birthday.selectAll()
    qtbot.keyClicks(birthday, "1990-05")  # still no date: the mark stays
    assert not form.errors["birthday"].isHidden()
    qtbot.keyClicks(birthday, "-17")
    assert form.errors["birthday"].isHidden()  # fixed while typing, before any save
    qtbot.keyClicks(form.editors["full_name"].edit, "Wang")
    assert form.errors["full_name"].isHidden()
    assert not form.message.isHidden()  # the e-mail is still wrong
    email.selectAll()
    qtbot.keyClicks(email, "wang@example.com")
    assert form.methods.row_widgets(0).error.isHidden()
    assert form.message.isHidden()


def test_unknown_company_name_is_an_error(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    form.editors["company_id"].edit.setText("No Such Company")
    form.save()
    assert "No Such Company" in form.errors["company_id"].text()


def test_company_picker_finds_companies(qtbot, sqlite_db: Database) -> None:
    _contact(sqlite_db)
    form = DealForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.loaded):
        form.new_record()
    picker = form.editors["company_id"]
    qtbot.keyClicks(picker.edit, "acm")
    qtbot.waitUntil(lambda: picker._names.stringList() == ["Acme GmbH"])
    picker.edit.setText("Acme GmbH")
    form.editors["title"].edit.setText("Pilot")
    form.editors["amount"].edit.setText("1500")
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    assert form.detail is not None and form.detail.labels["company_id"] == "Acme GmbH"
    assert str(form.detail.fields["amount"]) == "1500.00"
    assert form.heading.text() == "Pilot"
    assert form.editors["amount"].edit.text() == "1,500.00"  # as the deal list shows it


def test_money_shows_as_in_lists_and_saves_unchanged(qtbot, sqlite_db: Database) -> None:
    from crm_desktop.views.table_model import display_text

    deal = save_record(sqlite_db.sessions, "deals", None, None, {"title": "Order"}).detail
    assert deal.id is not None
    form = DealForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, deal.id)
    form.editors["amount"].edit.setText("76710")
    form.editors["title"].edit.setText("Big order")
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    amount = load_record(sqlite_db.sessions, "deals", deal.id).fields["amount"]
    assert form.editors["amount"].edit.text() == display_text(amount) == "76,710.00"
    form.editors["title"].edit.setText("Bigger order")  # saving again keeps the amount
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    assert str(load_record(sqlite_db.sessions, "deals", deal.id).fields["amount"]) == "76710.00"


def test_stale_save_offers_reload(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    prompts = FakePrompts(True)
    form = ContactForm(sqlite_db.sessions, prompts)
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    theirs = load_record(sqlite_db.sessions, "contacts", contact)
    save_record(sqlite_db.sessions, "contacts", contact, theirs.version, {"title": "Their title"})
    form.editors["title"].edit.setText("My title")
    with qtbot.waitSignal(form.loaded):  # answered "reload"
        _save(qtbot, form)
    assert len(prompts.questions) == 1 and "Someone else changed" in prompts.questions[0]
    assert form.editors["title"].edit.text() == "Their title"
    assert load_record(sqlite_db.sessions, "contacts", contact).fields["title"] == "Their title"


def test_stale_save_kept_when_user_declines_reload(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    prompts = FakePrompts(False)
    form = ContactForm(sqlite_db.sessions, prompts)
    qtbot.addWidget(form)
    _open(qtbot, form, contact)
    theirs = load_record(sqlite_db.sessions, "contacts", contact)
    save_record(sqlite_db.sessions, "contacts", contact, theirs.version, {"title": "Theirs"})
    form.editors["title"].edit.setText("Mine")
    _save(qtbot, form)
    assert prompts.questions
    assert form.editors["title"].edit.text() == "Mine"  # the user's text is not thrown away
    assert load_record(sqlite_db.sessions, "contacts", contact).fields["title"] == "Theirs"


def test_links_open_records(qtbot, sqlite_db: Database) -> None:
    contact = _contact(sqlite_db)
    company = load_record(sqlite_db.sessions, "contacts", contact).fields["company_id"]
    form = CompanyForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, company)
    assert form.links.count() == 1
    assert form.links.item(0).text() == "Contact: 王小明"
    with qtbot.waitSignal(form.open_requested) as opened:
        form.links.itemActivated.emit(form.links.item(0))
    assert opened.args == ["contacts", contact]


def test_lead_convert_button(qtbot, sqlite_db: Database) -> None:
    form = LeadForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.loaded):
        form.new_record()
    assert form.heading.text() == "New lead"
    assert not form.convert_button.isEnabled()  # not saved yet
    form.editors["person_name"].edit.setText("Li Na")
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    assert form.convert_button.isEnabled()
    form.editors["title"].edit.setText("Buyer")
    assert not form.convert_button.isEnabled()  # unsaved edits first
    form.revert()
    with qtbot.waitSignal(form.convert_requested) as requested:
        qtbot.mouseClick(form.convert_button, Qt.MouseButton.LeftButton)
    assert requested.args == [form.record_id]
    lead = form.record_id
    assert lead is not None
    detail = load_record(sqlite_db.sessions, "leads", lead)
    save_record(sqlite_db.sessions, "leads", lead, detail.version, {"status": "converted"})
    _open(qtbot, form, lead)
    assert not form.convert_button.isEnabled()


def test_a_number_not_valid_in_the_country_is_flagged_and_saved_as_typed(
    qtbot, sqlite_db: Database
) -> None:
    """Issue 11: a US number typed in a form is no CN number: it is kept as typed, never +86."""
    contact = _contact(sqlite_db)
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    form.resize(520, 900)
    form.show()
    _open(qtbot, form, contact)
    form.methods.add_row("phone")
    row = form.methods.row_widgets(1)
    qtbot.keyClicks(row.value, "(415) 293-3313")
    assert row.warning.text() == "not a valid CN number; kept as written"
    assert not row.warning.isHidden()
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    stored = load_record(sqlite_db.sessions, "contacts", contact).methods[1]
    assert (stored.value, stored.normalized) == ("(415) 293-3313", "4152933313")
    assert stored.problem == "not a valid CN number; kept as written"
    row = form.methods.row_widgets(1)  # the form shows the saved record again
    assert row.warning.text() == "not a valid CN number; kept as written"

    # The contact's own country reads its numbers: the warning goes while typing it.
    qtbot.keyClicks(form.editors["country"].edit, "USA")
    assert row.warning.text() == "" and row.warning.isHidden()
    with qtbot.waitSignal(form.saved):
        _save(qtbot, form)
    stored = load_record(sqlite_db.sessions, "contacts", contact).methods[1]
    assert (stored.value, stored.normalized, stored.problem) == (
        "(415) 293-3313",
        "+14152933313",
        None,
    )


def test_a_refresh_while_another_record_loads_shows_that_record(qtbot, sqlite_db: Database) -> None:
    anna = save_record(sqlite_db.sessions, "contacts", None, None, {"full_name": "Anna"}).detail.id
    bob = save_record(sqlite_db.sessions, "contacts", None, None, {"full_name": "Bob"}).detail.id
    assert anna is not None and bob is not None
    form = ContactForm(sqlite_db.sessions, FakePrompts())
    qtbot.addWidget(form)
    _open(qtbot, form, anna)
    targets: list[uuid.UUID | None] = []
    form.target_changed.connect(lambda: targets.append(form.target_id))
    with qtbot.waitSignal(form.loaded):
        form.load(bob)  # the user clicked Bob ...
        form.refresh()  # ... and a change elsewhere arrives before Bob is read
    assert form.record_id == bob and form.heading.text() == "Bob"
    assert targets == [bob]  # the list's highlight never went back to Anna
    assert form.record_label() == "Bob"
