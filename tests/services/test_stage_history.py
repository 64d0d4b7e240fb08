"""Every path that sets a deal's stage writes its history: the deal form and lead conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pipeline_support import Sales, build_sales, history_rows, load_deal, local_user_id

from crm_desktop.models.database import Database
from crm_desktop.services.conversion import ConversionRequest, convert_lead
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.records import save_record


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def test_deal_form_writes_history_on_create_and_stage_change(db: Database, sales: Sales) -> None:
    created = save_record(
        db.sessions, "deals", None, None, {"title": "Form deal", "amount": "10"}
    ).detail
    assert created.id is not None and created.version == 1
    [first] = history_rows(db, created.id)
    assert (first.from_stage_id, first.to_stage_name) == (None, "Qualification")
    assert first.changed_by_id == local_user_id(db)
    # Saving other fields writes no row; a new stage does.
    saved = save_record(db.sessions, "deals", created.id, created.version, {"amount": "20"})
    assert len(history_rows(db, created.id)) == 1
    save_record(
        db.sessions,
        "deals",
        created.id,
        saved.detail.version,
        {"stage_id": str(sales.stages["Lost"]), "lost_reason": "No budget"},
    )
    rows = history_rows(db, created.id)
    assert [(r.from_stage_name, r.to_stage_name, r.lost_reason) for r in rows] == [
        (None, "Qualification", None),
        ("Qualification", "Lost", "No budget"),
    ]
    deal = load_deal(db, created.id)
    assert deal.closed_at is not None and deal.closed_at == rows[1].changed_at


def test_lead_conversion_starts_the_history(db: Database) -> None:
    lead = create_lead(db.sessions, LeadInput(person_name="Maria Garcia", company_name="Acme"))
    result = convert_lead(
        db.sessions, lead.id, ConversionRequest(create_deal=True, amount=Decimal("5"))
    )
    assert result.deal_id is not None
    [row] = history_rows(db, result.deal_id)
    assert (row.from_stage_id, row.from_stage_name, row.to_stage_name) == (
        None,
        None,
        "Qualification",
    )
    deal = load_deal(db, result.deal_id)
    assert row.to_stage_id == deal.stage_id and row.changed_at == deal.stage_entered_at
    assert isinstance(row.changed_at, dt.datetime)
