"""Create, edit, check off, reschedule, reassign and delete activities.

An activity is linked to every record it concerns: given a contact, its company is
linked too; given a deal, its company and contact. So a call with a contact about a
deal shows on the timelines of the contact, the company and the deal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, true, union_all, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    Deal,
    Lead,
    User,
    utcnow,
)
from crm_desktop.services.activities.follow_up import refresh_follow_up, refresh_for
from crm_desktop.services.changes import Changes
from crm_desktop.services.records import RecordNotFoundError, ValidationError
from crm_desktop.services.users import current_user_id
from crm_desktop.services.versioned import check_version, stale_as_error

KINDS = tuple(k.value for k in ActivityKind)
CHANGES = Changes(activities=True)


@dataclass(frozen=True)
class ActivityInput:
    """What a person typed into the activity dialog."""

    kind: str
    subject: str
    occurs_at: dt.datetime
    body: str | None = None
    duration_minutes: int | None = None
    outcome: str | None = None
    done: bool = False
    lead_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    company_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None  # None: the current user
    remind_at: dt.datetime | None = None


@dataclass(frozen=True)
class RecordRef:
    """A record an activity is linked to, for showing and opening it."""

    kind: str  # "leads", "contacts", "companies", "deals" (the page names)
    id: uuid.UUID
    label: str


@dataclass(frozen=True)
class ActivityDetail:
    id: uuid.UUID
    version: int
    kind: str
    subject: str
    body: str | None
    occurs_at: dt.datetime
    duration_minutes: int | None
    outcome: str | None
    done: bool
    done_at: dt.datetime | None
    owner_id: uuid.UUID | None
    owner_name: str | None
    remind_at: dt.datetime | None
    reminded_at: dt.datetime | None
    links: tuple[RecordRef, ...]
    email_from: str | None = None
    email_to: str | None = None
    attachment_names: tuple[str, ...] = ()

    def link_id(self, kind: str) -> uuid.UUID | None:
        return next((link.id for link in self.links if link.kind == kind), None)


@dataclass(frozen=True)
class SavedActivity:
    detail: ActivityDetail
    changes: Changes


def _validate(data: ActivityInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = f"Unknown kind “{data.kind}”; use one of {', '.join(KINDS)}."
    subject = data.subject.strip()
    if not subject:
        errors["subject"] = "A subject is required."
    elif len(subject) > 500:
        errors["subject"] = "The subject is longer than 500 characters."
    if data.occurs_at.tzinfo is None:
        errors["occurs_at"] = "The date and time need a time zone."
    if data.duration_minutes is not None and not 0 <= data.duration_minutes <= 7 * 24 * 60:
        errors["duration_minutes"] = "The duration must be between 0 minutes and 7 days."
    if data.outcome is not None and len(data.outcome) > 200:
        errors["outcome"] = "The outcome is longer than 200 characters."
    if data.remind_at is not None and data.remind_at.tzinfo is None:
        errors["remind_at"] = "The reminder time needs a time zone."
    return errors


def complete_links(
    session: Session,
    *,
    lead_id: uuid.UUID | None,
    contact_id: uuid.UUID | None,
    company_id: uuid.UUID | None,
    deal_id: uuid.UUID | None,
) -> tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]:
    """Fill in the records implied by the given ones: a deal's contact and company, a
    contact's company. Raises RecordNotFoundError for a link to a deleted record."""

    def live(model: type[Lead | Contact | Company | Deal], record_id: uuid.UUID) -> object:
        row = session.get(model, record_id)
        if row is None or row.deleted_at is not None:
            raise RecordNotFoundError(f"the linked {model.__tablename__} was deleted")
        return row

    if deal_id is not None:
        deal = live(Deal, deal_id)
        assert isinstance(deal, Deal)
        contact_id = contact_id or deal.contact_id
        company_id = company_id or deal.company_id
    if contact_id is not None:
        contact = live(Contact, contact_id)
        assert isinstance(contact, Contact)
        company_id = company_id or contact.company_id
    if company_id is not None:
        live(Company, company_id)
    if lead_id is not None:
        live(Lead, lead_id)
    return lead_id, contact_id, company_id, deal_id


