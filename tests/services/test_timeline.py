"""A record's timeline: activities, stage changes, conversion and imports, in time order."""

from __future__ import annotations

import uuid

import pytest
from activity_support import Customer, add_activity, add_deal, at, build_customer

from crm_desktop.models import Contact, ImportBatch, ImportChange
from crm_desktop.models.database import Database
from crm_desktop.services.activities.timeline import record_timeline
from crm_desktop.services.conversion import ConversionRequest, convert_lead
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.pipeline.moves import move_deal
from crm_desktop.services.records import RecordNotFoundError


@pytest.fixture
def customer(db: Database) -> Customer:
    return build_customer(db)


def test_contact_timeline_orders_activities_and_keeps_next_steps_apart(
    db: Database, customer: Customer
) -> None:
    c = customer
    add_activity(
        db,
        kind="call",
        subject="Intro call",
        occurs_at=at(-10),
        contact_id=c.contact,
        company_id=c.company,
        outcome="Reached",
        duration_minutes=12,
    )
    add_activity(
        db,
        kind="email",
        subject="Prices",
        occurs_at=at(-3),
        contact_id=c.contact,
        company_id=c.company,
        email_from="Anna <anna@acme.de>",
        attachment_names=["a.pdf"],
    )
    add_activity(
        db,
        kind="task",
        subject="Send samples",
        occurs_at=at(2),
        done=False,
        contact_id=c.contact,
        company_id=c.company,
    )
    add_activity(
        db, kind="task", subject="Overdue one", occurs_at=at(-1), done=False, contact_id=c.contact
    )
    add_activity(
        db,
        kind="note",
        subject="Other person",
        occurs_at=at(-2),
        contact_id=c.other_contact,
        company_id=c.company,
    )
    add_activity(
        db,
        kind="note",
        subject="Deleted",
        occurs_at=at(-2),
        contact_id=c.contact,
        deleted_at=at(-1),
    )

    timeline = record_timeline(db.sessions, "contacts", c.contact)
    assert [e.title for e in timeline.upcoming] == ["Overdue one", "Send samples"]
    activities = [e for e in timeline.entries if e.activity_id is not None]
    assert [e.title for e in activities] == ["Prices", "Intro call"]
    call = activities[1]
    assert (call.kind, call.outcome, call.duration_minutes, call.who) == (
        "call",
        "Reached",
        12,
        None,
    )
    assert activities[0].attachment_names == ("a.pdf",)
    # Links name the other records, never the one shown.
    assert [link.label for link in call.links] == ["Acme GmbH"]
    assert timeline.entries[0].kind == "created"  # made today, after the dated activities

    company = record_timeline(db.sessions, "companies", c.company)
    assert [e.title for e in company.entries if e.activity_id] == [
        "Other person",
        "Prices",
        "Intro call",
    ]


def test_deal_timeline_has_its_stage_changes_and_the_company_sees_them(
    db: Database, customer: Customer
) -> None:
    deal = add_deal(db, customer, "Pumps", "Qualification", "1000")
    move_deal(db.sessions, deal, customer.stages["Proposal"])
    move_deal(db.sessions, deal, customer.stages["Lost"], lost_reason="Price")
    timeline = record_timeline(db.sessions, "deals", deal)
    stages = [(e.from_stage, e.to_stage, e.text) for e in timeline.entries if e.kind == "stage"]
    assert stages == [("Proposal", "Lost", "Price"), ("Qualification", "Proposal", None)]
    company = record_timeline(db.sessions, "companies", customer.company)
    moves = [e for e in company.entries if e.kind == "stage"]
    assert len(moves) == 2
    assert moves[0].links[0].label == "Pumps"


def test_conversion_shows_on_the_lead_and_on_what_it_became(db: Database) -> None:
    lead = create_lead(db.sessions, LeadInput(person_name="李雷", company_name="Han Trading"))
    lead_id = lead.id
    add_activity(db, kind="call", subject="First call", occurs_at=at(-1), lead_id=lead_id)
    result = convert_lead(
        db.sessions, lead_id, ConversionRequest(create_deal=True, deal_title="Han deal")
    )
    lead_timeline = record_timeline(db.sessions, "leads", lead_id)
    converted = next(e for e in lead_timeline.entries if e.kind == "converted")
    assert {link.kind for link in converted.links} == {"contacts", "companies", "deals"}
    contact_timeline = record_timeline(db.sessions, "contacts", result.contact_id)
    kinds = [e.kind for e in contact_timeline.entries]
    assert "converted_from" in kinds
    # The lead's activities move along to the contact it became.
    assert "First call" in [e.title for e in contact_timeline.entries]
    with db.sessions() as session:
        contact = session.get(Contact, result.contact_id)
        assert contact is not None and contact.last_contact_at == at(-1)


def test_imports_that_created_or_changed_the_record_are_listed(
    db: Database, customer: Customer
) -> None:
    with db.sessions.begin() as session:
        batch = ImportBatch(
            file_name="kunden.xlsx", file_hash="x", target="contacts", started_at=at(-5)
        )
        session.add(batch)
        session.flush()
        session.add(
            ImportChange(
                batch_id=batch.id,
                seq=1,
                table_name="contact",
                record_id=customer.contact,
                before={},
                version_after=2,
            )
        )
    timeline = record_timeline(db.sessions, "contacts", customer.contact)
    update = next(e for e in timeline.entries if e.kind == "import_update")
    assert (update.title, update.at) == ("kunden.xlsx", at(-5))
    assert not update.undone


def test_a_deleted_record_has_no_timeline(db: Database) -> None:
    with pytest.raises(RecordNotFoundError):
        record_timeline(db.sessions, "contacts", uuid.uuid4())
