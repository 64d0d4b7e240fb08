"""Per event (trade show, campaign): leads, deals, won value, and what it cost.

Leads and deals count when created in the date range (deals of the pipeline); won
value is what those deals, now won, brought. Listed: live events that start in the
range or have leads or deals in it (every live event when no range is given), by
start date.

An event's cost is in its own currency (none: the default currency), converted at the
rate on its first day (today when it has no date). Cost per lead is cost / leads;
return is (won − cost) / cost. Either is empty when it cannot be computed exactly: no
cost, no leads, or an amount with no exchange rate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Event
from crm_desktop.services.reports.context import ReportContext, load_context
from crm_desktop.services.reports.facts import DealFact, LeadFact, created_facts, lead_facts
from crm_desktop.services.reports.filters import ReportFilters, ReportScope
from crm_desktop.services.reports.money import Money, cents, to_decimal, total
from crm_desktop.services.reports.origins import OriginCounts, count_origins
from crm_desktop.services.reports.table import Table, TableColumn

TITLE = "Leads, deals and return by event"


@dataclass(frozen=True)
class EventValue:
    """One event; measures for deals_for: "deals", "won"."""

    key: uuid.UUID  # the event's id
    event: str
    starts_on: dt.date | None
    leads: int
    deals: int
    won_deals: int
    won: Money
    cost: Money | None  # None: no cost entered
    cost_per_lead: Decimal | None
    return_on_cost: float | None  # (won − cost) / cost: 1.5 means won 2.5 times the cost


@dataclass(frozen=True)
class EventsReport:
    scope: ReportScope
    events: tuple[EventValue, ...]  # by start date, undated last

    @property
    def currency(self) -> str:
        return self.scope.currency

    def table(self) -> Table:
        rows = self.events
        costs = [e.cost for e in rows if e.cost is not None]
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("created"),
            columns=(
                TableColumn("Event"),
                TableColumn("Starts"),
                TableColumn("Leads", "count"),
                TableColumn("Deals", "count"),
                TableColumn("Won deals", "count"),
                TableColumn("Won", "money"),
                TableColumn("Cost", "money"),
                TableColumn("Cost per lead", "money"),
                TableColumn("Return %", "percent"),
            ),
            rows=tuple(
                (
                    e.event,
                    e.starts_on,
                    e.leads,
                    e.deals,
                    e.won_deals,
                    e.won,
                    e.cost,
                    e.cost_per_lead,
                    e.return_on_cost,
                )
                for e in rows
            ),
            totals=(
                "Total",
                None,
                sum(e.leads for e in rows),
                sum(e.deals for e in rows),
                sum(e.won_deals for e in rows),
                total(e.won for e in rows),
                total(costs),
                None,
                None,
            ),
        )


def events_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> EventsReport:
    with sessions() as session:
        return build_events_report(session, load_context(session, filters or ReportFilters()))


def build_events_report(session: Session, ctx: ReportContext) -> EventsReport:
    return events_from(
        ctx,
        created_facts(session, ctx, event=True),
        lead_facts(session, ctx, event=True),
        event_rows(session),
    )


EventRow = tuple[uuid.UUID, str, dt.date | None, Decimal | None, str | None]


def event_rows(session: Session) -> list[EventRow]:
    """Every live event: id, name, first day, cost and its currency."""
    query = select(Event.id, Event.name, Event.starts_on, Event.cost, Event.currency).where(
        Event.deleted_at.is_(None)
    )
    return [
        (id_, name, starts, cost, code) for id_, name, starts, cost, code in session.execute(query)
    ]


def events_from(
    ctx: ReportContext,
    deals: Sequence[DealFact],
    leads: Sequence[LeadFact],
    events: Sequence[EventRow],
) -> EventsReport:
    """The report from created-deal and lead groups by event."""
    found = count_origins(ctx, deals, leads, lambda fact: fact.event_id)
    in_range = _Range(ctx.scope.date_from, ctx.scope.date_to)
    rows = []
    for event_id, name, starts_on, cost, currency in events:
        counts = found.get(event_id)
        if counts is None and not in_range(starts_on):
            continue
        counts = counts or OriginCounts(ctx.rates)
        won = counts.won
        money = None
        if cost is not None:
            code = (currency or ctx.scope.currency).upper()
            money = ctx.rates.convert(code, to_decimal(cost), starts_on or ctx.today)
        rows.append(
            EventValue(
                key=event_id,
                event=name,
                starts_on=starts_on,
                leads=counts.leads,
                deals=counts.deals,
                won_deals=counts.won_deals,
                won=won,
                cost=money,
                cost_per_lead=_per_lead(money, counts.leads),
                return_on_cost=_return(won, money),
            )
        )
    rows.sort(key=lambda e: (e.starts_on is None, e.starts_on or dt.date.min, e.event.casefold()))
    return EventsReport(ctx.scope, tuple(rows))


@dataclass(frozen=True)
class _Range:
    start: dt.date | None
    end: dt.date | None

    def __call__(self, day: dt.date | None) -> bool:
        if self.start is None and self.end is None:
            return True
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _per_lead(cost: Money | None, leads: int) -> Decimal | None:
    if cost is None or not cost.complete or not leads:
        return None
    return cents(cost.amount / leads)


def _return(won: Money, cost: Money | None) -> float | None:
    if cost is None or not cost.complete or not won.complete or cost.amount <= 0:
        return None
    return float((won.amount - cost.amount) / cost.amount)
