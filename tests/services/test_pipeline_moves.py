"""Moving a deal from the board: stage, closing, lost reasons and the history row."""

from __future__ import annotations

import uuid

import pytest
from pipeline_support import Sales, build_sales, history_rows, load_deal, local_user_id

from crm_desktop.models.database import Database
from crm_desktop.services.pipeline.history import stage_history
from crm_desktop.services.pipeline.moves import LostReasonRequiredError, MoveError, move_deal


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def test_move_writes_history_from_to_who_when(db: Database, sales: Sales) -> None:
    alpha = sales.deals["Alpha"]
    before = load_deal(db, alpha)
    result = move_deal(db.sessions, alpha, sales.stages["Proposal"])
    assert result.changes.deals and not result.closed
    assert (result.from_stage_id, result.to_stage_id) == (
        sales.stages["Qualification"],
        sales.stages["Proposal"],
    )
    after = load_deal(db, alpha)
    assert after.stage_id == sales.stages["Proposal"] and after.version == before.version + 1
    assert after.stage_entered_at is not None
    assert before.stage_entered_at is not None
    assert after.stage_entered_at > before.stage_entered_at
    assert after.closed_at is None
    [row] = history_rows(db, alpha)
    assert (row.from_stage_id, row.from_stage_name) == (
        sales.stages["Qualification"],
        "Qualification",
    )
    assert (row.to_stage_id, row.to_stage_name) == (sales.stages["Proposal"], "Proposal")
    assert row.changed_by_id == local_user_id(db)  # the local user, as records.py picks owners
    assert row.changed_at == after.stage_entered_at
    assert row.lost_reason is None
    [change] = stage_history(db.sessions, alpha)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "Qualification",
        "Proposal",
        "Me",
    )


def test_move_to_the_same_stage_changes_nothing(db: Database, sales: Sales) -> None:
    result = move_deal(db.sessions, sales.deals["Alpha"], sales.stages["Qualification"])
    assert not result.changes.any()
    assert history_rows(db, sales.deals["Alpha"]) == []


def test_won_closes_the_deal(db: Database, sales: Sales) -> None:
    result = move_deal(db.sessions, sales.deals["Gamma"], sales.stages["Won"])
    assert result.closed
    deal = load_deal(db, sales.deals["Gamma"])
    assert deal.closed_at is not None and deal.closed_at == deal.stage_entered_at
    [row] = history_rows(db, sales.deals["Gamma"])
    assert (row.from_stage_name, row.to_stage_name) == ("Proposal", "Won")


def test_lost_requires_a_reason_and_stores_it(db: Database, sales: Sales) -> None:
    beta = sales.deals["Beta"]
    for reason in (None, "", "   "):
        with pytest.raises(LostReasonRequiredError):
            move_deal(db.sessions, beta, sales.stages["Lost"], lost_reason=reason)
    assert load_deal(db, beta).stage_id == sales.stages["Qualification"]
    assert history_rows(db, beta) == []
    move_deal(db.sessions, beta, sales.stages["Lost"], lost_reason="  Chose a competitor ")
    deal = load_deal(db, beta)
    assert (deal.lost_reason, deal.closed_at is not None) == ("Chose a competitor", True)
    [row] = history_rows(db, beta)
    assert (row.to_stage_name, row.lost_reason) == ("Lost", "Chose a competitor")
    # Back to an open stage (e.g. from the form): reopened, the reason no longer applies.
    move_deal(db.sessions, beta, sales.stages["Negotiation"])
    deal = load_deal(db, beta)
    assert (deal.closed_at, deal.lost_reason) == (None, None)
    assert [r.lost_reason for r in history_rows(db, beta)] == ["Chose a competitor", None]


def test_move_refuses_deleted_deals_and_stages(db: Database, sales: Sales) -> None:
    with pytest.raises(MoveError, match="deleted"):
        move_deal(db.sessions, sales.deals["Deleted"], sales.stages["Proposal"])
    with pytest.raises(MoveError, match="removed"):
        move_deal(db.sessions, sales.deals["Alpha"], uuid.uuid4())
