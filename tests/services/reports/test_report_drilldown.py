"""The deals behind a bar: the same rules as the report, biggest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from report_data import TODAY, build_crm

from crm_desktop.models.database import Database
from crm_desktop.services.reports import (
    BarKey,
    ReportError,
    ReportFilters,
    dashboard_reports,
    deals_for,
)

FILTERS = ReportFilters(today=TODAY)


def _titles(db: Database, report, key: BarKey, filters=FILTERS, limit: int = 100):  # type: ignore[no-untyped-def]
    found = deals_for(db.sessions, report, key, filters, limit)
    return [d.title for d in found.deals], found.total


def test_a_stage_lists_its_open_deals_in_the_default_currency_order(db: Database) -> None:
    crm = build_crm(db)
    found = deals_for(db.sessions, "pipeline", BarKey(crm.stages["Proposal"]), FILTERS)
    # Beta 2,000 EUR (2,400 USD) before Gamma 4,000 CNY (500 USD); Zeta is deleted
    assert [(d.title, d.amount, d.currency, d.stage, d.owner, d.company) for d in found.deals] == [
        ("Beta", Decimal("2000.00"), "EUR", "Proposal", "Anna", "Acme Ltd"),
        ("Gamma", Decimal("4000.00"), "CNY", "Proposal", "Bo", "Acme Ltd"),
    ]
    assert found.total == 2
    assert found.deals[0].expected_close == dt.date(2026, 7, 20)
    # GBP has no rate: it sorts after the converted amounts
    assert _titles(db, "pipeline", BarKey(crm.stages["Negotiation"])) == (["Epsilon", "Delta"], 2)


def test_bars_of_every_report(db: Database) -> None:
    crm = build_crm(db)
    april = dt.date(2026, 4, 1)
    assert _titles(db, "forecast", BarKey(april, "lost")) == (["Lost-1", "Lost-2"], 2)
    assert _titles(db, "forecast", BarKey(april, "won")) == (["Won-2"], 1)
    assert _titles(db, "forecast", BarKey(dt.date(2026, 7, 1), "open")) == (
        ["Beta", "Alpha", "Delta"],
        3,
    )
    assert _titles(db, "forecast", BarKey(None, "open")) == (["Epsilon"], 1)
    assert _titles(db, "funnel", BarKey(crm.stages["Negotiation"]))[1] == 8
    assert _titles(db, "funnel", BarKey("won")) == (["Won-3"], 1)  # the one from a lead
    assert _titles(db, "reps", BarKey(crm.users["Bo"], "won")) == (["Won-4", "Won-3"], 2)
    assert _titles(db, "reps", BarKey(None, "open")) == (["Epsilon"], 1)
    assert _titles(db, "sources", BarKey(None, "deals")) == (["Epsilon", "Lost-3", "Eta"], 3)
    assert _titles(db, "events", BarKey(crm.events["Fair B"], "won")) == (["Won-3"], 1)
    assert _titles(db, "events", BarKey(crm.events["Expo A"], "deals"), limit=2) == (
        ["Won-2", "Beta"],
        3,
    )


def test_every_bar_lists_as_many_deals_as_it_counts(db: Database) -> None:
    build_crm(db)
    for filters in (FILTERS, ReportFilters(dt.date(2026, 3, 1), dt.date(2026, 7, 31), today=TODAY)):
        board = dashboard_reports(db.sessions, filters)
        bars: list[tuple[str, BarKey, int]] = []
        bars += [("pipeline", BarKey(s.key), s.deals) for s in board.pipeline.stages]
        for m in board.forecast.months:
            bars += [("forecast", BarKey(m.key, "open"), m.open_deals)]
            if m.key is not None:
                bars += [("forecast", BarKey(m.key, "won"), m.won_deals)]
                bars += [("forecast", BarKey(m.key, "lost"), m.lost_deals)]
        bars += [("funnel", BarKey(s.key), s.reached) for s in board.funnel.stages]
        bars += [("funnel", BarKey(s.key), s.count) for s in board.funnel.steps[2:]]
        for r in board.reps.reps:
            bars += [("reps", BarKey(r.key, "open"), r.open_deals)]
            bars += [("reps", BarKey(r.key, "won"), r.won_deals)]
            bars += [("reps", BarKey(r.key, "lost"), r.lost_deals)]
        for s in board.sources.sources:
            bars += [("sources", BarKey(s.key, "deals"), s.deals)]
            bars += [("sources", BarKey(s.key, "won"), s.won_deals)]
        for e in board.events.events:
            bars += [("events", BarKey(e.key, "deals"), e.deals)]
            bars += [("events", BarKey(e.key, "won"), e.won_deals)]
        for report, key, count in bars:
            assert deals_for(db.sessions, report, key, filters).total == count, (report, key)  # type: ignore[arg-type]


def test_bars_without_deals_are_refused(db: Database) -> None:
    crm = build_crm(db)
    with pytest.raises(ReportError, match="counts leads"):
        deals_for(db.sessions, "funnel", BarKey("leads"))
    with pytest.raises(ReportError, match="not one of the report's stages"):
        deals_for(db.sessions, "pipeline", BarKey(crm.stages["Won"]))
    with pytest.raises(ReportError, match="unknown measure"):
        deals_for(db.sessions, "sources", BarKey(None, "lost"))
