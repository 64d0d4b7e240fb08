"""Pipeline value per stage: the open deals of one pipeline, raw and weighted.

Weighted value is amount × probability: the deal's own probability when it has one,
else its stage's. Open deals are converted at today's rates. A date range filters on
the expected close (deals without one count only when no range is given).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.reports.context import ReportContext, load_context, weighted_value
from crm_desktop.services.reports.facts import DealFact, open_facts
from crm_desktop.services.reports.filters import ReportFilters, ReportScope
from crm_desktop.services.reports.money import Money, MoneySum, total
from crm_desktop.services.reports.table import Table, TableColumn

TITLE = "Pipeline value by stage"


@dataclass(frozen=True)
class StageValue:
    key: uuid.UUID  # the stage's id: deals_for(..., "pipeline", BarKey(key))
    stage: str
    probability: int  # the stage's, percent
    deals: int
    total: Money
    weighted: Money


@dataclass(frozen=True)
class PipelineReport:
    scope: ReportScope
    stages: tuple[StageValue, ...]  # every open stage in board order, empty ones too

    @property
    def currency(self) -> str:
        return self.scope.currency

    @property
    def deals(self) -> int:
        return sum(s.deals for s in self.stages)

    @property
    def total(self) -> Money:
        return total(s.total for s in self.stages)

    @property
    def weighted(self) -> Money:
        return total(s.weighted for s in self.stages)

    def table(self) -> Table:
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("expected close"),
            columns=(
                TableColumn("Stage"),
                TableColumn("Probability %", "count"),
                TableColumn("Deals", "count"),
                TableColumn("Total", "money"),
                TableColumn("Weighted", "money"),
            ),
            rows=tuple((s.stage, s.probability, s.deals, s.total, s.weighted) for s in self.stages),
            totals=("Total", None, self.deals, self.total, self.weighted),
        )


def pipeline_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> PipelineReport:
    with sessions() as session:
        return build_pipeline_report(session, load_context(session, filters or ReportFilters()))


def build_pipeline_report(session: Session, ctx: ReportContext) -> PipelineReport:
    return pipeline_from(ctx, open_facts(session, ctx))


def pipeline_from(ctx: ReportContext, facts: Sequence[DealFact]) -> PipelineReport:
    """The report from open-deal groups (any extra columns are summed over)."""
    open_stages = ctx.stages.open
    probability = {s.id: s.probability for s in open_stages}
    counts: dict[uuid.UUID, int] = defaultdict(int)
    raw: dict[uuid.UUID, MoneySum] = defaultdict(lambda: MoneySum(ctx.rates))
    weighted: dict[uuid.UUID, MoneySum] = defaultdict(lambda: MoneySum(ctx.rates))
    for fact in facts:
        counts[fact.stage_id] += fact.count
        raw[fact.stage_id].add(fact.currency, fact.amount, ctx.today)
        value = weighted_value(fact.plain, fact.overridden, probability[fact.stage_id])
        weighted[fact.stage_id].add(fact.currency, value, ctx.today)
    rows = tuple(
        StageValue(
            key=s.id,
            stage=s.name,
            probability=s.probability,
            deals=counts[s.id],
            total=raw[s.id].money(),
            weighted=weighted[s.id].money(),
        )
        for s in open_stages
    )
    return PipelineReport(ctx.scope, rows)
