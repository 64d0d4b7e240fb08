"""The board's query: columns of open deals, filters, totals per currency, stale and large."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from pipeline_support import TODAY, Sales, build_sales

from crm_desktop.models.database import Database
from crm_desktop.services.exchange_rates import save_rate
from crm_desktop.services.pipeline.board import (
    Board,
    BoardFilter,
    PipelineNotFoundError,
    adjust_totals,
    board_options,
    column_totals,
    load_board,
    owner_initials,
)
from crm_desktop.services.settings import set_setting


def _titles(board: Board) -> dict[str, list[str]]:
    return {column.stage.name: [card.title for card in column.cards] for column in board.columns}


def _column(board: Board, name: str):  # type: ignore[no-untyped-def]
    return next(c for c in board.columns if c.stage.name == name)


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def test_columns_hold_open_deals_in_stage_order(db: Database, sales: Sales) -> None:
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert board.pipeline.id == sales.pipeline
    # Won and Lost are stages (drop targets) but not columns; closed and deleted deals are out.
    assert [s.name for s in board.stages][-2:] == ["Won", "Lost"]
    assert board.won_stage is not None and board.won_stage.is_won
    assert board.lost_stage is not None and board.lost_stage.is_lost
    assert _titles(board) == {
        "Qualification": ["Alpha", "Beta"],  # soonest expected close first
        "Needs analysis": [],
        "Proposal": ["Gamma", "Delta"],  # no date last
        "Negotiation": [],
    }
    alpha = _column(board, "Qualification").cards[0]
    assert (alpha.company, alpha.amount, alpha.currency) == ("Acme GmbH", Decimal("1000"), "USD")
    assert (alpha.owner, alpha.owner_initials, alpha.days_in_stage) == ("Anna Müller", "AM", 3)
    assert alpha.expected_close == dt.date(2026, 7, 1)
    delta = _column(board, "Proposal").cards[1]
    assert (delta.owner, delta.owner_initials, delta.amount) == (None, "", None)
    assert board.card_count == 4


def test_totals_per_currency_and_weighted_with_own_probability(db: Database, sales: Sales) -> None:
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    qualification = _column(board, "Qualification").totals
    assert qualification.count == 2
    assert qualification.totals == (("USD", Decimal("4000")),)
    # Alpha at its stage's 10 %, Beta at its own 50 %: 100 + 1,500.
    assert qualification.weighted == (("USD", Decimal("1600.00")),)
    proposal = _column(board, "Proposal").totals
    assert proposal.count == 2  # Delta counts though it has no amount
    assert proposal.totals == (("EUR", Decimal("200000")),)
    assert proposal.weighted == (("EUR", Decimal("100000.00")),)
    empty = _column(board, "Negotiation").totals
    assert (empty.count, empty.totals, empty.weighted) == (0, (), ())


def test_mixed_currencies_are_summed_apart(db: Database, sales: Sales) -> None:
    from crm_desktop.services.pipeline.moves import move_deal

    move_deal(db.sessions, sales.deals["Gamma"], sales.stages["Qualification"])
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    totals = _column(board, "Qualification").totals
    # Two USD deals and one EUR deal: USD first (the most deals), however large the EUR sum.
    assert totals.totals == (("USD", Decimal("4000")), ("EUR", Decimal("200000")))
    assert totals.weighted == (("USD", Decimal("1600.00")), ("EUR", Decimal("20000.00")))


def test_adjusting_totals_by_one_card_matches_summing_again(db: Database, sales: Sales) -> None:
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    qualification, proposal = _column(board, "Qualification"), _column(board, "Proposal")
    gamma = next(c for c in proposal.cards if c.title == "Gamma")
    moved = gamma._replace(stage=qualification.stage.id.int)
    assert adjust_totals(qualification.totals, moved, qualification.stage, 1) == column_totals(
        [*qualification.cards, moved], qualification.stage
    )
    rest = [c for c in proposal.cards if c.id != gamma.id]
    assert adjust_totals(proposal.totals, gamma, proposal.stage, -1) == column_totals(
        rest, proposal.stage
    )
    assert adjust_totals(proposal.totals, gamma, proposal.stage, -1).totals == ()


def test_stale_against_the_stage_limit_on_a_fixed_day(db: Database, sales: Sales) -> None:
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    cards = {c.title: c for column in board.columns for c in column.cards}
    assert cards["Beta"].days_in_stage == 40 and cards["Beta"].stale  # limit 30
    assert not cards["Alpha"].stale  # 3 of 30 days
    assert cards["Gamma"].days_in_stage == 10 and cards["Gamma"].stale  # limit 7
    assert not cards["Delta"].stale
    assert _column(board, "Qualification").totals.stale == 1
    # Seven days in a seven-day stage is not stale yet; the eighth is.
    earlier = load_board(db.sessions, BoardFilter(), today=TODAY - dt.timedelta(days=3))
    gamma = next(c for c in _column(earlier, "Proposal").cards if c.title == "Gamma")
    assert gamma.days_in_stage == 7 and not gamma.stale


def test_large_deals_are_converted_into_the_default_currency(db: Database, sales: Sales) -> None:
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    large = {c.title for column in board.columns for c in column.cards if c.large}
    assert board.large_deal_amount == Decimal("100000")
    assert large == set()  # Gamma is EUR 200,000, and there is no EUR rate: not known
    save_rate(db.sessions, "EUR", "USD", "0.45", TODAY)  # EUR 200,000 is USD 90,000
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert not any(c.large for column in board.columns for c in column.cards)
    save_rate(db.sessions, "EUR", "USD", "1.08", TODAY)  # USD 216,000
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert {c.title for column in board.columns for c in column.cards if c.large} == {"Gamma"}
    set_setting(db.sessions, "large_deal_amount", "3,000")
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert {c.title for column in board.columns for c in column.cards if c.large} == {
        "Beta",
        "Gamma",
    }
    set_setting(db.sessions, "large_deal_amount", "")  # off: no markers
    board = load_board(db.sessions, BoardFilter(), today=TODAY)
    assert board.large_deal_amount is None
    assert not any(c.large for column in board.columns for c in column.cards)


@pytest.mark.parametrize(
    ("make_filter", "expected"),
    [
        (lambda s: BoardFilter(owner_id=s.users["anna"]), {"Alpha", "Gamma"}),
        (lambda s: BoardFilter(owner_id=s.users["bo"]), {"Beta"}),
        (lambda s: BoardFilter(source_id=s.source), {"Gamma"}),
        (lambda s: BoardFilter(event_id=s.event), {"Beta"}),
        (lambda s: BoardFilter(tag_id=s.tag), {"Beta"}),
        (lambda s: BoardFilter(close_from=dt.date(2026, 6, 20)), {"Alpha", "Beta", "Gamma"}),
        (lambda s: BoardFilter(close_to=dt.date(2026, 7, 1)), {"Alpha", "Gamma"}),
        (
            lambda s: BoardFilter(close_from=dt.date(2026, 6, 21), close_to=dt.date(2026, 8, 1)),
            {"Alpha"},
        ),
        (lambda s: BoardFilter(text="acme"), {"Alpha"}),  # the company's name
        (lambda s: BoardFilter(text="ELT"), {"Delta"}),
        (lambda s: BoardFilter(text="100%"), set()),
        (lambda s: BoardFilter(owner_id=s.users["anna"], tag_id=s.tag), set()),
    ],
)
def test_filters(db: Database, sales: Sales, make_filter, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    board = load_board(db.sessions, make_filter(sales), today=TODAY)
    assert {c.title for column in board.columns for c in column.cards} == expected
    # The columns stay, empty or not: the board keeps its shape while filtering.
    assert len(board.columns) == 4


def test_another_pipeline_and_a_missing_one(db: Database, sales: Sales) -> None:
    from crm_desktop.services.pipeline.stages import create_pipeline

    other = create_pipeline(db.sessions, "Partners")
    board = load_board(db.sessions, BoardFilter(pipeline_id=other.id), today=TODAY)
    assert board.pipeline.name == "Partners" and board.card_count == 0
    assert all(s.pipeline_id == other.id for s in board.stages)
    options = board_options(db.sessions)
    assert [p.name for p in options.pipelines] == ["Sales", "Partners"]
    assert {o.label for o in options.owners} >= {"Anna Müller", "王小波"}
    assert "Referral" in {o.label for o in options.sources}
    assert [o.label for o in options.events] == ["Expo 2026"]
    assert [o.label for o in options.tags] == ["VIP"]
    assert options.lost_reasons[0] == "Price too high"
    with pytest.raises(PipelineNotFoundError):
        load_board(db.sessions, BoardFilter(pipeline_id=uuid.uuid4()))


def test_owner_initials() -> None:
    assert owner_initials("Anna-Lena Müller") == "AM"
    assert owner_initials("  bob ") == "BO"
    assert owner_initials("王小明") == "小明"
    assert owner_initials("李娜") == "李娜"
    assert owner_initials("Jean de la Fontaine") == "JF"
    assert owner_initials(None) == ""
