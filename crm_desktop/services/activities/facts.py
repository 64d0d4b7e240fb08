"""Customer facts at the top of a contact or company: how the relationship stands.

Last contact (the newest call, meeting or e-mail done), the next scheduled step, the
value of open deals, the total won, the number of purchases (won deals) and the
typical interval between them, with the date the next one would fall due. Amounts
are converted into the database's default currency with the dated exchange rates;
an amount without a rate is kept apart, never counted one to one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import CONTACT_KINDS, Activity, Deal, Stage, utcnow
from crm_desktop.services.reports.money import Money, MoneySum, load_rates
from crm_desktop.services.settings import default_currency

FactsKind = str  # "contacts" or "companies"


@dataclass(frozen=True)
class NextStep:
    activity_id: uuid.UUID
    kind: str
    subject: str
    at: dt.datetime


@dataclass(frozen=True)
class CustomerFacts:
    currency: str
    last_contact_at: dt.datetime | None
    last_contact_kind: str | None
    next_step: NextStep | None
    open_deals: int
    open_value: Money
    purchases: int  # won deals
    won_value: Money
    last_purchase: dt.date | None
    typical_interval_days: int | None  # median days between purchases (two or more)

    @property
    def next_purchase_due(self) -> dt.date | None:
        """When the next purchase would come at the usual rhythm."""
        if self.last_purchase is None or self.typical_interval_days is None:
            return None
        return self.last_purchase + dt.timedelta(days=self.typical_interval_days)


def customer_facts(
    sessions: sessionmaker[Session],
    kind: FactsKind,
    record_id: uuid.UUID,
    now: dt.datetime | None = None,
) -> CustomerFacts:
    if kind not in ("contacts", "companies"):
        raise ValueError(f"customer facts are for contacts and companies, not {kind}")
    moment = now or utcnow()
    currency = default_currency(sessions)
    activity_link = Activity.contact_id if kind == "contacts" else Activity.company_id
    deal_link = Deal.contact_id if kind == "contacts" else Deal.company_id
    with sessions() as session:
        last = session.execute(
            select(Activity.occurs_at, Activity.kind)
            .where(
                activity_link == record_id,
                Activity.deleted_at.is_(None),
                Activity.done.is_(True),
                Activity.kind.in_(CONTACT_KINDS),
                Activity.occurs_at <= moment,
            )
            .order_by(Activity.occurs_at.desc())
            .limit(1)
        ).first()
        step = session.execute(
            select(Activity.id, Activity.kind, Activity.subject, Activity.occurs_at)
            .where(
                activity_link == record_id,
                Activity.deleted_at.is_(None),
                Activity.done.is_(False),
            )
            .order_by(Activity.occurs_at)
            .limit(1)
        ).first()
        book = load_rates(session, currency)
        open_sum, won_sum = MoneySum(book), MoneySum(book)
        open_count = 0
        won_days: list[dt.date] = []
        today = moment.date()
        deals = session.execute(
            select(Deal.amount, Deal.currency, Deal.closed_at, Stage.is_won, Stage.is_lost)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(deal_link == record_id, Deal.deleted_at.is_(None))
        )
        for amount, deal_currency, closed_at, is_won, is_lost in deals:
            if is_won:
                day = closed_at.date() if closed_at is not None else today
                won_sum.add(deal_currency, amount, day)
                won_days.append(day)
            elif not is_lost:
                open_count += 1
                open_sum.add(deal_currency, amount, today)
    won_days.sort()
    gaps = [(b - a).days for a, b in itertools.pairwise(won_days)]
    return CustomerFacts(
        currency=currency,
        last_contact_at=last[0] if last else None,
        last_contact_kind=last[1] if last else None,
        next_step=NextStep(step[0], step[1], step[2], step[3]) if step else None,
        open_deals=open_count,
        open_value=open_sum.money(),
        purchases=len(won_days),
        won_value=won_sum.money(),
        last_purchase=won_days[-1] if won_days else None,
        typical_interval_days=round(statistics.median(gaps)) if gaps else None,
    )
