"""An import that is running holds its batch's lease: resume and undo wait until it stops.

In these tests the "other program" runs in the import's own progress callback (called
after each committed batch), on connections of its own: deterministic, and the same
conditions as another window. test_lease_processes.py does it with two real processes.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from lease_support import lease_runs_out
from sqlalchemy import func, select, update

from crm_desktop.models import Contact, ContactMethod, ImportBatch
from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.lease import ImportBusy, LeaseLost
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import ImportReport, resume_import, run_import
from crm_desktop.services.imports.undo import preview_undo, undo_import

ROWS = 60
BATCH = 10


def _file(tmp_path: Path, rows: int = ROWS) -> Path:
    lines = ["Name,Company,Email"] + [
        f"Person {i},Firm {i % 5},p{i}@example.com" for i in range(rows)
    ]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plan(db: Database, path: Path):  # type: ignore[no-untyped-def]
    return replace(prepare_import(db.sessions, path, "contacts").plan, on_duplicate="create")


def _the_batch(db: Database) -> uuid.UUID:
    with db.sessions() as session:
        return session.scalars(select(ImportBatch.id)).one()


def _contacts(db: Database) -> tuple[int, int]:
    """(live contacts, distinct live e-mails)."""
    with db.sessions() as session:
        live = session.scalar(
            select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))
        )
        emails = session.scalar(
            select(func.count(func.distinct(ContactMethod.normalized))).where(
                ContactMethod.deleted_at.is_(None)
            )
        )
    return int(live or 0), int(emails or 0)


def test_resume_and_undo_are_refused_while_the_import_runs(db: Database, tmp_path: Path) -> None:
    plan = _plan(db, _file(tmp_path))
    refusals: list[str] = []
    seen: list[tuple[str, bool, bool]] = []

    def other_window(_fraction: float, message: str) -> None:
        if not message.startswith("Importing:") or refusals:
            return
        batch_id = _the_batch(db)
        [info] = list_batches(db.sessions)
        seen.append((info.status, info.can_resume, info.can_undo))
        for attempt in (
            lambda: resume_import(db.sessions, batch_id, batch_rows=BATCH),
            lambda: undo_import(db.sessions, batch_id),
            lambda: preview_undo(db.sessions, batch_id),
        ):
            with pytest.raises(ImportBusy) as refused:
                attempt()
            refusals.append(str(refused.value))

    report = run_import(db.sessions, plan, other_window, batch_rows=BATCH)
    assert seen == [("running", False, False)]
    assert len(refusals) == 3
    assert all("is running in another window or program" in r for r in refusals)
    assert "people.csv" in refusals[0]
    assert (report.created, report.rows) == (ROWS, ROWS)
    assert _contacts(db) == (ROWS, ROWS)
    [info] = list_batches(db.sessions)
    assert (info.status, info.created, info.can_undo, info.busy) == ("complete", ROWS, True, False)
    undone = undo_import(db.sessions, info.id)  # once it has stopped, undo works
    assert undone.removed == ROWS + 5  # the contacts and the five companies
    assert _contacts(db) == (0, 0)


def test_an_import_that_lost_its_lease_stops_before_writing_its_batch(
    db: Database, tmp_path: Path
) -> None:
    """The fence: a program stalled past its lease, whose import another program took over,
    writes nothing more (here the takeover is the token changing under it)."""
    plan = _plan(db, _file(tmp_path))
    taken: list[uuid.UUID] = []

    def taken_over(_fraction: float, message: str) -> None:
        if message.startswith("Importing:") and not taken:
            taken.append(uuid.uuid4())
            with db.sessions.begin() as session:
                session.execute(update(ImportBatch).values(lease_token=taken[0], status="running"))

    with pytest.raises(LeaseLost, match="taken over by another window or program"):
        run_import(db.sessions, plan, taken_over, batch_rows=BATCH)
    assert _contacts(db) == (BATCH, BATCH)  # the first batch only
    with db.sessions() as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert (batch.status, batch.rows_done, batch.created) == ("running", BATCH, BATCH)
        assert batch.lease_token == taken[0]  # the new holder's row is left alone


def test_a_cancelled_import_can_be_resumed_at_once(db: Database, tmp_path: Path) -> None:
    import threading

    plan = _plan(db, _file(tmp_path))
    cancel = threading.Event()

    def cancel_after_first(_fraction: float, message: str) -> None:
        if message.startswith("Importing:"):
            cancel.set()

    stopped = run_import(db.sessions, plan, cancel_after_first, cancel, batch_rows=BATCH)
    assert stopped.cancelled and stopped.created == BATCH
    [info] = list_batches(db.sessions)
    assert (info.status, info.busy, info.can_resume) == ("cancelled", False, True)
    resumed = resume_import(db.sessions, info.id, batch_rows=BATCH)
    assert (resumed.created, resumed.rows) == (ROWS, ROWS)
    with db.sessions() as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert (batch.status, batch.lease_token, batch.lease_until) == ("complete", None, None)


def test_a_stopped_import_is_free_once_its_program_is_gone(db: Database, tmp_path: Path) -> None:
    """stop_after leaves the batch as a killed program does. PostgreSQL's lock went with the
    program's connection; SQLite's lease runs out (LEASE) before resume and undo are allowed."""
    plan = _plan(db, _file(tmp_path))
    partial: ImportReport = run_import(db.sessions, plan, batch_rows=BATCH, stop_after=2)
    assert partial.batch_id is not None
    if db.is_sqlite:
        [info] = list_batches(db.sessions)
        assert (info.status, info.busy, info.can_undo) == ("running", True, False)
        with pytest.raises(ImportBusy, match="after"):  # says until when
            resume_import(db.sessions, partial.batch_id)
        lease_runs_out(db, partial.batch_id)
    [info] = list_batches(db.sessions)
    assert (info.status, info.busy, info.can_resume, info.can_undo) == (
        "interrupted",
        False,
        True,
        True,
    )
    resumed = resume_import(db.sessions, partial.batch_id, batch_rows=BATCH)
    assert resumed.created == ROWS
    assert _contacts(db) == (ROWS, ROWS)
