"""Converting a lead into a company, a contact and a deal, in one transaction."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    LeadStatus,
    Stage,
)
from crm_desktop.models.database import Database
from crm_desktop.services import conversion
from crm_desktop.services.conversion import (
    ConversionError,
    ConversionRequest,
    convert_lead,
    first_deal_stage,
)
from crm_desktop.services.events import create_event
from crm_desktop.services.leads import LeadInput, create_lead


def _lead(db: Database, **kw: object) -> uuid.UUID:
    data = {
        "person_name": "Maria Garcia",
        "company_name": "Acme Ltd",
        "title": "CTO",
        "phones": ["+34 612 345 678"],
        "emails": ["maria@acme.es"],
        "note": "Met at MWC",
        "websites": ["https://www.acme.es"],
    }
    data.update(kw)
    return create_lead(db.sessions, LeadInput(**data)).id  # type: ignore[arg-type]


def _count(db: Database, entity: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(entity)) or 0)


def test_convert_to_new_company_contact_and_deal(db: Database) -> None:
    event = create_event(db.sessions, "MWC 2026")
    lead_id = _lead(db, event_id=event.id)
    result = convert_lead(
        db.sessions,
        lead_id,
        ConversionRequest(create_deal=True, amount=Decimal("12500.50"), currency="eur"),
    )
    assert result.company_created and result.contact_created
    assert result.changes.leads and result.changes.contacts and result.changes.companies
    assert result.changes.deals
    with db.sessions() as session:
        company = session.get(Company, result.company_id)
        contact = session.get(Contact, result.contact_id)
        deal = session.get(Deal, result.deal_id)
        lead = session.get(Lead, lead_id)
        assert company is not None and contact is not None and deal is not None and lead
        assert (company.name, company.website, company.domain) == (
            "Acme Ltd",
            "https://www.acme.es",
            "acme.es",
        )
        assert (contact.full_name, contact.title, contact.company_id) == (
            "Maria Garcia",
            "CTO",
            company.id,
        )
        assert contact.event_id == event.id and contact.notes == "Met at MWC"
        methods = session.scalars(
            select(ContactMethod.normalized).where(ContactMethod.contact_id == contact.id)
        ).all()
        assert sorted(m for m in methods if m) == ["+34612345678", "acme.es", "maria@acme.es"]
        stage = session.get(Stage, deal.stage_id)
        assert stage is not None and stage.position == 0 and stage.name == "Qualification"
        assert (deal.amount, deal.currency, deal.lead_id) == (Decimal("12500.50"), "EUR", lead_id)
        assert (deal.company_id, deal.contact_id, deal.event_id) == (
            company.id,
            contact.id,
            event.id,
        )
        assert deal.title == "Acme Ltd: Maria Garcia"
        assert lead.status == LeadStatus.CONVERTED
        assert lead.converted_at is not None
        assert (lead.converted_company_id, lead.converted_contact_id) == (company.id, contact.id)
    # The lead keeps its own e-mails and phones.
    with db.sessions() as session:
        assert session.scalar(select(func.count()).where(ContactMethod.lead_id == lead_id)) == 3


def test_link_existing_company_and_contact(db: Database) -> None:
    with db.sessions.begin() as session:
        company = Company(name="ACME Limited")
        session.add(company)
        session.flush()
        contact = Contact(full_name="María García")
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
    lead_id = _lead(db)
    result = convert_lead(
        db.sessions, lead_id, ConversionRequest(company_id=company_id, contact_id=contact_id)
    )
    assert (result.company_id, result.contact_id, result.deal_id) == (company_id, contact_id, None)
    assert not result.company_created and not result.contact_created
    assert _count(db, Company) == 1 and _count(db, Contact) == 1 and _count(db, Deal) == 0
    with db.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None and contact.company_id == company_id
        normalized = sorted(
            session.scalars(
                select(ContactMethod.normalized).where(ContactMethod.contact_id == contact_id)
            )
        )
    # The e-mail it had is not doubled; the phone and website are added.
    assert normalized == ["+34612345678", "acme.es", "maria@acme.es"]


def test_no_company(db: Database) -> None:
    lead_id = _lead(db, company_name="")
    result = convert_lead(db.sessions, lead_id, ConversionRequest(create_deal=True))
    assert result.company_id is None and not result.changes.companies
    with db.sessions() as session:
        deal = session.get(Deal, result.deal_id)
        assert deal is not None and deal.title == "Maria Garcia" and deal.currency == "USD"


def test_already_converted_is_refused(db: Database) -> None:
    lead_id = _lead(db)
    convert_lead(db.sessions, lead_id, ConversionRequest())
    with pytest.raises(ConversionError, match="Maria Garcia was already converted on"):
        convert_lead(db.sessions, lead_id, ConversionRequest())
    assert _count(db, Contact) == 1


def test_failure_in_the_middle_leaves_nothing(db: Database) -> None:
    """The deal step fails (the pipeline has no stages) after company and contact were made."""
    lead_id = _lead(db)
    with db.sessions.begin() as session:
        session.execute(update(Stage).values(deleted_at=func.now()))
    with pytest.raises(ConversionError, match="has no stages"):
        convert_lead(db.sessions, lead_id, ConversionRequest(create_deal=True, amount=Decimal(1)))
    assert _count(db, Company) == 0 and _count(db, Contact) == 0 and _count(db, Deal) == 0
    with db.sessions() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None and lead.status == LeadStatus.NEW and lead.converted_at is None
        assert (
            session.scalar(select(func.count()).where(ContactMethod.contact_id.is_not(None))) == 0
        )


def test_unexpected_error_while_copying_rolls_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(conversion, "_copy_methods", broken)
    lead_id = _lead(db)
    with pytest.raises(RuntimeError, match="disk full"):
        convert_lead(db.sessions, lead_id, ConversionRequest())
    assert _count(db, Company) == 0 and _count(db, Contact) == 0


def test_bad_requests(db: Database) -> None:
    lead_id = _lead(db)
    with pytest.raises(ConversionError, match="negative"):
        convert_lead(db.sessions, lead_id, ConversionRequest(create_deal=True, amount=Decimal(-1)))
    with pytest.raises(ConversionError, match="currency"):
        convert_lead(db.sessions, lead_id, ConversionRequest(create_deal=True, currency="EURO"))
    with pytest.raises(ConversionError, match="no longer exists"):
        convert_lead(db.sessions, uuid.uuid4(), ConversionRequest())
    with pytest.raises(ConversionError, match="company chosen"):
        convert_lead(db.sessions, lead_id, ConversionRequest(company_id=uuid.uuid4()))
    assert _count(db, Contact) == 0


def test_first_deal_stage(db: Database) -> None:
    stage = first_deal_stage(db.sessions)
    assert (stage.pipeline_name, stage.stage_name) == ("Sales", "Qualification")
