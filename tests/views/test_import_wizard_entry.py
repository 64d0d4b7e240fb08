"""Starting an import: a typed or pasted path, "Into" from the page it was opened from,
and the duplicate count known without asking for it."""

from __future__ import annotations

from pathlib import Path

from import_wizard_support import PEOPLE_CSV, ScriptedFiles, ScriptedPrompts, go_next
from PySide6.QtCore import Qt

from crm_desktop.models.database import Database
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.views.import_wizard import ImportWizard
from crm_desktop.views.import_wizard.reading import typed_path
from crm_desktop.views.import_wizard.state import CHECK_PAGE, DUPLICATES_PAGE, MAPPING_PAGE


def _wizard(qtbot, db: Database, target: str = "") -> ImportWizard:  # type: ignore[no-untyped-def]
    wizard = ImportWizard(db.sessions, ScriptedPrompts(), ScriptedFiles(), None, None, target)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _type_path(qtbot, wizard: ImportWizard, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = wizard.file_page.path_edit
    edit.clear()
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_typed_or_pasted_path_is_read_and_the_database_is_refused(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people list.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    wizard = _wizard(qtbot, sqlite_db, "leads")
    page = wizard.file_page
    assert page.target() == "leads"  # opened from the Leads page
    _type_path(qtbot, wizard, str(tmp_path / "nowhere.csv"))
    assert page.error_label.isVisible() and "There is no file" in page.error_label.text()
    _type_path(qtbot, wizard, f"'{path}'")  # pasted from a file manager, quotes and all
    qtbot.waitUntil(page.isComplete)
    assert page.path == path and wizard.state.require_plan().target == "leads"
    database = sqlite_db.sqlite_path
    assert database is not None
    _type_path(qtbot, wizard, str(database))
    qtbot.waitUntil(lambda: page.error_label.isVisible())
    assert database.name in page.error_label.text() and not page.isComplete()
    assert wizard.state.plan is None  # refused without being read


def test_typed_path_understands_quotes_urls_and_home() -> None:
    assert typed_path('  "/tmp/a b.csv" ') == Path("/tmp/a b.csv")
    assert typed_path("file:///tmp/a%20b.csv") == Path("/tmp/a b.csv")
    assert typed_path("~/x.vcf") == Path.home() / "x.vcf"
    assert typed_path("  ") is None


def test_the_duplicate_count_comes_without_asking(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    run_import(sqlite_db.sessions, prepare_import(sqlite_db.sessions, path, "contacts").plan)
    wizard = _wizard(qtbot, sqlite_db, "contacts")
    wizard.file_page.set_path(path)
    go_next(qtbot, wizard, MAPPING_PAGE)
    go_next(qtbot, wizard, CHECK_PAGE)
    go_next(qtbot, wizard, DUPLICATES_PAGE)
    page = wizard.duplicates_page
    assert page.isComplete()  # the import need not wait for the count (no review rule)
    qtbot.waitUntil(lambda: page.report is not None)
    assert page.found_label.text().startswith("3 of 5 rows match: 3 a record in the CRM")
    assert page.tabs.tabText(0) == "Duplicates (3)"
    wizard.back()  # leaving stops a pass; coming back counts again
    go_next(qtbot, wizard, DUPLICATES_PAGE)
    qtbot.waitUntil(lambda: page.task is None and page.report is not None)
