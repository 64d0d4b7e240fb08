"""A record's history in time order: what was done with it and what happened to it.

Entries come from five places: the record's activities; the stage history of the deal
(or of the deals of a contact or company); lead conversion (the lead's "converted to",
the new records' "created from lead"); the import that created the record and the
imports that changed it; and the record's own creation. Newest first; open activities
(the next steps) are returned apart, soonest first, so the view can pin them on top.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Activity,
    Company,
    Contact,
    Deal,
    DealStageChange,
    ImportBatch,
    ImportChange,
    Lead,
    User,
)
from crm_desktop.services.activities.store import RecordRef, link_ids, link_labels
from crm_desktop.services.listing import ENTITIES, Kind
from crm_desktop.services.records import RecordNotFoundError

# How many entries of each source a timeline reads at most (the newest).
LIMIT = 300

_ACTIVITY_COLUMN = {
    "leads": Activity.lead_id,
    "contacts": Activity.contact_id,
    "companies": Activity.company_id,
    "deals": Activity.deal_id,
}
_TABLE = {"leads": "lead", "contacts": "contact", "companies": "company", "deals": "deal"}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    # "call", "meeting", "email", "note", "task" for activities; otherwise "stage",
    # "converted", "created", "imported" or "import_update".
    kind: str
    title: str  # English for the non-activity kinds; the view words them by kind
    text: str | None = None
    activity_id: uuid.UUID | None = None
    done: bool = True
    outcome: str | None = None
    duration_minutes: int | None = None
    who: str | None = None
    links: tuple[RecordRef, ...] = ()  # other records it concerns, to open
    attachment_names: tuple[str, ...] = ()
    email_from: str | None = None
    email_to: str | None = None
    # For stage entries: from and to stage names, and a lost reason.
    from_stage: str | None = None
    to_stage: str | None = None
    undone: bool = False  # an import's change that was undone since


@dataclass(frozen=True)
class Timeline:
    kind: Kind
    record_id: uuid.UUID
    upcoming: tuple[TimelineEntry, ...]  # open activities, soonest first
    entries: tuple[TimelineEntry, ...]  # everything else, newest first
    truncated: bool  # some source had more than LIMIT entries


def record_timeline(sessions: sessionmaker[Session], kind: Kind, record_id: uuid.UUID) -> Timeline:
    with sessions() as session:
        record: Any = session.get(ENTITIES[kind], record_id)
        if record is None or record.deleted_at is not None:
            raise RecordNotFoundError(f"{kind} {record_id} was deleted")
        users = {row[0]: row[1] for row in session.execute(select(User.id, User.name))}
        upcoming, done, truncated = _activities(session, kind, record_id, users)
        entries = list(done)
        stages, more = _stage_changes(session, kind, record_id, users)
        entries += stages
        truncated = truncated or more
        entries += _conversion(session, kind, record)
        entries += _imports(session, kind, record)
        entries.append(
            TimelineEntry(
                at=record.created_at,
                kind="created",
                title="Created",
                who=users.get(record.owner_id) if record.import_batch_id is None else None,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return Timeline(kind, record_id, tuple(upcoming), tuple(entries), truncated)


def _activities(
    session: Session, kind: Kind, record_id: uuid.UUID, users: dict[uuid.UUID, str]
) -> tuple[list[TimelineEntry], list[TimelineEntry], bool]:
    column = _ACTIVITY_COLUMN[kind]
    base = select(Activity).where(column == record_id, Activity.deleted_at.is_(None))
    open_rows = list(
        session.scalars(
            base.where(Activity.done.is_(False)).order_by(Activity.occurs_at).limit(LIMIT)
        )
    )
    done_rows = list(
        session.scalars(
            base.where(Activity.done.is_(True)).order_by(Activity.occurs_at.desc()).limit(LIMIT + 1)
        )
    )
    truncated = len(done_rows) > LIMIT
    labels = _labels(session, open_rows + done_rows[:LIMIT])
    own = (_TABLE[kind], record_id)

    def entry(a: Activity) -> TimelineEntry:
        refs = tuple(r for r in labels.get(a.id, ()) if (_TABLE[r.kind], r.id) != own)
        return TimelineEntry(
            at=a.occurs_at,
            kind=a.kind,
            title=a.subject,
            text=a.body,
            activity_id=a.id,
            done=a.done,
            outcome=a.outcome,
            duration_minutes=a.duration_minutes,
            who=users.get(a.owner_id) if a.owner_id else None,
            links=refs,
            attachment_names=tuple(a.attachment_names or ()),
            email_from=a.email_from,
            email_to=a.email_to,
        )

    return [entry(a) for a in open_rows], [entry(a) for a in done_rows[:LIMIT]], truncated


def _labels(session: Session, rows: list[Activity]) -> dict[uuid.UUID, tuple[RecordRef, ...]]:
    """The records each activity links to, with their names (deleted ones too), one query."""
    names = link_labels(session, rows, live_only=False)
    return {
        a.id: tuple(
            RecordRef(kind, record_id, names[record_id])
            for kind, record_id in link_ids(a)
            if record_id in names
        )
        for a in rows
    }


def _stage_changes(
    session: Session, kind: Kind, record_id: uuid.UUID, users: dict[uuid.UUID, str]
) -> tuple[list[TimelineEntry], bool]:
    if kind == "leads":
        return [], False
    stmt = select(DealStageChange, Deal.title, Deal.id).join(
        Deal, Deal.id == DealStageChange.deal_id
    )
    if kind == "deals":
        stmt = stmt.where(DealStageChange.deal_id == record_id)
    elif kind == "contacts":
        stmt = stmt.where(Deal.contact_id == record_id, Deal.deleted_at.is_(None))
    else:
        stmt = stmt.where(Deal.company_id == record_id, Deal.deleted_at.is_(None))
    rows = session.execute(
        stmt.where(DealStageChange.deleted_at.is_(None))
        .order_by(DealStageChange.changed_at.desc())
        .limit(LIMIT + 1)
    ).all()
    entries = [
        TimelineEntry(
            at=change.changed_at,
            kind="stage",
            title=title,
            text=change.lost_reason,
            who=users.get(change.changed_by_id) if change.changed_by_id else None,
            links=() if kind == "deals" else (RecordRef("deals", deal_id, title),),
            from_stage=change.from_stage_name,
            to_stage=change.to_stage_name,
        )
        for change, title, deal_id in rows[:LIMIT]
    ]
    return entries, len(rows) > LIMIT


def _conversion(session: Session, kind: Kind, record: object) -> list[TimelineEntry]:
    if isinstance(record, Lead):
        if record.converted_at is None:
            return []
        refs = []
        if record.converted_contact_id is not None:
            contact = session.get(Contact, record.converted_contact_id)
            if contact is not None:
                refs.append(RecordRef("contacts", contact.id, contact.full_name))
        if record.converted_company_id is not None:
            company = session.get(Company, record.converted_company_id)
            if company is not None:
                refs.append(RecordRef("companies", company.id, company.name))
        for deal_id, title in session.execute(
            select(Deal.id, Deal.title).where(Deal.lead_id == record.id)
        ):
            refs.append(RecordRef("deals", deal_id, title))
        return [
            TimelineEntry(
                at=record.converted_at, kind="converted", title="Converted", links=tuple(refs)
            )
        ]
    column = {
        "contacts": Lead.converted_contact_id,
        "companies": Lead.converted_company_id,
    }.get(kind)
    if kind == "deals" and isinstance(record, Deal) and record.lead_id is not None:
        condition = Lead.id == record.lead_id
    elif column is not None and isinstance(record, Contact | Company):
        condition = column == record.id
    else:
        return []
    return [
        TimelineEntry(
            at=converted_at,
            kind="converted_from",
            title=name,
            links=(RecordRef("leads", lead_id, name),),
        )
        for lead_id, name, converted_at in session.execute(
            select(Lead.id, Lead.person_name, Lead.converted_at)
            .where(condition, Lead.converted_at.is_not(None))
            .order_by(Lead.converted_at)
            .limit(20)
        )
        if converted_at is not None
    ]


def _imports(session: Session, kind: Kind, record: object) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    batch_id = getattr(record, "import_batch_id", None)
    record_id = getattr(record, "id", None)
    if batch_id is not None:
        batch = session.get(ImportBatch, batch_id)
        if batch is not None:
            entries.append(
                TimelineEntry(
                    at=batch.started_at or batch.created_at,
                    kind="imported",
                    title=batch.file_name,
                    text=batch.sheet,
                )
            )
    updates = session.execute(
        select(
            ImportBatch.file_name,
            ImportBatch.sheet,
            ImportBatch.started_at,
            ImportBatch.created_at,
            ImportBatch.undone_at,
        )
        .join(ImportChange, ImportChange.batch_id == ImportBatch.id)
        .where(ImportChange.record_id == record_id, ImportChange.table_name == _TABLE[kind])
        .order_by(ImportBatch.created_at.desc())
        .limit(50)
    )
    for file_name, sheet, started_at, created_at, undone_at in updates:
        entries.append(
            TimelineEntry(
                at=started_at or created_at,
                kind="import_update",
                title=file_name,
                text=sheet,
                undone=undone_at is not None,
            )
        )
    return entries
