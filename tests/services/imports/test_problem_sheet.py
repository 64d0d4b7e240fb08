"""The sheet of problem rows holds the file's cells as text, never as formulas."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import save_problem_rows
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import

EVIL = '=HYPERLINK("http://evil","x")'


def test_formula_like_cells_of_a_failed_row_are_saved_as_text(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        f'Name,Email,Notes\n"{EVIL.replace(chr(34), chr(34) * 2)}",not-an-address,@SUM(A1)\n',
        encoding="utf-8",
    )
    report = run_import(db.sessions, prepare_import(db.sessions, path, "contacts").plan)
    assert report.batch_id is not None and report.failed == 1
    sheet_path = tmp_path / "problems.xlsx"
    assert save_problem_rows(db.sessions, report.batch_id, sheet_path) == 1
    sheet = openpyxl.load_workbook(sheet_path).active
    assert sheet is not None
    (row,) = sheet.iter_rows(min_row=2)
    assert [c.value for c in row[:3]] == [EVIL, "not-an-address", "@SUM(A1)"]
    assert [c.data_type for c in row[:3]] == ["s", "s", "s"]
