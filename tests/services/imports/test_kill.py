"""Killing the process in the middle of an import leaves a consistent database.

A child process imports a file in small batches and says when each batch is committed;
the test kills it (SIGKILL: no cleanup runs) while the next batch is being written, then
checks that nothing is half-written and that the import can be resumed, or undone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lease_support import lease_runs_out
from sqlalchemy import func, select, text

from crm_desktop.models import Contact, ContactMethod, ImportBatch
from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.lease import ImportBusy
from crm_desktop.services.imports.run import resume_import
from crm_desktop.services.imports.undo import undo_import

ROWS = 6000
BATCH = 500

CHILD = textwrap.dedent(
    """
    import sys
    from crm_desktop.models.database import open_database
    from crm_desktop.services.imports.prepare import prepare_import
    from crm_desktop.services.imports.run import run_import

    db = open_database(sys.argv[1])
    plan = prepare_import(db.sessions, __import__("pathlib").Path(sys.argv[2]), "contacts").plan
    plan = __import__("dataclasses").replace(plan, on_duplicate="create")  # every row is new

    def progress(fraction, message):
        if message.startswith("Importing:"):
            print("committed", flush=True)

    run_import(db.sessions, plan, progress, batch_rows=int(sys.argv[3]))
    print("finished", flush=True)
    """
)


def _file(tmp_path: Path) -> Path:
    lines = ["Name,Company,Email,Mobile"]
    for i in range(ROWS):
        lines.append(f"Person {i},Firm {i % 50},p{i}@example.com,")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _kill_after(url: str, path: Path, commits: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(path), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    seen = 0
    for line in child.stdout:
        if line.startswith("committed"):
            seen += 1
            if seen == commits:
                child.send_signal(signal.SIGKILL)  # while the next batch is being written
                break
        assert not line.startswith("finished"), "the import ended before it could be killed"
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL


def _consistent(db: Database, batch_id: object) -> int:
    """Every committed contact has its e-mail and its search document; returns how many."""
    with db.sessions() as session:
        contacts = session.scalar(
            select(func.count()).select_from(Contact).where(Contact.import_batch_id == batch_id)
        )
        methods = session.scalar(
            select(func.count())
            .select_from(ContactMethod)
            .where(ContactMethod.import_batch_id == batch_id)
        )
        orphans = session.scalar(
            select(func.count())
            .select_from(ContactMethod)
            .outerjoin(Contact, Contact.id == ContactMethod.contact_id)
            .where(ContactMethod.import_batch_id == batch_id, Contact.id.is_(None))
        )
        documents = session.scalar(text("SELECT count(*) FROM search_doc WHERE kind = 'contact'"))
        batch = session.scalars(select(ImportBatch)).one()
        assert (contacts, orphans, documents) == (methods, 0, contacts)
        assert batch.created == contacts  # the counters moved in the same transactions
        assert batch.rows_done == contacts and batch.rows_done % BATCH == 0
        return int(contacts or 0)


@pytest.mark.parametrize("then", ["resume", "undo"])
def test_a_killed_import_is_consistent_then_resumed_or_undone(
    db: Database, tmp_path: Path, then: str
) -> None:
    path = _file(tmp_path)
    _kill_after(db.url.render_as_string(hide_password=False), path, commits=3)
    [info] = list_batches(db.sessions)
    done = _consistent(db, info.id)
    assert BATCH * 3 <= done < ROWS
    if db.is_sqlite:  # the killed program's lease lives on until it runs out
        assert info.status == "running" and not info.can_undo and not info.can_resume
        with pytest.raises(ImportBusy):
            resume_import(db.sessions, info.id, batch_rows=BATCH)
        lease_runs_out(db, info.id)
    # PostgreSQL: the advisory lock went with the program's connection (a claim waits the
    # moment the server may take to notice).
    if then == "resume":
        report = resume_import(db.sessions, info.id, batch_rows=BATCH)
        assert report.created == ROWS and report.rows == ROWS
        assert _consistent(db, info.id) == ROWS
    else:
        undone = undo_import(db.sessions, info.id)
        assert undone.removed >= done
        with db.sessions() as session:
            live = session.scalar(
                select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))
            )
            documents = session.scalar(text("SELECT count(*) FROM search_doc"))
        assert (live, documents) == (0, 0)
