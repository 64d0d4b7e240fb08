"""Won and lost value per month, and the forecast: open deals by expected close month.

Won and lost deals count in the month of `closed_at` (a closed deal without one is left
out); open deals in the month of `expected_close`, weighted by probability (the deal's
own, else its stage's). The date range filters each on that date. Every month between
the range's ends is listed, empty ones with zeros; an open end stops at the first or
last month with data. Open deals with no expected close are one last row, without a
month, shown only when no range is given.

Closed amounts are converted at the rate in force at the end of their month (today for
this month), open amounts at today's rate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.reports.context import ReportContext, load_context, weighted_value
from crm_desktop.services.reports.facts import DealFact, closed_facts, open_facts
from crm_desktop.services.reports.filters import (
    ReportFilters,
    ReportScope,
    months_between,
)
from crm_desktop.services.reports.money import Money, MoneySum, Number, RateBook, total
from crm_desktop.services.reports.table import Table, TableColumn

TITLE = "Won, lost and forecast by month"


@dataclass(frozen=True)
class MonthValue:
    """One month; measures for deals_for: "won", "lost", "open"."""

    key: dt.date | None  # the month's first day; None: open deals with no expected close
    won_deals: int
    won: Money
    lost_deals: int
    lost: Money
    open_deals: int
    open_total: Money  # open deals expected to close this month, raw
    forecast: Money  # the same, weighted


@dataclass(frozen=True)
class ForecastReport:
    scope: ReportScope
    months: tuple[MonthValue, ...]

    @property
    def currency(self) -> str:
        return self.scope.currency

    def table(self) -> Table:
        def col(label: str) -> list[Money]:
            return [getattr(m, label) for m in self.months]

        rows = tuple(
            (
                m.key if m.key is not None else "no date",
                m.won_deals,
                m.won,
                m.lost_deals,
                m.lost,
                m.open_deals,
                m.open_total,
                m.forecast,
            )
            for m in self.months
        )
        totals = (
            "Total",
            sum(m.won_deals for m in self.months),
            total(col("won")),
            sum(m.lost_deals for m in self.months),
            total(col("lost")),
            sum(m.open_deals for m in self.months),
            total(col("open_total")),
            total(col("forecast")),
        )
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("closed or expected to close"),
            columns=(
                TableColumn("Month", "month"),
                TableColumn("Won deals", "count"),
                TableColumn("Won", "money"),
                TableColumn("Lost deals", "count"),
                TableColumn("Lost", "money"),
                TableColumn("Open deals", "count"),
                TableColumn("Open total", "money"),
                TableColumn("Forecast (weighted)", "money"),
            ),
            rows=rows,
            totals=totals,
        )


def forecast_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> ForecastReport:
    with sessions() as session:
        return build_forecast_report(session, load_context(session, filters or ReportFilters()))


@dataclass
class _Month:
    book: RateBook
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sums: dict[str, MoneySum] = field(default_factory=dict)

    def add(
        self, measure: str, count: int, currency: str, amount: Number | None, day: dt.date
    ) -> None:
        self.counts[measure] += count
        self.sums.setdefault(measure, MoneySum(self.book)).add(currency, amount, day)

    def money(self, measure: str) -> Money:
        found = self.sums.get(measure)
        return found.money() if found else Money()


def build_forecast_report(session: Session, ctx: ReportContext) -> ForecastReport:
    return forecast_from(ctx, open_facts(session, ctx, month=True), closed_facts(session, ctx))


def forecast_from(
    ctx: ReportContext, open_deals: Sequence[DealFact], closed: Sequence[DealFact]
) -> ForecastReport:
    """The report from open-deal groups by month and closed-deal groups."""
    months: dict[dt.date | None, _Month] = defaultdict(lambda: _Month(ctx.rates))
    won_ids = {s.id for s in ctx.stages.won}
    for fact in closed:
        measure = "won" if fact.stage_id in won_ids else "lost"
        months[fact.month].add(
            measure, fact.count, fact.currency, fact.amount, ctx.closing_day(fact.month)
        )
    probability = {s.id: s.probability for s in ctx.stages.open}
    for fact in open_deals:
        month = months[fact.month]
        month.add("open", fact.count, fact.currency, fact.amount, ctx.today)
        value = weighted_value(fact.plain, fact.overridden, probability[fact.stage_id])
        month.add("forecast", 0, fact.currency, value, ctx.today)
    dated = [m for m in months if m is not None]
    first = ctx.scope.date_from or (min(dated) if dated else None)
    last = ctx.scope.date_to or (max(dated) if dated else None)
    keys: list[dt.date | None] = []
    if first is not None and last is not None:
        keys.extend(months_between(first, last))
    if None in months:
        keys.append(None)
    rows = []
    for key in keys:
        month = months[key]
        rows.append(
            MonthValue(
                key=key,
                won_deals=month.counts["won"],
                won=month.money("won"),
                lost_deals=month.counts["lost"],
                lost=month.money("lost"),
                open_deals=month.counts["open"],
                open_total=month.money("open"),
                forecast=month.money("forecast"),
            )
        )
    return ForecastReport(ctx.scope, tuple(rows))
