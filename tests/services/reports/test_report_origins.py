"""Per lead source and per event: leads, deals, won value; events' cost and return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from report_data import TODAY, build_crm

from crm_desktop.models.database import Database
from crm_desktop.services.reports import Money, ReportFilters, events_report, sources_report

D = Decimal


def test_sources_with_deleted_and_missing_ones_as_no_source(db: Database) -> None:
    crm = build_crm(db)
    report = sources_report(db.sessions, ReportFilters(today=TODAY))
    rows = [(s.source, s.leads, s.deals, s.won_deals, s.won) for s in report.sources]
    z = Money()
    assert rows == [
        ("Cold call", 0, 1, 0, z),  # Lost-1
        ("E-mail campaign", 0, 0, 0, z),
        ("Partner", 0, 0, 0, z),
        ("Referral", 0, 2, 1, Money(D("2400.00"))),  # Delta; Won-4 2,000 EUR at May's 1.20
        # leads 1-4 (6 is deleted); Beta, Gamma, Lost-2; Won-2 3,000 + Won-3 8,000 CNY
        ("Trade show", 4, 5, 2, Money(D("4000.00"))),
        # lead 5; Alpha; Won-1 1,000 EUR at February's 1.10, Won-5 100 GBP
        ("Website", 1, 3, 2, Money(D("1100.00"), (("GBP", D("100.00")),))),
        # lead 7 and Eta (source "Old list" was deleted), Epsilon and Lost-3 (none)
        ("(no source)", 1, 3, 0, z),
    ]
    assert report.sources[4].key == crm.sources["Trade show"]
    assert report.sources[-1].key is None
    assert report.sources[4].win_rate == pytest.approx(2 / 5)


def test_events_cost_per_lead_and_return(db: Database) -> None:
    crm = build_crm(db)
    report = events_report(db.sessions, ReportFilters(today=TODAY))
    rows = [
        (e.event, e.leads, e.deals, e.won_deals, e.won, e.cost, e.cost_per_lead, e.return_on_cost)
        for e in report.events
    ]
    assert rows == [
        # leads 1, 2, 4; Beta, Won-2, Lost-2; cost 1,000 EUR at 1.10 on 2026-03-10;
        # (3,000 - 1,100) / 1,100
        (
            "Expo A",
            3,
            3,
            1,
            Money(D("3000.00")),
            Money(D("1100.00")),
            D("366.67"),
            pytest.approx(1900 / 1100),
        ),
        # lead 3; Gamma, Won-3 (8,000 CNY = 1,000); 5,000 USD; (1,000 - 5,000) / 5,000
        ("Fair B", 1, 2, 1, Money(D("1000.00")), Money(D("5000.00")), D("5000.00"), -0.8),
        # lead 7; the cost is in GBP, which has no rate: no cost per lead, no return
        ("Summit D", 1, 0, 0, Money(), Money(D("0.00"), (("GBP", D("800.00")),)), None, None),
    ]
    assert [e.key for e in report.events] == [
        crm.events[n] for n in ("Expo A", "Fair B", "Summit D")
    ]
    assert report.events[0].starts_on == dt.date(2026, 3, 10)


def test_events_in_the_range_are_those_that_start_in_it_or_brought_something(db: Database) -> None:
    build_crm(db)
    april = ReportFilters(dt.date(2026, 4, 1), dt.date(2026, 4, 30), today=TODAY)
    report = events_report(db.sessions, april)
    # Fair B starts in April and has lead 3, Gamma and Won-3 from April; Expo A's leads and
    # deals are from March; Summit D starts in August
    assert [(e.event, e.leads, e.deals, e.won.amount) for e in report.events] == [
        ("Fair B", 1, 2, D("1000.00"))
    ]
    may = events_report(
        db.sessions, ReportFilters(dt.date(2026, 5, 1), dt.date(2026, 5, 31), today=TODAY)
    )
    assert may.events == ()  # Show C starts in May but is deleted


def test_an_owner_sees_their_leads_and_deals(db: Database) -> None:
    crm = build_crm(db)
    report = sources_report(db.sessions, ReportFilters(owner_id=crm.users["Bo"], today=TODAY))
    assert [
        (s.source, s.leads, s.deals, s.won.amount) for s in report.sources if s.leads or s.deals
    ] == [
        ("Referral", 0, 2, D("2400.00")),
        ("Trade show", 1, 3, D("1000.00")),
        ("(no source)", 1, 1, D("0.00")),
    ]
