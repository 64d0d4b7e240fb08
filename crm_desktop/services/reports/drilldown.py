"""The deals behind one bar of a report: click a bar, list its deals.

A bar is a report kind, a row key (each report row has `key`) and a measure:

==========  ===========================  ==========================================
report      row key                      measure
==========  ===========================  ==========================================
pipeline    stage id                     (any): open deals in the stage
forecast    month (first day) or None    "won", "lost" (closed that month), "open"
                                         (expected to close that month; None: no date)
funnel      "deals", "won" or a stage id  a stage id: the deals that reached it
reps        user id or None              "open", "won", "lost"
sources     source id or None            "deals", "won"
events      event id                     "deals", "won"
==========  ===========================  ==========================================

The same filters and the same rules as the report select the deals, so a bar's count
is the length of its list. Biggest first, in the report's currency at today's rates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Company, Deal, DealStageChange, LeadSource, Stage, User
from crm_desktop.services.reports.context import ReportContext, StageInfo, load_context
from crm_desktop.services.reports.facts import lead_deal_conditions
from crm_desktop.services.reports.filters import (
    ReportError,
    ReportFilters,
    day_start,
    month_start,
    next_month,
)
from crm_desktop.services.reports.funnel import rank_case, stage_ranks

ReportKind = Literal["pipeline", "forecast", "funnel", "reps", "sources", "events"]
REPORT_KINDS: tuple[ReportKind, ...] = (
    "pipeline",
    "forecast",
    "funnel",
    "reps",
    "sources",
    "events",
)


@dataclass(frozen=True)
class BarKey:
    row: uuid.UUID | dt.date | str | None  # a report row's `key`
    measure: str = ""


@dataclass(frozen=True)
class DealLine:
    id: uuid.UUID
    title: str
    company: str | None
    amount: Decimal | None
    currency: str
    stage: str
    owner: str | None
    expected_close: dt.date | None
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class DealList:
    deals: tuple[DealLine, ...]  # at most `limit`, biggest first
    total: int  # every deal behind the bar


def deals_for(
    sessions: sessionmaker[Session],
    report: ReportKind,
    key: BarKey,
    filters: ReportFilters | None = None,
    limit: int = 100,
) -> DealList:
    """The deals behind one bar; raises `ReportError` for a bar that lists no deals."""
    with sessions() as session:
        ctx = load_context(session, filters or ReportFilters())
        conditions = bar_conditions(ctx, report, key)
        count = session.scalar(select(func.count()).select_from(Deal).where(*conditions))
        rates = ctx.rates.rates_on(ctx.today)
        value = Deal.amount * case(rates, value=Deal.currency, else_=None)
        query = (
            select(
                Deal.id,
                Deal.title,
                Company.name,
                Deal.amount,
                Deal.currency,
                Stage.name,
                User.name,
                Deal.expected_close,
                Deal.closed_at,
            )
            .join(Stage, Stage.id == Deal.stage_id)
            .outerjoin(Company, Company.id == Deal.company_id)
            .outerjoin(User, User.id == Deal.owner_id)
            .where(*conditions)
            .order_by(value.desc().nulls_last(), Deal.title, Deal.id)
            .limit(limit)
        )
        lines = tuple(DealLine(*row) for row in session.execute(query))
    return DealList(lines, int(count or 0))


def bar_conditions(
    ctx: ReportContext, report: ReportKind, key: BarKey
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the deals behind a bar."""
    if report == "pipeline":
        stage = _stage(ctx, key.row, ctx.stages.open)
        return [*ctx.deals(stages=(stage,)), *ctx.dates_in_range(Deal.expected_close)]
    if report == "forecast":
        return _forecast(ctx, key)
    if report == "funnel":
        return _funnel(ctx, key)
    if report == "reps":
        owner = key.row
        if owner is not None and not isinstance(owner, uuid.UUID):
            raise ReportError("a rep's bar is keyed by the user's id")
        mine = Deal.owner_id.is_(None) if owner is None else Deal.owner_id == owner
        if key.measure == "open":
            return [*_open(ctx), mine]
        return [*_closed(ctx, key.measure), mine]
    if report in ("sources", "events"):
        return [*_created(ctx, key.measure), _origin(report, key.row)]
    raise ReportError(f"no report is called {report!r}")


