"""Where business comes from: leads, deals and won value per lead source or per event.

The counting both reports share. Leads and deals count when they were created in the
date range (deals of the pipeline); won value is what those deals that are now won
brought, converted at the rate at the end of the month they closed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crm_desktop.services.reports.context import ReportContext
from crm_desktop.services.reports.facts import DealFact, LeadFact
from crm_desktop.services.reports.money import Money, MoneySum, RateBook

Key = uuid.UUID | None


@dataclass
class OriginCounts:
    book: RateBook
    leads: int = 0
    deals: int = 0
    won_deals: int = 0
    won_sum: MoneySum = field(init=False)

    def __post_init__(self) -> None:
        self.won_sum = MoneySum(self.book)

    def merge(self, other: OriginCounts) -> None:
        self.leads += other.leads
        self.deals += other.deals
        self.won_deals += other.won_deals
        self.won_sum.merge(other.won_sum)

    @property
    def won(self) -> Money:
        return self.won_sum.money()


def count_origins(
    ctx: ReportContext,
    deals: Sequence[DealFact],
    leads: Sequence[LeadFact],
    key: Callable[[DealFact | LeadFact], Key],
) -> dict[Key, OriginCounts]:
    """Leads, deals, won deals and won value per `key` (a source or an event id)."""
    found: dict[Key, OriginCounts] = defaultdict(lambda: OriginCounts(ctx.rates))
    for lead in leads:
        found[key(lead)].leads += lead.count
    won_ids = {s.id for s in ctx.stages.won}
    for deal in deals:
        origin = found[key(deal)]
        origin.deals += deal.count
        if deal.stage_id in won_ids:
            origin.won_deals += deal.count
            origin.won_sum.add(deal.currency, deal.amount, ctx.closing_day(deal.month))
    return found
