"""What an import file is, and its rows, read as a stream.

The format comes from the file's first bytes (an .xls that is really a web page,
or a .csv that is really an xlsx, is read as what it is), the extension only
breaks ties. Workbooks (xlsx/xlsm/xlsb, xls, ods) are read with python-calamine,
one row at a time; text tables go through textfile. Anything else, an encrypted
workbook, or an empty file, is refused with one ImportFileError line naming the
file and saying what to do.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

import python_calamine as calamine

from crm_desktop.models.sqlite_files import DatabaseFileInUse, refuse_database_file
from crm_desktop.services.imports import textfile, workbooks
from crm_desktop.services.imports.cells import CellValue
from crm_desktop.services.imports.compound import CompoundFile, biff_globals
from crm_desktop.services.imports.errors import ImportFileError
from crm_desktop.services.imports.package import PackageError, check_zip, xls_grids
from crm_desktop.services.imports.textrows import text_rows
from crm_desktop.services.imports.xlsx_head import head_rows

Format = Literal["xlsx", "xls", "ods", "csv", "vcf"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_BIFF_OLD = {b"\x09\x00", b"\x09\x02", b"\x09\x04"}  # BOF records of Excel 2, 3 and 4 files
_NOT_SHEETS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
)
_ENCRYPTED = workbooks.ENCRYPTED
_SAVE_AS = "open it in Excel or LibreOffice, save it as .xlsx and try again"
_CONTROL = frozenset(range(1, 9)) | frozenset(range(0x0E, 0x20))
_TEXT_EXTENSIONS = {".csv", ".tsv", ".txt", ".tab"}
_detected: dict[str, str] = {}  # content hash -> encoding found (a whole-file read each time)
_VCARD_EXTENSIONS = {".vcf", ".vcard"}


__all__ = [
    "FileInfo",
    "Format",
    "ImportFileError",
    "RowStream",
    "default_sheet",
    "inspect_file",
    "open_rows",
    "preview_rows",
]


@dataclass(frozen=True)
class FileInfo:
    path: Path
    format: Format
    sheets: tuple[str, ...]
    encoding: str | None
    delimiter: str | None
    sha256: str
    size: int
    date1904: bool


@dataclass
class RowStream:
    """Every row of one sheet in order; the i-th row (0-based) is sheet row i + 1.

    Empty cells are None in every format. Use it as a context manager, or call close().
    """

    total: int
    rows: Iterator[list[CellValue]]
    _closer: Callable[[], None] = field(default=lambda: None, repr=False)
    sheet: str | None = None  # the sheet read (None for text files)

    def close(self) -> None:
        closer, self._closer = self._closer, lambda: None
        closer()

    def __enter__(self) -> RowStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def inspect_file(path: Path, encoding: str | None = None, delimiter: str | None = None) -> FileInfo:
    """What `path` holds. `encoding` and `delimiter` override detection for text files."""
    path = Path(path)
    try:
        refuse_database_file(path)  # opening it would drop SQLite's locks (sqlite_files.py)
    except DatabaseFileInUse as exc:
        raise ImportFileError(f"{path.name}: {exc.strerror}; it cannot be imported") from None
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(textfile.SAMPLE_BYTES)
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
    if size == 0:
        raise ImportFileError(f"{path.name} is empty")
    digest = _sha256(path)
    if head.startswith(_ZIP_MAGICS):
        fmt, date1904 = _inspect_zip(path)
        return _workbook_info(path, fmt, digest, size, date1904)
    if head.startswith(_OLE_MAGIC):
        date1904 = _inspect_ole(path, digest)
        return _workbook_info(path, "xls", digest, size, date1904)
    _refuse_binary(path, head)
    return _text_info(path, head, digest, size, encoding, delimiter)


def preview_rows(
    info: FileInfo, sheet: str | None = None, limit: int = 200
) -> list[list[CellValue]]:
    """The first `limit` rows of the sheet (the default sheet when None).

    An xlsx sheet is read only as far as needed (xlsx_head); other workbooks whole.
    """
    if info.format == "xlsx":
        name = sheet if sheet is not None else default_sheet(info)
        if name is not None:
            rows = _head_rows(info, name, limit)
            if rows is not None:
                return rows
    with open_rows(info, sheet) as stream:
        return list(itertools.islice(stream.rows, limit))


def default_sheet(info: FileInfo) -> str | None:
    """The sheet an import reads when none is named: the first visible one holding data.

    None for text and vCard files. For an xlsx file only the start of each sheet is read.
    """
    if info.format in ("csv", "vcf"):
        return None
    if info.format == "xlsx":
        workbook = workbooks.open_workbook(info.path)
        try:
            shown = workbooks.visible_sheets(workbook, info.path.name)
        finally:
            workbook.close()
        visible = [name for name in shown if name in info.sheets]
        for name in visible:
            rows = _head_rows(info, name, 200)
            if rows is None:
                break  # a sheet this reader cannot stream: let calamine decide
            if any(cell is not None for row in rows for cell in row):
                return name
    with open_rows(info, None) as stream:
        return stream.sheet


def _head_rows(info: FileInfo, sheet: str, limit: int) -> list[list[CellValue]] | None:
    """xlsx_head's rows, with the limits every reader applies; None to ask calamine."""
    try:
        rows = head_rows(info.path, sheet, limit, info.date1904)
    except PackageError as exc:
        raise ImportFileError(f"{info.path.name}: {exc}") from exc
    return None if rows is None else [workbooks.limited_row(row) for row in rows]


