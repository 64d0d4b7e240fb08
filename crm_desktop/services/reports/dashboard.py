"""Every report at once, for the dashboard; one report by name, for the command line."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.reports.context import ReportContext, load_context, prepare_session
from crm_desktop.services.reports.drilldown import ReportKind
from crm_desktop.services.reports.events import (
    EventsReport,
    build_events_report,
    event_rows,
    events_from,
)
from crm_desktop.services.reports.facts import (
    closed_facts,
    created_facts,
    lead_deals,
    lead_facts,
    led_to_deals,
    open_facts,
)
from crm_desktop.services.reports.filters import ReportFilters
from crm_desktop.services.reports.forecast import (
    ForecastReport,
    build_forecast_report,
    forecast_from,
)
from crm_desktop.services.reports.funnel import (
    FunnelReport,
    build_funnel_report,
    funnel_from,
    history_moves,
)
from crm_desktop.services.reports.pipeline import (
    PipelineReport,
    build_pipeline_report,
    pipeline_from,
)
from crm_desktop.services.reports.reps import RepsReport, build_reps_report, reps_from, user_names
from crm_desktop.services.reports.sources import (
    SourcesReport,
    build_sources_report,
    source_names,
    sources_from,
)

Report = PipelineReport | ForecastReport | FunnelReport | RepsReport | SourcesReport | EventsReport


@dataclass(frozen=True)
class Dashboard:
    pipeline: PipelineReport
    forecast: ForecastReport
    funnel: FunnelReport
    reps: RepsReport
    sources: SourcesReport
    events: EventsReport

    @property
    def currency(self) -> str:
        return self.pipeline.currency


def dashboard_reports(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None, *, workers: int = 2
) -> Dashboard:
    """All six reports with the same filters, from one read of each population.

    The grouped queries (see `facts`) run on `workers` connections at once: each is
    one pass over a table, so two cores finish the set in about half the time. With
    one worker they run one after the other in a single session.
    """
    with sessions() as session:
        ctx = load_context(session, filters or ReportFilters())
        users = user_names(session)
        sources = source_names(session)
        events = event_rows(session)
        if session.connection().engine.url.database in (None, "", ":memory:"):
            workers = 1  # each connection to an in-memory SQLite database is another database
    jobs: dict[str, Callable[[Session], Any]] = {
        # the slowest first, so two workers finish together
        "created": lambda s: created_facts(s, ctx, source=True, event=True),
        "open": lambda s: open_facts(s, ctx, owner=True, month=True),
        "leads": lambda s: lead_facts(s, ctx, source=True, event=True),
        "closed": lambda s: closed_facts(s, ctx, owner=True),
        "led_to_deals": lambda s: led_to_deals(s, ctx),
        "lead_deals": lambda s: lead_deals(s, ctx),
        "moves": lambda s: history_moves(s, ctx),
    }
    found = _run(sessions, jobs, workers)
    created, leads = found["created"], found["leads"]
    return Dashboard(
        pipeline=pipeline_from(ctx, found["open"]),
        forecast=forecast_from(ctx, found["open"], found["closed"]),
        funnel=funnel_from(
            ctx, leads, found["led_to_deals"], found["lead_deals"], created, found["moves"]
        ),
        reps=reps_from(ctx, found["open"], found["closed"], users),
        sources=sources_from(ctx, created, leads, sources),
        events=events_from(ctx, created, leads, events),
    )


def _run(
    sessions: sessionmaker[Session], jobs: dict[str, Callable[[Session], Any]], workers: int
) -> dict[str, Any]:
    if workers <= 1:
        with sessions() as session:
            prepare_session(session)
            return {name: job(session) for name, job in jobs.items()}

    def one(job: Callable[[Session], Any]) -> Any:
        with sessions() as session:
            prepare_session(session)
            return job(session)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reports") as pool:
        futures = {name: pool.submit(one, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def run_report(
    sessions: sessionmaker[Session], kind: ReportKind, filters: ReportFilters | None = None
) -> Report:
    """One report by its name (the command line's `crm-desktop report KIND`)."""
    with sessions() as session:
        return build_report(session, load_context(session, filters or ReportFilters()), kind)


def build_report(session: Session, ctx: ReportContext, kind: ReportKind) -> Report:
    builders: dict[str, Callable[[Session, ReportContext], Report]] = {
        "pipeline": build_pipeline_report,
        "forecast": build_forecast_report,
        "funnel": build_funnel_report,
        "reps": build_reps_report,
        "sources": build_sources_report,
        "events": build_events_report,
    }
    return builders[kind](session, ctx)
