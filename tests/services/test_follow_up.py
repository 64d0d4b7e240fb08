"""Contacts' and companies' last contact and next step follow every change of their activities."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from activity_support import Customer, at, build_customer
from alembic import command
from schema_support import before_sort_keys
from sqlalchemy import insert, select

from crm_desktop.models import Activity, Company, Contact
from crm_desktop.models.database import Database
from crm_desktop.models.migrations import alembic_config
from crm_desktop.services.activities.store import (
    ActivityInput,
    delete_activity,
    reschedule,
    save_activity,
    set_done,
    undelete_activity,
)


@pytest.fixture
def customer(db: Database) -> Customer:
    return build_customer(db)


def _dates(db: Database, model: type[Contact | Company], record_id: uuid.UUID) -> tuple:
    with db.sessions() as session:
        row = session.execute(
            select(model.last_contact_at, model.next_step_at, model.version).where(
                model.id == record_id
            )
        ).one()
        return tuple(row)


def test_every_change_of_an_activity_moves_the_dates(db: Database, customer: Customer) -> None:
    c = customer
    call = save_activity(
        db.sessions, ActivityInput("call", "Intro", at(-5), done=True, contact_id=c.contact)
    ).detail
    assert _dates(db, Contact, c.contact) == (at(-5), None, 1)  # the version does not move
    assert _dates(db, Company, c.company) == (at(-5), None, 1)

    task = save_activity(
        db.sessions, ActivityInput("task", "Quote", at(2), contact_id=c.contact)
    ).detail
    assert _dates(db, Contact, c.contact)[:2] == (at(-5), at(2))
    reschedule(db.sessions, task.id, at(4))
    assert _dates(db, Contact, c.contact)[1] == at(4)
    set_done(db.sessions, [task.id])
    assert _dates(db, Contact, c.contact)[1] is None  # nothing open any more

    # The call moves to the other contact: both are recomputed.
    save_activity(
        db.sessions,
        ActivityInput("call", "Intro", at(-5), done=True, contact_id=c.other_contact),
        call.id,
    )
    assert _dates(db, Contact, c.contact)[0] is None
    assert _dates(db, Contact, c.other_contact)[0] == at(-5)
    assert _dates(db, Company, c.company)[0] == at(-5)  # still its company's
    delete_activity(db.sessions, call.id)
    assert _dates(db, Company, c.company)[0] is None
    undelete_activity(db.sessions, call.id)
    assert _dates(db, Company, c.company)[0] == at(-5)


def test_notes_and_tasks_are_no_contact(db: Database, customer: Customer) -> None:
    save_activity(
        db.sessions,
        ActivityInput("note", "Likes tea", at(-1), done=True, contact_id=customer.contact),
    )
    save_activity(
        db.sessions, ActivityInput("task", "Old", at(-2), done=True, contact_id=customer.contact)
    )
    assert _dates(db, Contact, customer.contact)[:2] == (None, None)


def test_migration_fills_the_dates_of_existing_activities(db: Database) -> None:
    config = alembic_config()
    now = dt.datetime.now(dt.UTC)
    contact_id = uuid.uuid4()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
        conn.execute(
            insert(before_sort_keys(Contact)).values(
                id=contact_id, full_name="Jürgen Groß", created_at=now, updated_at=now, version=1
            )
        )
        for kind, days, done in (("call", -3, True), ("email", -9, True), ("task", 2, False)):
            conn.execute(
                insert(Activity.__table__).values(
                    id=uuid.uuid4(), kind=kind, subject=kind, occurs_at=at(days), done=done,
                    contact_id=contact_id, created_at=now, updated_at=now, version=1,
                )
            )  # fmt: skip
        command.upgrade(config, "head")
    assert _dates(db, Contact, contact_id) == (at(-3), at(2), 1)
