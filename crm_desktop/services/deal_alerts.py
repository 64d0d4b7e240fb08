"""Large-deal alerts: deals at or above the team's threshold that were created or moved on.

The stage history (DealStageChange) is the source, so a laptop sees what any rep did
on the shared database, not only its own moves. The window asks for what is new
since the last alert it showed and keeps that moment across restarts.

The threshold is an amount in the default currency: a deal in another currency is
converted with the exchange rate in force first (the board's marker asks the same
`LargeDealTest`). A deal in a currency with no rate is not called large: comparing
CNY 500,000 with USD 100,000 as plain numbers would be a guess.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm_desktop.models import Company, Deal, DealStageChange, Stage, User, UserRole
from crm_desktop.services.reports.money import load_rates
from crm_desktop.services.settings import default_currency, get_setting
from crm_desktop.services.users import current_user_id

# A burst of moves (an import, a script) should not become a wall of notifications.
MAX_ALERTS = 20


@dataclass(frozen=True)
class LargeDealAlert:
    deal_id: uuid.UUID
    title: str
    company: str | None
    amount: Decimal
    currency: str
    stage: str
    from_stage: str | None  # None: the deal was created
    changed_by: str | None
    changed_at: dt.datetime


@dataclass(frozen=True)
class AlertCheck:
    alerts: tuple[LargeDealAlert, ...]
    newest: dt.datetime  # pass as `since` next time
    more: int  # alerts beyond MAX_ALERTS, not listed


def large_deal_threshold(sessions: sessionmaker[Session]) -> Decimal | None:
    """The `large_deal_amount` setting; None when it is empty, zero or not a number."""
    raw = get_setting(sessions, "large_deal_amount").strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def is_large(amount: Decimal | None, threshold: Decimal | None) -> bool:
    """Both amounts in the same currency (see LargeDealTest for a deal's own currency)."""
    return amount is not None and threshold is not None and amount >= threshold


@dataclass(frozen=True)
class LargeDealTest:
    """Whether a deal's amount, in its own currency, is at or above the threshold.

    `threshold` is in `currency` (the default currency); `rates` holds what one unit of
    each currency with a rate on the day is worth in it (the default currency is 1).
    """

    threshold: Decimal
    currency: str
    rates: dict[str, Decimal]

    def __call__(self, amount: Decimal | float | None, currency: str | None) -> bool:
        if amount is None or currency is None:
            return False
        rate = self.rates.get(currency.upper())
        if rate is None:
            return False  # no rate: the deal's worth here is unknown
        value = amount if isinstance(amount, Decimal) else Decimal(repr(amount))
        return value * rate >= self.threshold

    def floors(self) -> dict[str, Decimal]:
        """Per currency, an amount below which no deal in it can be large (for SQL)."""
        return {
            currency: (self.threshold / rate).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
            for currency, rate in self.rates.items()
        }


def large_deal_test(
    sessions: sessionmaker[Session], day: dt.date | None = None
) -> LargeDealTest | None:
    """The test with the threshold and the exchange rates in force on `day` (today);
    None when large deals are turned off."""
    threshold = large_deal_threshold(sessions)
    if threshold is None:
        return None
    currency = default_currency(sessions)
    with sessions() as session:
        book = load_rates(session, currency)
    return LargeDealTest(threshold, currency, book.rates_on(day or dt.date.today()))


def wants_alerts(sessions: sessionmaker[Session], user_id: uuid.UUID | None = None) -> bool:
    """Managers and admins are told about large deals; reps are not.

    Without a user id, the one this program runs as (services/users.py).
    """
    with sessions() as session:
        if user_id is None:
            user_id = current_user_id(session)
        role = session.scalar(select(User.role).where(User.id == user_id))
    return role in (UserRole.MANAGER.value, UserRole.ADMIN.value)


def check_large_deals(sessions: sessionmaker[Session], since: dt.datetime) -> AlertCheck:
    """Large deals created, or moved to a later open or won stage, after `since`.

    Moves back and moves to Lost are not news. Deals deleted since are left out.
    """
    test = large_deal_test(sessions)
    if test is None:
        return AlertCheck((), since, 0)
    # SQL keeps the deals that can be large; `test` decides on the exact product.
    can_be_large = or_(
        false(),
        *(
            (Deal.currency == currency) & (Deal.amount >= floor)
            for currency, floor in test.floors().items()
        ),
    )
    to_stage = aliased(Stage)
    from_stage = aliased(Stage)
    query = (
        select(
            Deal.id,
            Deal.title,
            Company.name,
            Deal.amount,
            Deal.currency,
            DealStageChange.to_stage_name,
            DealStageChange.from_stage_name,
            User.name,
            DealStageChange.changed_at,
            DealStageChange.from_stage_id,
        )
        .join(Deal, Deal.id == DealStageChange.deal_id)
        .join(to_stage, to_stage.id == DealStageChange.to_stage_id)
        .outerjoin(from_stage, from_stage.id == DealStageChange.from_stage_id)
        .outerjoin(Company, Company.id == Deal.company_id)
        .outerjoin(User, User.id == DealStageChange.changed_by_id)
        .where(
            DealStageChange.changed_at > since,
            DealStageChange.deleted_at.is_(None),
            Deal.deleted_at.is_(None),
            can_be_large,
            to_stage.is_lost.is_(False),
            or_(
                DealStageChange.from_stage_id.is_(None),
                to_stage.position > from_stage.position,
            ),
        )
        .order_by(DealStageChange.changed_at)
    )
    with sessions() as session:
        rows = session.execute(query).all()
    newest = max((row[8] for row in rows), default=since)
    rows = [row for row in rows if test(row[3], row[4])]
    alerts = tuple(
        LargeDealAlert(
            deal_id=row[0],
            title=row[1],
            company=row[2],
            amount=row[3] or Decimal(0),  # not None: the test asked for an amount
            currency=row[4],
            stage=row[5],
            from_stage=row[6] if row[9] is not None else None,
            changed_by=row[7],
            changed_at=row[8],
        )
        for row in rows
    )
    # The newest ones matter most when there are too many to show.
    return AlertCheck(alerts[-MAX_ALERTS:], newest, max(0, len(alerts) - MAX_ALERTS))
