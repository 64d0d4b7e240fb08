"""The conversion dialog: offers existing matches, converts, reports failures in place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from crm_desktop.models import Company, Contact, ContactMethod, Deal, Lead, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.conversion import ConversionRequest, convert_lead
from crm_desktop.services.events import create_event
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.views.convert_lead_dialog import ConvertLeadDialog

SHOTS = Path("/tmp/shots_c")


@pytest.fixture(autouse=True)
def _wait_for_workers() -> None:
    yield
    QThreadPool.globalInstance().waitForDone()


def _lead(db: Database, **kw: object):  # type: ignore[no-untyped-def]
    event = create_event(db.sessions, "MWC Barcelona 2026")
    data = {
        "person_name": "Maria Garcia",
        "company_name": "Acme Ltd",
        "title": "CTO",
        "emails": ["maria@acme.es"],
        "phones": ["+34 612 345 678"],
        "event_id": event.id,
    }
    data.update(kw)
    return create_lead(db.sessions, LeadInput(**data)).id  # type: ignore[arg-type]


def _open(qtbot: QtBot, db: Database, lead_id) -> ConvertLeadDialog:  # type: ignore[no-untyped-def]
    dialog = ConvertLeadDialog(db, lead_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def test_links_existing_company_and_contact_and_creates_a_deal(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    with sqlite_db.sessions.begin() as session:
        company = Company(name="ACME Ltd.")
        session.add(company)
        session.flush()
        contact = Contact(full_name="María García", company_id=company.id)
        session.add(contact)
        session.flush()
        session.add(
            ContactMethod(
                contact_id=contact.id,
                kind="email",
                value="maria@acme.es",
                normalized="maria@acme.es",
            )
        )
        company_id, contact_id = company.id, contact.id
    lead_id = _lead(sqlite_db)
    dialog = _open(qtbot, sqlite_db, lead_id)
    assert "Maria Garcia" in dialog.lead_label.text()
    assert "MWC Barcelona 2026" in dialog.lead_label.text()
    assert dialog.company_combo.currentData() == company_id
    assert dialog.contact_combo.currentData() == contact_id
    assert dialog.contact_combo.itemData(0) is None  # "create new" is always offered
    assert dialog.stage_label.text() == "Sales › Qualification"
    assert dialog.ok_button.isEnabled()

    dialog.deal_box.setChecked(True)
    qtbot.keyClicks(dialog.amount_edit, "12500.50")
    dialog.currency_combo.setCurrentText("EUR")
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "convert_lead_dialog.png"))

    with qtbot.waitSignal(dialog.converted) as converted:
        dialog.ok_button.click()
    changes, result = converted.args
    assert changes.deals and changes.leads
    assert (result.company_id, result.contact_id) == (company_id, contact_id)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with sqlite_db.sessions() as session:
        deal = session.get(Deal, result.deal_id)
        assert deal is not None
        assert (deal.amount, deal.currency, deal.lead_id) == (Decimal("12500.50"), "EUR", lead_id)
        assert session.scalar(select(func.count()).select_from(Company)) == 1


def test_creates_new_records_when_nothing_matches(qtbot: QtBot, sqlite_db: Database) -> None:
    lead_id = _lead(sqlite_db, person_name="王小明", company_name="华为技术有限公司", emails=[])
    dialog = _open(qtbot, sqlite_db, lead_id)
    assert dialog.company_combo.currentData() is None
    assert "华为技术有限公司" in dialog.company_combo.currentText()
    assert dialog.contact_combo.count() == 1
    with qtbot.waitSignal(dialog.converted) as converted:
        dialog.ok_button.click()
    result = converted.args[1]
    assert result.company_created and result.contact_created and result.deal_id is None
    with sqlite_db.sessions() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None and lead.status == "converted"


def test_only_contacts_are_offered_and_only_a_duplicate_is_chosen(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    """Issue 11: the other 王伟 (another e-mail) is not offered; a lead never is; a contact
    with only the same name is offered but not chosen."""
    with sqlite_db.sessions.begin() as session:
        company = Company(name="上海华东电子有限公司")
        session.add(company)
        session.flush()
        other = Contact(full_name="王伟", company_id=company.id)
        maybe = Contact(full_name="王伟", company_id=company.id)
        session.add_all([other, maybe])
        session.flush()
        session.add(
            ContactMethod(
                contact_id=other.id, kind="email", value="w1@hdec.cn", normalized="w1@hdec.cn"
            )
        )
        maybe_id = maybe.id
    _lead(sqlite_db, person_name="Someone", company_name="", emails=["w2@hdec.cn"])  # a lead
    lead_id = _lead(
        sqlite_db, person_name="王伟", company_name="上海华东电子有限公司", emails=["w2@hdec.cn"]
    )
    dialog = _open(qtbot, sqlite_db, lead_id)
    offered = [dialog.contact_combo.itemData(i) for i in range(dialog.contact_combo.count())]
    assert offered == [None, maybe_id]
    assert dialog.contact_combo.currentData() is None  # a similar name is not chosen for you


def test_no_company_choice(qtbot: QtBot, sqlite_db: Database) -> None:
    lead_id = _lead(sqlite_db)
    dialog = _open(qtbot, sqlite_db, lead_id)
    dialog.company_combo.setCurrentIndex(dialog.company_combo.findData("none"))
    assert dialog.request() == ConversionRequest(create_company=False, currency="USD")


def test_already_converted_lead_cannot_be_converted_again(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    lead_id = _lead(sqlite_db)
    convert_lead(sqlite_db.sessions, lead_id, ConversionRequest())
    dialog = _open(qtbot, sqlite_db, lead_id)
    assert not dialog.ok_button.isEnabled()
    assert "already converted" in dialog.error_label.text()


def test_failure_is_shown_and_the_dialog_stays_open(qtbot: QtBot, sqlite_db: Database) -> None:
    lead_id = _lead(sqlite_db)
    dialog = _open(qtbot, sqlite_db, lead_id)
    with sqlite_db.sessions.begin() as session:
        session.execute(update(Stage).values(deleted_at=func.now()))
    dialog.deal_box.setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "has no stages" in dialog.error_label.text())
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
