"""A small sales pipeline with known deals, for the board, move and stage editor tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from crm_desktop.models import (
    Company,
    Deal,
    DealStageChange,
    Event,
    LeadSource,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
)
from crm_desktop.models.database import Database

TODAY = dt.date(2026, 6, 15)
NOON = dt.time(12, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days), NOON)


@dataclass
class Sales:
    """Ids of what `build_sales` made; stages by name."""

    pipeline: uuid.UUID
    stages: dict[str, uuid.UUID]
    users: dict[str, uuid.UUID]
    deals: dict[str, uuid.UUID] = field(default_factory=dict)
    source: uuid.UUID | None = None
    event: uuid.UUID | None = None
    tag: uuid.UUID | None = None


def build_sales(db: Database) -> Sales:
    """Deals in the default pipeline:

    - "Alpha"  Qualification, USD 1,000, Anna, entered 3 days ago, close 2026-07-01
    - "Beta"   Qualification, USD 3,000 at its own 50 %, Bo, 40 days ago, tag VIP, event Expo
    - "Gamma"  Proposal, EUR 200,000, Anna, 10 days ago, source Referral, close 2026-06-20
    - "Delta"  Proposal, no amount, no owner, 2 days ago
    - "Won it" Won (closed), "Gone" Lost (closed), "Deleted" Qualification but deleted
    """
    with db.sessions.begin() as session:
        pipeline = session.scalar(select(Pipeline).where(Pipeline.is_default.is_(True)))
        assert pipeline is not None
        stages = {
            s.name: s
            for s in session.scalars(select(Stage).where(Stage.pipeline_id == pipeline.id))
        }
        stages["Qualification"].stale_days = 30
        stages["Proposal"].stale_days = 7
        anna = User(name="Anna Müller")
        bo = User(name="王小波")
        acme = Company(name="Acme GmbH")
        referral = session.scalar(select(LeadSource).where(LeadSource.name == "Referral"))
        expo = Event(name="Expo 2026")
        vip = Tag(name="VIP")
        session.add_all([anna, bo, acme, expo, vip])
        session.flush()
        assert referral is not None

        def deal(title: str, stage: str, **kw: object) -> Deal:
            entered = kw.pop("entered", days_ago(1))
            closed = stages[stage].is_won or stages[stage].is_lost
            row = Deal(
                title=title,
                pipeline_id=pipeline.id,
                stage_id=stages[stage].id,
                stage_entered_at=entered,
                closed_at=entered if closed else None,
                **kw,
            )
            session.add(row)
            return row

        made = {
            "Alpha": deal(
                "Alpha",
                "Qualification",
                amount=Decimal("1000"),
                currency="USD",
                owner_id=anna.id,
                company_id=acme.id,
                entered=days_ago(3),
                expected_close=dt.date(2026, 7, 1),
            ),
            "Beta": deal(
                "Beta",
                "Qualification",
                amount=Decimal("3000"),
                currency="USD",
                probability=50,
                owner_id=bo.id,
                event_id=expo.id,
                entered=days_ago(40),
                expected_close=dt.date(2026, 9, 1),
            ),
            "Gamma": deal(
                "Gamma",
                "Proposal",
                amount=Decimal("200000"),
                currency="EUR",
                owner_id=anna.id,
                source_id=referral.id,
                entered=days_ago(10),
                expected_close=dt.date(2026, 6, 20),
            ),
            "Delta": deal("Delta", "Proposal", currency="USD", entered=days_ago(2)),
            "Won it": deal("Won it", "Won", amount=Decimal("5"), currency="USD"),
            "Gone": deal("Gone", "Lost", amount=Decimal("5"), currency="USD"),
            "Deleted": deal(
                "Deleted",
                "Qualification",
                amount=Decimal("99"),
                currency="USD",
                deleted_at=days_ago(1),
            ),
        }
        session.flush()
        session.add(Tagging(tag_id=vip.id, deal_id=made["Beta"].id))
        return Sales(
            pipeline=pipeline.id,
            stages={name: s.id for name, s in stages.items()},
            users={"anna": anna.id, "bo": bo.id},
            deals={title: d.id for title, d in made.items()},
            source=referral.id,
            event=expo.id,
            tag=vip.id,
        )


def history_rows(db: Database, deal_id: uuid.UUID) -> list[DealStageChange]:
    """A deal's stage history, oldest first."""
    with db.sessions() as session:
        return list(
            session.scalars(
                select(DealStageChange)
                .where(DealStageChange.deal_id == deal_id)
                .order_by(DealStageChange.changed_at)
            )
        )


def load_deal(db: Database, deal_id: uuid.UUID) -> Deal:
    with db.sessions() as session:
        deal = session.get(Deal, deal_id)
        assert deal is not None
        return deal


def local_user_id(db: Database) -> uuid.UUID:
    with db.sessions() as session:
        me = session.scalar(select(User.id).where(User.is_local.is_(True)))
    assert me is not None
    return me
