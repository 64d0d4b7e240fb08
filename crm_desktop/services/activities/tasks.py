"""The Tasks page's lists: overdue, today, upcoming and done, for one owner or everyone.

What counts as a to-do: every task, and every call and meeting that is not done. A call
or meeting logged after the fact is saved done, so it is history; one planned for later
is open until someone checks it off, and belongs on the list of things to do just like a
task. E-mails and notes are never to-dos.

The open lists read the indexes (owner_id, done, occurs_at, kind, deleted_at) and (done,
occurs_at, kind, deleted_at): one range of open rows in due order, counted from the index
alone. The Done list shows what was checked off in the last `DONE_DAYS` days, most recent
first, read backwards from (owner_id, done, done_at) or (done, done_at); it is not counted
(the page shows no number for it). One query counts the three open lists, one reads the
rows with their owners, and one reads the names of all the linked records at once.
Measured at a million contacts: docs/PERFORMANCE.md, Activities.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Activity, User
from crm_desktop.services.activities.schedule import Bucket, day_window
from crm_desktop.services.activities.store import RecordRef, link_ids, link_labels
from crm_desktop.services.listing import Option
from crm_desktop.services.users import current_user_id

# The kinds that can be to-dos (calls and meetings only while not done).
TODO_KINDS: tuple[str, ...] = ("task", "meeting", "call")
# The Done list covers what was checked off in this many days.
DONE_DAYS = 30


@dataclass(frozen=True)
class TaskRow:
    id: uuid.UUID
    version: int
    kind: str
    subject: str
    occurs_at: dt.datetime  # due (UTC)
    done: bool
    done_at: dt.datetime | None
    owner_id: uuid.UUID | None
    owner_name: str | None
    links: tuple[RecordRef, ...]  # deal, contact, company, lead
    remind_at: dt.datetime | None

    def first_link(self) -> RecordRef | None:
        return self.links[0] if self.links else None


@dataclass(frozen=True)
class TaskCounts:
    overdue: int = 0
    today: int = 0
    upcoming: int = 0
    done: int | None = None  # not counted (see the module's note)

    def of(self, bucket: Bucket) -> int | None:
        value = getattr(self, bucket.value)
        return None if value is None else int(value)


@dataclass(frozen=True)
class TaskList:
    bucket: Bucket
    owner_id: uuid.UUID | None  # None: everyone's
    now: dt.datetime  # the moment the lists were cut at
    rows: tuple[TaskRow, ...]
    counts: TaskCounts
    truncated: bool  # more rows than the limit


@dataclass(frozen=True)
class TaskOptions:
    """The owner filter's choices: who "me" is, and every user."""

    me: uuid.UUID | None
    owners: tuple[Option, ...]


def task_options(sessions: sessionmaker[Session]) -> TaskOptions:
    with sessions() as session:
        me = current_user_id(session)
        users = session.execute(
            select(User.id, User.name).where(User.deleted_at.is_(None)).order_by(User.name, User.id)
        ).all()
    return TaskOptions(me, tuple(Option(str(i), name) for i, name in users))


def list_tasks(
    sessions: sessionmaker[Session],
    bucket: Bucket,
    *,
    owner_id: uuid.UUID | None = None,
    now: dt.datetime,
    zone: dt.tzinfo,
    limit: int = 500,
    kinds: Sequence[str] = TODO_KINDS,
) -> TaskList:
    """One list of the Tasks page, with the counts of all four."""
    if now.tzinfo is None:
        raise ValueError("now needs a time zone")
    window = day_window(now, zone)
    done_since = now - dt.timedelta(days=DONE_DAYS)
    base = _base_conditions(owner_id, kinds)
    with sessions() as session:
        counts = _counts(session, base, now, window.end, done_since)
        query = (
            select(
                Activity.id,
                Activity.version,
                Activity.kind,
                Activity.subject,
                Activity.occurs_at,
                Activity.done,
                Activity.done_at,
                Activity.owner_id,
                User.name,
                Activity.remind_at,
                Activity.deal_id,
                Activity.contact_id,
                Activity.company_id,
                Activity.lead_id,
            )
            .outerjoin(User, User.id == Activity.owner_id)
            .where(*base, *_bucket_conditions(bucket, now, window.end, done_since))
            .order_by(*_bucket_order(bucket))
            .limit(limit + 1)
        )
        found = session.execute(query).all()
        truncated = len(found) > limit
        found = found[:limit]
        labels = link_labels(session, found)
    rows = tuple(
        TaskRow(
            id=r.id,
            version=r.version,
            kind=r.kind,
            subject=r.subject,
            occurs_at=r.occurs_at,
            done=r.done,
            done_at=r.done_at,
            owner_id=r.owner_id,
            owner_name=r.name,
            links=tuple(
                RecordRef(kind, record_id, labels.get(record_id, ""))
                for kind, record_id in link_ids(r)
                if record_id in labels
            ),
            remind_at=r.remind_at,
        )
        for r in found
    )
    return TaskList(bucket, owner_id, now, rows, counts, truncated)


def open_conditions(
    owner_id: uuid.UUID | None, kinds: Sequence[str] = TODO_KINDS
) -> list[ColumnElement[bool]]:
    """Live, open to-dos (of one owner); the reminders use the same definition."""
    return [*_base_conditions(owner_id, kinds), Activity.done == false()]


# ---- internals ---------------------------------------------------------------------------


def _base_conditions(owner_id: uuid.UUID | None, kinds: Sequence[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        Activity.kind.in_(list(kinds)),
    ]
    if owner_id is not None:
        conditions.insert(0, Activity.owner_id == owner_id)
    return conditions


def _bucket_conditions(
    bucket: Bucket, now: dt.datetime, day_end: dt.datetime, done_since: dt.datetime
) -> list[ColumnElement[bool]]:
    if bucket is Bucket.OVERDUE:
        return [Activity.done == false(), Activity.occurs_at < now]
    if bucket is Bucket.TODAY:
        return [Activity.done == false(), Activity.occurs_at >= now, Activity.occurs_at < day_end]
    if bucket is Bucket.UPCOMING:
        return [Activity.done == false(), Activity.occurs_at >= day_end]
    return [Activity.done == true(), Activity.done_at >= done_since]


def _bucket_order(bucket: Bucket) -> list[Any]:
    if bucket is Bucket.DONE:
        return [Activity.done_at.desc(), Activity.id.desc()]
    return [Activity.occurs_at, Activity.id]


def _counts(
    session: Session,
    base: list[ColumnElement[bool]],
    now: dt.datetime,
    day_end: dt.datetime,
    done_since: dt.datetime,
) -> TaskCounts:
    """The open lists' counts in one round trip: a scalar subquery each, on an index range."""

    def count(bucket: Bucket) -> Select[int]:
        return select(func.count()).where(
            *base, *_bucket_conditions(bucket, now, day_end, done_since)
        )

    open_buckets = (Bucket.OVERDUE, Bucket.TODAY, Bucket.UPCOMING)  # the fields' order
    row = session.execute(select(*(count(b).scalar_subquery() for b in open_buckets))).one()
    return TaskCounts(*(int(value or 0) for value in row))


__all__ = [
    "DONE_DAYS",
    "TODO_KINDS",
    "TaskCounts",
    "TaskList",
    "TaskOptions",
    "TaskRow",
    "list_tasks",
    "open_conditions",
    "task_options",
]
