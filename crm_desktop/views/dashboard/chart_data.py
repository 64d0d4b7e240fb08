"""What each dashboard chart plots, taken from the reports: categories, series, bar keys.

Plain Python, no Qt: tests check these numbers against the reports, and the chart
widget draws them as they are. A bar's key says which deals `deals_for` lists when it
is clicked (None: the bar counts leads, not deals, and lists nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from crm_desktop.services.reports import (
    BarKey,
    Dashboard,
    Money,
    ReportKind,
    Table,
)
from crm_desktop.services.reports.money import total


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float, ...]
    keys: tuple[BarKey | None, ...]  # one per category


@dataclass(frozen=True)
class ChartData:
    report: ReportKind
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    value_kind: str  # "money" or "count"
    # Per series, the amounts it leaves out for want of an exchange rate.
    unconverted: tuple[tuple[str, tuple[tuple[str, Decimal], ...]], ...] = ()


@dataclass(frozen=True)
class ChartSpec:
    """One card of the dashboard: its title, its data, and the table saved with it."""

    key: str
    title: str
    horizontal: bool
    data: Callable[[Dashboard], ChartData]
    table: Callable[[Dashboard], Table]


def _amount(money: Money) -> float:
    return float(money.amount)


Missing = tuple[tuple[str, tuple[tuple[str, Decimal], ...]], ...]


def _missing(*series: tuple[str, Iterable[Money]]) -> Missing:
    found = ((name, total(values).unconverted) for name, values in series)
    return tuple((name, amounts) for name, amounts in found if amounts)


def month_label(month: dt.date | None) -> str:
    return month.strftime("%b %Y") if month else "No date"


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def pipeline_chart(d: Dashboard) -> ChartData:
    stages = d.pipeline.stages
    keys = tuple(BarKey(s.key) for s in stages)
    return ChartData(
        "pipeline",
        tuple(f"{s.stage}\n{s.deals:,} deals" for s in stages),
        (
            ChartSeries("Total", tuple(_amount(s.total) for s in stages), keys),
            ChartSeries("Weighted", tuple(_amount(s.weighted) for s in stages), keys),
        ),
        "money",
        _missing(("Total", (s.total for s in stages)), ("Weighted", (s.weighted for s in stages))),
    )


def forecast_chart(d: Dashboard) -> ChartData:
    # From this month on, and earlier months only where open deals are overdue.
    months = [
        m
        for m in d.forecast.months
        if m.key is not None and (m.key >= _this_month(d) or m.open_deals)
    ]
    return ChartData(
        "forecast",
        tuple(month_label(m.key) for m in months),
        (
            ChartSeries(
                "Weighted forecast",
                tuple(_amount(m.forecast) for m in months),
                tuple(BarKey(m.key, "open") for m in months),
            ),
        ),
        "money",
        _missing(("Weighted forecast", (m.forecast for m in months))),
    )


def won_lost_chart(d: Dashboard) -> ChartData:
    months = [m for m in d.forecast.months if m.key is not None and m.key <= _this_month(d)]
    return ChartData(
        "forecast",
        tuple(month_label(m.key) for m in months),
        (
            ChartSeries(
                "Won",
                tuple(_amount(m.won) for m in months),
                tuple(BarKey(m.key, "won") for m in months),
            ),
            ChartSeries(
                "Lost",
                tuple(_amount(m.lost) for m in months),
                tuple(BarKey(m.key, "lost") for m in months),
            ),
        ),
        "money",
        _missing(("Won", (m.won for m in months)), ("Lost", (m.lost for m in months))),
    )


def funnel_chart(d: Dashboard) -> ChartData:
    steps = d.funnel.steps
    listable = {"deals", "won"}
    return ChartData(
        "funnel",
        tuple(
            f"{s.name} → {percent(s.next_rate)}" if s.next_rate is not None else s.name
            for s in steps
        ),
        (
            ChartSeries(
                "Count",
                tuple(float(s.count) for s in steps),
                tuple(BarKey(s.key) if s.key in listable else None for s in steps),
            ),
        ),
        "count",
    )


def stage_reach_chart(d: Dashboard) -> ChartData:
    stages = d.funnel.stages
    return ChartData(
        "funnel",
        tuple(
            f"{s.stage} → {percent(s.next_rate)}" if s.next_rate is not None else s.stage
            for s in stages
        ),
        (
            ChartSeries(
                "Deals that reached it",
                tuple(float(s.reached) for s in stages),
                tuple(BarKey(s.key) for s in stages),
            ),
        ),
        "count",
    )


def reps_chart(d: Dashboard) -> ChartData:
    reps = d.reps.reps
    return ChartData(
        "reps",
        tuple(f"{r.rep} · win {percent(r.win_rate)} · {_days(r.days_to_close)}" for r in reps),
        (
            ChartSeries(
                "Open (weighted)",
                tuple(_amount(r.open_weighted) for r in reps),
                tuple(BarKey(r.key, "open") for r in reps),
            ),
            ChartSeries(
                "Won",
                tuple(_amount(r.won) for r in reps),
                tuple(BarKey(r.key, "won") for r in reps),
            ),
        ),
        "money",
        _missing(
            ("Open (weighted)", (r.open_weighted for r in reps)), ("Won", (r.won for r in reps))
        ),
    )


def sources_chart(d: Dashboard) -> ChartData:
    sources = d.sources.sources
    return ChartData(
        "sources",
        tuple(f"{s.source} · {s.leads} leads · {s.deals} deals" for s in sources),
        (
            ChartSeries(
                "Won",
                tuple(_amount(s.won) for s in sources),
                tuple(BarKey(s.key, "won") for s in sources),
            ),
        ),
        "money",
        _missing(("Won", (s.won for s in sources))),
    )


def events_chart(d: Dashboard) -> ChartData:
    events = d.events.events
    none = Money()
    return ChartData(
        "events",
        tuple(
            f"{e.event} · {e.leads} leads"
            + (f" · return {percent(e.return_on_cost)}" if e.return_on_cost is not None else "")
            for e in events
        ),
        (
            ChartSeries(
                "Won",
                tuple(_amount(e.won) for e in events),
                tuple(BarKey(e.key, "won") for e in events),
            ),
            ChartSeries(
                "Cost",
                tuple(_amount(e.cost or none) for e in events),
                tuple(None for _ in events),
            ),
        ),
        "money",
        _missing(("Won", (e.won for e in events)), ("Cost", (e.cost or none for e in events))),
    )


def _days(days: float | None) -> str:
    return "– days" if days is None else f"{days:.0f} days to close"


def _this_month(d: Dashboard) -> dt.date:
    return d.pipeline.scope.today.replace(day=1)


# The order a manager reads them in: what is open, what will close, what closed.
CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "pipeline",
        "Pipeline value per stage",
        False,
        pipeline_chart,
        lambda d: d.pipeline.table(),
    ),
    ChartSpec(
        "forecast",
        "Forecast: weighted value by expected close month",
        False,
        forecast_chart,
        lambda d: d.forecast.table(),
    ),
    ChartSpec(
        "won_lost", "Won and lost per month", False, won_lost_chart, lambda d: d.forecast.table()
    ),
    ChartSpec("funnel", "Funnel", True, funnel_chart, lambda d: d.funnel.table()),
    ChartSpec(
        "stages",
        "Stage-to-stage conversion",
        True,
        stage_reach_chart,
        lambda d: d.funnel.table(),
    ),
    ChartSpec("reps", "Per rep", True, reps_chart, lambda d: d.reps.table()),
    ChartSpec("sources", "Per lead source", True, sources_chart, lambda d: d.sources.table()),
    ChartSpec("events", "Per event (trade show)", True, events_chart, lambda d: d.events.table()),
)
