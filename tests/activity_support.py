"""A customer with a company, a contact, deals and activities, for the activity tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from crm_desktop.models import Activity, Company, Contact, Deal, Pipeline, Stage, User
from crm_desktop.models.database import Database
from crm_desktop.services.activities.follow_up import refresh_for

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def at(days: float, hour: int = 12) -> dt.datetime:
    """NOW moved by `days` (negative: in the past), at `hour`:00 UTC."""
    day = (NOW + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


@dataclass
class Customer:
    company: uuid.UUID
    contact: uuid.UUID
    other_contact: uuid.UUID
    user: uuid.UUID
    stages: dict[str, uuid.UUID]


def build_customer(db: Database) -> Customer:
    """Acme GmbH with Anna Müller and 王小明, owned by the local user; no deals yet."""
    with db.sessions.begin() as session:
        user = session.scalar(select(User).order_by(User.is_local.desc()).limit(1))
        assert user is not None
        pipeline = session.scalar(select(Pipeline).where(Pipeline.is_default.is_(True)))
        assert pipeline is not None
        stages = {
            s.name: s.id
            for s in session.scalars(select(Stage).where(Stage.pipeline_id == pipeline.id))
        }
        company = Company(name="Acme GmbH", owner_id=user.id)
        session.add(company)
        session.flush()
        anna = Contact(full_name="Anna Müller", company_id=company.id, owner_id=user.id)
        wang = Contact(full_name="王小明", company_id=company.id, owner_id=user.id)
        session.add_all([anna, wang])
        session.flush()
        return Customer(company.id, anna.id, wang.id, user.id, stages)


def add_deal(
    db: Database,
    customer: Customer,
    title: str,
    stage: str,
    amount: str | None,
    currency: str = "USD",
    closed_at: dt.datetime | None = None,
    contact: uuid.UUID | None = None,
) -> uuid.UUID:
    with db.sessions.begin() as session:
        stage_row = session.get(Stage, customer.stages[stage])
        assert stage_row is not None
        deal = Deal(
            title=title,
            company_id=customer.company,
            contact_id=contact or customer.contact,
            amount=Decimal(amount) if amount is not None else None,
            currency=currency,
            pipeline_id=stage_row.pipeline_id,
            stage_id=stage_row.id,
            closed_at=closed_at,
            owner_id=customer.user,
        )
        session.add(deal)
        session.flush()
        return deal.id


def add_activity(db: Database, **values: object) -> uuid.UUID:
    """An activity row straight into the database, with its records' follow-up dates
    refreshed as every service does (the services are tested elsewhere)."""
    values.setdefault("subject", str(values.get("kind", "call")))
    values.setdefault("kind", "call")
    values.setdefault("done", True)
    with db.sessions.begin() as session:
        activity = Activity(**values)
        session.add(activity)
        session.flush()
        refresh_for(session, [activity])
        return activity.id
