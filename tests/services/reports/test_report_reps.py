"""Per rep: open pipeline, won value, win rate and days to close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from report_data import TODAY, build_crm

from crm_desktop.models import User
from crm_desktop.models.database import Database
from crm_desktop.services.reports import ReportFilters, reps_report

D = Decimal


def _rows(report):  # type: ignore[no-untyped-def]
    return [
        (
            r.rep,
            r.open_deals,
            r.open_total.amount,
            r.open_weighted.amount,
            r.won_deals,
            r.won.amount,
            r.lost_deals,
            r.win_rate,
            r.days_to_close,
        )
        for r in report.reps
    ]


def test_every_rep_and_the_deals_without_an_owner(db: Database) -> None:
    crm = build_crm(db)
    with db.sessions.begin() as session:  # a user without deals is listed too
        session.add(User(name="Cleo"))
    report = reps_report(db.sessions, ReportFilters(today=TODAY))
    z = D("0.00")
    assert _rows(report) == [
        # open Alpha 1,000 (100) and Beta 2,400 (1,920); won Won-1 1,100, Won-2 3,000 and
        # Won-5 (GBP); lost Lost-1; 30 + 30 + 20 days
        ("Anna", 2, D("3400.00"), D("2020.00"), 3, D("4100.00"), 1, 0.75, pytest.approx(80 / 3)),
        # open Gamma 500 (250) and Delta (GBP); won Won-3 1,000 and Won-4 2,400 in 20 and 39
        # days; lost Lost-2, Lost-3
        ("Bo", 2, D("500.00"), D("250.00"), 2, D("3400.00"), 2, 0.5, pytest.approx(29.5)),
        ("Cleo", 0, z, z, 0, z, 0, None, None),
        ("Me", 1, z, z, 0, z, 0, None, None),  # Eta has no amount
        ("(no owner)", 1, D("500.00"), D("100.00"), 0, z, 0, None, None),  # Epsilon
    ]
    anna, bo = report.reps[0], report.reps[1]
    assert anna.key == crm.users["Anna"]
    assert anna.won.unconverted == (("GBP", D("100.00")),)
    assert bo.open_total.unconverted == (("GBP", D("300.00")),)
    assert bo.open_weighted.unconverted == (("GBP", D("225.00")),)
    assert report.reps[-1].key is None


def test_win_rate_counts_deals_closed_in_the_range(db: Database) -> None:
    crm = build_crm(db)
    # April: Anna won Won-2 and lost Lost-1; Bo lost Lost-2; nobody expects to close in April
    filters = ReportFilters(
        dt.date(2026, 4, 1), dt.date(2026, 4, 30), crm.users["Anna"], today=TODAY
    )
    report = reps_report(db.sessions, filters)
    assert _rows(report) == [
        ("Anna", 0, D("0.00"), D("0.00"), 1, D("3000.00"), 1, 0.5, pytest.approx(30.0)),
    ]
    everyone = reps_report(
        db.sessions, ReportFilters(dt.date(2026, 4, 1), dt.date(2026, 4, 30), today=TODAY)
    )
    assert [(r.rep, r.won_deals, r.lost_deals, r.win_rate) for r in everyone.reps] == [
        ("Anna", 1, 1, 0.5),
        ("Bo", 0, 1, 0.0),
        ("Me", 0, 0, None),
    ]
