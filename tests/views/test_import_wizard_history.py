"""Stopping an import, resuming it from the history, undoing with conflicts, problem rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from import_wizard_support import ScriptedFiles, ScriptedPrompts, go_next, open_wizard
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from crm_desktop.models import Contact, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.records import save_record
from crm_desktop.views.import_wizard import ImportHistoryDialog
from crm_desktop.views.import_wizard import run_page as run_page_module
from crm_desktop.views.import_wizard.state import DUPLICATES_PAGE, RUN_PAGE, SUMMARY_PAGE

ROWS = 3000


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _count(db: Database, model: type) -> int:
    with db.sessions() as session:
        query = select(func.count()).select_from(model).where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
        return int(session.scalar(query) or 0)


def _big_csv(path: Path) -> Path:
    lines = ["Name,Email,City"]  # no company: names alike at one company would be duplicates
    lines += [f"Person {i:04d},p{i}@example.com,Shenzhen" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _history(qtbot, db: Database, prompts: ScriptedPrompts, files=None) -> ImportHistoryDialog:  # type: ignore[no-untyped-def]
    dialog = ImportHistoryDialog(db.sessions, prompts, files or ScriptedFiles())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.refreshed):
        dialog.show()
    return dialog


def test_a_stopped_import_is_resumed_from_the_history(  # type: ignore[no-untyped-def]
    qtbot, qtmodeltester, sqlite_db: Database, tmp_path: Path, monkeypatch
) -> None:
    real_run_import = run_page_module.run_import

    def run_in_small_batches(sessions, plan, progress, cancel):  # type: ignore[no-untyped-def]
        """The real import, 500 rows a batch, pausing after the first until Stop is pressed:
        the test stops it mid-way on every machine, however fast."""

        def gated(fraction: float, message: str = "") -> None:
            progress(fraction, message)
            if message.startswith("Importing:"):
                assert cancel.wait(20), "Stop was not pressed"

        return real_run_import(sessions, plan, gated, cancel, batch_rows=500)

    monkeypatch.setattr(run_page_module, "run_import", run_in_small_batches)
    prompts = ScriptedPrompts()
    wizard = open_wizard(qtbot, sqlite_db, _big_csv(tmp_path / "big.csv"), prompts)
    qtbot.waitUntil(wizard.file_page.isComplete)
    wizard.file_page.target_combo.setCurrentIndex(wizard.file_page.target_combo.findData("leads"))
    qtbot.waitUntil(lambda: wizard.file_page.isComplete() and wizard.state.plan.target == "leads")
    for page in (1, 2, DUPLICATES_PAGE):
        go_next(qtbot, wizard, page)
    go_next(qtbot, wizard, RUN_PAGE)
    run = wizard.run_page
    qtbot.waitUntil(lambda: "Importing: 500 of 3,000 rows" in run.progress.message_label.text())
    assert run.running and not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert wizard.isVisible() and run.progress.cancel_button.isEnabled()  # responsive meanwhile
    run.progress.cancel_button.click()
    qtbot.waitUntil(lambda: wizard.currentId() == SUMMARY_PAGE)
    summary = wizard.summary_page
    assert summary.cancelled_label.isVisible()
    assert "Import history" in summary.cancelled_label.text()
    assert summary.count_labels["created"].text() == "500"
    assert _count(sqlite_db, Lead) == 500

    dialog = _history(qtbot, sqlite_db, prompts)
    qtmodeltester.check(dialog.model)
    [batch] = dialog.model.rows
    assert (batch.status, batch.rows_done, batch.created) == ("cancelled", 500, 500)
    assert dialog.model.data(dialog.model.index(0, dialog.model.STATUS)) == "Cancelled"
    assert dialog.resume_button.isEnabled() and dialog.undo_button.isEnabled()
    assert not dialog.save_button.isEnabled()  # no row failed
    with qtbot.waitSignal(dialog.changes_made) as changed:
        dialog.resume_button.click()
    assert changed.args[0].leads
    qtbot.waitUntil(lambda: not dialog.loading and dialog.model.rows[0].status == "complete")
    assert dialog.status_label.text().startswith("Imported big.csv: 3,000 rows")
    assert not dialog.resume_button.isEnabled()
    assert _count(sqlite_db, Lead) == ROWS
    with sqlite_db.sessions() as session:
        names = session.scalars(
            select(Lead.person_name).where(Lead.person_name.like("Person 2999"))
        )
        assert list(names) == ["Person 2999"]
    assert prompts.errors == []


def _import(db: Database, tmp_path: Path, text: str, name: str = "people.csv") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run_import(db.sessions, prepare_import(db.sessions, path, "contacts").plan)


def test_undo_from_the_history_asks_about_records_edited_since(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    _import(sqlite_db, tmp_path, "Name,Email\nAnna Berg,anna@acme.de\nBo Chen,bo@acme.de\n")
    with sqlite_db.sessions() as session:
        bo = session.scalars(select(Contact).where(Contact.full_name == "Bo Chen")).one()
    save_record(sqlite_db.sessions, "contacts", bo.id, bo.version, {"title": "CTO"})
    prompts = ScriptedPrompts(True, False)  # undo: yes; the edited record too: no, keep it
    dialog = _history(qtbot, sqlite_db, prompts)
    with qtbot.waitSignal(dialog.changes_made) as changed:
        dialog.undo_button.click()
    assert changed.args[0].contacts
    confirm, conflicts = prompts.questions
    assert confirm.startswith("Undo the import of people.csv?")
    assert "2 contacts" in confirm and "1 record was edited after the import" in confirm
    assert "Bo Chen (created by the import)" in conflicts
    assert "Undo them too?" in conflicts
    qtbot.waitUntil(lambda: not dialog.loading and dialog.model.rows[0].status == "undone")
    assert "1 edited since the import left as they are" in dialog.status_label.text()
    assert not dialog.undo_button.isEnabled()
    with sqlite_db.sessions() as session:
        live = session.scalars(select(Contact.full_name).where(Contact.deleted_at.is_(None)))
        assert list(live) == ["Bo Chen"]


def test_declined_undo_changes_nothing(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import(sqlite_db, tmp_path, "Name,Email\nAnna Berg,anna@acme.de\n")
    prompts = ScriptedPrompts(False)
    dialog = _history(qtbot, sqlite_db, prompts)
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: len(prompts.questions) == 1 and dialog.undo_button.isEnabled())
    assert _count(sqlite_db, Contact) == 1
    assert dialog.model.rows[0].status == "complete"


def test_problem_rows_are_saved_as_a_sheet_from_the_history(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    _import(sqlite_db, tmp_path, "Name,Email\nAnna Berg,anna@acme.de\nBo Chen,bo@\n,x@y.de\n")
    target = tmp_path / "fix me.xlsx"
    files = ScriptedFiles(save_path=target)
    dialog = _history(qtbot, sqlite_db, ScriptedPrompts(), files)
    assert dialog.model.rows[0].failed == 2 and dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "saved to fix me.xlsx" in dialog.status_label.text())
    assert files.asked == ["people - problem rows.xlsx"]
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Name", "Email") and len(rows) == 3
    assert rows[1][:2] == ("Bo Chen", "bo@") and rows[1][2] == 3


def test_summary_saves_problem_rows(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Owner\nAnna Berg,anna@acme.de,Nobody\nBo Chen,bo@acme.de,\n", "utf-8"
    )
    target = tmp_path / "problems"
    wizard = open_wizard(qtbot, sqlite_db, path, files=ScriptedFiles(save_path=target))
    for page in (1, 2, DUPLICATES_PAGE):
        go_next(qtbot, wizard, page)
    dupes = wizard.duplicates_page
    dupes.find_button.click()
    qtbot.waitUntil(lambda: dupes.report is not None and dupes.isComplete())
    [failure] = dupes.failure_model.rows
    assert failure.row == 2 and "no user named 'Nobody'" in failure.reason
    assert dupes.tabs.tabText(1) == "Rows that would fail (1)"
    go_next(qtbot, wizard, SUMMARY_PAGE)
    summary = wizard.summary_page
    assert summary.count_labels["failed"].text() == "1"
    assert summary.failed_model.rowCount() == 1
    assert "Nobody" in summary.failed_model.data(summary.failed_model.index(0, 2))
    summary.save_button.click()
    qtbot.waitUntil(lambda: "saved to problems.xlsx" in summary.result_label.text())
    rows = list(
        openpyxl.load_workbook(tmp_path / "problems.xlsx").active.iter_rows(values_only=True)
    )
    assert rows[1][:3] == ("Anna Berg", "anna@acme.de", "Nobody")


def test_closing_the_wizard_stops_a_running_import_after_its_batch(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path, monkeypatch
) -> None:
    real_run_import = run_page_module.run_import

    def run_in_small_batches(sessions, plan, progress, cancel):  # type: ignore[no-untyped-def]
        def gated(fraction: float, message: str = "") -> None:
            progress(fraction, message)
            if message.startswith("Importing:"):
                assert cancel.wait(20), "the import was not stopped"

        return real_run_import(sessions, plan, gated, cancel, batch_rows=500)

    monkeypatch.setattr(run_page_module, "run_import", run_in_small_batches)
    wizard = open_wizard(qtbot, sqlite_db, _big_csv(tmp_path / "big.csv"))
    for page in (1, 2, DUPLICATES_PAGE, RUN_PAGE):
        go_next(qtbot, wizard, page)
    qtbot.waitUntil(lambda: "Importing: 500" in wizard.run_page.progress.message_label.text())
    with qtbot.waitSignal(wizard.import_finished) as finished:
        wizard.reject()  # Esc or Cancel: stop first, close after the batch
        assert wizard.isVisible()
    assert finished.args[0].cancelled
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert _count(sqlite_db, Contact) == 500
