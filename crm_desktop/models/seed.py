"""What a fresh database starts with: a local user, the default pipeline, settings."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.event import LeadSource
from crm_desktop.models.pipeline import Pipeline, Stage
from crm_desktop.models.setting import Setting
from crm_desktop.models.user import User, UserRole

DEFAULT_STAGES: tuple[tuple[str, int, bool, bool], ...] = (
    ("Qualification", 10, False, False),
    ("Needs analysis", 25, False, False),
    ("Proposal", 50, False, False),
    ("Negotiation", 75, False, False),
    ("Won", 100, True, False),
    ("Lost", 0, False, True),
)
DEFAULT_SOURCES = ("Trade show", "Website", "Referral", "Cold call", "E-mail campaign", "Partner")
DEFAULT_LOST_REASONS = (
    "Price too high",
    "Chose a competitor",
    "No budget",
    "No decision / went silent",
    "Timing: not now",
    "Product does not fit",
)
DEFAULT_SETTINGS = {
    "default_region": "CN",
    "default_currency": "USD",
    # JSON list the Lost drop asks from; editable in Settings.
    "lost_reasons": json.dumps(DEFAULT_LOST_REASONS, ensure_ascii=False),
    # Deals at or above this amount (in the default currency) are marked and announced.
    "large_deal_amount": "100000",
}
# Set only in a database made just now (services/settings.py: first start). "new": the
# region and currency are still the seeded ones; "unconfirmed": taken from the system's
# locale, not yet shown to the user. A database from before has no such row.
FIRST_START_KEY = "first_start"


def missing_defaults(connection: Connection) -> bool:
    """Whether ensure_defaults has something to add (a quick look at every start)."""
    for table in (User, Pipeline, LeadSource):
        if connection.scalar(select(table.id).limit(1)) is None:
            return True
    existing = set(connection.scalars(select(Setting.key)))
    return not existing.issuperset(DEFAULT_SETTINGS)


def ensure_defaults(sessions: sessionmaker[Session]) -> None:
    """Insert the defaults that are missing; safe to call at every start."""
    with sessions.begin() as session:
        if session.scalar(select(User.id).limit(1)) is None:
            session.add(User(name="Me", role=UserRole.ADMIN.value, is_local=True))
            if session.scalar(select(Setting.id).limit(1)) is None:  # a new database
                session.add(Setting(key=FIRST_START_KEY, value="new"))
        if session.scalar(select(Pipeline.id).limit(1)) is None:
            pipeline = Pipeline(name="Sales", is_default=True, position=0)
            session.add(pipeline)
            session.flush()
            for position, (name, probability, won, lost) in enumerate(DEFAULT_STAGES):
                session.add(
                    Stage(
                        pipeline_id=pipeline.id,
                        name=name,
                        position=position,
                        probability=probability,
                        is_won=won,
                        is_lost=lost,
                    )
                )
        if session.scalar(select(LeadSource.id).limit(1)) is None:
            for name in DEFAULT_SOURCES:
                session.add(LeadSource(name=name))
        existing = set(session.scalars(select(Setting.key)))
        for key, value in DEFAULT_SETTINGS.items():
            if key not in existing:
                session.add(Setting(key=key, value=value))
