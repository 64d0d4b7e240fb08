"""The .ics export: meetings and tasks as VEVENTs that calendar programs import."""

from __future__ import annotations

import datetime as dt
import errno
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from crm_desktop.models import Company, Contact, Deal, Lead, Stage, User
from crm_desktop.models.activity import Activity, ActivityKind
from crm_desktop.models.database import Database
from crm_desktop.services import calendar_export
from crm_desktop.services.calendar_export import (
    PRODID,
    calendar_bytes,
    export_calendar,
)
from crm_desktop.services.export import ExportError

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
UTC = dt.UTC


def _user(db: Database, name: str) -> uuid.UUID:
    with db.sessions.begin() as session:
        user = User(name=name)
        session.add(user)
        session.flush()
        return user.id


def _activity(db: Database, kind: ActivityKind, subject: str, **fields: Any) -> uuid.UUID:
    fields.setdefault("occurs_at", T0)
    with db.sessions.begin() as session:
        activity = Activity(kind=kind.value, subject=subject, **fields)
        session.add(activity)
        session.flush()
        return activity.id


def _parse(data: bytes) -> Calendar:
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    return Calendar.from_ical(data)


def _events(db: Database, **filters: Any) -> dict[str, Event]:
    calendar = _parse(calendar_bytes(db.sessions, **filters))
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _uid(activity_id: uuid.UUID) -> str:
    return f"{activity_id}@crm-desktop"


def test_meetings_and_tasks_become_events_with_times_in_utc(db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as session:
        company = Company(name="北京华为")
        session.add(company)
        session.flush()
        contact = Contact(full_name="王伟", company_id=company.id)
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        deal = Deal(
            title="Fleet renewal", pipeline_id=stage.pipeline_id, stage_id=stage.id, currency="EUR"
        )
        lead = Lead(person_name="Anna Schmidt", company_name="Bosch")
        session.add_all([contact, deal, lead])
        session.flush()
        links = {
            "contact_id": contact.id,
            "company_id": company.id,
            "deal_id": deal.id,
            "lead_id": lead.id,
        }
    meeting = _activity(
        db,
        ActivityKind.MEETING,
        "与王伟讨论合同续签事宜，以及明年的价格和交货时间安排",
        body="Bring the price list.\nAsk about 2027.",
        duration_minutes=90,
        remind_at=T0 - dt.timedelta(minutes=15),
        **links,
    )
    task = _activity(
        db, ActivityKind.TASK, "Send offer", occurs_at=T0 + dt.timedelta(days=1, hours=5)
    )
    short = _activity(db, ActivityKind.MEETING, "Coffee", occurs_at=T0 + dt.timedelta(days=2))

    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "calendar.ics"
    report = export_calendar(db.sessions, out)
    assert (report.path, report.count, report.meetings, report.tasks) == (out, 3, 2, 1)
    assert [p.name for p in folder.iterdir()] == ["calendar.ics"]  # no temp file left
    text = out.read_bytes()
    assert text.decode("utf-8")  # valid UTF-8 (folding never splits a character)
    calendar = _parse(text)
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "CRM tasks and meetings"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert list(events) == [_uid(meeting), _uid(task), _uid(short)]  # in time order

    m = events[_uid(meeting)]
    assert m.start == T0 and m.start.utcoffset() == dt.timedelta(0)
    assert m.end == T0 + dt.timedelta(minutes=90)
    assert b"DTSTART:20260302T090000Z" in text and b"DTEND:20260302T103000Z" in text
    assert str(m["SUMMARY"]) == "与王伟讨论合同续签事宜，以及明年的价格和交货时间安排"
    assert str(m["STATUS"]) == "CONFIRMED" and str(m["TRANSP"]) == "OPAQUE"
    assert m.DTSTAMP is not None
    description = str(m["DESCRIPTION"])
    assert description.startswith("Bring the price list.\nAsk about 2027.\n\n")
    for line in (
        "Contact: 王伟",
        "Company: 北京华为",
        "Deal: Fleet renewal",
        "Lead: Anna Schmidt (Bosch)",
    ):
        assert line in description.splitlines()
    (alarm,) = m.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-15)
    assert str(alarm["DESCRIPTION"]) == str(m["SUMMARY"])

    t = events[_uid(task)]
    assert str(t["SUMMARY"]) == "Task: Send offer"
    assert t.start == dt.datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert t.end - t.start == dt.timedelta(minutes=15)
    assert str(t["TRANSP"]) == "TRANSPARENT"
    assert not t.walk("VALARM")

    c = events[_uid(short)]
    assert c.end - c.start == dt.timedelta(minutes=30)  # the default length of a meeting


