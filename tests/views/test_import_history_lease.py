"""The import history offers Resume and Undo only for an import no program runs, and says why."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from import_wizard_support import ScriptedFiles, ScriptedPrompts
from lease_support import lease_runs_out
from PySide6.QtCore import QThreadPool
from sqlalchemy import update

from crm_desktop.models import ImportBatch, utcnow
from crm_desktop.models.database import Database
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.views.import_wizard import ImportHistoryDialog

RUNNING = "running in another window or program"


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _stopped_import(db: Database, tmp_path: Path, **kwargs: object) -> uuid.UUID:
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email\n" + "".join(f"Person {i:02d},p{i}@example.com\n" for i in range(30)),
        encoding="utf-8",
    )
    plan = replace(prepare_import(db.sessions, path, "contacts").plan, on_duplicate="create")
    report = run_import(db.sessions, plan, batch_rows=10, **kwargs)  # type: ignore[arg-type]
    assert report.batch_id is not None
    return report.batch_id


def _history(qtbot, db: Database, prompts: ScriptedPrompts) -> ImportHistoryDialog:  # type: ignore[no-untyped-def]
    dialog = ImportHistoryDialog(db.sessions, prompts, ScriptedFiles())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.refreshed):
        dialog.show()
    return dialog


def _shot(dialog: ImportHistoryDialog, name: str) -> None:
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        dialog.grab().save(str(Path(folder) / name))


def test_an_import_a_program_runs_is_offered_neither_resume_nor_undo(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    batch_id = _stopped_import(sqlite_db, tmp_path, stop_after=1)  # as a program still running
    prompts = ScriptedPrompts()
    dialog = _history(qtbot, sqlite_db, prompts)
    [batch] = dialog.model.rows
    assert (batch.status, batch.busy) == ("running", True)
    assert not dialog.resume_button.isEnabled() and not dialog.undo_button.isEnabled()
    assert RUNNING in dialog.status_label.text()
    assert RUNNING in dialog.undo_button.toolTip()
    _shot(dialog, "safety-history-running.png")

    lease_runs_out(sqlite_db, batch_id)  # the program was killed, and LEASE has gone by
    with qtbot.waitSignal(dialog.refreshed):
        dialog.refresh_button.click()
    [batch] = dialog.model.rows
    assert (batch.status, batch.busy) == ("interrupted", False)
    assert dialog.resume_button.isEnabled() and dialog.undo_button.isEnabled()
    assert RUNNING not in dialog.status_label.text() and not dialog.undo_button.toolTip()
    _shot(dialog, "safety-history-interrupted.png")
    assert prompts.errors == []


@pytest.mark.parametrize("action", ["resume", "undo"])
def test_an_import_another_program_took_up_meanwhile_is_refused_with_the_reason(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path, action: str
) -> None:
    cancel = __import__("threading").Event()
    cancel.set()  # stopped before its first batch: a cancelled import, free to resume
    batch_id = _stopped_import(sqlite_db, tmp_path, cancel=cancel)
    prompts = ScriptedPrompts()
    dialog = _history(qtbot, sqlite_db, prompts)
    assert dialog.resume_button.isEnabled() and dialog.undo_button.isEnabled()
    with sqlite_db.sessions.begin() as session:  # another window resumes it meanwhile
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status="running",
                lease_token=uuid.uuid4(),
                lease_until=utcnow() + dt.timedelta(minutes=2),
            )
        )
    button = dialog.resume_button if action == "resume" else dialog.undo_button
    button.click()
    qtbot.waitUntil(lambda: len(prompts.errors) == 1)
    assert RUNNING in prompts.errors[0] and "people.csv" in prompts.errors[0]
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.loading)
    qtbot.waitUntil(lambda: RUNNING in dialog.status_label.text())
    assert not dialog.resume_button.isEnabled() and not dialog.undo_button.isEnabled()
    assert prompts.questions == []  # the undo was refused before asking anything
    _shot(dialog, f"safety-history-refused-{action}.png")
