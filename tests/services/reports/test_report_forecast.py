"""Won and lost per month by close date, and the weighted forecast by expected close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from report_data import TODAY, build_crm

from crm_desktop.models.database import Database
from crm_desktop.services.reports import ReportFilters, forecast_report

D = Decimal


def _rows(report):  # type: ignore[no-untyped-def]
    return [
        (
            m.key,
            m.won_deals,
            m.won.amount,
            m.lost_deals,
            m.lost.amount,
            m.open_deals,
            m.open_total.amount,
            m.forecast.amount,
        )
        for m in report.months
    ]


def test_every_month_of_the_range_with_empty_ones_as_zeros(db: Database) -> None:
    build_crm(db)
    filters = ReportFilters(dt.date(2026, 1, 1), dt.date(2026, 9, 30), today=TODAY)
    report = forecast_report(db.sessions, filters)
    z = D("0.00")
    assert _rows(report) == [
        (dt.date(2026, 1, 1), 0, z, 0, z, 0, z, z),
        # Won-1 1,000 EUR and Lost-3 400 EUR at February's rate 1.10
        (dt.date(2026, 2, 1), 1, D("1100.00"), 1, D("440.00"), 0, z, z),
        (dt.date(2026, 3, 1), 0, z, 0, z, 0, z, z),
        # Won-2 3,000; Lost-1 1,500 + Lost-2 700 (the deleted Won-6 does not count)
        (dt.date(2026, 4, 1), 1, D("3000.00"), 2, D("2200.00"), 0, z, z),
        # Won-3 8,000 CNY = 1,000; Won-4 2,000 EUR at May's 1.20 = 2,400; Won-5 in GBP
        (dt.date(2026, 5, 1), 3, D("3400.00"), 0, z, 0, z, z),
        (dt.date(2026, 6, 1), 0, z, 0, z, 0, z, z),
        # Delta (GBP), Alpha 1,000 (100), Beta 2,400 (1,920)
        (dt.date(2026, 7, 1), 0, z, 0, z, 3, D("3400.00"), D("2020.00")),
        # Gamma 500 at 50 %
        (dt.date(2026, 8, 1), 0, z, 0, z, 1, D("500.00"), D("250.00")),
        # Eta has no amount
        (dt.date(2026, 9, 1), 0, z, 0, z, 1, z, z),
    ]
    may, july = report.months[4], report.months[6]
    assert may.won.unconverted == (("GBP", D("100.00")),)
    assert july.open_total.unconverted == (("GBP", D("300.00")),)
    assert july.forecast.unconverted == (("GBP", D("225.00")),)


def test_without_a_range_the_months_with_data_and_a_row_for_undated_deals(db: Database) -> None:
    build_crm(db)
    report = forecast_report(db.sessions, ReportFilters(today=TODAY))
    keys = [m.key for m in report.months]
    assert keys == [dt.date(2026, m, 1) for m in range(2, 10)] + [None]
    undated = report.months[-1]  # Epsilon: 500 USD at its own 20 %
    assert (undated.open_deals, undated.open_total.amount, undated.forecast.amount) == (
        1,
        D("500.00"),
        D("100.00"),
    )
    assert undated.won_deals == undated.lost_deals == 0


def test_the_range_cuts_closed_deals_by_close_day(db: Database) -> None:
    build_crm(db)
    # 2026-04-06 to 2026-05-12: Won-2 (04-14), Lost-2 (04-25), Won-4 (05-10)
    filters = ReportFilters(dt.date(2026, 4, 6), dt.date(2026, 5, 12), today=TODAY)
    report = forecast_report(db.sessions, filters)
    assert [
        (m.key, m.won_deals, m.won.amount, m.lost_deals, m.lost.amount) for m in report.months
    ] == [
        (dt.date(2026, 4, 1), 1, D("3000.00"), 1, D("700.00")),
        (dt.date(2026, 5, 1), 1, D("2400.00"), 0, D("0.00")),
    ]
