"""Converting a qualified lead into a company, a contact and (optionally) a deal.

Everything happens in one transaction: when any step fails, nothing is saved
and the lead stays as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    LeadStatus,
    MethodKind,
    Pipeline,
    Stage,
    utcnow,
)
from crm_desktop.services.activities.follow_up import refresh_follow_up
from crm_desktop.services.changes import Changes
from crm_desktop.services.normalize import domain_of
from crm_desktop.services.pipeline.history import log_stage_change, set_stage
from crm_desktop.services.settings import default_currency


class ConversionError(Exception):
    """The lead cannot be converted; the message says why."""


@dataclass(frozen=True)
class ConversionRequest:
    """What the lead becomes.

    A company: an existing one (`company_id`), a new one named `company_name`
    (the lead's company when empty), or none (`create_company=False`).
    A contact: an existing one (`contact_id`) or a new one from the lead.
    A deal when `create_deal`, in the default pipeline's first stage.
    """

    company_id: uuid.UUID | None = None
    create_company: bool = True
    company_name: str = ""
    contact_id: uuid.UUID | None = None
    create_deal: bool = False
    deal_title: str = ""
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class ConversionResult:
    lead_id: uuid.UUID
    company_id: uuid.UUID | None
    contact_id: uuid.UUID
    deal_id: uuid.UUID | None
    company_created: bool
    contact_created: bool
    changes: Changes


@dataclass(frozen=True)
class DealStage:
    pipeline_id: uuid.UUID
    pipeline_name: str
    stage_id: uuid.UUID
    stage_name: str


def _first_stage(session: Session) -> DealStage:
    pipeline = session.scalar(
        select(Pipeline)
        .where(Pipeline.deleted_at.is_(None))
        .order_by(Pipeline.is_default.desc(), Pipeline.position)
        .limit(1)
    )
    if pipeline is None:
        raise ConversionError("There is no sales pipeline to put the deal in. Create one first.")
    stage = session.scalar(
        select(Stage)
        .where(Stage.pipeline_id == pipeline.id, Stage.deleted_at.is_(None))
        .order_by(Stage.position)
        .limit(1)
    )
    if stage is None:
        raise ConversionError(f"The pipeline '{pipeline.name}' has no stages to put the deal in.")
    return DealStage(pipeline.id, pipeline.name, stage.id, stage.name)


def first_deal_stage(sessions: sessionmaker[Session]) -> DealStage:
    """Where a deal made by a conversion starts: the default pipeline's first stage."""
    with sessions() as session:
        return _first_stage(session)


def _check_request(request: ConversionRequest) -> None:
    if request.amount is not None and request.amount < 0:
        raise ConversionError("A deal's amount cannot be negative.")
    currency = request.currency.strip()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise ConversionError(f"'{currency}' is not a currency code (three letters, such as USD).")


def _load_lead(session: Session, lead_id: uuid.UUID) -> Lead:
    lead = session.get(Lead, lead_id, with_for_update=True)
    if lead is None or lead.deleted_at is not None:
        raise ConversionError("This lead no longer exists; it may have been deleted.")
    if lead.status == LeadStatus.CONVERTED.value or lead.converted_at is not None:
        when = f" on {lead.converted_at:%Y-%m-%d}" if lead.converted_at else ""
        raise ConversionError(f"{lead.person_name} was already converted{when}.")
    return lead


def _company(
    session: Session, lead: Lead, request: ConversionRequest, methods: list[ContactMethod]
) -> tuple[Company | None, bool]:
    if request.company_id is not None:
        company = session.get(Company, request.company_id)
        if company is None or company.deleted_at is not None:
            raise ConversionError("The company chosen to link no longer exists.")
        return company, False
    name = " ".join((request.company_name or lead.company_name or "").split())
    if not request.create_company or not name:
        return None, False
    website = next((m.value for m in methods if m.kind == MethodKind.WEBSITE), None)
    company = Company(
        name=name,
        website=website,
        domain=domain_of(website) if website else None,
        owner_id=lead.owner_id,
        street=lead.street,
        city=lead.city,
        region=lead.region,
        postal_code=lead.postal_code,
        country=lead.country,
    )
    session.add(company)
    session.flush()
    return company, True


def _contact(
    session: Session, lead: Lead, request: ConversionRequest, company: Company | None
) -> tuple[Contact, bool]:
    if request.contact_id is not None:
        contact = session.get(Contact, request.contact_id)
        if contact is None or contact.deleted_at is not None:
            raise ConversionError("The contact chosen to link no longer exists.")
        if contact.company_id is None and company is not None:
            contact.company_id = company.id
        return contact, False
    contact = Contact(
        full_name=lead.person_name,
        title=lead.title,
        company_id=company.id if company else None,
        notes=lead.notes,
        source_id=lead.source_id,
        event_id=lead.event_id,
        owner_id=lead.owner_id,
        street=lead.street,
        city=lead.city,
        region=lead.region,
        postal_code=lead.postal_code,
        country=lead.country,
    )
    session.add(contact)
    session.flush()
    return contact, True


def _copy_methods(session: Session, contact: Contact, methods: list[ContactMethod]) -> None:
    """Give the contact the lead's e-mails and phones it does not have yet."""
    existing = set(
        session.scalars(
            select(ContactMethod.normalized).where(
                ContactMethod.contact_id == contact.id, ContactMethod.deleted_at.is_(None)
            )
        )
    )
    position = len(existing)
    for method in methods:
        if method.normalized is not None and method.normalized in existing:
            continue
        session.add(
            ContactMethod(
                contact_id=contact.id,
                kind=method.kind,
                label=method.label,
                value=method.value,
                normalized=method.normalized,
                position=position,
            )
        )
        position += 1


def _deal(
    session: Session,
    currency: str,
    lead: Lead,
    request: ConversionRequest,
    company: Company | None,
    contact: Contact,
) -> Deal:
    start = _first_stage(session)
    stage = session.get(Stage, start.stage_id)
    assert stage is not None  # _first_stage found it in this transaction
    title = " ".join(request.deal_title.split()) or (
        f"{company.name}: {lead.person_name}" if company else lead.person_name
    )
    deal = Deal(
        title=title[:300],
        company_id=company.id if company else None,
        contact_id=contact.id,
        amount=request.amount,
        currency=currency,
        source_id=lead.source_id,
        event_id=lead.event_id,
        lead_id=lead.id,
        owner_id=lead.owner_id,
    )
    set_stage(deal, stage)
    session.add(deal)
    session.flush()
    log_stage_change(session, deal, None, stage)  # the deal's history starts here
    return deal


def convert_lead(
    sessions: sessionmaker[Session], lead_id: uuid.UUID, request: ConversionRequest
) -> ConversionResult:
    """Turn a lead into a company, a contact and maybe a deal: all of it, or nothing."""
    _check_request(request)
    currency = (request.currency.strip() or default_currency(sessions)).upper()
    with sessions.begin() as session:
        lead = _load_lead(session, lead_id)
        methods = list(
            session.scalars(
                select(ContactMethod)
                .where(ContactMethod.lead_id == lead.id, ContactMethod.deleted_at.is_(None))
                .order_by(ContactMethod.position)
            )
        )
        company, company_created = _company(session, lead, request, methods)
        contact, contact_created = _contact(session, lead, request, company)
        _copy_methods(session, contact, methods)
        deal = None
        if request.create_deal:
            deal = _deal(session, currency, lead, request, company, contact)
        lead.status = LeadStatus.CONVERTED.value
        lead.converted_at = utcnow()
        lead.converted_company_id = company.id if company else None
        lead.converted_contact_id = contact.id
        _carry_activities(session, lead, company, contact, deal)
        session.flush()
        result = ConversionResult(
            lead_id=lead.id,
            company_id=company.id if company else None,
            contact_id=contact.id,
            deal_id=deal.id if deal else None,
            company_created=company_created,
            contact_created=contact_created,
            changes=Changes(
                leads=True,
                contacts=True,
                companies=company_created or company is not None,
                deals=deal is not None,
                activities=True,
            ),
        )
    return result


def _carry_activities(
    session: Session, lead: Lead, company: Company | None, contact: Contact, deal: Deal | None
) -> None:
    """The lead's calls, notes and tasks go on with what it became (and stay on the lead)."""
    values: dict[str, Any] = {
        "contact_id": contact.id,
        "updated_at": utcnow(),
        "version": Activity.version + 1,  # a bulk UPDATE moves no version by itself
    }
    if company is not None:
        values["company_id"] = company.id
    if deal is not None:
        values["deal_id"] = deal.id
    session.execute(
        update(Activity)
        .where(Activity.lead_id == lead.id, Activity.contact_id.is_(None))
        .values(**values)
    )
    refresh_follow_up(session, [contact.id], [company.id] if company is not None else [])
