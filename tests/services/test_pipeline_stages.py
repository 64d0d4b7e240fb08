"""The stage editor: add, rename, reorder, probability, stale limit, remove without losing deals."""

from __future__ import annotations

import pytest
from pipeline_support import TODAY, Sales, build_sales
from sqlalchemy import select

from crm_desktop.models import Deal, DealStageChange, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.pipeline.board import BoardFilter, load_board
from crm_desktop.services.pipeline.stages import (
    StageDraft,
    StageEditError,
    StageInUseError,
    add_stage,
    create_pipeline,
    editable_stages,
    list_pipelines,
    remove_stage,
    rename_pipeline,
    reorder_stages,
    save_stages,
    update_stage,
)


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def _names(db: Database, sales: Sales) -> list[str]:
    return [e.stage.name for e in editable_stages(db.sessions, sales.pipeline)]


def test_editor_lists_stages_with_deal_counts(db: Database, sales: Sales) -> None:
    stages = editable_stages(db.sessions, sales.pipeline)
    counts = {e.stage.name: e.deals for e in stages}
    assert counts == {
        "Qualification": 2,  # the deleted deal does not count
        "Needs analysis": 0,
        "Proposal": 2,
        "Negotiation": 0,
        "Won": 1,
        "Lost": 1,
    }


def test_add_goes_before_won_and_lost(db: Database, sales: Sales) -> None:
    new_id = add_stage(db.sessions, sales.pipeline, "  Demo   done ", 60, stale_days=14)
    assert _names(db, sales)[-3:] == ["Demo done", "Won", "Lost"]
    with db.sessions() as session:
        stage = session.get(Stage, new_id)
        assert stage is not None
        assert (stage.probability, stage.stale_days, stage.is_won, stage.is_lost) == (
            60,
            14,
            False,
            False,
        )
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert board.columns[-1].stage.name == "Demo done"
    with pytest.raises(StageEditError, match="already"):
        add_stage(db.sessions, sales.pipeline, "proposal", 10)
    with pytest.raises(StageEditError, match="between 0 and 100"):
        add_stage(db.sessions, sales.pipeline, "Odd", 101)
    with pytest.raises(StageEditError, match="needs a name"):
        add_stage(db.sessions, sales.pipeline, "  ", 10)


def test_rename_probability_and_stale_limit(db: Database, sales: Sales) -> None:
    update_stage(db.sessions, sales.stages["Proposal"], "Offer sent", 60, None)
    with db.sessions() as session:
        stage = session.get(Stage, sales.stages["Proposal"])
        assert stage is not None
        assert (stage.name, stage.probability, stage.stale_days) == ("Offer sent", 60, None)
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    offer = next(c for c in board.columns if c.stage.name == "Offer sent")
    assert not any(card.stale for card in offer.cards)  # no limit any more
    assert offer.totals.weighted[0][1] == 120000  # EUR 200,000 at 60 %
    with pytest.raises(StageEditError, match="1 to 3650 days"):
        update_stage(db.sessions, sales.stages["Proposal"], "Offer sent", 60, 0)
    with pytest.raises(StageEditError, match="already"):
        update_stage(db.sessions, sales.stages["Proposal"], "Won", 60, None)


def test_reorder_keeps_won_and_lost_last(db: Database, sales: Sales) -> None:
    s = sales.stages
    order = [s["Negotiation"], s["Qualification"], s["Proposal"], s["Needs analysis"]]
    reorder_stages(db.sessions, sales.pipeline, order)
    assert _names(db, sales) == [
        "Negotiation",
        "Qualification",
        "Proposal",
        "Needs analysis",
        "Won",
        "Lost",
    ]
    with db.sessions() as session:
        positions = sorted(
            session.scalars(select(Stage.position).where(Stage.pipeline_id == sales.pipeline))
        )
    assert positions == [0, 1, 2, 3, 4, 5]
    with pytest.raises(StageEditError, match="every open stage"):
        reorder_stages(db.sessions, sales.pipeline, order[:2])


def test_remove_refuses_a_stage_with_deals(db: Database, sales: Sales) -> None:
    with pytest.raises(StageInUseError) as info:
        remove_stage(db.sessions, sales.stages["Proposal"])
    assert info.value.deals == 2
    assert "Proposal" in _names(db, sales)
    with pytest.raises(StageEditError, match="not removed"):
        remove_stage(db.sessions, sales.stages["Won"])
    with pytest.raises(StageEditError, match="open stage"):
        remove_stage(db.sessions, sales.stages["Proposal"], move_to=sales.stages["Lost"])


