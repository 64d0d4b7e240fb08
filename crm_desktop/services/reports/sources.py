"""Per lead source: leads, the deals with that source, what they won.

Leads and deals count when created in the date range (deals of the pipeline); won
value is what those deals, now won, brought. Leads and deals with no source, or whose
source was deleted, are the last row.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import LeadSource
from crm_desktop.services.reports.context import ReportContext, load_context
from crm_desktop.services.reports.facts import DealFact, LeadFact, created_facts, lead_facts
from crm_desktop.services.reports.filters import ReportFilters, ReportScope
from crm_desktop.services.reports.money import Money, total
from crm_desktop.services.reports.origins import OriginCounts, count_origins
from crm_desktop.services.reports.table import Table, TableColumn, ratio

TITLE = "Leads and deals by source"
NO_SOURCE = "(no source)"


@dataclass(frozen=True)
class SourceValue:
    """One lead source; measures for deals_for: "deals", "won"."""

    key: uuid.UUID | None  # the source's id; None: no source (or a deleted one)
    source: str
    leads: int
    deals: int
    won_deals: int
    won: Money

    @property
    def win_rate(self) -> float | None:
        """Won deals / deals (open ones included)."""
        return ratio(self.won_deals, self.deals)


@dataclass(frozen=True)
class SourcesReport:
    scope: ReportScope
    sources: tuple[SourceValue, ...]  # every live source by name, then the no-source row

    @property
    def currency(self) -> str:
        return self.scope.currency

    def table(self) -> Table:
        rows = self.sources
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("created"),
            columns=(
                TableColumn("Source"),
                TableColumn("Leads", "count"),
                TableColumn("Deals", "count"),
                TableColumn("Won deals", "count"),
                TableColumn("Won", "money"),
            ),
            rows=tuple((s.source, s.leads, s.deals, s.won_deals, s.won) for s in rows),
            totals=(
                "Total",
                sum(s.leads for s in rows),
                sum(s.deals for s in rows),
                sum(s.won_deals for s in rows),
                total(s.won for s in rows),
            ),
        )


def sources_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> SourcesReport:
    with sessions() as session:
        return build_sources_report(session, load_context(session, filters or ReportFilters()))


def build_sources_report(session: Session, ctx: ReportContext) -> SourcesReport:
    return sources_from(
        ctx,
        created_facts(session, ctx, source=True),
        lead_facts(session, ctx, source=True),
        source_names(session),
    )


def source_names(session: Session) -> dict[uuid.UUID | None, str]:
    """The live sources' names (deleted sources are counted as no source)."""
    rows = session.execute(
        select(LeadSource.id, LeadSource.name).where(LeadSource.deleted_at.is_(None))
    )
    return {id_: name for id_, name in rows}


def sources_from(
    ctx: ReportContext,
    deals: Sequence[DealFact],
    leads: Sequence[LeadFact],
    names: Mapping[uuid.UUID | None, str],
) -> SourcesReport:
    """The report from created-deal and lead groups by source."""
    found = count_origins(ctx, deals, leads, lambda fact: fact.source_id)
    merged: dict[uuid.UUID | None, OriginCounts] = {}
    for key, counts in found.items():
        target = key if key in names else None
        merged.setdefault(target, OriginCounts(ctx.rates)).merge(counts)
    keys = sorted(names, key=lambda k: (names[k].casefold(), str(k)))
    if None in merged:
        keys.append(None)
    rows = []
    for key in keys:
        counts = merged.get(key) or OriginCounts(ctx.rates)
        rows.append(
            SourceValue(
                key=key,
                source=names.get(key, NO_SOURCE),
                leads=counts.leads,
                deals=counts.deals,
                won_deals=counts.won_deals,
                won=counts.won,
            )
        )
    return SourcesReport(ctx.scope, tuple(rows))
