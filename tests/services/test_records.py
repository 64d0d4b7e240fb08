"""Loading, validating, saving, version checks, soft delete and undo, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm_desktop.models import ContactMethod, Deal, Event, Lead, Stage, Tag
from crm_desktop.models.database import Database
from crm_desktop.services.listing import ListQuery, count_rows
from crm_desktop.services.records import (
    MethodInput,
    RecordNotFoundError,
    StaleRecordError,
    ValidationError,
    blank_record,
    delete_record,
    find_records,
    form_options,
    load_record,
    save_record,
    undo_delete,
)


def _company(db: Database, name: str = "Acme") -> uuid.UUID:
    result = save_record(db.sessions, "companies", None, None, {"name": name})
    assert result.detail.id is not None
    return result.detail.id


def test_create_contact_with_methods_and_tags(db: Database) -> None:
    acme = _company(db, "Acme GmbH")
    result = save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {
            "full_name": "  王小明 ",
            "title": "CTO",
            "company_id": str(acme),
            "birthday": "1990-02-03",
        },
        methods=[
            MethodInput("email", "Wang@Example.COM", "work"),
            MethodInput("mobile", "138 0013 8000"),
            MethodInput("phone", ""),  # an empty editor row is ignored
        ],
        tags=["VIP", "Canton"],
    )
    detail = result.detail
    assert result.changes.contacts and result.changes.tags
    assert detail.fields["full_name"] == "王小明"
    assert detail.fields["birthday"] == dt.date(1990, 2, 3)
    assert detail.fields["owner_id"] is not None  # the local user owns new records
    assert detail.labels["company_id"] == "Acme GmbH"
    assert [(m.kind, m.label, m.value, m.normalized) for m in detail.methods] == [
        ("email", "work", "Wang@Example.COM", "wang@example.com"),
        ("mobile", "", "138 0013 8000", "+8613800138000"),
    ]
    assert detail.methods[1].display == "138 0013 8000"  # national: the database's own region
    assert detail.tags == ("Canton", "VIP")
    assert [(link.kind, link.label, link.role) for link in detail.links] == [
        ("companies", "Acme GmbH", "company")
    ]
    assert load_record(db.sessions, "contacts", detail.id) == detail  # type: ignore[arg-type]
    company = load_record(db.sessions, "companies", acme)
    assert [(link.kind, link.label) for link in company.links] == [("contacts", "王小明")]


def test_validation_names_the_field_and_writes_nothing(db: Database) -> None:
    with pytest.raises(ValidationError) as info:
        save_record(
            db.sessions,
            "contacts",
            None,
            None,
            {"full_name": " ", "birthday": "31.12.1990"},
            methods=[MethodInput("email", "not-an-address"), MethodInput("phone", "12")],
        )
    errors = info.value.errors
    assert set(errors) == {"full_name", "birthday", "methods.0", "methods.1"}
    assert "e-mail" in errors["methods.0"]
    assert count_rows(db.sessions, ListQuery("contacts")) == 0
    with pytest.raises(ValidationError) as info:
        save_record(
            db.sessions, "deals", None, None, {"title": "X", "amount": "lots", "probability": "120"}
        )
    assert set(info.value.errors) == {"amount", "probability"}


def test_default_region_normalizes_phones(db: Database) -> None:
    from crm_desktop.services.settings import set_setting

    set_setting(db.sessions, "default_region", "DE")
    result = save_record(
        db.sessions,
        "leads",
        None,
        None,
        {"person_name": "Anna", "company_name": "Acme"},
        methods=[MethodInput("phone", "030 1234567")],
    )
    assert result.detail.methods[0].normalized == "+49301234567"
    assert result.detail.fields["status"] == "new"


def test_update_replaces_methods_keeping_tombstones(db: Database) -> None:
    first = save_record(
        db.sessions,
        "companies",
        None,
        None,
        {"name": "Acme", "website": "https://www.Acme.com/about"},
        methods=[MethodInput("phone", "+49 30 1234567"), MethodInput("email", "info@acme.com")],
    ).detail
    assert first.id is not None
    phone, email = first.methods
    second = save_record(
        db.sessions,
        "companies",
        first.id,
        first.version,
        {"industry": "Tools"},
        methods=[MethodInput("email", "sales@acme.com", "sales", id=email.id)],
    ).detail
    assert second.version == first.version + 1
    assert second.fields["name"] == "Acme"  # fields left out keep their value
    assert second.fields["industry"] == "Tools"
    assert [(m.id, m.value) for m in second.methods] == [(email.id, "sales@acme.com")]
    with db.sessions() as s:
        gone = s.get(ContactMethod, phone.id)
        assert gone is not None and gone.deleted_at is not None


def test_two_sessions_editing_one_record(db: Database) -> None:
    created = save_record(db.sessions, "leads", None, None, {"person_name": "Bob"}).detail
    assert created.id is not None
    mine = load_record(db.sessions, "leads", created.id)
    theirs = load_record(db.sessions, "leads", created.id)
    save_record(db.sessions, "leads", theirs.id, theirs.version, {"title": "CEO"})
    with pytest.raises(StaleRecordError):
        save_record(db.sessions, "leads", mine.id, mine.version, {"title": "Intern"})
    after = load_record(db.sessions, "leads", created.id)
    assert after.fields["title"] == "CEO"  # their change was not overwritten
    assert after.version == theirs.version + 1
    # Reloading and saving again works.
    save_record(db.sessions, "leads", after.id, after.version, {"title": "Intern"})
    assert load_record(db.sessions, "leads", created.id).fields["title"] == "Intern"


def test_stale_check_covers_methods_only_edits(db: Database) -> None:
    created = save_record(
        db.sessions, "contacts", None, None, {"full_name": "Eva"}, methods=[]
    ).detail
    assert created.id is not None
    save_record(
        db.sessions,
        "contacts",
        created.id,
        created.version,
        {},
        methods=[MethodInput("email", "a@b.de")],
    )
    with pytest.raises(StaleRecordError):
        save_record(db.sessions, "contacts", created.id, created.version, {}, methods=[])
    assert len(load_record(db.sessions, "contacts", created.id).methods) == 1


def test_deal_defaults_links_and_options(db: Database) -> None:
    acme = _company(db)
    blank = blank_record(db.sessions, "deals")
    assert blank.fields["currency"] == "USD"
    assert blank.labels["stage_id"] == "Qualification"
    options = form_options(db.sessions)
    proposal = next(o for o in options.stages if o.label == "Proposal")
    deal = save_record(
        db.sessions,
        "deals",
        None,
        None,
        {
            **blank.fields,
            "title": "Big one",
            "amount": "1,234.5",
            "company_id": acme,
            "stage_id": proposal.id,
        },
    ).detail
    assert deal.fields["amount"] == Decimal("1234.50")
    with db.sessions() as s:
        row = s.get(Deal, deal.id)
        stage = s.get(Stage, uuid.UUID(proposal.id))
        assert row is not None and stage is not None and row.pipeline_id == stage.pipeline_id
    company = load_record(db.sessions, "companies", acme)
    assert [(link.kind, link.label) for link in company.links] == [("deals", "Big one")]
    assert [o.label for o in find_records(db.sessions, "companies", "ac")] == ["Acme"]
    assert [o.label for o in options.sources][:1] == ["Cold call"]


def test_lead_links_event_and_conversion(db: Database) -> None:
    with db.sessions.begin() as s:
        expo = Event(name="CeBIT")
        s.add(expo)
    lead = save_record(
        db.sessions, "leads", None, None, {"person_name": "Li Na", "event_id": expo.id}
    ).detail
    assert lead.id is not None
    assert [(link.label, link.role) for link in lead.links] == [("CeBIT", "event")]
    company = _company(db, "Li Corp")
    contact = save_record(db.sessions, "contacts", None, None, {"full_name": "Li Na"}).detail
    with db.sessions.begin() as s:
        row = s.get(Lead, lead.id)
        assert row is not None
        row.status = "converted"
        row.converted_company_id = company
        row.converted_contact_id = contact.id
    links = load_record(db.sessions, "leads", lead.id).links
    assert [(link.kind, link.role) for link in links] == [
        ("leads", "event"),
        ("companies", "converted to"),
        ("contacts", "converted to"),
    ]


def test_soft_delete_and_undo(db: Database) -> None:
    acme = _company(db)
    result = delete_record(db.sessions, "companies", acme)
    assert result.changes.companies
    assert result.token.label == "Acme"
    assert count_rows(db.sessions, ListQuery("companies")) == 0
    with pytest.raises(RecordNotFoundError):
        load_record(db.sessions, "companies", acme)
    with pytest.raises(RecordNotFoundError):
        delete_record(db.sessions, "companies", acme)
    assert undo_delete(db.sessions, result.token).companies
    assert load_record(db.sessions, "companies", acme).fields["name"] == "Acme"
    with pytest.raises(RecordNotFoundError):
        undo_delete(db.sessions, result.token)


def test_tags_are_replaced(db: Database) -> None:
    lead = save_record(
        db.sessions, "leads", None, None, {"person_name": "X"}, tags=["a", "b"]
    ).detail
    assert lead.id is not None
    again = save_record(db.sessions, "leads", lead.id, lead.version, {}, tags=["b"])
    assert again.detail.tags == ("b",)
    assert not again.changes.tags  # no new tag was created
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 2