def save_activity(
    sessions: sessionmaker[Session],
    data: ActivityInput,
    activity_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> SavedActivity:
    """Create (activity_id None) or update an activity after checking every field."""
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    with stale_as_error("activity"), sessions.begin() as session:
        links = complete_links(
            session,
            lead_id=data.lead_id,
            contact_id=data.contact_id,
            company_id=data.company_id,
            deal_id=data.deal_id,
        )
        owner_id = data.owner_id or current_user_id(session)
        before: tuple[uuid.UUID | None, uuid.UUID | None] = (None, None)
        if activity_id is None:
            activity = Activity(owner_id=owner_id)
            session.add(activity)
        else:
            activity = live_activity(session, activity_id)
            before = (activity.contact_id, activity.company_id)
            check_version(activity, expected_version, "activity")
            if data.owner_id is not None:
                activity.owner_id = data.owner_id
        activity.lead_id, activity.contact_id, activity.company_id, activity.deal_id = links
        activity.kind = data.kind
        activity.subject = data.subject.strip()
        activity.body = (data.body or "").strip() or None
        if activity.occurs_at != data.occurs_at or activity.remind_at != data.remind_at:
            activity.reminded_at = None  # a new time deserves a new reminder
        activity.occurs_at = data.occurs_at
        activity.duration_minutes = data.duration_minutes
        activity.outcome = (data.outcome or "").strip() or None
        _set_done(activity, data.done, utcnow())
        activity.remind_at = data.remind_at
        activity.updated_at = utcnow()
        session.flush()
        refresh_follow_up(
            session, (before[0], activity.contact_id), (before[1], activity.company_id)
        )
        detail = _detail(session, activity)
    return SavedActivity(detail, CHANGES)


def load_activity(sessions: sessionmaker[Session], activity_id: uuid.UUID) -> ActivityDetail:
    with sessions() as session:
        return _detail(session, live_activity(session, activity_id))


def set_done(
    sessions: sessionmaker[Session],
    activity_ids: Iterable[uuid.UUID],
    done: bool = True,
    now: dt.datetime | None = None,
) -> Changes:
    """Check off (or reopen) activities."""
    when = now or utcnow()
    with sessions.begin() as session:
        rows = _live_many(session, activity_ids)
        for activity in rows:
            _set_done(activity, done, when)
            activity.updated_at = when
        session.flush()
        refresh_for(session, rows)
    return CHANGES


def reschedule(
    sessions: sessionmaker[Session], activity_id: uuid.UUID, occurs_at: dt.datetime
) -> Changes:
    """Move an activity to a new time; its reminder keeps the same lead time and shows again."""
    if occurs_at.tzinfo is None:
        raise ValidationError({"occurs_at": "The date and time need a time zone."})
    with sessions.begin() as session:
        activity = live_activity(session, activity_id)
        if activity.remind_at is not None:
            activity.remind_at = occurs_at - (activity.occurs_at - activity.remind_at)
        activity.occurs_at = occurs_at
        activity.reminded_at = None
        activity.updated_at = utcnow()
        session.flush()
        refresh_for(session, [activity])
    return CHANGES


def reassign(
    sessions: sessionmaker[Session], activity_ids: Iterable[uuid.UUID], owner_id: uuid.UUID
) -> Changes:
    """Give activities to another user; the new owner gets their reminders."""
    with sessions.begin() as session:
        user = session.get(User, owner_id)
        if user is None or user.deleted_at is not None:
            raise RecordNotFoundError("that user was deleted")
        for activity in _live_many(session, activity_ids):
            if activity.owner_id != owner_id:
                activity.owner_id = owner_id
                activity.reminded_at = None
                activity.updated_at = utcnow()
    return CHANGES


def delete_activity(sessions: sessionmaker[Session], activity_id: uuid.UUID) -> Changes:
    with sessions.begin() as session:
        activity = live_activity(session, activity_id)
        activity.deleted_at = utcnow()
        session.flush()
        refresh_for(session, [activity])
    return CHANGES


def undelete_activity(sessions: sessionmaker[Session], activity_id: uuid.UUID) -> Changes:
    with sessions.begin() as session:
        session.execute(update(Activity).where(Activity.id == activity_id).values(deleted_at=None))
        refresh_for(session, session.scalars(select(Activity).where(Activity.id == activity_id)))
    return CHANGES


# ---- internals ---------------------------------------------------------------------------


def _set_done(activity: Activity, done: bool, when: dt.datetime) -> None:
    if done and not activity.done:
        activity.done_at = when
    elif not done:
        activity.done_at = None
    activity.done = done


def live_activity(session: Session, activity_id: uuid.UUID) -> Activity:
    activity = session.get(Activity, activity_id, populate_existing=True)
    if activity is None or activity.deleted_at is not None:
        raise RecordNotFoundError("This activity was deleted.")
    return activity


def _live_many(session: Session, activity_ids: Iterable[uuid.UUID]) -> list[Activity]:
    ids = list(activity_ids)
    if not ids:
        return []
    return list(
        session.scalars(select(Activity).where(Activity.id.in_(ids), Activity.deleted_at.is_(None)))
    )


def record_labels(
    session: Session,
    *,
    lead_id: uuid.UUID | None,
    contact_id: uuid.UUID | None,
    company_id: uuid.UUID | None,
    deal_id: uuid.UUID | None,
) -> tuple[RecordRef, ...]:
    """The linked records with their names, in the order deal, contact, company, lead."""
    refs: list[RecordRef] = []
    if deal_id is not None and (title := session.get(Deal, deal_id)) is not None:
        refs.append(RecordRef("deals", deal_id, title.title))
    if contact_id is not None and (contact := session.get(Contact, contact_id)) is not None:
        refs.append(RecordRef("contacts", contact_id, contact.full_name))
    if company_id is not None and (company := session.get(Company, company_id)) is not None:
        refs.append(RecordRef("companies", company_id, company.name))
    if lead_id is not None and (lead := session.get(Lead, lead_id)) is not None:
        refs.append(RecordRef("leads", lead_id, lead.person_name))
    return tuple(refs)


def _detail(session: Session, activity: Activity) -> ActivityDetail:
    owner = session.get(User, activity.owner_id) if activity.owner_id else None
    return ActivityDetail(
        id=activity.id,
        version=activity.version,
        kind=activity.kind,
        subject=activity.subject,
        body=activity.body,
        occurs_at=activity.occurs_at,
        duration_minutes=activity.duration_minutes,
        outcome=activity.outcome,
        done=activity.done,
        done_at=activity.done_at,
        owner_id=activity.owner_id,
        owner_name=owner.name if owner else None,
        remind_at=activity.remind_at,
        reminded_at=activity.reminded_at,
        links=record_labels(
            session,
            lead_id=activity.lead_id,
            contact_id=activity.contact_id,
            company_id=activity.company_id,
            deal_id=activity.deal_id,
        ),
        email_from=activity.email_from,
        email_to=activity.email_to,
        attachment_names=tuple(activity.attachment_names or ()),
    )


# ---- the records activities link to, by name, for lists of many ---------------------

_LINK_KINDS = ("deals", "contacts", "companies", "leads")


def link_ids(row: object) -> list[tuple[str, uuid.UUID]]:
    ids = (
        row.deal_id,  # type: ignore[attr-defined]
        row.contact_id,  # type: ignore[attr-defined]
        row.company_id,  # type: ignore[attr-defined]
        row.lead_id,  # type: ignore[attr-defined]
    )
    return [(kind, i) for kind, i in zip(_LINK_KINDS, ids, strict=True) if i is not None]


def link_labels(
    session: Session, rows: Iterable[object], live_only: bool = True
) -> dict[uuid.UUID, str]:
    """The names of every linked record of `rows`, in one query (UUIDs never collide).

    Lists leave deleted records out (they cannot be opened); a timeline keeps their names.
    """
    wanted: dict[str, set[uuid.UUID]] = {kind: set() for kind in _LINK_KINDS}
    for row in rows:
        for kind, record_id in link_ids(row):
            wanted[kind].add(record_id)
    sources = {"deals": Deal, "contacts": Contact, "companies": Company, "leads": Lead}
    names = {
        "deals": Deal.title,
        "contacts": Contact.full_name,
        "companies": Company.name,
        "leads": Lead.person_name,
    }
    parts = [
        select(model.id.label("id"), names[kind].label("label")).where(
            model.id.in_(sorted(wanted[kind])),
            model.deleted_at.is_(None) if live_only else true(),
        )
        for kind, model in sources.items()
        if wanted[kind]
    ]
    if not parts:
        return {}
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return {record_id: label for record_id, label in session.execute(statement).all()}
