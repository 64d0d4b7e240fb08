"""The Tasks page's lists: buckets, order, counts, owners, links; reschedule and reassign."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from crm_desktop.models import Activity, Company, Contact, Deal, Stage, User
from crm_desktop.models.database import Database
from crm_desktop.services.activities.schedule import Bucket, next_week, tomorrow
from crm_desktop.services.activities.store import reassign, reschedule, set_done
from crm_desktop.services.activities.tasks import TaskCounts, list_tasks, task_options

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 12:00 in Berlin


def me(db: Database) -> uuid.UUID:
    with db.sessions() as session:
        return session.scalars(select(User.id).where(User.is_local)).one()


def add_user(db: Database, name: str) -> uuid.UUID:
    with db.sessions.begin() as session:
        user = User(name=name)
        session.add(user)
        session.flush()
        return user.id


def add(
    db: Database,
    subject: str,
    occurs_at: dt.datetime,
    *,
    kind: str = "task",
    done: bool = False,
    done_at: dt.datetime | None = None,
    owner: uuid.UUID | None = None,
    remind_at: dt.datetime | None = None,
    deleted: bool = False,
    **links: uuid.UUID,
) -> uuid.UUID:
    with db.sessions.begin() as session:
        owner_id = owner or session.scalars(select(User.id).where(User.is_local)).one()
        activity = Activity(
            kind=kind,
            subject=subject,
            occurs_at=occurs_at,
            done=done,
            done_at=done_at or (occurs_at if done else None),
            owner_id=owner_id,
            remind_at=remind_at,
            deleted_at=NOW if deleted else None,
            **links,
        )
        session.add(activity)
        session.flush()
        return activity.id


def subjects(db: Database, bucket: Bucket, **kwargs: object) -> list[str]:
    options = {"now": NOW, "zone": BERLIN, **kwargs}
    return [row.subject for row in list_tasks(db.sessions, bucket, **options).rows]  # type: ignore[arg-type]


def test_buckets_order_and_counts(db: Database) -> None:
    hour = dt.timedelta(hours=1)
    add(db, "old", NOW - 48 * hour)
    add(db, "recent", NOW - hour)
    add(db, "due now", NOW)
    add(db, "tonight", NOW + 11 * hour)  # 23:00 Berlin
    add(db, "midnight", dt.datetime(2026, 6, 15, 22, 0, tzinfo=UTC))  # 00:00 Berlin: tomorrow
    add(db, "later", NOW + 72 * hour)
    add(db, "done long ago", NOW - 50 * hour, done=True, done_at=NOW - 40 * hour)
    add(db, "done just now", NOW - 60 * hour, done=True, done_at=NOW - hour)
    add(db, "deleted", NOW - hour, deleted=True)
    add(db, "an e-mail", NOW - hour, kind="email")
    add(db, "a note", NOW + hour, kind="note")

    assert subjects(db, Bucket.OVERDUE) == ["old", "recent"]
    assert subjects(db, Bucket.TODAY) == ["due now", "tonight"]
    assert subjects(db, Bucket.UPCOMING) == ["midnight", "later"]
    assert subjects(db, Bucket.DONE) == ["done just now", "done long ago"]
    result = list_tasks(db.sessions, Bucket.TODAY, now=NOW, zone=BERLIN)
    assert result.counts == TaskCounts(overdue=2, today=2, upcoming=2)  # Done is not counted
    assert result.counts.of(Bucket.UPCOMING) == 2
    assert not result.truncated


def test_planned_calls_and_meetings_are_to_dos_until_done(db: Database) -> None:
    add(db, "call back", NOW + dt.timedelta(hours=2), kind="call")
    add(db, "visit", NOW + dt.timedelta(hours=3), kind="meeting")
    add(db, "logged call", NOW - dt.timedelta(hours=3), kind="call", done=True)
    assert subjects(db, Bucket.TODAY) == ["call back", "visit"]
    assert subjects(db, Bucket.DONE) == ["logged call"]
    assert subjects(db, Bucket.TODAY, kinds=("task",)) == []


def test_today_differs_between_shanghai_and_new_york(db: Database) -> None:
    now = dt.datetime(2026, 6, 15, 20, 0, tzinfo=UTC)  # Shanghai: 04:00 the 16th; NY 16:00
    add(db, "13:00 in Shanghai", dt.datetime(2026, 6, 16, 5, 0, tzinfo=UTC))
    assert subjects(db, Bucket.TODAY, now=now, zone=SHANGHAI) == ["13:00 in Shanghai"]
    assert subjects(db, Bucket.UPCOMING, now=now, zone=NEW_YORK) == ["13:00 in Shanghai"]


def test_owner_filter_owner_names_and_options(db: Database) -> None:
    anna = add_user(db, "Anna")
    add(db, "mine", NOW + dt.timedelta(hours=1))
    add(db, "annas", NOW + dt.timedelta(hours=2), owner=anna)
    assert subjects(db, Bucket.TODAY, owner_id=me(db)) == ["mine"]
    assert subjects(db, Bucket.TODAY, owner_id=anna) == ["annas"]
    everyone = list_tasks(db.sessions, Bucket.TODAY, now=NOW, zone=BERLIN)
    assert [r.owner_name for r in everyone.rows] == ["Me", "Anna"]
    assert list_tasks(
        db.sessions, Bucket.TODAY, owner_id=anna, now=NOW, zone=BERLIN
    ).counts == TaskCounts(today=1)
    options = task_options(db.sessions)
    assert options.me == me(db)
    assert [o.label for o in options.owners] == ["Anna", "Me"]


def test_links_come_with_names_in_one_query(db: Database) -> None:
    with db.sessions.begin() as session:
        company = Company(name="Acme")
        session.add(company)
        session.flush()
        contact = Contact(full_name="张伟", company_id=company.id)
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        session.add(contact)
        session.flush()
        deal = Deal(
            title="Fit-out", pipeline_id=stage.pipeline_id, stage_id=stage.id, currency="USD"
        )
        session.add(deal)
        session.flush()
        ids = company.id, contact.id, deal.id
    for n in range(20):
        add(
            db,
            f"t{n:02}",
            NOW + dt.timedelta(minutes=n + 1),
            company_id=ids[0],
            contact_id=ids[1],
            deal_id=ids[2],
        )
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = list_tasks(db.sessions, Bucket.TODAY, now=NOW, zone=BERLIN)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # counts, rows, labels: no query per row
    assert [(ref.kind, ref.label) for ref in result.rows[0].links] == [
        ("deals", "Fit-out"),
        ("contacts", "张伟"),
        ("companies", "Acme"),
    ]
    first = result.rows[0].first_link()
    assert first is not None and first.id == ids[2]


def test_limit_cuts_the_list_and_says_so(db: Database) -> None:
    for n in range(5):
        add(db, f"t{n}", NOW + dt.timedelta(minutes=n + 1))
    result = list_tasks(db.sessions, Bucket.TODAY, now=NOW, zone=BERLIN, limit=3)
    assert [r.subject for r in result.rows] == ["t0", "t1", "t2"]
    assert result.truncated
    assert result.counts.today == 5


def test_check_off_and_reopen_move_between_buckets(db: Database) -> None:
    task = add(db, "call Anna", NOW - dt.timedelta(hours=1))
    set_done(db.sessions, [task], True, now=NOW)
    assert subjects(db, Bucket.OVERDUE) == []
    done = list_tasks(db.sessions, Bucket.DONE, now=NOW, zone=BERLIN).rows
    assert [(r.subject, r.done_at) for r in done] == [("call Anna", NOW)]
    set_done(db.sessions, [task], False)
    assert subjects(db, Bucket.OVERDUE) == ["call Anna"]


def test_reschedule_to_tomorrow_moves_the_reminder_along(db: Database) -> None:
    due = dt.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, the day before DST
    task = add(db, "follow up", due, remind_at=due - dt.timedelta(minutes=30))
    with db.sessions.begin() as session:
        session.get_one(Activity, task).reminded_at = due
    now = due + dt.timedelta(hours=1)
    new_due = tomorrow(due, now, BERLIN)
    reschedule(db.sessions, task, new_due)
    with db.sessions() as session:
        row = session.get_one(Activity, task)
        assert row.occurs_at.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(
            2026, 3, 29, 9, 0
        )
        assert row.remind_at == new_due - dt.timedelta(minutes=30)
        assert row.reminded_at is None
    early = dt.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST: due later today
    assert subjects(db, Bucket.TODAY, now=early) == ["follow up"]


def test_next_week_from_sunday_lands_on_monday(db: Database) -> None:
    sunday = dt.datetime(2026, 6, 14, 7, 0, tzinfo=UTC)  # 09:00 Berlin
    task = add(db, "weekly report", sunday)
    reschedule(db.sessions, task, next_week(sunday, sunday, BERLIN))
    monday = list_tasks(db.sessions, Bucket.UPCOMING, now=sunday, zone=BERLIN).rows[0]
    assert monday.occurs_at.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(
        2026, 6, 15, 9, 0
    )


def test_reassign_gives_the_task_and_a_fresh_reminder_to_the_new_owner(db: Database) -> None:
    anna = add_user(db, "Anna")
    task = add(db, "quote", NOW + dt.timedelta(hours=1), remind_at=NOW)
    with db.sessions.begin() as session:
        session.get_one(Activity, task).reminded_at = NOW
    reassign(db.sessions, [task], anna)
    with db.sessions() as session:
        row = session.get_one(Activity, task)
        assert row.owner_id == anna
        assert row.reminded_at is None
    assert subjects(db, Bucket.TODAY, owner_id=anna) == ["quote"]
    assert subjects(db, Bucket.TODAY, owner_id=me(db)) == []
