"""One current user: the local user, else the oldest live one; every "me" asks the same."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, update

from crm_desktop.models import DealStageChange, User, UserRole
from crm_desktop.models.database import Database
from crm_desktop.services.activities.store import ActivityInput, save_activity
from crm_desktop.services.deal_alerts import wants_alerts
from crm_desktop.services.events import default_user_id
from crm_desktop.services.records import blank_record, save_record
from crm_desktop.services.users import current_user_id

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _add_user(db: Database, name: str, *, days: int, role: str = UserRole.REP.value) -> uuid.UUID:
    with db.sessions.begin() as session:
        user = User(name=name, role=role, created_at=T0 + dt.timedelta(days=days))
        session.add(user)
        session.flush()
        return user.id


def _local(db: Database) -> uuid.UUID:
    with db.sessions() as session:
        return session.scalars(select(User.id).where(User.is_local.is_(True))).one()


def _current(db: Database) -> uuid.UUID | None:
    with db.sessions() as session:
        return current_user_id(session)


def test_the_local_user_even_when_others_are_older(db: Database) -> None:
    _add_user(db, "Aaron", days=-400)
    assert _current(db) == _local(db)


def test_without_a_live_local_user_the_oldest_live_user(db: Database) -> None:
    local = _local(db)
    _add_user(db, "Zoe", days=2, role=UserRole.MANAGER.value)
    gone = _add_user(db, "Gone", days=0)
    older = _add_user(db, "Bea", days=1)
    with db.sessions.begin() as session:
        session.execute(update(User).where(User.id.in_([local, gone])).values(deleted_at=T0))
    assert _current(db) == older


def test_no_user_at_all(db: Database) -> None:
    with db.sessions.begin() as session:
        session.execute(update(User).values(deleted_at=T0))
    assert _current(db) is None


@pytest.mark.parametrize("local_gone", [False, True])
def test_every_me_is_the_current_user(db: Database, local_gone: bool) -> None:
    """Form defaults, saved owners, stage-history "who", activities, imports and alerts."""
    manager = _add_user(db, "Mia", days=-10, role=UserRole.MANAGER.value)
    if local_gone:  # the local user removed: everyone must pick the same one instead
        with db.sessions.begin() as session:
            session.execute(update(User).where(User.is_local.is_(True)).values(deleted_at=T0))
    me = _current(db)
    assert me == (manager if local_gone else _local(db))
    assert blank_record(db.sessions, "contacts").fields["owner_id"] == me
    saved = save_record(db.sessions, "deals", None, None, {"title": "Pumps"})
    assert saved.detail.fields["owner_id"] == me
    with db.sessions() as session:
        who = session.scalars(
            select(DealStageChange.changed_by_id).where(DealStageChange.deal_id == saved.detail.id)
        ).all()
    assert who == [me]
    activity = save_activity(
        db.sessions, ActivityInput(kind="note", subject="Called", occurs_at=T0)
    )
    assert activity.detail.owner_id == me
    assert default_user_id(db.sessions) == me
    assert wants_alerts(db.sessions)  # the local user is an admin; Mia a manager