def open_rows(info: FileInfo, sheet: str | None = None) -> RowStream:
    """A stream of every row of `sheet`: by default the first visible sheet holding data."""
    if info.format == "vcf":
        raise ImportFileError(f"{info.path.name} is a vCard file: it has contacts, not rows")
    if info.format == "csv":
        return _text_rows(info)
    return _workbook_rows(info, sheet)


# --- text ---------------------------------------------------------------------------------


def _text_info(
    path: Path,
    head: bytes,
    digest: str,
    size: int,
    encoding: str | None,
    delimiter: str | None,
) -> FileInfo:
    if encoding is not None:
        try:
            encoding = textfile.check_encoding(encoding)
        except LookupError:
            raise ImportFileError(f"{path.name}: unknown encoding {encoding!r}") from None
    else:
        encoding = _detected.get(digest) or textfile.detect_encoding(path)
        _detected[digest] = encoding
        if len(_detected) > 64:
            del _detected[next(iter(_detected))]
    text = textfile.read_sample(path, encoding)
    if not text.strip():
        raise ImportFileError(f"{path.name} is empty")
    _refuse_markup(path, text)
    if re.match(r"\s*begin:vcard", text, re.IGNORECASE) or path.suffix.lower() in (
        _VCARD_EXTENSIONS
    ):
        return FileInfo(path, "vcf", (), encoding, None, digest, size, False)
    if delimiter is None:
        delimiter = textfile.detect_delimiter(text)
    elif len(delimiter) != 1 or delimiter in '"\r\n' or (delimiter < " " and delimiter != "\t"):
        raise ImportFileError(f"{path.name}: {delimiter!r} cannot be a delimiter")
    return FileInfo(path, "csv", ("",), encoding, delimiter, digest, size, False)


def _text_rows(info: FileInfo) -> RowStream:
    assert info.encoding is not None and info.delimiter is not None
    total = textfile.estimate_rows(info.path)
    fh = info.path.open("rb")
    return RowStream(total, text_rows(fh, info.encoding, info.delimiter), fh.close)


def _refuse_binary(path: Path, head: bytes) -> None:
    for magic, what in _NOT_SHEETS:
        if head.startswith(magic):
            raise ImportFileError(f"{path.name} is {what}, not a spreadsheet")
    if head[:2] in _BIFF_OLD and head[2:4] in (b"\x04\x00", b"\x06\x00"):
        raise ImportFileError(f"{path.name} is an Excel 2-4 workbook, too old to read: {_SAVE_AS}")
    sample = head[:4096]
    wide = textfile.detect_encoding_bytes(sample).startswith(("utf-16", "utf-32"))
    controls = sum(1 for byte in sample if byte in _CONTROL)
    if not wide and (controls > len(sample) * 0.02 or sample.count(0) > len(sample) * 0.25):
        raise ImportFileError(f"{path.name} is not a spreadsheet or a text table (binary data)")


def _refuse_markup(path: Path, text: str) -> None:
    start = text.lstrip()[:2048].lower()
    if start.startswith(("<!doctype html", "<html", "<table")):
        raise ImportFileError(f"{path.name} is a web page (HTML), not a spreadsheet: {_SAVE_AS}")
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        raise ImportFileError(f"{path.name} is an Excel 2003 XML spreadsheet: {_SAVE_AS}")


# --- workbooks ----------------------------------------------------------------------------


