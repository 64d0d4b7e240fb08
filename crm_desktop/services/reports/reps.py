"""Per rep (the deal's owner): open pipeline, won value, win rate, days to close.

* open pipeline: open deals, raw and weighted, the range on their expected close;
* won value, won and lost counts: deals closed in the range (by `closed_at`);
* win rate: won / (won + lost) of those closed deals;
* days to close: the mean of closed_at − created_at over the won ones.

Every live user is listed, with zeros when they own nothing; deals with no owner are
one more row. Closed amounts are converted at the rate at the end of their month,
open ones at today's.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import User
from crm_desktop.services.reports.context import ReportContext, load_context, weighted_value
from crm_desktop.services.reports.facts import DealFact, closed_facts, open_facts
from crm_desktop.services.reports.filters import ReportFilters, ReportScope
from crm_desktop.services.reports.money import Money, MoneySum, RateBook, total
from crm_desktop.services.reports.table import Table, TableColumn, ratio

TITLE = "Sales by rep"
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class RepValue:
    """One rep; measures for deals_for: "open", "won", "lost"."""

    key: uuid.UUID | None  # the user's id; None: deals with no owner
    rep: str
    open_deals: int
    open_total: Money
    open_weighted: Money
    won_deals: int
    won: Money
    lost_deals: int
    win_rate: float | None  # won / (won + lost); None when nothing closed
    days_to_close: float | None  # mean over won deals; None when none


@dataclass(frozen=True)
class RepsReport:
    scope: ReportScope
    reps: tuple[RepValue, ...]  # by name, the no-owner row last

    @property
    def currency(self) -> str:
        return self.scope.currency

    def table(self) -> Table:
        reps = self.reps
        won = sum(r.won_deals for r in reps)
        lost = sum(r.lost_deals for r in reps)
        return Table(
            title=TITLE,
            currency=self.currency,
            subtitle=self.scope.describe("closed or expected to close"),
            columns=(
                TableColumn("Rep"),
                TableColumn("Open deals", "count"),
                TableColumn("Open total", "money"),
                TableColumn("Open weighted", "money"),
                TableColumn("Won deals", "count"),
                TableColumn("Won", "money"),
                TableColumn("Lost deals", "count"),
                TableColumn("Win rate %", "percent"),
                TableColumn("Days to close", "days"),
            ),
            rows=tuple(
                (
                    r.rep,
                    r.open_deals,
                    r.open_total,
                    r.open_weighted,
                    r.won_deals,
                    r.won,
                    r.lost_deals,
                    r.win_rate,
                    r.days_to_close,
                )
                for r in reps
            ),
            totals=(
                "Total",
                sum(r.open_deals for r in reps),
                total(r.open_total for r in reps),
                total(r.open_weighted for r in reps),
                won,
                total(r.won for r in reps),
                lost,
                ratio(won, won + lost),
                None,
            ),
        )


def reps_report(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None
) -> RepsReport:
    with sessions() as session:
        return build_reps_report(session, load_context(session, filters or ReportFilters()))


@dataclass
class _Rep:
    book: RateBook
    open_deals: int = 0
    won_deals: int = 0
    lost_deals: int = 0
    won_days: float = 0.0
    open_total: MoneySum = field(init=False)
    open_weighted: MoneySum = field(init=False)
    won: MoneySum = field(init=False)

    def __post_init__(self) -> None:
        self.open_total = MoneySum(self.book)
        self.open_weighted = MoneySum(self.book)
        self.won = MoneySum(self.book)


def build_reps_report(session: Session, ctx: ReportContext) -> RepsReport:
    return reps_from(
        ctx,
        open_facts(session, ctx, owner=True),
        closed_facts(session, ctx, owner=True),
        user_names(session),
    )


def user_names(session: Session) -> dict[uuid.UUID | None, tuple[str, bool]]:
    """Every user's name, and whether the user is live (deleted users keep their deals)."""
    rows = session.execute(select(User.id, User.name, User.deleted_at))
    return {id_: (name, deleted is None) for id_, name, deleted in rows}


def reps_from(
    ctx: ReportContext,
    open_deals: Sequence[DealFact],
    closed: Sequence[DealFact],
    users: Mapping[uuid.UUID | None, tuple[str, bool]],
) -> RepsReport:
    """The report from open and closed deal groups by owner."""
    reps: dict[uuid.UUID | None, _Rep] = defaultdict(lambda: _Rep(ctx.rates))
    probability = {s.id: s.probability for s in ctx.stages.open}
    for fact in open_deals:
        rep = reps[fact.owner_id]
        rep.open_deals += fact.count
        rep.open_total.add(fact.currency, fact.amount, ctx.today)
        weighted = weighted_value(fact.plain, fact.overridden, probability[fact.stage_id])
        rep.open_weighted.add(fact.currency, weighted, ctx.today)
    won_ids = {s.id for s in ctx.stages.won}
    for fact in closed:
        rep = reps[fact.owner_id]
        if fact.stage_id not in won_ids:
            rep.lost_deals += fact.count
            continue
        rep.won_deals += fact.count
        rep.won.add(fact.currency, fact.amount, ctx.closing_day(fact.month))
        rep.won_days += fact.days
    keys = {k for k, (_, live) in users.items() if live} | set(reps)
    if ctx.scope.owner_id is not None:
        keys = {ctx.scope.owner_id}

    def name(key: uuid.UUID | None) -> str:
        return users[key][0] if key in users else NO_OWNER

    ordered = sorted(keys, key=lambda k: (k is None, name(k).casefold(), str(k)))
    rows = []
    for key in ordered:
        rep = reps[key]
        won = rep.won_deals
        rows.append(
            RepValue(
                key=key,
                rep=name(key),
                open_deals=rep.open_deals,
                open_total=rep.open_total.money(),
                open_weighted=rep.open_weighted.money(),
                won_deals=won,
                won=rep.won.money(),
                lost_deals=rep.lost_deals,
                win_rate=ratio(won, won + rep.lost_deals),
                days_to_close=rep.won_days / won if won else None,
            )
        )
    return RepsReport(ctx.scope, tuple(rows))
