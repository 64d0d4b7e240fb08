"""Creating, editing, checking off, rescheduling and reassigning activities."""

from __future__ import annotations

import datetime as dt

import pytest
from activity_support import NOW, Customer, add_deal, at, build_customer
from sqlalchemy import select

from crm_desktop.models import Activity, Contact, User
from crm_desktop.models.database import Database
from crm_desktop.services.activities.store import (
    ActivityInput,
    delete_activity,
    load_activity,
    reassign,
    reschedule,
    save_activity,
    set_done,
)
from crm_desktop.services.records import RecordNotFoundError, StaleRecordError, ValidationError


@pytest.fixture
def customer(db: Database) -> Customer:
    return build_customer(db)


def test_a_call_about_a_deal_is_linked_to_the_deal_its_contact_and_company(
    db: Database, customer: Customer
) -> None:
    deal = add_deal(db, customer, "Pumps", "Proposal", "5000")
    saved = save_activity(
        db.sessions,
        ActivityInput("call", "  Talked prices ", at(-1), body="Wants 10 %", deal_id=deal),
    )
    detail = saved.detail
    assert saved.changes.activities
    assert detail.subject == "Talked prices"
    assert detail.link_id("deals") == deal
    assert detail.link_id("contacts") == customer.contact
    assert detail.link_id("companies") == customer.company
    assert [link.label for link in detail.links] == ["Pumps", "Anna Müller", "Acme GmbH"]
    assert detail.owner_name == "Me"  # the current user when none is chosen


def test_validation_names_every_bad_field(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        save_activity(
            db.sessions,
            ActivityInput("visit", " ", dt.datetime(2026, 1, 1), duration_minutes=-5),
        )
    assert set(caught.value.errors) == {"kind", "subject", "occurs_at", "duration_minutes"}


def test_linking_a_deleted_record_is_refused(db: Database, customer: Customer) -> None:
    with db.sessions.begin() as session:
        contact = session.get(Contact, customer.contact)
        assert contact is not None
        contact.deleted_at = NOW
    with pytest.raises(RecordNotFoundError):
        save_activity(db.sessions, ActivityInput("note", "x", NOW, contact_id=customer.contact))


def test_edit_checks_the_version(db: Database, customer: Customer) -> None:
    first = save_activity(
        db.sessions, ActivityInput("task", "Send quote", at(2), contact_id=customer.contact)
    ).detail
    edited = save_activity(
        db.sessions,
        ActivityInput("task", "Send the quote", at(3), contact_id=customer.contact),
        first.id,
        first.version,
    ).detail
    assert edited.subject == "Send the quote"
    assert edited.version == first.version + 1
    with pytest.raises(StaleRecordError):
        save_activity(
            db.sessions,
            ActivityInput("task", "Mine", at(3), contact_id=customer.contact),
            first.id,
            first.version,
        )


def test_done_and_reopen_keep_done_at_honest(db: Database, customer: Customer) -> None:
    task = save_activity(db.sessions, ActivityInput("task", "Call back", at(1))).detail
    set_done(db.sessions, [task.id], True, now=at(0, 15))
    assert load_activity(db.sessions, task.id).done_at == at(0, 15)
    set_done(db.sessions, [task.id], True, now=at(0, 16))  # checking twice keeps the first
    assert load_activity(db.sessions, task.id).done_at == at(0, 15)
    set_done(db.sessions, [task.id], False)
    reopened = load_activity(db.sessions, task.id)
    assert (reopened.done, reopened.done_at) == (False, None)


def test_reschedule_moves_the_reminder_with_the_task(db: Database, customer: Customer) -> None:
    task = save_activity(
        db.sessions,
        ActivityInput("task", "Demo", at(1, 9), remind_at=at(1, 9) - dt.timedelta(minutes=15)),
    ).detail
    with db.sessions.begin() as session:
        row = session.get(Activity, task.id)
        assert row is not None
        row.reminded_at = NOW
    reschedule(db.sessions, task.id, at(3, 14))
    moved = load_activity(db.sessions, task.id)
    assert moved.occurs_at == at(3, 14)
    assert moved.remind_at == at(3, 14) - dt.timedelta(minutes=15)
    assert moved.reminded_at is None  # it will remind again
    with pytest.raises(ValidationError):
        reschedule(db.sessions, task.id, dt.datetime(2026, 7, 1, 9))


def test_reassign_gives_the_task_and_its_reminder_to_another_user(
    db: Database, customer: Customer
) -> None:
    with db.sessions.begin() as session:
        bo = User(name="Bo")
        session.add(bo)
        session.flush()
        bo_id = bo.id
    task = save_activity(db.sessions, ActivityInput("task", "Visit", at(1))).detail
    reassign(db.sessions, [task.id], bo_id)
    assert load_activity(db.sessions, task.id).owner_name == "Bo"


def test_delete_is_soft(db: Database, customer: Customer) -> None:
    note = save_activity(db.sessions, ActivityInput("note", "Likes tea", NOW)).detail
    delete_activity(db.sessions, note.id)
    with pytest.raises(RecordNotFoundError):
        load_activity(db.sessions, note.id)
    with db.sessions() as session:
        assert session.scalar(select(Activity.deleted_at).where(Activity.id == note.id))
