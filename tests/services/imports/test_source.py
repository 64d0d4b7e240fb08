"""inspect_file, open_rows and preview_rows on files written by the tests themselves."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from crm_desktop.services.imports.cells import FlaggedRow, cell_date, cell_text
from crm_desktop.services.imports.compound import CompoundFile, biff_globals
from crm_desktop.services.imports.header import detect_header
from crm_desktop.services.imports.source import (
    FileInfo,
    ImportFileError,
    inspect_file,
    open_rows,
    preview_rows,
)

END = 0xFFFFFFFE
FREE = 0xFFFFFFFF


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], epoch1904: bool = False) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    if epoch1904:
        workbook.epoch = CALENDAR_MAC_1904
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound (OLE2) file: every stream in the mini stream, at most 3 streams."""
    mini = b""
    minifat: list[int] = []
    entries = []
    for name, data in streams.items():
        count = -(-len(data) // 64)
        start = len(minifat) if count else END
        minifat += [len(minifat) + k + 1 for k in range(count - 1)] + [END] * bool(count)
        mini += data.ljust(count * 64, b"\0")
        entries.append((name, 2, start, len(data)))
    mini_sectors = max(1, -(-len(mini) // 512))
    fat = [0xFFFFFFFD, END, END] + [3 + k + 1 for k in range(mini_sectors - 1)] + [END]
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<8I", header, 0x2C, 1, 1, 0, 4096, 2, 1, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))

    def entry(name: str, kind: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HB", raw, 64, len(encoded), kind)
        struct.pack_into("<III", raw, 68, FREE, FREE, FREE)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, 3, len(mini)) + b"".join(entry(*e) for e in entries)
    sectors = [
        struct.pack(f"<{128}I", *(fat + [FREE] * (128 - len(fat)))),
        directory.ljust(512, b"\0"),
        struct.pack(f"<{128}I", *(minifat + [FREE] * (128 - len(minifat)))),
        mini.ljust(mini_sectors * 512, b"\0"),
    ]
    return bytes(header) + b"".join(sectors)


def _biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(data)) + data for kind, data in records)


BOF = (0x0809, b"\x00\x06\x05\x00" + b"\0" * 12)
EOF = (0x000A, b"")


def _ods(path: Path, null_date: str | None = None) -> Path:
    settings = (
        f'<table:calculation-settings><table:null-date table:date-value="{null_date}"/>'
        "</table:calculation-settings>"
        if null_date
        else ""
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{settings}<table:table table:name="Kontakte">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Telefon</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Jürgen</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value="4930123456">'
        "<text:p>4930123456</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
            ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
            ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
            ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )
    return path


def _all_rows(info: FileInfo, sheet: str | None = None) -> list[list[object]]:
    with open_rows(info, sheet) as stream:
        return list(stream.rows)


# --- workbooks ----------------------------------------------------------------------------


def test_xlsx_keeps_text_zeros_and_shows_number_phones(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "people.xlsx",
        {
            "People": [
                ["Name", "Phone", "Zip"],
                ["Anna", 13800138000, "01067"],
                ["Ben", None, "0049"],
            ]
        },
    )
    info = inspect_file(path)
    assert info.format == "xlsx"
    assert info.sheets == ("People",)
    assert info.encoding is None and info.delimiter is None and not info.date1904
    assert info.size == path.stat().st_size and len(info.sha256) == 64
    rows = preview_rows(info)
    assert [cell_text(c) for c in rows[1]] == ["Anna", "13800138000", "01067"]
    assert rows[2] == ["Ben", None, "0049"]


def test_xlsx_1904_dates(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "mac.xlsx",
        {"S": [["Name", "Born", "Serial"], ["Anna", dt.date(2020, 5, 17), 100]]},
        epoch1904=True,
    )
    info = inspect_file(path)
    assert info.date1904
    rows = preview_rows(info)
    assert rows[1][1] == dt.date(2020, 5, 17)  # calamine already counts formatted dates from 1904
    assert cell_date(rows[1][2], date1904=info.date1904) == dt.date(1904, 4, 10)


def test_rows_keep_sheet_geometry(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["C3"] = "Name"
    sheet["D3"] = "City"
    sheet["C4"] = "Anna"
    sheet["D5"] = "Köln"
    workbook.save(tmp_path / "offset.xlsx")
    info = inspect_file(tmp_path / "offset.xlsx")
    with open_rows(info) as stream:
        assert stream.total == 5
        rows = list(stream.rows)
    assert len(rows) == 5
    assert rows[2] == [None, None, "Name", "City"]
    assert rows[4] == [None, None, None, "Köln"]
    assert detect_header(rows) == 2


def test_default_sheet_is_the_first_visible_one_with_data(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active.title = "Empty"
    hidden = workbook.create_sheet("Hidden")
    hidden.append(["secret"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Data").append(["Name"])
    workbook.save(tmp_path / "sheets.xlsx")
    info = inspect_file(tmp_path / "sheets.xlsx")
    assert info.sheets == ("Empty", "Hidden", "Data")
    assert preview_rows(info) == [["Name"]]
    assert preview_rows(info, "Hidden") == [["secret"]]
    assert preview_rows(info, "Empty") == []
    with pytest.raises(ImportFileError, match=r"sheets\.xlsx has no sheet named 'Nope'"):
        open_rows(info, "Nope")


def test_preview_limit_and_streaming(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "many.xlsx", {"S": [["n"]] + [[i] for i in range(500)]})
    info = inspect_file(path)
    assert len(preview_rows(info, limit=10)) == 10
    stream = open_rows(info)
    assert stream.total == 501
    assert not isinstance(stream.rows, list)
    assert next(stream.rows) == ["n"]
    stream.close()
    stream.close()


def test_ods_and_its_null_date(tmp_path: Path) -> None:
    info = inspect_file(_ods(tmp_path / "k.ods"))
    assert info.format == "ods" and info.sheets == ("Kontakte",) and not info.date1904
    assert [cell_text(c) for c in preview_rows(info)[1]] == ["Jürgen", "4930123456"]
    assert inspect_file(_ods(tmp_path / "mac.ods", "1904-01-01")).date1904


def test_content_decides_over_the_extension(tmp_path: Path) -> None:
    xlsx = _xlsx(tmp_path / "real.xlsx", {"S": [["a"]]})
    renamed = tmp_path / "looks_like.csv"
    renamed.write_bytes(xlsx.read_bytes())
    assert inspect_file(renamed).format == "xlsx"
    text = tmp_path / "looks_like.xlsx"
    text.write_text("a;b\n1;2\n", encoding="utf-8")
    info = inspect_file(text)
    assert (info.format, info.delimiter, info.sheets) == ("csv", ";", ("",))


# --- refusals -----------------------------------------------------------------------------


def _refused(path: Path, data: bytes, message: str) -> None:
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match=message) as caught:
        inspect_file(path)
    assert path.name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_encrypted_workbooks(tmp_path: Path) -> None:
    encrypted = "is encrypted \\(password protected\\): save it without a password"
    ooxml = _cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x10" * 80})
    _refused(tmp_path / "locked.xlsx", ooxml, encrypted)
    xls = _cfb({"Workbook": _biff(BOF, (0x002F, b"\x01\x00" * 3), EOF)})
    _refused(tmp_path / "locked.xls", xls, encrypted)


def test_xls_date_mode_is_read_from_the_globals(tmp_path: Path) -> None:
    data = _cfb({"Workbook": _biff(BOF, (0x0022, b"\x01\x00"), EOF, (0x0022, b"\x00\x00"))})
    assert biff_globals(CompoundFile(data).read("Workbook")) == (False, True)
    assert biff_globals(_biff(BOF, (0x0022, b"\x00\x00"), EOF)) == (False, False)


def test_other_files_are_refused_with_one_line(tmp_path: Path) -> None:
    _refused(tmp_path / "empty.csv", b"", "empty.csv is empty")
    _refused(tmp_path / "blank.csv", b"\xef\xbb\xbf \r\n\r\n", "blank.csv is empty")
    _refused(tmp_path / "scan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document")
    _refused(tmp_path / "logo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "is a PNG image")
    noise = random.Random(7).randbytes(4000)
    _refused(tmp_path / "noise.xls", noise, "is not a spreadsheet or a text table")
    _refused(tmp_path / "old.xls", b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\0" * 40, "too old")
    _refused(tmp_path / "page.xls", b"<html><table><tr><td>a</td></tr>", "web page \\(HTML\\)")
    _refused(tmp_path / "memo.doc", _cfb({"WordDocument": b"x" * 10}), "is a Word document")
    _refused(
        tmp_path / "broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, "damaged"
    )
    _refused(tmp_path / "cut.xlsx", b"PK\x03\x04" + b"\0" * 30, "damaged zip")


def test_damaged_compound_files_never_crash(tmp_path: Path) -> None:
    good = _cfb({"Workbook": _biff(BOF, EOF)})
    rng = random.Random(3)
    for attempt in range(200):
        data = bytearray(good)
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(8, len(data))] = rng.randrange(256)
        path = tmp_path / f"fuzz{attempt}.xls"
        path.write_bytes(bytes(data))
        try:
            inspect_file(path)
        except ImportFileError as exc:
            assert path.name in str(exc)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["notes.txt"], "is a zip archive, not a spreadsheet"),
        (["word/document.xml"], "is a Word document"),
        (["xl/worksheets/sheet1.xml"], "is a zip archive"),
    ],
)
def test_zips_that_are_not_workbooks(tmp_path: Path, names: list[str], message: str) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    with pytest.raises(ImportFileError, match=message):
        inspect_file(path)


def test_a_workbook_calamine_cannot_open(tmp_path: Path) -> None:
    path = tmp_path / "half.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    with pytest.raises(ImportFileError, match=r"half\.xlsx cannot be read as a workbook"):
        inspect_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"gone\.csv: cannot be opened"):
        inspect_file(tmp_path / "gone.csv")


# --- text files ---------------------------------------------------------------------------


def test_csv_detection_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "leute.csv"
    path.write_bytes("Name;Straße\nJürgen;Hauptstraße 1\n".encode("cp1252"))
    info = inspect_file(path)
    assert (info.format, info.encoding, info.delimiter, info.date1904) == (
        "csv",
        "cp1252",
        ";",
        False,
    )
    assert _all_rows(info) == [["Name", "Straße"], ["Jürgen", "Hauptstraße 1"]]
    forced = inspect_file(path, encoding="latin-1", delimiter=",")
    assert (forced.encoding, forced.delimiter) == ("iso8859-1", ",")
    assert _all_rows(forced)[0] == ["Name;Straße"]
    with pytest.raises(ImportFileError, match="unknown encoding 'klingon'"):
        inspect_file(path, encoding="klingon")
    with pytest.raises(ImportFileError, match="cannot be a delimiter"):
        inspect_file(path, delimiter=";;")


def test_csv_stream_total_and_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("a\tb\n1\t\n\t2\n", encoding="utf-8")
    info = inspect_file(path)
    assert info.delimiter == "\t"
    with open_rows(info) as stream:
        assert stream.total == 3
        assert list(stream.rows) == [["a", "b"], ["1", None], [None, "2"]]


def test_csv_with_a_runaway_quote_is_reported(tmp_path: Path) -> None:
    # The quote never closes: the rest of the file would be one cell of row 2. That row is
    # refused, saying which lines went into it, instead of importing them as one note.
    path = tmp_path / "quote.csv"
    path.write_text('a,b\n1,"' + "x" * 200_000 + "\nc,d\ne,f\n", encoding="utf-8")
    rows = _all_rows(inspect_file(path))
    assert rows[0] == ["a", "b"]
    assert len(rows) == 2
    assert isinstance(rows[1], FlaggedRow)
    [(column, reason)] = rows[1].flags
    assert column == 1
    assert "never closed: lines 2 to 4 of the file were read as this one row" in reason


def test_vcard_is_identified_only(tmp_path: Path) -> None:
    path = tmp_path / "cards.txt"
    path.write_bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n".encode("utf-16"))
    info = inspect_file(path)
    assert (info.format, info.sheets, info.encoding, info.delimiter) == ("vcf", (), "utf-16", None)
    with pytest.raises(ImportFileError, match="is a vCard file"):
        open_rows(info)
    named = tmp_path / "odd.vcf"
    named.write_text("x\n", encoding="utf-8")
    assert inspect_file(named).format == "vcf"
