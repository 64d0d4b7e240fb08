"""The wizard on files that cannot be read: the reason on the page, never a waiting page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from import_wizard_support import ScriptedPrompts, open_wizard
from malformed_files import (
    bad_string_index_xlsx,
    far_cell_xls,
    far_cell_xlsx,
    mixed_encoding_csv,
    one_line_csv,
    string_bomb_xlsx,
    truncated_xls,
)
from PySide6.QtCore import QThreadPool

from crm_desktop.models.database import Database
from crm_desktop.views.import_wizard.state import FILE_PAGE


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("cut.xls", truncated_xls, "cut.xls is cut short or damaged: sheet 'S' lies beyond"),
        ("far.xls", far_cell_xls, "far.xls is refused: sheet 'S' spans 65,001 rows by 60,001"),
        ("far.xlsx", far_cell_xlsx, "far.xlsx: a cell in column ZZZZZZZZ lies beyond column XFD"),
        ("index.xlsx", bad_string_index_xlsx, "index.xlsx: a cell refers to shared string -5"),
        (
            "bomb.xlsx",
            lambda path: string_bomb_xlsx(path, 5_000_000),
            "bomb.xlsx is refused: its part xl/sharedStrings.xml would expand from",
        ),
        (
            "line.csv",
            lambda path: one_line_csv(path, 5_000_000),
            "line.csv: row 1 cannot be read: the row holds 4.8 MiB, more than the 4 MiB",
        ),
    ],
)
def test_a_malformed_file_shows_why_on_the_page(  # type: ignore[no-untyped-def]
    qtbot,
    sqlite_db: Database,
    tmp_path: Path,
    name: str,
    make: Callable[[Path], Path],
    reason: str,
) -> None:
    path = make(tmp_path / name)
    prompts = ScriptedPrompts()
    wizard = open_wizard(qtbot, sqlite_db, path, prompts)
    page = wizard.file_page
    qtbot.waitUntil(lambda: not page.busy and page.error_label.isVisible())
    assert page.error_label.text().startswith(reason)
    assert "\n" not in page.error_label.text()
    assert not page.isComplete()
    assert prompts.errors == []  # a refusal on the page, not a failure in a message box
    assert wizard.currentId() == FILE_PAGE


def test_a_file_in_two_encodings_says_so(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = mixed_encoding_csv(tmp_path / "mixed.csv")
    wizard = open_wizard(qtbot, sqlite_db, path, ScriptedPrompts())
    page = wizard.file_page
    qtbot.waitUntil(lambda: page.isComplete())
    assert page.encoding_combo.currentData() == "utf-8+gb18030"
    assert page.encoding_combo.currentText() == (
        "UTF-8 and GB18030 (Simplified Chinese), line by line"
    )
    assert page.model.index(2, 0).data() == "王伟"
