"""The funnel: leads → qualified leads → deals → won, and deals stage to stage.

Steps, over the leads created in the date range (the owner's, when one is chosen), and
what became of them, so that each step is a part of the one before:

* leads: live leads;
* qualified: those whose status is qualified or converted, or that led to a live deal;
* deals: the live deals of the pipeline made from those leads (`Deal.lead_id`); deals
  entered without a lead are not in the funnel (they are in the stage-to-stage part);
* won: those deals now in a won stage.

Each step's rate is the share that went on to the next step. A lead normally becomes
one deal; only a lead linked to several deals can make the deals step larger than the
qualified one.

Stage to stage, the rungs are the open stages in board order and then Won. A deal
reached a rung when its furthest rung is at or past it. Its furthest rung is the
highest of: its current stage (a won deal: Won, past every open stage; a lost deal:
the first stage), and every stage its history (deal_stage_change, from and to) shows
it in. So a lost deal counts for the stages it passed through before it was lost;
a lost deal without history counts for the first stage only; a deal that moved back
still counts for the stage it had reached. Stages of other pipelines are ignored.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, literal, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Deal, DealStageChange
from crm_desktop.services.reports.context import ReportContext, StageInfo, load_context
from crm_desktop.services.reports.facts import (
    DealFact,
    LeadFact,
    created_facts,
    lead_deals,
    lead_facts,
    led_to_deals,
)
from crm_desktop.services.reports.filters import ReportFilters, ReportScope
from crm_desktop.services.reports.table import Table, TableColumn, ratio

TITLE = "Funnel and stage-to-stage conversion"
STEPS = (("leads", "Leads"), ("qualified", "Qualified leads"), ("deals", "Deals"), ("won", "Won"))
# Steps with a rate on to the next one (every step but the last).
RATED = frozenset({"leads", "qualified", "deals"})


@dataclass(frozen=True)
class FunnelStep:
    key: str  # "leads", "qualified", "deals", "won" (the last two list deals in deals_for)
    name: str
    count: int
    next_rate: float | None  # the next step's count / this one's; None: last, or not a part


@dataclass(frozen=True)
class StageReach:
    key: uuid.UUID  # the stage's id (the Won rung: the first won stage's)
    stage: str
    reached: int
    next_rate: float | None  # share that reached the next rung; None on the last


@dataclass(frozen=True)
class FunnelReport:
    scope: ReportScope
    steps: tuple[FunnelStep, ...]
    stages: tuple[StageReach, ...]

    @property
    def currency(self) -> str:
        return self.scope.currency

    def table(self) -> Table:
        rows = [("Funnel", s.name, s.count, s.next_rate) for s in self.steps]
        rows += [("Stages", s.stage, s.reached, s.next_rate) for s in self.stages]
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("created"),
            columns=(
                TableColumn("Section"),
                TableColumn("Step"),
                TableColumn("Count", "count"),
                TableColumn("On to next %", "percent"),
            ),
            rows=tuple(rows),
            notes=(
                "Funnel: the leads created in the range, and the deals made from them "
                "(deals entered without a lead are left out). Stages: every deal created "
                "in the range; a deal reached a stage when it is in it or past it, or its "
                "history shows it there; lost deals without history count for the first "
                "stage only.",
            ),
        )


def funnel_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> FunnelReport:
    with sessions() as session:
        return build_funnel_report(session, load_context(session, filters or ReportFilters()))


def build_funnel_report(session: Session, ctx: ReportContext) -> FunnelReport:
    return funnel_from(
        ctx,
        lead_facts(session, ctx),
        led_to_deals(session, ctx),
        lead_deals(session, ctx),
        created_facts(session, ctx),
        history_moves(session, ctx),
    )


def funnel_from(
    ctx: ReportContext,
    leads: Sequence[LeadFact],
    led_to_deals: int,
    from_leads: tuple[int, int],
    created: Sequence[DealFact],
    moves: Sequence[tuple[int, int, int]],
) -> FunnelReport:
    """The report from lead groups, `led_to_deals`, `lead_deals` (deals and won deals made
    from the leads), created-deal groups (for the stages) and `history_moves`."""
    ladder = rungs(ctx)
    ranks = stage_ranks(ctx)
    lost_rank = 0 if ctx.stages.open else None
    furthest: Counter[int] = Counter()
    for fact in created:
        rank = ranks.get(fact.stage_id, lost_rank)
        if rank is not None:
            furthest[rank] += fact.count
    for now, to, count in moves:
        if now >= 0:  # -1: a lost deal in a pipeline with no open stage
            furthest[now] -= count
        furthest[to] += count
    qualified = sum(fact.qualified for fact in leads) + led_to_deals
    deals, won = from_leads
    counts = (sum(fact.count for fact in leads), qualified, deals, won)
    steps = tuple(
        FunnelStep(key, name, count, ratio(counts[i + 1], count) if key in RATED else None)
        for i, ((key, name), count) in enumerate(zip(STEPS, counts, strict=True))
    )
    reached = [sum(n for rank, n in furthest.items() if rank >= r) for r in range(len(ladder))]
    stages = tuple(
        StageReach(
            key=stage.id,
            stage=stage.name,
            reached=reached[r],
            next_rate=ratio(reached[r + 1], reached[r]) if r + 1 < len(ladder) else None,
        )
        for r, stage in enumerate(ladder)
    )
    return FunnelReport(ctx.scope, steps, stages)


def rungs(ctx: ReportContext) -> tuple[StageInfo, ...]:
    """The open stages in order, then the first won stage (standing for every won stage)."""
    return (*ctx.stages.open, *ctx.stages.won[:1])


def stage_ranks(ctx: ReportContext) -> dict[uuid.UUID, int]:
    """The rung of each open and won stage (every won stage on the last rung)."""
    ranks = {s.id: r for r, s in enumerate(ctx.stages.open)}
    ranks.update({s.id: len(ctx.stages.open) for s in ctx.stages.won})
    return ranks


def rank_case(
    ctx: ReportContext, column: SQLColumnExpression[uuid.UUID | None], other: int
) -> ColumnElement[int]:
    """The rung of a stage id column, computed in SQL; `other` for any other stage."""
    ranks = stage_ranks(ctx)
    if not ranks:
        return literal(other)
    return case(ranks, value=column, else_=other)


def history_moves(session: Session, ctx: ReportContext) -> list[tuple[int, int, int]]:
    """(current rung, furthest rung in the history, deals) for deals the history moves up.

    The history is first reduced to each deal's furthest stages (in the order of its
    deal_id index), then joined to the deals of the report: only deals with history
    past the first stage are read, and SQL returns a few rows per pair of rungs.
    """
    if not stage_ranks(ctx):
        return []
    went_to = func.max(rank_case(ctx, DealStageChange.to_stage_id, -1))
    came_from = func.max(rank_case(ctx, DealStageChange.from_stage_id, -1))
    per_deal = (
        select(
            DealStageChange.deal_id.label("deal_id"),
            went_to.label("went_to"),
            came_from.label("came_from"),
        )
        .where(DealStageChange.deleted_at.is_(None))
        .group_by(DealStageChange.deal_id)
        .having((went_to > 0) | (came_from > 0))
        .subquery()
    )
    now = rank_case(ctx, Deal.stage_id, 0 if ctx.stages.open else -1)
    query = (
        select(now, per_deal.c.went_to, per_deal.c.came_from, func.count())
        .select_from(per_deal)
        .join(Deal, Deal.id == per_deal.c.deal_id)
        .where(*ctx.deals(), *ctx.in_range(Deal.created_at))
        .group_by(now, per_deal.c.went_to, per_deal.c.came_from)
    )
    moves = []
    for now_rank, to_rank, from_rank, count in session.execute(query):
        furthest = max(to_rank, from_rank)
        if furthest > now_rank:
            moves.append((now_rank, furthest, count))
    return moves
