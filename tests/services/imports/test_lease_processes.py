"""Two real processes: one imports, the other tries `import --resume` and `undo-import`.

The importing child stops and waits (for a file the test creates) either between two
batches or inside one, written but not committed (on SQLite it then holds the write lock):
a deterministic moment in the middle of a running import. The refused commands must leave
the import to finish alone: every row once, no duplicate e-mail, the batch complete.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lease_support import lease_runs_out
from sqlalchemy import func, select

from crm_desktop import cli
from crm_desktop.models import Contact, ContactMethod, ImportBatch
from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.lease import ImportBusy
from crm_desktop.services.imports.run import resume_import

ROOT = Path(__file__).resolve().parents[3]
ROWS = 2000
BATCH = 200

CHILD = textwrap.dedent(
    """
    import sys, time
    from dataclasses import replace
    from pathlib import Path
    from sqlalchemy import Engine, event
    from crm_desktop.models.database import open_database
    from crm_desktop.services.imports.lease import LeaseLost
    from crm_desktop.services.imports.prepare import prepare_import
    from crm_desktop.services.imports.run import run_import

    url, path, rows, release, where = sys.argv[1:6]
    db = open_database(url)
    plan = prepare_import(db.sessions, Path(path), "contacts").plan
    plan = replace(plan, on_duplicate="create")  # every row is a new person
    state = {"commits": 0, "held": False}

    def hold():
        state["held"] = True
        print("holding", flush=True)
        while not Path(release).exists():
            time.sleep(0.02)

    def progress(fraction, message):
        if message.startswith("Importing:"):
            state["commits"] += 1
            if where == "between" and not state["held"]:
                hold()

    @event.listens_for(Engine, "after_cursor_execute")
    def inside(conn, cursor, statement, parameters, context, executemany):
        if where == "inside" and state["commits"] == 1 and not state["held"]:
            if statement.lstrip().startswith("UPDATE import_batch"):
                hold()  # the second batch is written, not committed (its rows go straight
                # to the driver; its counters are the last statement before the commit)

    try:
        report = run_import(db.sessions, plan, progress, batch_rows=int(rows))
    except LeaseLost as exc:
        print("lost:", exc, flush=True)
        sys.exit(3)
    print("finished", report.created, flush=True)
    """
)


def _file(tmp_path: Path) -> Path:
    lines = ["Name,Company,Email"] + [
        f"Person {i},Firm {i % 40},p{i}@example.com" for i in range(ROWS)
    ]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start(db: Database, tmp_path: Path, where: str) -> tuple[subprocess.Popen[str], Path]:
    release = tmp_path / "release"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            db.url.render_as_string(hide_password=False),
            str(_file(tmp_path)),
            str(BATCH),
            str(release),
            where,
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == "holding\n", line + child.stderr.read()  # type: ignore[union-attr]
    return child, release


def _finish(child: subprocess.Popen[str], release: Path) -> tuple[int, str]:
    release.touch()
    out, err = child.communicate(timeout=300)
    return child.returncode, out + err


def _state(db: Database) -> tuple[int, int, str, int]:
    """(live contacts, distinct live e-mails, batch status, batch created)."""
    with db.sessions() as session:
        live = session.scalar(
            select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))
        )
        emails = session.scalar(
            select(func.count(func.distinct(ContactMethod.normalized))).where(
                ContactMethod.deleted_at.is_(None)
            )
        )
        batch = session.scalars(select(ImportBatch)).one()
        return int(live or 0), int(emails or 0), batch.status, batch.created


@pytest.mark.parametrize("where", ["between", "inside"])
def test_resume_and_undo_from_another_process_are_refused_while_it_imports(
    db: Database, tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    child, release = _start(db, tmp_path, where)
    try:
        [info] = list_batches(db.sessions)
        assert (info.status, info.busy, info.can_resume, info.can_undo) == (
            "running",
            True,
            False,
            False,
        )
        url = db.url.render_as_string(hide_password=False)
        capsys.readouterr()
        for argv in (
            ["import", "--resume", str(info.id)[:8], "--db", url],
            ["undo-import", str(info.id), "--yes", "--db", url],
        ):
            assert cli.main(argv) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "is running in another window or program" in err
    finally:
        code, output = _finish(child, release)
    assert code == 0, output
    assert _state(db) == (ROWS, ROWS, "complete", ROWS)
    # Now that it has stopped, the same undo goes through.
    assert cli.main(["undo-import", str(info.id), "--yes", "--db", url]) == 0
    assert _state(db)[:3] == (0, 0, "undone")


def test_a_stalled_import_taken_over_writes_nothing_more(db: Database, tmp_path: Path) -> None:
    """Its lease ran out (a program stalled longer than LEASE): on SQLite a resume takes the
    import over and finishes it, and the stalled program, woken up, stops at its fence. On
    PostgreSQL the stalled program's lock still says it is alive: the resume is refused."""
    child, release = _start(db, tmp_path, "between")
    try:
        [info] = list_batches(db.sessions)
        lease_runs_out(db, info.id)
        if db.is_sqlite:
            report = resume_import(db.sessions, info.id, batch_rows=BATCH)
            assert report.created == ROWS
        else:
            with pytest.raises(ImportBusy):
                resume_import(db.sessions, info.id, batch_rows=BATCH)
    finally:
        code, output = _finish(child, release)
    if db.is_sqlite:
        assert code == 3 and "lost:" in output and "taken over" in output
    else:
        assert code == 0, output
    assert _state(db) == (ROWS, ROWS, "complete", ROWS)