def test_remove_after_moving_keeps_every_deal(db: Database, sales: Sales) -> None:
    proposal, negotiation = sales.stages["Proposal"], sales.stages["Negotiation"]
    remove_stage(db.sessions, proposal, move_to=negotiation)
    assert "Proposal" not in _names(db, sales)
    with db.sessions() as session:
        stage = session.get(Stage, proposal)
        assert stage is not None and stage.deleted_at is not None  # soft delete
        moved = session.scalars(select(Deal).where(Deal.stage_id == negotiation)).all()
        assert {d.title for d in moved} == {"Gamma", "Delta"}
        assert all(d.version == 2 and d.closed_at is None for d in moved)
        rows = session.scalars(
            select(DealStageChange).where(DealStageChange.from_stage_id == proposal)
        ).all()
    assert {(r.from_stage_name, r.to_stage_name) for r in rows} == {("Proposal", "Negotiation")}
    assert len(rows) == 2 and all(r.changed_by_id is not None for r in rows)
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert [c.stage.name for c in board.columns] == [
        "Qualification",
        "Needs analysis",
        "Negotiation",
    ]
    assert board.card_count == 4
    # An empty stage goes without asking.
    remove_stage(db.sessions, sales.stages["Needs analysis"])
    assert _names(db, sales) == ["Qualification", "Negotiation", "Won", "Lost"]


def test_save_stages_applies_the_editor_at_once(db: Database, sales: Sales) -> None:
    s = sales.stages
    drafts = [
        StageDraft(s["Qualification"], "Lead in", 5, 20),
        StageDraft(None, "Proposal", 40, 10),  # takes the name of the stage removed below
        StageDraft(s["Negotiation"], "Negotiation", 80, None),
        StageDraft(s["Won"], "Closed won", 100, None),
        StageDraft(s["Lost"], "Lost", 0, None),
    ]
    changes = save_stages(
        db.sessions,
        sales.pipeline,
        drafts,
        removals={s["Needs analysis"]: None, s["Proposal"]: s["Negotiation"]},
    )
    assert changes.pipelines and changes.deals
    assert _names(db, sales) == ["Lead in", "Proposal", "Negotiation", "Closed won", "Lost"]
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert {c.stage.name: len(c.cards) for c in board.columns} == {
        "Lead in": 2,
        "Proposal": 0,
        "Negotiation": 2,
    }
    assert board.won_stage is not None and board.won_stage.name == "Closed won"


def test_save_stages_is_all_or_nothing(db: Database, sales: Sales) -> None:
    s = sales.stages
    drafts = [
        StageDraft(s["Qualification"], "Renamed", 5, None),
        StageDraft(s["Needs analysis"], "Needs analysis", 25, None),
        StageDraft(s["Negotiation"], "Negotiation", 75, None),
        StageDraft(s["Won"], "Won", 100, None),
        StageDraft(s["Lost"], "Lost", 0, None),
    ]
    with pytest.raises(StageInUseError):  # Proposal holds deals and names no target
        save_stages(db.sessions, sales.pipeline, drafts, removals={s["Proposal"]: None})
    assert "Renamed" not in _names(db, sales) and "Proposal" in _names(db, sales)
    with pytest.raises(StageEditError, match="kept or removed"):
        save_stages(db.sessions, sales.pipeline, drafts)
    twice = [*drafts[:1], StageDraft(None, "renamed", 5, None), *drafts[1:]]
    with pytest.raises(StageEditError, match="Two stages"):
        save_stages(db.sessions, sales.pipeline, twice, removals={s["Proposal"]: s["Negotiation"]})


def test_pipelines_create_and_rename(db: Database, sales: Sales) -> None:
    partners = create_pipeline(db.sessions, " Partners ")
    assert [p.name for p in list_pipelines(db.sessions)] == ["Sales", "Partners"]
    assert [e.stage.name for e in editable_stages(db.sessions, partners.id)] == [
        "Qualification",
        "Needs analysis",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    rename_pipeline(db.sessions, partners.id, "Channel partners")
    assert [p.name for p in list_pipelines(db.sessions)] == ["Sales", "Channel partners"]
    with pytest.raises(StageEditError, match="already"):
        create_pipeline(db.sessions, "sales")
    # Stage names are unique per pipeline only.
    add_stage(db.sessions, partners.id, "Demo", 30)
    add_stage(db.sessions, sales.pipeline, "Demo", 30)
