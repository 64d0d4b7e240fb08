"""Events (trade shows, campaigns), lead sources and users, as pick lists."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Event, LeadSource, User
from crm_desktop.services.changes import Changes
from crm_desktop.services.users import current_user_id


class EventError(ValueError):
    """An event that cannot be saved; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    name: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    place: str | None = None


@dataclass(frozen=True)
class SourceInfo:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    name: str
    is_local: bool = False


@dataclass(frozen=True)
class EventCreated:
    id: uuid.UUID
    changes: Changes


def list_events(sessions: sessionmaker[Session]) -> list[EventInfo]:
    """Events newest first: by start date (undated ones by when they were entered)."""
    newest = func.coalesce(Event.starts_on, func.date(Event.created_at))
    query = (
        select(Event.id, Event.name, Event.starts_on, Event.ends_on, Event.place)
        .where(Event.deleted_at.is_(None))
        .order_by(newest.desc(), Event.created_at.desc())
    )
    with sessions() as session:
        return [EventInfo(*row) for row in session.execute(query)]


def create_event(
    sessions: sessionmaker[Session],
    name: str,
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    place: str | None = None,
    cost: Decimal | None = None,
    currency: str | None = None,
    owner_id: uuid.UUID | None = None,
) -> EventCreated:
    clean = " ".join(name.split())
    if not clean:
        raise EventError("name", "An event needs a name.")
    if len(clean) > 300:
        raise EventError("name", "An event name can have at most 300 characters.")
    if starts_on and ends_on and ends_on < starts_on:
        raise EventError("ends_on", "An event cannot end before it starts.")
    if cost is not None and cost < 0:
        raise EventError("cost", "An event's cost cannot be negative.")
    if currency is not None and (len(currency) != 3 or not currency.isalpha()):
        raise EventError("currency", "A currency is a three-letter code such as USD or CNY.")
    event = Event(
        name=clean,
        starts_on=starts_on,
        ends_on=ends_on,
        place=(place or "").strip() or None,
        cost=cost,
        currency=currency.upper() if currency else None,
        owner_id=owner_id,
    )
    with sessions.begin() as session:
        session.add(event)
    return EventCreated(event.id, Changes(events=True))


def ensure_event(
    sessions: sessionmaker[Session], name: str, owner_id: uuid.UUID | None = None
) -> EventCreated:
    """The event with this name (case-blind), created when there is none yet."""
    clean = " ".join(name.split())
    with sessions() as session:
        existing = session.scalar(
            select(Event.id)
            .where(Event.deleted_at.is_(None), func.lower(Event.name) == clean.lower())
            .order_by(Event.created_at.desc())
            .limit(1)
        )
    if existing is not None:
        return EventCreated(existing, Changes())
    return create_event(sessions, clean, owner_id=owner_id)


def list_sources(sessions: sessionmaker[Session]) -> list[SourceInfo]:
    query = select(LeadSource.id, LeadSource.name).where(LeadSource.deleted_at.is_(None))
    with sessions() as session:
        return [SourceInfo(*row) for row in session.execute(query.order_by(LeadSource.name))]


def list_users(sessions: sessionmaker[Session]) -> list[UserInfo]:
    """Users, the local one ("Me") first."""
    query = (
        select(User.id, User.name, User.is_local)
        .where(User.deleted_at.is_(None))
        .order_by(User.is_local.desc(), User.name)
    )
    with sessions() as session:
        return [UserInfo(*row) for row in session.execute(query)]


def default_user_id(sessions: sessionmaker[Session]) -> uuid.UUID | None:
    """The user new records belong to when nobody is chosen: the current user."""
    with sessions() as session:
        return current_user_id(session)
