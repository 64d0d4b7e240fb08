"""Large-deal alerts: deals at or above the team's threshold that were created or moved on.

The stage history (DealStageChange) is the source, so a laptop sees what any rep did
on the shared database, not only its own moves. The window asks for what is new
since the last alert it showed and keeps that moment across restarts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm_desktop.models import Company, Deal, DealStageChange, Stage, User, UserRole
from crm_desktop.services.settings import get_setting
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
    """Amounts are compared as plain numbers in the deal's own currency."""
    return amount is not None and threshold is not None and amount >= threshold


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
    threshold = large_deal_threshold(sessions)
    if threshold is None:
        return AlertCheck((), since, 0)
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
            Deal.amount >= threshold,
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
    alerts = tuple(
        LargeDealAlert(
            deal_id=row[0],
            title=row[1],
            company=row[2],
            amount=row[3] or Decimal(0),  # not None: the query asked amount >= threshold
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
