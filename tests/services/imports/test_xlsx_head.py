"""The streamed start of an xlsx sheet is what calamine reads, cell for cell."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from crm_desktop.services.imports.cells import CellValue
from crm_desktop.services.imports.source import default_sheet, inspect_file, open_rows
from crm_desktop.services.imports.xlsx_head import head_rows


def _trimmed(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _same_as_calamine(path: Path, limit: int = 200) -> int:
    info = inspect_file(path)
    compared = 0
    for sheet in info.sheets:
        with open_rows(info, sheet) as stream:
            expected = _trimmed(list(itertools.islice(stream.rows, limit)))
        streamed = head_rows(path, sheet, limit, info.date1904)
        assert streamed is not None, (path.name, sheet)
        assert _trimmed(streamed) == expected, (path.name, sheet)
        compared += len(expected)
    return compared


def test_every_corpus_xlsx_streams_like_calamine(corpora: Path) -> None:
    files = sorted((corpora / "sheets").rglob("*.xlsx"))
    assert len(files) >= 10
    assert sum(_same_as_calamine(path) for path in files) > 50


@pytest.mark.parametrize("epoch1904", [False, True])
def test_dates_times_numbers_and_gaps(tmp_path: Path, epoch1904: bool) -> None:
    path = tmp_path / "types.xlsx"
    book = openpyxl.Workbook()
    if epoch1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet["B2"] = "姓名"
    sheet["C2"] = 13800138000
    sheet["D2"] = dt.date(1985, 3, 4)
    sheet["E2"] = dt.datetime(2021, 5, 6, 7, 8, 9)
    sheet["F2"] = dt.time(9, 30)
    sheet["G2"] = True
    sheet["H2"] = 0.1
    sheet["B5"] = "after a gap"
    sheet["D5"] = "=1+1"
    book.save(path)
    assert _same_as_calamine(path) == 5


def test_the_default_sheet_skips_hidden_and_empty_ones(tmp_path: Path) -> None:
    path = tmp_path / "sheets.xlsx"
    book = openpyxl.Workbook()
    empty = book.active
    assert empty is not None
    empty.title = "Empty"
    hidden = book.create_sheet("Hidden")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    data = book.create_sheet("Data")
    data["A1"] = "Name"
    book.save(path)
    info = inspect_file(path)
    assert default_sheet(info) == "Data"
    with open_rows(info) as stream:
        assert stream.sheet == "Data"  # the import reads the sheet the preview showed


def test_a_million_row_sheet_is_not_read_for_a_preview(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Long")
    for i in range(30000):
        sheet.append([f"Person {i}", i])
    book.save(path)
    rows = head_rows(path, "Long", 3, False)
    assert rows == [["Person 0", 0.0], ["Person 1", 1.0], ["Person 2", 2.0]]