def _stage(ctx: ReportContext, row: object, stages: tuple[StageInfo, ...]) -> StageInfo:
    for stage in stages:
        if stage.id == row:
            return stage
    raise ReportError("that stage is not one of the report's stages")


def _open(ctx: ReportContext) -> list[ColumnElement[bool]]:
    return [*ctx.deals(stages=ctx.stages.open), *ctx.dates_in_range(Deal.expected_close)]


def _closed(ctx: ReportContext, measure: str) -> list[ColumnElement[bool]]:
    if measure == "won":
        stages = ctx.stages.won
    elif measure == "lost":
        stages = ctx.stages.lost
    else:
        raise ReportError(f"unknown measure {measure!r}: use open, won or lost")
    return [*ctx.deals(stages=stages), Deal.closed_at.is_not(None), *ctx.in_range(Deal.closed_at)]


def _created(ctx: ReportContext, measure: str) -> list[ColumnElement[bool]]:
    if measure == "deals":
        return [*ctx.deals(), *ctx.in_range(Deal.created_at)]
    if measure == "won":
        return [*ctx.deals(stages=ctx.stages.won), *ctx.in_range(Deal.created_at)]
    raise ReportError(f"unknown measure {measure!r}: use deals or won")


def _forecast(ctx: ReportContext, key: BarKey) -> list[ColumnElement[bool]]:
    month = key.row
    if month is not None and not isinstance(month, dt.date):
        raise ReportError("a month's bar is keyed by the month's first day")
    if key.measure == "open":
        if month is None:
            return [*ctx.deals(stages=ctx.stages.open), Deal.expected_close.is_(None)]
        first = month_start(month)
        return [
            *_open(ctx),
            Deal.expected_close >= first,
            Deal.expected_close < next_month(first),
        ]
    if month is None:
        raise ReportError("closed deals always have a month")
    first = month_start(month)
    return [
        *_closed(ctx, key.measure),
        Deal.closed_at >= day_start(first),
        Deal.closed_at < day_start(next_month(first)),
    ]


def _funnel(ctx: ReportContext, key: BarKey) -> list[ColumnElement[bool]]:
    if key.row == "deals":
        return lead_deal_conditions(ctx)
    if key.row == "won":
        return [*lead_deal_conditions(ctx), Deal.stage_id.in_([s.id for s in ctx.stages.won])]
    if key.row in ("leads", "qualified"):
        raise ReportError("that step counts leads, not deals")
    ranks = stage_ranks(ctx)
    if not isinstance(key.row, uuid.UUID) or key.row not in ranks:
        raise ReportError("that stage is not one of the funnel's stages")
    rank = ranks[key.row]
    lost = 0 if ctx.stages.open else -1
    history = exists().where(
        DealStageChange.deal_id == Deal.id,
        DealStageChange.deleted_at.is_(None),
        or_(
            rank_case(ctx, DealStageChange.to_stage_id, -1) >= rank,
            rank_case(ctx, DealStageChange.from_stage_id, -1) >= rank,
        ),
    )
    return [
        *ctx.deals(),
        *ctx.in_range(Deal.created_at),
        or_(rank_case(ctx, Deal.stage_id, lost) >= rank, history),
    ]


def _origin(report: str, row: object) -> ColumnElement[bool]:
    if report == "events":
        if not isinstance(row, uuid.UUID):
            raise ReportError("an event's bar is keyed by the event's id")
        return Deal.event_id == row
    if row is None:
        live = select(LeadSource.id).where(LeadSource.deleted_at.is_(None))
        return or_(Deal.source_id.is_(None), Deal.source_id.not_in(live))
    if not isinstance(row, uuid.UUID):
        raise ReportError("a source's bar is keyed by the source's id")
    return Deal.source_id == row
