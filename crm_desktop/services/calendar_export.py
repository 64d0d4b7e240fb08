"""Tasks and meetings as an iCalendar (.ics) file that calendar programs import.

Why every activity is a VEVENT, tasks too: RFC 5545 has VTODO for to-dos, but Google
Calendar and Outlook drop VTODO components on import without a word (only Apple
Reminders and Thunderbird read them). A file of VTODOs would import as an empty
calendar for most users. So:

- a meeting is an event from `occurs_at` for `duration_minutes` (30 when unset),
  STATUS:CONFIRMED, TRANSP:OPAQUE (it shows the owner as busy);
- a task is a short event at its due time ("Task: " before its subject, 15 minutes
  unless it has a duration), TRANSP:TRANSPARENT (a due time is not a busy slot);
  a done task says "Task (done): " and gets no alarm.

Each event's UID is `<activity id>@crm-desktop` and its SEQUENCE the row's version,
so importing a newer export again updates the events instead of adding copies.
Times are written in UTC (the `Z` form), which every program places on the user's
own wall clock; no VTIMEZONE is needed. A reminder (`remind_at`) becomes a DISPLAY
alarm relative to the start (Outlook, Apple Calendar and Thunderbird honour it;
Google applies the calendar's default notifications instead). DESCRIPTION holds the
body and the names of the linked contact, company, deal and lead.

The file is written beside the target and renamed over it at the end, so a failed
export never leaves half a calendar under the user's name.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from icalendar import Alarm, Calendar, Event
from icalendar.enums import STATUS, TRANSP
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm_desktop.models import Company, Contact, Deal, Lead, User
from crm_desktop.models.activity import Activity, ActivityKind
from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.export import ExportError

PRODID = "-//crm-desktop//Tasks and meetings//EN"
UID_DOMAIN = "crm-desktop"
CALENDAR_NAME = "CRM tasks and meetings"
MEETING_MINUTES = 30  # a meeting with no duration
TASK_MINUTES = 15  # a task with no duration: a short slot at its due time
KINDS = (ActivityKind.MEETING.value, ActivityKind.TASK.value)


@dataclass(frozen=True)
class CalendarExport:
    """What `export_calendar` wrote: the file and how many events (meetings, tasks) it holds."""

    path: Path
    count: int
    meetings: int
    tasks: int


@dataclass(frozen=True)
class CalendarEntry:
    """One task or meeting as exported, with the names of the records it is linked to."""

    id: uuid.UUID
    kind: str
    subject: str
    body: str | None
    outcome: str | None
    occurs_at: dt.datetime
    duration_minutes: int | None
    done: bool
    remind_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    contact: str | None
    company: str | None
    deal: str | None
    lead: str | None
    lead_company: str | None
    owner: str | None

    @property
    def is_task(self) -> bool:
        return self.kind == ActivityKind.TASK.value


def export_calendar(
    sessions: sessionmaker[Session],
    path: str | os.PathLike[str],
    *,
    owner_id: uuid.UUID | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_done: bool = False,
) -> CalendarExport:
    """Write live tasks and meetings to `path` as an .ics file.

    `owner_id` keeps one user's; `start` (included) and `end` (excluded) are aware
    instants bounding `occurs_at`; done ones are left out unless `include_done`.
    Raises `ExportError` (one line) when the file cannot be written.
    """
    target = Path(path)
    entries, name = _load(sessions, owner_id, start, end, include_done)
    data = calendar_ics(entries, name=name, calendar_key=str(owner_id or "all"))
    _write_atomically(target, data)
    tasks = sum(1 for entry in entries if entry.is_task)
    return CalendarExport(target, len(entries), len(entries) - tasks, tasks)


def calendar_bytes(
    sessions: sessionmaker[Session],
    *,
    owner_id: uuid.UUID | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_done: bool = False,
) -> bytes:
    """The .ics text `export_calendar` would write, as UTF-8 bytes."""
    entries, name = _load(sessions, owner_id, start, end, include_done)
    return calendar_ics(entries, name=name, calendar_key=str(owner_id or "all"))


def load_entries(
    sessions: sessionmaker[Session],
    *,
    owner_id: uuid.UUID | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_done: bool = False,
) -> list[CalendarEntry]:
    """The live tasks and meetings an export covers, in time order."""
    return _load(sessions, owner_id, start, end, include_done)[0]


def calendar_ics(
    entries: list[CalendarEntry],
    *,
    name: str = CALENDAR_NAME,
    calendar_key: str = "all",
    stamp: dt.datetime | None = None,
) -> bytes:
    """Entries as one VCALENDAR (CRLF lines, UTF-8). `stamp` is DTSTAMP (default now)."""
    now = _utc(stamp or dt.datetime.now(dt.UTC))
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        method="PUBLISH",
        calscale="GREGORIAN",
        # Stable, so a calendar program sees the same calendar on every export.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, f"{UID_DOMAIN}:calendar:{calendar_key}"),
        subcomponents=[_event(entry, now) for entry in entries],
    )
    data: bytes = calendar.to_ical()
    return data


# ---- reading ----------------------------------------------------------------------------------


def _load(
    sessions: sessionmaker[Session],
    owner_id: uuid.UUID | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    include_done: bool,
) -> tuple[list[CalendarEntry], str]:
    for bound in (start, end):
        if bound is not None and bound.tzinfo is None:
            raise ValueError("start and end must be aware datetimes (a time zone or UTC)")
    contact, company, deal, lead, owner = (
        aliased(Contact),
        aliased(Company),
        aliased(Deal),
        aliased(Lead),
        aliased(User),
    )
    stmt = (
        select(
            Activity.id,
            Activity.kind,
            Activity.subject,
            Activity.body,
            Activity.outcome,
            Activity.occurs_at,
            Activity.duration_minutes,
            Activity.done,
            Activity.remind_at,
            Activity.created_at,
            Activity.updated_at,
            Activity.version,
            contact.full_name.label("contact"),
            company.name.label("company"),
            deal.title.label("deal"),
            lead.person_name.label("lead"),
            lead.company_name.label("lead_company"),
            owner.name.label("owner"),
        )
        .outerjoin(contact, (contact.id == Activity.contact_id) & contact.deleted_at.is_(None))
        .outerjoin(company, (company.id == Activity.company_id) & company.deleted_at.is_(None))
        .outerjoin(deal, (deal.id == Activity.deal_id) & deal.deleted_at.is_(None))
        .outerjoin(lead, (lead.id == Activity.lead_id) & lead.deleted_at.is_(None))
        .outerjoin(owner, owner.id == Activity.owner_id)
        .where(Activity.deleted_at.is_(None), Activity.kind.in_(KINDS))
        .order_by(Activity.occurs_at, Activity.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Activity.owner_id == owner_id)
    if start is not None:
        stmt = stmt.where(Activity.occurs_at >= start)
    if end is not None:
        stmt = stmt.where(Activity.occurs_at < end)
    if not include_done:
        stmt = stmt.where(Activity.done.is_(False))
    with sessions() as session:
        entries = [CalendarEntry(**row._asdict()) for row in session.execute(stmt)]
        name = CALENDAR_NAME
        if owner_id is not None:
            owner_name = session.scalar(select(User.name).where(User.id == owner_id))
            if owner_name:
                name = f"{CALENDAR_NAME} ({owner_name})"
    return entries, name


# ---- writing ----------------------------------------------------------------------------------


def _event(entry: CalendarEntry, now: dt.datetime) -> Event:
    start = _utc(entry.occurs_at)
    default = TASK_MINUTES if entry.is_task else MEETING_MINUTES
    minutes = entry.duration_minutes if entry.duration_minutes and entry.duration_minutes > 0 else 0
    event = Event.new(
        uid=f"{entry.id}@{UID_DOMAIN}",
        stamp=now,
        created=_utc(entry.created_at),
        last_modified=_utc(entry.updated_at),
        sequence=max(entry.version - 1, 0),
        start=start,
        end=start + dt.timedelta(minutes=minutes or default),
        summary=_summary(entry),
        description=_description(entry) or None,
        categories=["Task" if entry.is_task else "Meeting"],
        status=STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT if entry.is_task else TRANSP.OPAQUE,
    )
    if entry.remind_at is not None and not entry.done:
        alarm = Alarm.new(description=_summary(entry))
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", _utc(entry.remind_at) - start)  # relative to DTSTART
        event.add_component(alarm)
    return event


def _summary(entry: CalendarEntry) -> str:
    subject = " ".join(entry.subject.split()) or "(no subject)"
    if not entry.is_task:
        return subject
    return f"Task (done): {subject}" if entry.done else f"Task: {subject}"


def _description(entry: CalendarEntry) -> str:
    links = []
    if entry.contact:
        links.append(f"Contact: {entry.contact}")
    if entry.company:
        links.append(f"Company: {entry.company}")
    if entry.deal:
        links.append(f"Deal: {entry.deal}")
    if entry.lead:
        company = f" ({entry.lead_company})" if entry.lead_company else ""
        links.append(f"Lead: {entry.lead}{company}")
    if entry.outcome:
        links.append(f"Outcome: {entry.outcome}")
    if entry.owner:
        links.append(f"Owner: {entry.owner}")
    parts = [entry.body.strip()] if entry.body and entry.body.strip() else []
    if links:
        parts.append("\n".join(links))
    return "\n\n".join(parts)


def _utc(value: dt.datetime) -> dt.datetime:
    """UTC to the second: written as 20251027T080000Z."""
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        refuse_database_file(target)  # replacing it would destroy the database
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
