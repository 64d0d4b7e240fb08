"""Every sheet and text table of the shared corpus is read, or refused with its name.

The corpus sits beside the checkout (../shared/corpora) and is never copied into
the repository; the `corpora` fixture skips these tests when it is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crm_desktop.services.imports.cells import cell_date, cell_text
from crm_desktop.services.imports.header import detect_header
from crm_desktop.services.imports.source import (
    FileInfo,
    ImportFileError,
    inspect_file,
    open_rows,
    preview_rows,
)

# The only files of the corpus that cannot be imported, and why.
REFUSED = {
    "biff4_no_format_no_window2.xls": "is an Excel 2-4 workbook, too old to read",
}


@pytest.fixture
def sheets(corpora: Path) -> Path:
    return corpora / "sheets"


def _info(sheets: Path, name: str) -> FileInfo:
    (path,) = sheets.rglob(name) if "/" not in name else [sheets / name]
    return inspect_file(path)


def _texts(info: FileInfo, sheet: str | None = None) -> list[list[str]]:
    return [[cell_text(c) for c in row] for row in preview_rows(info, sheet)]


def test_every_file_is_read_or_refused_by_name(sheets: Path) -> None:
    files = sorted(p for p in sheets.rglob("*") if p.is_file())
    assert len(files) > 50
    refused = {}
    for path in files:
        try:
            info = inspect_file(path)
        except ImportFileError as exc:
            assert path.name in str(exc) and "\n" not in str(exc)
            refused[path.name] = str(exc)
            continue
        for sheet in info.sheets:
            preview = preview_rows(info, sheet or None)
            header = detect_header(preview)
            assert 0 <= header < max(len(preview), 1), path
            with open_rows(info, sheet or None) as stream:
                count = sum(1 for _ in stream.rows)
            assert count >= len(preview), path
            if info.format != "csv":
                assert count == stream.total, (path, sheet)
    assert {name: reason for name, reason in refused.items()} == {
        name: f"{name} {reason}: open it in Excel or LibreOffice, save it as .xlsx and try again"
        for name, reason in REFUSED.items()
    }


def test_latin1_and_utf16(sheets: Path) -> None:
    latin1 = _info(sheets, "test_latin1.csv")
    assert latin1.encoding == "cp1252"
    assert _texts(latin1)[2] == ["4", "5", "©"]
    for name in ("test_utf16_big.csv", "test_utf16_little.csv"):
        info = _info(sheets, name)
        assert info.encoding == "utf-16"
        assert _texts(info) == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "ʤ"]]


def test_utf8_bom_stays_out_of_the_first_header(sheets: Path) -> None:
    info = _info(sheets, "test_utf8_bom.csv")
    assert _texts(info)[0] == ["foo", "bar", "baz"]
    outlook = _info(sheets, "all.csv")
    assert _texts(outlook)[0][0] == "Display Name"


def test_cr_only_line_ends(sheets: Path) -> None:
    mac = _info(sheets, "mac_newlines.csv")
    assert preview_rows(mac) == [["a", "b", "c"], ["1", "2", "3"], ["Once upon\ra time", "5", "6"]]
    assert cell_text(preview_rows(mac)[2][0]) == "Once upon\na time"
    cr = _info(sheets, "test_lines_cr.csv")
    rows = _texts(cr)
    assert len(rows) == 6
    assert detect_header(preview_rows(cr)) == 1
    assert rows[1] == ["a", "b", "c", "d"]
    assert rows[4] == ["q", "w", "e", "r", "我是一段\n带换行的内容"]
    assert _texts(_info(sheets, "test_lines_crlf.csv")) == rows


def test_header_below_notes_and_blank_rows(sheets: Path) -> None:
    cases = {
        "wireservice__csvkit/test_skip_lines.csv": (3, "a"),
        "wireservice__csvkit/test_skip_lines.xlsx": (3, "text"),
        "wireservice__agate-excel/test_skip_lines.xlsx": (3, "number"),
        "wireservice__agate-excel/test_skip_lines.xls": (3, "number"),
        "labeldekho__linkedin-network-intelligence/Connections.csv": (4, "First Name"),
        "dromara__hutool/test.csv": (1, "sss,sss"),
        "python-excel__xlrd/corrupted_error.xls": (3, "ТИП"),
    }
    for name, (index, first) in cases.items():
        info = _info(sheets, name)
        preview = preview_rows(info)
        assert detect_header(preview) == index, name
        assert cell_text(preview[index][0]) == first, name


def test_corrupted_error_xls_is_read_on_every_sheet(sheets: Path) -> None:
    # xlrd's test for a damaged file; calamine reads all nine sheets of it.
    info = _info(sheets, "corrupted_error.xls")
    assert len(info.sheets) == 9
    for sheet in info.sheets:
        preview = preview_rows(info, sheet)
        assert _texts(info, sheet)[detect_header(preview)][:2] == ["ТИП", "Наименование"]


def test_zeros_stay(sheets: Path) -> None:
    zeros = _info(sheets, "test_zeros.xls")
    assert _texts(zeros)[1:] == [["0", "0", "0"], ["1", "1", "0"], ["2", "1", "0"]]
    text = _info(sheets, "test_no_leading_zeroes.csv")
    assert preview_rows(text)[1] == ["01", "00.11", "0.1"]


def test_1904_workbooks(sheets: Path) -> None:
    # agate and csvkit made these on a Mac: the workbooks count days from 1904.
    for name in (
        "wireservice__agate-excel/test_sheets.xlsx",
        "wireservice__agate-excel/test_sheets.xls",
    ):
        info = _info(sheets, name)
        assert info.date1904, name
        rows = preview_rows(info, "data")
        assert rows[1][3] == dt.date(2015, 11, 4)
        assert rows[1][4] == dt.datetime(2015, 11, 4, 12, 22)
        assert cell_text(rows[2][1]) == "👍"
    for name in ("wireservice__csvkit/test.xlsx", "wireservice__csvkit/sheets.xls"):
        info = _info(sheets, name)
        assert info.date1904
        assert cell_date(preview_rows(info)[1][1]) == dt.date(1971, 1, 1)
    assert not _info(sheets, "dromara__hutool/aaa.xls").date1904


def test_ambiguous_date(sheets: Path) -> None:
    for name in ("test_ambiguous_date.xlsx", "test_ambiguous_date.xls"):
        info = _info(sheets, name)
        assert not info.date1904
        assert preview_rows(info) == [["s"], [dt.date(1900, 1, 1)]]


def test_times_and_dates_in_old_workbooks(sheets: Path) -> None:
    formate = _info(sheets, "Formate.xls")
    assert formate.sheets[:2] == ("Blätt1", "ÖÄÜ")
    rows = preview_rows(formate, "Blätt1")
    assert rows[0] == ["Huber", dt.date(1907, 7, 3)]
    assert rows[3] == ["Morgen", dt.time(6, 34)]
    times = _texts(_info(sheets, "1899bug_demo.xlsx"))
    assert times[0] == ["04:39"]


def test_null_byte_and_other_csvkit_oddities(sheets: Path) -> None:
    assert preview_rows(_info(sheets, "null_byte.csv")) == [["a", "b", "c"], [None, "2", "3"]]
    assert _info(sheets, "sniff_limit.csv").delimiter == ";"
    assert _info(sheets, "dummy.tsv").delimiter == "\t"
    locale = _info(sheets, "test_locale.csv")
    assert (locale.delimiter, preview_rows(locale)[1]) == (",", ["1,7", "200.000.000", None])
    chinese = _info(sheets, "test_bean.csv")
    assert _texts(chinese)[1][:2] == ["张三", "男"]
