"""Reminders: due ones found, claimed once (two programs, a restart), snoozed, overdue summary."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select
from test_activity_tasks import NOW, add, add_user, me

from crm_desktop.models import Activity
from crm_desktop.models.database import Database
from crm_desktop.services.activities.reminders import (
    MEETING_LEAD,
    OverdueSummary,
    default_remind_at,
    due_reminders,
    mark_reminded,
    overdue_summary,
    reminder_owner,
    snooze,
)
from crm_desktop.services.activities.store import reassign, reschedule, set_done

MINUTE = dt.timedelta(minutes=1)


def due_subjects(db: Database, now: dt.datetime = NOW) -> list[str]:
    return [r.subject for r in due_reminders(db.sessions, me(db), now)]


def test_due_reminders_are_the_owners_open_ones_whose_time_came(db: Database) -> None:
    add(db, "due", NOW + MINUTE, remind_at=NOW - MINUTE)
    add(db, "due exactly now", NOW + MINUTE, remind_at=NOW)
    add(db, "not yet", NOW + MINUTE, remind_at=NOW + MINUTE)
    add(db, "no reminder", NOW - MINUTE)
    add(db, "done", NOW, remind_at=NOW - MINUTE, done=True)
    add(db, "deleted", NOW, remind_at=NOW - MINUTE, deleted=True)
    add(db, "someone else's", NOW, remind_at=NOW - MINUTE, owner=add_user(db, "Anna"))
    assert due_subjects(db) == ["due", "due exactly now"]
    assert reminder_owner(db.sessions) == me(db)


def test_a_reminder_is_claimed_once(db: Database) -> None:
    task = add(db, "call back", NOW, remind_at=NOW - MINUTE)
    assert mark_reminded(db.sessions, [task], NOW) == {task}
    # A second program (or this one after a restart) finds nothing and claims nothing.
    assert due_subjects(db) == []
    assert mark_reminded(db.sessions, [task], NOW + MINUTE) == set()
    with db.sessions() as session:
        assert session.get_one(Activity, task).reminded_at == NOW
    assert mark_reminded(db.sessions, [], NOW) == set()


def test_two_programs_claiming_at_once_share_the_reminders(db: Database) -> None:
    ids = [add(db, f"t{n}", NOW, remind_at=NOW - MINUTE) for n in range(10)]
    found = [r.id for r in due_reminders(db.sessions, me(db), NOW)]
    assert sorted(found) == sorted(ids)
    claims: list[set[object]] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        barrier.wait()
        claims.append(set(mark_reminded(db.sessions, found, NOW)))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert claims[0] | claims[1] == set(ids)
    assert claims[0] & claims[1] == set()


def test_done_tasks_never_remind_and_are_not_claimed(db: Database) -> None:
    task = add(db, "call back", NOW, remind_at=NOW - MINUTE)
    set_done(db.sessions, [task], True, now=NOW)
    assert due_subjects(db) == []
    assert mark_reminded(db.sessions, [task], NOW) == set()


def test_snooze_shows_it_again_after_the_new_time(db: Database) -> None:
    task = add(db, "send quote", NOW, remind_at=NOW - MINUTE)
    assert mark_reminded(db.sessions, [task], NOW) == {task}
    changes = snooze(db.sessions, task, NOW + 10 * MINUTE)
    assert changes.activities
    assert due_subjects(db, NOW + 9 * MINUTE) == []
    assert due_subjects(db, NOW + 10 * MINUTE) == ["send quote"]
    assert mark_reminded(db.sessions, [task], NOW + 10 * MINUTE) == {task}
    with db.sessions() as session:
        row = session.get_one(Activity, task)
        assert row.occurs_at == NOW  # the due time stays
        assert row.remind_at == NOW + 10 * MINUTE


def test_rescheduling_or_reassigning_reminds_again(db: Database) -> None:
    task = add(db, "demo", NOW, remind_at=NOW - MINUTE)
    assert mark_reminded(db.sessions, [task], NOW) == {task}
    reschedule(db.sessions, task, NOW + 60 * MINUTE)
    assert due_subjects(db, NOW + 58 * MINUTE) == []
    assert due_subjects(db, NOW + 59 * MINUTE) == ["demo"]
    assert mark_reminded(db.sessions, [task], NOW + 59 * MINUTE) == {task}
    anna = add_user(db, "Anna")
    reassign(db.sessions, [task], anna)
    assert due_subjects(db, NOW + 59 * MINUTE) == []
    later = NOW + 59 * MINUTE
    assert [r.subject for r in due_reminders(db.sessions, anna, later)] == ["demo"]


def test_claiming_keeps_the_version_so_an_open_dialog_can_save(db: Database) -> None:
    task = add(db, "demo", NOW, remind_at=NOW - MINUTE)
    with db.sessions() as session:
        before = session.scalar(select(Activity.version).where(Activity.id == task))
    mark_reminded(db.sessions, [task], NOW)
    with db.sessions() as session:
        assert session.scalar(select(Activity.version).where(Activity.id == task)) == before


def test_overdue_summary_counts_open_to_dos_and_names_the_oldest(db: Database) -> None:
    for n in range(5):
        add(db, f"late {n}", NOW - (10 - n) * MINUTE)
    add(db, "late but done", NOW - 60 * MINUTE, done=True)
    add(db, "an old e-mail", NOW - 60 * MINUTE, kind="email")
    add(db, "not late", NOW + MINUTE)
    add(db, "Anna's", NOW - 60 * MINUTE, owner=add_user(db, "Anna"))
    assert overdue_summary(db.sessions, me(db), NOW) == OverdueSummary(
        5, ("late 0", "late 1", "late 2")
    )


def test_default_reminder_time() -> None:
    assert default_remind_at("task", NOW) == NOW
    assert default_remind_at("call", NOW) == NOW
    assert default_remind_at("meeting", NOW) == NOW - MEETING_LEAD
    assert default_remind_at("task", NOW, done=True) is None
    assert default_remind_at("note", NOW) is None