def _inspect_zip(path: Path) -> tuple[Format, bool]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                check_zip(archive)
            if "xl/workbook.xml" in names:
                return "xlsx", _xlsx_date1904(archive.read("xl/workbook.xml")[:65536])
            if "xl/workbook.bin" in names:
                return "xlsx", False
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                check_zip(archive)
                return "ods", _ods_date1904(archive, names)
    except PackageError as exc:
        raise ImportFileError(f"{path.name} is refused: {exc}") from exc
    except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise ImportFileError(f"{path.name} is a damaged zip archive ({exc})") from exc
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise ImportFileError(f"{path.name} is an OpenDocument file, but not a spreadsheet")
    if "word/document.xml" in names:
        raise ImportFileError(f"{path.name} is a Word document, not a spreadsheet")
    if "ppt/presentation.xml" in names:
        raise ImportFileError(f"{path.name} is a PowerPoint presentation, not a spreadsheet")
    raise ImportFileError(f"{path.name} is a zip archive, not a spreadsheet")


def _xlsx_date1904(workbook_xml: bytes) -> bool:
    pr = re.search(rb"<(?:\w+:)?workbookPr\b[^>]*>", workbook_xml)
    return bool(pr and re.search(rb'\bdate1904\s*=\s*["\'](?:1|true)["\']', pr[0]))


def _ods_date1904(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "content.xml" not in names:
        return False
    with archive.open("content.xml") as fh:
        start = fh.read(65536)
    null_date = re.search(rb'<table:null-date\b[^>]*table:date-value="(\d{4}-\d\d-\d\d)', start)
    return bool(null_date and null_date[1] == b"1904-01-01")


def _inspect_ole(path: Path, digest: str) -> bool:
    """Check an OLE2 file is an unencrypted, whole Excel workbook; True if it counts days
    from 1904. Its sheets are measured here, as calamine panics on a sheet cut short."""
    try:
        ole = CompoundFile(path.read_bytes())
        names = ole.names()
        if "EncryptedPackage" in names:
            raise ImportFileError(f"{path.name} {_ENCRYPTED}")
        stream = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in names), None)
        if stream is None:
            what = "a Word document" if "WordDocument" in names else "an Office file"
            raise ImportFileError(f"{path.name} is {what}, not an Excel workbook")
        data = ole.read(stream)
        encrypted, date1904 = biff_globals(data)
        if not encrypted:
            workbooks.remember_grids(digest, xls_grids(data))
    except PackageError as exc:
        what = "is cut short or damaged" if exc.damaged else "is refused"
        raise ImportFileError(f"{path.name} {what}: {exc}") from exc
    except (struct.error, IndexError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is a damaged Excel (.xls) file") from exc
    if encrypted:
        raise ImportFileError(f"{path.name} {_ENCRYPTED}")
    return date1904


def _workbook_info(path: Path, fmt: Format, digest: str, size: int, date1904: bool) -> FileInfo:
    sheets = workbooks.sheet_names(path)
    if not sheets:
        raise ImportFileError(f"{path.name} has no worksheets")
    return FileInfo(path, fmt, sheets, None, None, digest, size, date1904)


def _workbook_rows(info: FileInfo, sheet: str | None) -> RowStream:
    workbook = workbooks.open_workbook(info.path)
    try:
        worksheet = _pick_sheet(info, workbook, sheet)
        rows = workbooks.sheet_rows(
            info.path.name, worksheet.name, worksheet.iter_rows(), _pad(worksheet)
        )
    except BaseException:
        workbook.close()
        raise
    end = worksheet.end
    total = end[0] + 1 if end is not None else 0
    return RowStream(total, rows, workbook.close, worksheet.name)


def _pad(worksheet: calamine.CalamineSheet) -> int:
    start = worksheet.start
    return start[1] if start is not None else 0


def _pick_sheet(
    info: FileInfo, workbook: calamine.CalamineWorkbook, sheet: str | None
) -> calamine.CalamineSheet:
    if sheet is not None:
        if sheet not in info.sheets:
            raise ImportFileError(f"{info.path.name} has no sheet named {sheet!r}")
        return workbooks.load_sheet(info.path, info.sha256, workbook, sheet)
    visible = set(workbooks.visible_sheets(workbook, info.path.name))
    first: calamine.CalamineSheet | None = None
    for name in info.sheets:
        if name not in visible:
            continue
        candidate = workbooks.load_sheet(info.path, info.sha256, workbook, name)
        first = first or candidate
        if candidate.end is not None:
            return candidate
    return first or workbooks.load_sheet(info.path, info.sha256, workbook, info.sheets[0])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
