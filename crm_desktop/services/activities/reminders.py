"""Reminders: what is due to remind its owner, shown once, snoozed, and what is overdue.

A reminder is due when a live, open to-do (see `tasks.TODO_KINDS`) has `remind_at` at
or before now and `reminded_at` unset. Showing it takes two steps: `due_reminders`
finds candidates, `mark_reminded` claims them with one conditional UPDATE (`WHERE
reminded_at IS NULL`). Only the ids a call claimed are shown, so two laptops on one
team database (or a restarted program) never show the same reminder twice: the
database row, not the program, remembers that it was shown.

Default reminder time (`default_remind_at`): a new task or planned call reminds at its
due time; a planned meeting `MEETING_LEAD` before it starts, so there is time to get
there. Done activities, e-mails and notes get none. The activity dialog proposes this
default and saves whatever the user chose; `store.reschedule` moves the reminder with
the due time and `store.reassign` clears `reminded_at`, so the new owner is reminded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Activity
from crm_desktop.services.activities.store import RecordRef, link_ids, link_labels, live_activity
from crm_desktop.services.activities.tasks import TODO_KINDS, open_conditions
from crm_desktop.services.changes import Changes
from crm_desktop.services.records import ValidationError
from crm_desktop.services.users import current_user_id

MEETING_LEAD = dt.timedelta(minutes=15)
# A poll claims at most this many; the rest come at the next poll.
BATCH = 50
OLDEST_SHOWN = 3


@dataclass(frozen=True)
class Reminder:
    id: uuid.UUID
    kind: str
    subject: str
    occurs_at: dt.datetime  # due
    remind_at: dt.datetime
    links: tuple[RecordRef, ...]


@dataclass(frozen=True)
class OverdueSummary:
    count: int
    oldest: tuple[str, ...]  # subjects of the few that are most overdue, oldest first


def default_remind_at(kind: str, occurs_at: dt.datetime, done: bool = False) -> dt.datetime | None:
    """When a new activity should remind its owner (None: never)."""
    if done or kind not in TODO_KINDS:
        return None
    if kind == "meeting":
        return occurs_at - MEETING_LEAD
    return occurs_at


def reminder_owner(sessions: sessionmaker[Session]) -> uuid.UUID | None:
    """Whose reminders this program shows: the current user."""
    with sessions() as session:
        return current_user_id(session)


def due_reminders(
    sessions: sessionmaker[Session], owner_id: uuid.UUID, now: dt.datetime, limit: int = BATCH
) -> list[Reminder]:
    """The owner's reminders due at `now` and not shown yet, oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(
                Activity.id,
                Activity.kind,
                Activity.subject,
                Activity.occurs_at,
                Activity.remind_at,
                Activity.deal_id,
                Activity.contact_id,
                Activity.company_id,
                Activity.lead_id,
            )
            .where(
                *open_conditions(owner_id),
                Activity.remind_at <= now,
                Activity.reminded_at.is_(None),
            )
            .order_by(Activity.remind_at, Activity.id)
            .limit(limit)
        ).all()
        labels = link_labels(session, rows)
    return [
        Reminder(
            id=r.id,
            kind=r.kind,
            subject=r.subject,
            occurs_at=r.occurs_at,
            remind_at=r.remind_at,
            links=tuple(
                RecordRef(kind, record_id, labels[record_id])
                for kind, record_id in link_ids(r)
                if record_id in labels
            ),
        )
        for r in rows
    ]


def mark_reminded(
    sessions: sessionmaker[Session], ids: Iterable[uuid.UUID], now: dt.datetime
) -> set[uuid.UUID]:
    """Claim reminders as shown; returns the ids this call claimed (show only those).

    The UPDATE's `reminded_at IS NULL` decides between two programs claiming at once: on
    PostgreSQL the second waits for the first's row lock, then finds the condition false.
    The version is left alone, so a dialog open on the activity can still save.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    with sessions.begin() as session:
        claimed = session.scalars(
            update(Activity)
            .where(
                Activity.id.in_(wanted),
                Activity.reminded_at.is_(None),
                Activity.done == false(),
                Activity.deleted_at.is_(None),
            )
            .values(reminded_at=now, updated_at=now)
            .returning(Activity.id)
            .execution_options(synchronize_session=False)
        ).all()
    return set(claimed)


def snooze(sessions: sessionmaker[Session], activity_id: uuid.UUID, until: dt.datetime) -> Changes:
    """Remind again at `until` (the due time stays)."""
    if until.tzinfo is None:
        raise ValidationError({"remind_at": "The reminder time needs a time zone."})
    with sessions.begin() as session:
        activity = live_activity(session, activity_id)
        activity.remind_at = until
        activity.reminded_at = None
        activity.updated_at = dt.datetime.now(dt.UTC)
    return Changes(activities=True)


def overdue_summary(
    sessions: sessionmaker[Session], owner_id: uuid.UUID, now: dt.datetime
) -> OverdueSummary:
    """How many of the owner's to-dos are overdue, and the oldest few, for the start-up note."""
    conditions = [*open_conditions(owner_id), Activity.occurs_at < now]
    with sessions() as session:
        count = session.scalar(select(func.count()).where(*conditions)) or 0
        oldest = session.scalars(
            select(Activity.subject)
            .where(*conditions)
            .order_by(Activity.occurs_at, Activity.id)
            .limit(OLDEST_SHOWN)
        ).all()
    return OverdueSummary(int(count), tuple(oldest))
