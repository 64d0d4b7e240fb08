"""Spreadsheet cells: text never becomes a formula, and the quote put before it comes off."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crm_desktop.services.sheet_cells import quote_formula, unquote_formula, xlsx_cells

DANGEROUS = (
    '=HYPERLINK("http://evil","x")',
    "+86 138 0013 8000",
    "-12.50",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=",
)
HARMLESS = ("", "王伟", "Anna-Lena", "a=b", "12.50", "'t Hooft", "'0123", "''", "'", "x+1")


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_starts_get_one_quote(text: str) -> None:
    assert quote_formula(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_alone(text: str) -> None:
    assert quote_formula(text) == text


@pytest.mark.parametrize("text", [*DANGEROUS, *HARMLESS, "'=1+1", "''+86", "'@x", "'''-"])
def test_unquote_gives_back_what_was_quoted(text: str) -> None:
    assert unquote_formula(quote_formula(text)) == text


def test_text_that_already_starts_with_a_quote_and_a_formula_keeps_it() -> None:
    # '=1+1 was typed so; written ''=1+1, read back '=1+1 (not =1+1).
    assert quote_formula("'=1+1") == "''=1+1"
    assert unquote_formula("''=1+1") == "'=1+1"


def test_quotes_of_other_programs_come_off_too() -> None:
    assert unquote_formula("'+49 151 1234567") == "+49 151 1234567"
    assert unquote_formula("'t Hooft") == "'t Hooft"


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_store_text_as_text(tmp_path: Path, write_only: bool) -> None:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    assert sheet is not None
    cell = xlsx_cells(sheet)
    sheet.append([cell(v) for v in ('=HYPERLINK("http://evil","x")', "@x", 5, None, "a\x01b")])
    path = tmp_path / "x.xlsx"
    book.save(path)
    loaded = openpyxl.load_workbook(path)
    row = next(loaded.worksheets[-1].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        ('=HYPERLINK("http://evil","x")', "s"),
        ("@x", "s"),
        (5, "n"),
        (None, "n"),
        ("ab", "s"),  # a control character XML cannot hold is dropped
    ]


def test_the_csv_reader_takes_the_quote_off(tmp_path: Path) -> None:
    from crm_desktop.services.imports.source import inspect_file, preview_rows

    path = tmp_path / "quoted.csv"
    path.write_text(
        "Name,Mobile,Notes\n'=cmd,'+49 151 1234567,'t Hooft\n''@x,'0123,'\n", encoding="utf-8"
    )
    assert preview_rows(inspect_file(path))[1:] == [
        ["=cmd", "+49 151 1234567", "'t Hooft"],
        ["'@x", "'0123", "'"],
    ]
