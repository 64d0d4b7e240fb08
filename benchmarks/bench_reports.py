"""Time the sales reports (issue 4) on a demo database: each report, and the dashboard's set.

    python benchmarks/bench_reports.py --db sqlite:////tmp/bench/demo1000000.sqlite3 --size 1000000
    python benchmarks/bench_reports.py --size 1000000 \
        --db postgresql+psycopg://crm:crm@localhost/crm_bench_reports

An empty database is filled first (`crm-desktop demo --size N`; a 1,000,000-contact demo
has 200,000 deals). Unless --no-rates, monthly exchange rates into the default
currency are added for every deal and event currency that has none, so the reports
convert (the demo has none). Each report runs once cold, then --repeat times; the table
shows the first run, the median and the fastest, in milliseconds. "dashboard" is
`dashboard_reports`: all six from one read of each population, on two connections at
once ("one connection": one after the other). "… 12 months" has the date range of the
last 12 months.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from crm_desktop.models import Deal, Event, ExchangeRate
from crm_desktop.models.database import open_database
from crm_desktop.services.demo import existing_contacts, generate_demo
from crm_desktop.services.exchange_rates import save_rate
from crm_desktop.services.reports import (
    REPORT_KINDS,
    BarKey,
    ReportFilters,
    dashboard_reports,
    deals_for,
    pipeline_report,
    run_report,
)
from crm_desktop.services.settings import default_currency

# Rough value of one unit in USD; other defaults are derived from these.
USD_VALUE = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "CNY": 0.138,
    "JPY": 0.0067,
    "HKD": 0.128,
    "CHF": 1.13,
    "CAD": 0.73,
    "AUD": 0.66,
    "SGD": 0.74,
    "KRW": 0.00073,
    "INR": 0.012,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///file or postgresql+psycopg://...")
    parser.add_argument("--size", type=int, default=1_000_000, help="contacts if empty")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-rates", action="store_true", help="do not add exchange rates")
    args = parser.parse_args()

    db = open_database(args.db)
    if not existing_contacts(db.sessions):
        print(f"filling {db.describe()} with {args.size:,} demo contacts…", file=sys.stderr)
        generate_demo(db.sessions, args.size, seed=4)
    if not args.no_rates:
        added = add_rates(db.sessions)
        if added:
            print(f"added {added} exchange rates", file=sys.stderr)
    with db.sessions() as session:
        deals = session.scalar(select(func.count()).select_from(Deal)) or 0
    today = dt.datetime.now(dt.UTC).date()
    year = ReportFilters(date_from=today.replace(day=1) - dt.timedelta(days=335), date_to=today)
    biggest = max(pipeline_report(db.sessions).stages, key=lambda s: s.deals)

    cases: list[tuple[str, Callable[[], object]]] = [
        (kind, lambda kind=kind: run_report(db.sessions, kind)) for kind in REPORT_KINDS
    ]
    cases += [
        ("dashboard, one connection", lambda: dashboard_reports(db.sessions, workers=1)),
        ("dashboard (all six)", lambda: dashboard_reports(db.sessions)),
        ("dashboard, 12 months", lambda: dashboard_reports(db.sessions, year)),
        (
            f"deals_for {biggest.stage} (100 of {biggest.deals:,})",
            lambda: deals_for(db.sessions, "pipeline", BarKey(biggest.key), limit=100),
        ),
    ]
    print(f"backend  {db.url.get_backend_name()}  ({db.describe()}), {deals:,} deals")
    print(f"{'report':<40} {'first ms':>9} {'median ms':>10} {'min ms':>8}")
    for name, run in cases:
        times = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        first, rest = times[0], times[1:]
        print(f"{name:<40} {first:9.0f} {statistics.median(rest):10.0f} {min(rest):8.0f}")
    db.dispose()
    return 0


def add_rates(sessions) -> int:  # type: ignore[no-untyped-def]
    """Monthly rates for three years into the default currency, for currencies with none."""
    target = default_currency(sessions)
    with sessions() as session:
        used = set(session.scalars(select(Deal.currency).distinct()))
        used |= {c for c in session.scalars(select(Event.currency).distinct()) if c}
        known = set(session.scalars(select(ExchangeRate.currency).distinct()))
    added = 0
    first = dt.date.today().replace(day=1) - dt.timedelta(days=3 * 365)
    for currency in sorted(used - known - {target}):
        if currency not in USD_VALUE or target not in USD_VALUE:
            continue
        value = USD_VALUE[currency] / USD_VALUE[target]
        month = first.replace(day=1)
        for step in range(37):
            wobble = 1 + ((step * 7) % 11 - 5) / 200  # ±2.5 %, so months differ
            rate = Decimal(str(round(value * wobble, 8)))
            save_rate(sessions, currency, target, rate, month)
            added += 1
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return added


if __name__ == "__main__":
    sys.exit(main())