def test_calls_notes_emails_and_deleted_rows_are_left_out(db: Database) -> None:
    kept = _activity(db, ActivityKind.TASK, "Kept")
    for kind in (ActivityKind.CALL, ActivityKind.NOTE, ActivityKind.EMAIL):
        _activity(db, kind, f"A {kind.value}")
    _activity(db, ActivityKind.MEETING, "Deleted", deleted_at=T0)
    with db.sessions.begin() as session:
        gone = Contact(full_name="Gone Person", deleted_at=T0)
        session.add(gone)
        session.flush()
        gone_id = gone.id
    linked = _activity(db, ActivityKind.MEETING, "Linked to a deleted contact", contact_id=gone_id)
    events = _events(db)
    assert set(events) == {_uid(kept), _uid(linked)}
    assert "Gone Person" not in str(events[_uid(linked)].get("DESCRIPTION", ""))


def test_done_ones_only_when_asked_marked_and_without_alarm(db: Database) -> None:
    open_task = _activity(db, ActivityKind.TASK, "Open")
    done_task = _activity(db, ActivityKind.TASK, "Finished", done=True, done_at=T0, remind_at=T0)
    held = _activity(db, ActivityKind.MEETING, "Held", done=True, done_at=T0)
    assert set(_events(db)) == {_uid(open_task)}
    events = _events(db, include_done=True)
    assert set(events) == {_uid(open_task), _uid(done_task), _uid(held)}
    assert str(events[_uid(done_task)]["SUMMARY"]) == "Task (done): Finished"
    assert not events[_uid(done_task)].walk("VALARM")
    assert str(events[_uid(held)]["SUMMARY"]) == "Held"


def test_owner_and_date_range_filters(db: Database) -> None:
    anna = _user(db, "Anna")
    bo = _user(db, "Bo")
    early = _activity(db, ActivityKind.TASK, "Early", owner_id=anna)
    late = _activity(
        db, ActivityKind.MEETING, "Late", owner_id=anna, occurs_at=T0 + dt.timedelta(days=7)
    )
    other = _activity(db, ActivityKind.TASK, "Bo's", owner_id=bo)

    assert set(_events(db, owner_id=anna)) == {_uid(early), _uid(late)}
    assert set(_events(db, owner_id=bo)) == {_uid(other)}
    # start included, end excluded
    assert set(_events(db, start=T0 + dt.timedelta(seconds=1))) == {_uid(late)}
    assert set(_events(db, end=T0 + dt.timedelta(days=7))) == {_uid(early), _uid(other)}
    window = {"start": T0, "end": T0 + dt.timedelta(days=7, seconds=1)}
    assert set(_events(db, owner_id=anna, **window)) == {_uid(early), _uid(late)}
    calendar = _parse(calendar_bytes(db.sessions, owner_id=anna))
    assert str(calendar["X-WR-CALNAME"]) == "CRM tasks and meetings (Anna)"
    with pytest.raises(ValueError, match="aware"):
        calendar_bytes(db.sessions, start=dt.datetime(2026, 3, 1))


def test_a_berlin_morning_after_the_october_change_is_exported_at_its_utc_instant(
    db: Database,
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Summer time ends on 26 October 2025: 09:00 in Berlin is 08:00 UTC after it (07:00 before).
    before = _activity(
        db, ActivityKind.MEETING, "Before", occurs_at=dt.datetime(2025, 10, 24, 9, tzinfo=berlin)
    )
    after = _activity(
        db, ActivityKind.MEETING, "After", occurs_at=dt.datetime(2025, 10, 27, 9, tzinfo=berlin)
    )
    data = calendar_bytes(db.sessions)
    assert b"DTSTART:20251024T070000Z" in data
    assert b"DTSTART:20251027T080000Z" in data
    events = _events(db)
    assert events[_uid(before)].start == dt.datetime(2025, 10, 24, 7, tzinfo=UTC)
    assert events[_uid(after)].start == dt.datetime(2025, 10, 27, 8, tzinfo=UTC)
    assert events[_uid(after)].start.astimezone(berlin).hour == 9


def test_an_edit_keeps_the_uid_and_raises_the_sequence(db: Database) -> None:
    task = _activity(db, ActivityKind.TASK, "Call back")
    first = _events(db)[_uid(task)]
    with db.sessions.begin() as session:
        row = session.get(Activity, task)
        assert row is not None
        row.subject = "Call back, urgent"
    second = _events(db)[_uid(task)]
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert str(second["SUMMARY"]) == "Task: Call back, urgent"


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _activity(db, ActivityKind.TASK, "One")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "calendar.ics"
    out.write_text("old", encoding="utf-8")

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(calendar_export.os, "replace", disk_full)
        with pytest.raises(ExportError, match="No space left"):
            export_calendar(db.sessions, out)
    with pytest.raises(ExportError, match="cannot write"):
        export_calendar(db.sessions, folder / "missing" / "calendar.ics")
    with pytest.raises(ExportError, match="cannot write"):
        export_calendar(db.sessions, folder)  # a folder cannot be replaced by a file
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in folder.iterdir()] == ["calendar.ics"]
    # an empty selection still writes a valid calendar
    report = export_calendar(db.sessions, out, owner_id=uuid.uuid4())
    assert report.count == 0
    assert _parse(out.read_bytes()).walk("VEVENT") == []
