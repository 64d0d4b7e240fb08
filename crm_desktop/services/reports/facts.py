"""The few grouped queries every report is computed from.

Four populations, each read in one pass with GROUP BY in the database:

* open deals expected to close in the range: count, amount, and the two sums weighting
  needs (see `weighted_value`), by stage and currency, and optionally owner and month;
* won and lost deals closed in the range: count, amount, days to close, by stage,
  currency and month, and optionally owner;
* deals created in the range: count and amount by stage and currency (and the close
  month of won ones), optionally by source and event;
* leads created in the range: count, optionally by source and event.

A report asks only for the columns it shows; the dashboard asks once for all of them
and every report sums what it needs from the same rows. Ids of small known sets
(stages, users, sources, events) are grouped as small integers: SQLite sorts to group,
and sorting one number is much cheaper than sorting 32-character ids (see `keys`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from crm_desktop.models import Deal, Event, Lead, LeadSource, LeadStatus, User
from crm_desktop.services.reports.context import ReportContext, month_key
from crm_desktop.services.reports.money import to_decimal

QUALIFIED = (LeadStatus.QUALIFIED.value, LeadStatus.CONVERTED.value)


@dataclass(frozen=True)
class DealFact:
    """One group of deals. Dimensions not asked for are None."""

    stage_id: uuid.UUID
    currency: str
    count: int
    amount: Decimal
    owner_id: uuid.UUID | None = None
    source_id: uuid.UUID | None = None  # None: no source, or a deleted one
    event_id: uuid.UUID | None = None  # None: no event, or a deleted one
    month: dt.date | None = None  # expected close (open), close (closed, won)
    plain: Decimal = Decimal(0)  # open: amount of deals without their own probability
    overridden: Decimal = Decimal(0)  # open: Σ amount × the deal's own probability
    days: float = 0.0  # closed: Σ days from creation to close


@dataclass(frozen=True)
class LeadFact:
    count: int
    qualified: int  # of them, those whose status is qualified or converted
    source_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None


def open_facts(
    session: Session, ctx: ReportContext, *, owner: bool = False, month: bool = False
) -> list[DealFact]:
    keys = ctx.group_keys()
    keys.ids("stage", Deal.stage_id, [s.id for s in ctx.stages.open])
    keys.plain("currency", Deal.currency)
    if owner:
        keys.ids("owner", Deal.owner_id, _user_ids(session))
    if month:
        keys.plain("month", ctx.month_of(Deal.expected_close, is_date=True))
    query = (
        select(
            *keys.columns(),
            func.count(),
            func.sum(Deal.amount),
            func.sum(case((Deal.probability.is_(None), Deal.amount))),
            func.sum(Deal.amount * Deal.probability),
        )
        .where(*ctx.deals(stages=ctx.stages.open), *ctx.dates_in_range(Deal.expected_close))
        .group_by(*keys.columns())
    )
    facts = []
    for row in session.execute(query):
        key, (count, amount, plain, overridden) = keys.read(row)
        facts.append(
            DealFact(
                stage_id=_known(key["stage"]),
                currency=key["currency"],
                count=count,
                amount=to_decimal(amount),
                owner_id=key.get("owner"),
                month=month_key(key.get("month")),
                plain=to_decimal(plain),
                overridden=to_decimal(overridden),
            )
        )
    return facts


def closed_facts(session: Session, ctx: ReportContext, *, owner: bool = False) -> list[DealFact]:
    """Won and lost deals by close month (their amounts convert at that month's rate)."""
    closed = (*ctx.stages.won, *ctx.stages.lost)
    keys = ctx.group_keys()
    keys.ids("stage", Deal.stage_id, [s.id for s in closed])
    keys.plain("currency", Deal.currency)
    keys.plain("month", ctx.month_of(Deal.closed_at))
    if owner:
        keys.ids("owner", Deal.owner_id, _user_ids(session))
    days = ctx.days_between(Deal.created_at, Deal.closed_at)
    query = (
        select(*keys.columns(), func.count(), func.sum(Deal.amount), func.sum(days))
        .where(
            *ctx.deals(stages=closed), Deal.closed_at.is_not(None), *ctx.in_range(Deal.closed_at)
        )
        .group_by(*keys.columns())
    )
    facts = []
    for row in session.execute(query):
        key, (count, amount, day_sum) = keys.read(row)
        facts.append(
            DealFact(
                stage_id=_known(key["stage"]),
                currency=key["currency"],
                month=month_key(key["month"]),
                owner_id=key.get("owner"),
                count=count,
                amount=to_decimal(amount),
                days=float(to_decimal(day_sum)),
            )
        )
    return facts


def created_facts(
    session: Session, ctx: ReportContext, *, source: bool = False, event: bool = False
) -> list[DealFact]:
    """Deals created in the range; `month` is the close month of won deals only."""
    won = [s.id for s in ctx.stages.won]
    keys = ctx.group_keys()
    keys.ids("stage", Deal.stage_id, ctx.stages.ids)
    keys.plain("currency", Deal.currency)
    keys.plain("month", case((Deal.stage_id.in_(won), ctx.month_of(Deal.closed_at)), else_=None))
    if source:
        keys.ids("source", Deal.source_id, live_source_ids(session))
    if event:
        keys.ids("event", Deal.event_id, live_event_ids(session))
    query = (
        select(*keys.columns(), func.count(), func.sum(Deal.amount))
        .where(*ctx.deals(), *ctx.in_range(Deal.created_at))
        .group_by(*keys.columns())
    )
    facts = []
    for row in session.execute(query):
        key, (count, amount) = keys.read(row)
        facts.append(
            DealFact(
                stage_id=_known(key["stage"]),
                currency=key["currency"],
                month=month_key(key["month"]),
                source_id=key.get("source"),
                event_id=key.get("event"),
                count=count,
                amount=to_decimal(amount),
            )
        )
    return facts


def lead_facts(
    session: Session, ctx: ReportContext, *, source: bool = False, event: bool = False
) -> list[LeadFact]:
    keys = ctx.group_keys()
    if source:
        keys.ids("source", Lead.source_id, live_source_ids(session))
    if event:
        keys.ids("event", Lead.event_id, live_event_ids(session))
    qualified = func.sum(case((Lead.status.in_(QUALIFIED), 1), else_=0))
    query = (
        select(*keys.columns(), func.count(), qualified)
        .where(*lead_conditions(ctx))
        .group_by(*keys.columns())
    )
    facts = []
    for row in session.execute(query):
        key, (count, qualified_count) = keys.read(row)
        facts.append(
            LeadFact(
                count=count,
                qualified=int(qualified_count or 0),
                source_id=key.get("source"),
                event_id=key.get("event"),
            )
        )
    return facts


def led_to_deals(session: Session, ctx: ReportContext) -> int:
    """Leads of the range not marked qualified or converted that a live deal came from.

    With `LeadFact.qualified` they make the funnel's qualified leads. PostgreSQL hashes
    the deals' lead ids once (a semi-join); SQLite reads the deals and looks each lead
    up by its key, which beats probing the deals for every lead.
    """
    live = (Deal.deleted_at.is_(None), Deal.lead_id.is_not(None))
    if ctx.dialect == "postgresql":
        query = select(func.count()).where(
            *lead_conditions(ctx),
            Lead.status.not_in(QUALIFIED),
            Lead.id.in_(select(Deal.lead_id).where(*live)),
        )
    else:
        query = (
            select(func.count(func.distinct(Deal.lead_id)))
            .select_from(Deal)
            .join(Lead, Lead.id == Deal.lead_id)
            .where(*live, Lead.status.not_in(QUALIFIED), *lead_conditions(ctx))
        )
    return int(session.scalar(query) or 0)


def lead_deals(session: Session, ctx: ReportContext) -> tuple[int, int]:
    """(deals, won deals) made from the leads the funnel counts: the funnel's last steps.

    A deal counts when it is live, in the report's pipeline and stages, and came from a
    live lead created in the range (and owned by the report's owner): the same people as
    the funnel's first step, so the steps narrow. Deals reach each lead by its key.
    """
    won = [s.id for s in ctx.stages.won]
    query = (
        select(func.count(), func.sum(case((Deal.stage_id.in_(won), 1), else_=0)))
        .select_from(Deal)
        .join(Lead, Lead.id == Deal.lead_id)
        .where(*_deal_of_report(ctx), *lead_conditions(ctx))
    )
    count, won_count = session.execute(query).one()
    return int(count or 0), int(won_count or 0)


def lead_deal_conditions(ctx: ReportContext) -> list[ColumnElement[bool]]:
    """`lead_deals`' deals as WHERE conditions on Deal alone (the drill-down's list)."""
    leads = select(Lead.id).where(*lead_conditions(ctx))
    return [*_deal_of_report(ctx), Deal.lead_id.in_(leads)]


def _deal_of_report(ctx: ReportContext) -> list[ColumnElement[bool]]:
    """Live, of the report's pipeline and stages; whoever owns it (the lead's owner counts)."""
    return [
        Deal.deleted_at.is_(None),
        Deal.pipeline_id == ctx.scope.pipeline_id,
        Deal.stage_id.in_([s.id for s in ctx.stages.stages]),
    ]


def lead_conditions(ctx: ReportContext) -> list[ColumnElement[bool]]:
    conditions = [Lead.deleted_at.is_(None), *ctx.in_range(Lead.created_at)]
    if ctx.scope.owner_id is not None:
        conditions.append(Lead.owner_id == ctx.scope.owner_id)
    return conditions


def live_source_ids(session: Session) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(LeadSource.id).where(LeadSource.deleted_at.is_(None)).order_by(LeadSource.id)
        )
    )


def live_event_ids(session: Session) -> list[uuid.UUID]:
    return list(
        session.scalars(select(Event.id).where(Event.deleted_at.is_(None)).order_by(Event.id))
    )


def _user_ids(session: Session) -> list[uuid.UUID]:
    return list(session.scalars(select(User.id).order_by(User.id)))


def _known(stage_id: uuid.UUID | None) -> uuid.UUID:
    if stage_id is None:  # the WHERE clause keeps every stage the CASE knows
        raise AssertionError("a deal group with an unknown stage")
    return stage_id
