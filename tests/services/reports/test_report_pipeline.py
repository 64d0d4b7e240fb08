"""Pipeline value per stage: counts, raw and weighted totals, in USD."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from report_data import TODAY, build_crm

from crm_desktop.models.database import Database
from crm_desktop.services.reports import (
    Money,
    ReportError,
    ReportFilters,
    pipeline_report,
    resolve_filters,
)

D = Decimal


def test_open_deals_per_stage_with_probability_overrides_and_rates(db: Database) -> None:
    build_crm(db)
    report = pipeline_report(db.sessions, ReportFilters(today=TODAY))
    assert report.currency == "USD"
    rows = [(s.stage, s.probability, s.deals, s.total, s.weighted) for s in report.stages]
    gbp = (("GBP", D("300.00")),)
    assert rows == [
        # Alpha 1,000 USD (10 %) and Eta without an amount
        ("Qualification", 10, 2, Money(D("1000.00")), Money(D("100.00"))),
        ("Needs analysis", 25, 0, Money(D("0.00")), Money(D("0.00"))),
        # Beta 2,000 EUR × 1.20 = 2,400 at its own 80 % = 1,920; Gamma 4,000 CNY = 500 at 50 %
        ("Proposal", 50, 2, Money(D("2900.00")), Money(D("2170.00"))),
        # Epsilon 500 USD at its own 20 %; Delta 300 GBP (75 %) has no rate
        (
            "Negotiation",
            75,
            2,
            Money(D("500.00"), gbp),
            Money(D("100.00"), (("GBP", D("225.00")),)),
        ),
    ]
    assert report.deals == 6
    assert report.total == Money(D("4400.00"), gbp)
    assert report.weighted.amount == D("2370.00")


def test_the_range_filters_on_the_expected_close(db: Database) -> None:
    build_crm(db)
    filters = ReportFilters(dt.date(2026, 7, 1), dt.date(2026, 7, 31), today=TODAY)
    report = pipeline_report(db.sessions, filters)
    rows = {s.stage: (s.deals, s.total.amount, s.weighted.amount) for s in report.stages}
    assert rows == {
        "Qualification": (1, D("1000.00"), D("100.00")),  # Alpha
        "Needs analysis": (0, D("0.00"), D("0.00")),
        "Proposal": (1, D("2400.00"), D("1920.00")),  # Beta
        "Negotiation": (1, D("0.00"), D("0.00")),  # Delta, in GBP
    }
    assert report.total.unconverted == (("GBP", D("300.00")),)


def test_owner_and_pipeline_by_name(db: Database) -> None:
    crm = build_crm(db)
    with db.sessions() as session:
        bo = resolve_filters(session, owner=" bo ", today=TODAY)
        partners = resolve_filters(session, pipeline="partners", today=TODAY)
    assert bo.owner_id == crm.users["Bo"]
    report = pipeline_report(db.sessions, bo)
    assert report.scope.owner_name == "Bo"
    assert [(s.stage, s.deals) for s in report.stages if s.deals] == [
        ("Proposal", 1),
        ("Negotiation", 1),
    ]
    other = pipeline_report(db.sessions, partners)
    assert other.scope.pipeline_name == "Partners"
    assert [(s.stage, s.deals, s.total.amount, s.weighted.amount) for s in other.stages] == [
        ("Talks", 1, D("1000.00"), D("400.00"))
    ]


def test_unknown_names_and_backwards_ranges_are_refused(db: Database) -> None:
    build_crm(db)
    with db.sessions() as session:
        with pytest.raises(ReportError, match=r"no user is called “Nobody” .*Anna"):
            resolve_filters(session, owner="Nobody")
        with pytest.raises(ReportError, match="no pipeline is called"):
            resolve_filters(session, pipeline="Nowhere")
        with pytest.raises(ReportError, match=r"ends .* before it starts"):
            resolve_filters(session, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1))


def test_a_database_without_deals_shows_every_stage_empty(db: Database) -> None:
    report = pipeline_report(db.sessions)
    assert [(s.stage, s.deals, s.total) for s in report.stages] == [
        ("Qualification", 0, Money()),
        ("Needs analysis", 0, Money()),
        ("Proposal", 0, Money()),
        ("Negotiation", 0, Money()),
    ]


def test_names_match_without_case_even_beyond_ascii_and_ids_work_too(db: Database) -> None:
    from crm_desktop.models import User

    crm = build_crm(db)
    with db.sessions.begin() as session:
        session.add_all([User(name="Ängel  Öz"), User(name="Sam"), User(name="sam")])
    with db.sessions() as session:
        angel = resolve_filters(session, owner="ÄNGEL öz").owner_id
        assert angel is not None
        assert resolve_filters(session, owner=str(angel)).owner_id == angel
        assert resolve_filters(session, owner=crm.users["Bo"]).owner_id == crm.users["Bo"]
        with pytest.raises(ReportError, match="several users are called “SAM”"):
            resolve_filters(session, owner="SAM")
        with pytest.raises(ReportError, match="no pipeline has the id"):
            resolve_filters(session, pipeline=str(crm.users["Bo"]))
