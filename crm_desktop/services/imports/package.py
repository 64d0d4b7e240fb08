"""A workbook checked against the limits before calamine reads it.

calamine trusts a file: a shared string that expands a thousand times is read whole, and
a sheet is held as one rectangle from its first to its last cell, so one cell at XFD1048576
asks for 17 billion cells and the allocation failure aborts the process (no exception to
catch). So before calamine opens a file, the zip parts' declared sizes are checked (the zip
readers of calamine and of Python both stop at a part's declared size); and before it
reads a sheet, the rectangle the sheet spans is measured from its XML (xlsx, ods) or its
records (xls) without holding more than a chunk of it. Results are kept per file content,
so a file is measured once however often it is read.
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import IO, Final

from crm_desktop.services.imports.limits import (
    COLUMNS,
    PACKAGE_BYTES,
    PACKAGE_RATIO,
    RATIO_FLOOR,
    SHEET_CELLS,
    SHEET_ROWS,
    size_text,
)


class PackageError(ValueError):
    """A workbook past a limit, or cut short (`damaged`); the message says why, without the
    file name."""

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


_CHUNK: Final = 1 << 20
_CACHED: Final = 64


def check_zip(archive: zipfile.ZipFile) -> None:
    """Every part of an xlsx or ods within the size limits, as its zip entry declares it."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > PACKAGE_RATIO:
            raise PackageError(
                f"its part {info.filename} would expand from {size_text(info.compress_size)} "
                f"to {size_text(info.file_size)} ({ratio:,.0f} times; spreadsheets expand 5 to "
                f"20 times, the limit is {PACKAGE_RATIO})"
            )
    if total > PACKAGE_BYTES:
        raise PackageError(
            f"its parts hold {size_text(total)} uncompressed, more than the "
            f"{size_text(PACKAGE_BYTES)} an import reads"
        )


# --- the rectangle of a sheet ------------------------------------------------------------------

_measured: OrderedDict[tuple[str, str], tuple[int, int]] = OrderedDict()


def check_grid(key: tuple[str, str], sheet: str, measure: Callable[[], tuple[int, int]]) -> None:
    """Refuse a sheet spanning more than SHEET_CELLS; `key` (content hash, sheet) caches it."""
    if key in _measured:
        _measured.move_to_end(key)
        rows, columns = _measured[key]
    else:
        rows, columns = measure()
        _measured[key] = (rows, columns)
        if len(_measured) > _CACHED:
            _measured.popitem(last=False)
    if rows * columns > SHEET_CELLS:
        raise PackageError(
            f"sheet {sheet!r} spans {rows:,} rows by {columns:,} columns, more than the "
            f"{SHEET_CELLS:,} cells an import reads"
        )


def remember_grid(key: tuple[str, str], grid: tuple[int, int]) -> None:
    """A sheet measured along with others (every sheet of an xls or ods file at once)."""
    _measured[key] = grid
    _measured.move_to_end(key)
    if len(_measured) > _CACHED:
        _measured.popitem(last=False)


_REF: Final = re.compile(rb' r="([A-Z]*)([0-9]+)"')
_LAST_REF: Final = re.compile(rb'r="([A-Z]*)([0-9]+)"')
_NEGATIVE_STRING: Final = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bt="s"[^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*(-\d+)'
)
_CELL_TAGS: Final = (b"c ", b"c>", b"c/>")  # a cell, with or without r
_ROW_TAGS: Final = (b"row ", b"row>")
_PREFIX: Final = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


def xlsx_grid(fh: IO[bytes]) -> tuple[int, int]:
    """(rows, columns) a sheet's XML spans at most, from the r="B12" of its cells and rows.

    A cell or row written without its r attribute follows the one before it, so each
    cell without one widens the sheet by a column, each such row lengthens it by one.
    Raises PackageError for a cell outside any Excel sheet and for a cell that refers to
    a negative shared-string number.

    Cost matters (a sheet of a million rows is 700 MB of XML): the refs are not parsed one
    by one. Rows come in order, so each chunk's last ref raises the row bound, and one
    search per chunk looks for any ref beyond the bounds; only then is the chunk parsed.
    """
    last_row = last_column = 0
    cells = cell_refs = rows = row_refs = 0
    prefix = b""
    carry = b""
    first = True
    while True:
        chunk = fh.read(_CHUNK)
        data = carry + chunk
        cut = data.rfind(b"<") if chunk else len(data)
        if cut <= 0:
            cut = len(data)
        part, carry = data[:cut], data[cut:]
        if first:
            found = _PREFIX.search(part)
            prefix = found[1] or b"" if found else b""
            first = False
        cells += sum(part.count(b"<" + prefix + tag) for tag in _CELL_TAGS)
        cell_refs += part.count(b"<" + prefix + b'c r="')
        rows += sum(part.count(b"<" + prefix + tag) for tag in _ROW_TAGS)
        row_refs += part.count(b"<" + prefix + b'row r="')
        tail = part.rfind(b' r="')
        if tail >= 0 and (ref := _LAST_REF.match(part, tail + 1)):
            last_row = max(last_row, int(ref[2]))
            if ref[1]:
                last_column = max(last_column, _column_number(ref[1]))
        if _beyond(last_row, last_column).search(part):
            for letters, digits in _REF.findall(part):
                last_row = max(last_row, int(digits))
                if letters:
                    last_column = max(last_column, _column_number(letters))
        if b"v>-" in part and (negative := _NEGATIVE_STRING.search(part)):
            # calamine reads string -5 as string 0: the wrong text, without a word
            raise PackageError(
                f"a cell refers to shared string {negative[1].decode()}, which cannot exist"
            )
        if not chunk:
            break
    if last_row > SHEET_ROWS:
        raise PackageError(f"a cell in row {last_row:,} lies beyond row {SHEET_ROWS:,}")
    # Writers put r first; one written later counts as missing: a safe overestimate.
    return last_row + max(0, rows - row_refs), last_column + max(0, cells - cell_refs)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters[:4]:
        number = number * 26 + letter - 64
    if len(letters) > 3 or number > COLUMNS:
        raise PackageError(f"a cell in column {letters.decode()} lies beyond column XFD")
    return number


@functools.lru_cache(maxsize=256)
def _beyond(row: int, column: int) -> re.Pattern[bytes]:
    """A search for a ref past row `row` or column `column` (1-based; 0: none yet)."""
    letters = _greater(_letters(column), "A", "Z") if column else "[A-Z]+"
    digits = _greater(str(row), "0", "9") if row else "[0-9]+"
    return re.compile((rf' r="(?:{letters}[0-9]|[A-Z]*{digits}")').encode())


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _greater(text: str, low: str, high: str) -> str:
    """A regex for the strings of `low`..`high` characters that rank above `text` as numbers
    do in that alphabet (longer is greater, then character by character)."""
    alphabet = f"[{low}-{high}]"
    branches = [f"{alphabet}{{{len(text) + 1},}}"]
    for index, char in enumerate(text):
        if char < high:
            rest = len(text) - index - 1
            tail = f"{alphabet}{{{rest}}}" if rest else ""
            branches.append(f"{re.escape(text[:index])}[{chr(ord(char) + 1)}-{high}]{tail}")
    return "(?:" + "|".join(branches) + ")"


_ODS_TOKEN: Final = re.compile(
    rb"<table:table(?=[\s>])([^>]*)>|<table:table-row(?=[\s/>])([^>]*?)(/?)>|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>"
)
_ROWS_REPEATED: Final = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED: Final = re.compile(rb'table:number-columns-repeated="(\d+)"')
_TABLE_NAME: Final = re.compile(rb'table:name="([^"]*)"')


def ods_grids(fh: IO[bytes]) -> dict[str, tuple[int, int]]:
    """(rows, columns) each sheet of an ods content.xml spans up to its last filled cell.

    Repeated rows and cells count as often as they repeat; the empty ones LibreOffice
    writes to the end of a sheet do not, as calamine leaves them out too.
    """
    grids: dict[str, tuple[int, int]] = {}
    name = ""
    row_at = last_row = width = 0
    position = row_width = repeat_rows = 0
    carry = b""
    while True:
        chunk = fh.read(_CHUNK)
        data = carry + chunk
        cut = data.rfind(b"<") if chunk else len(data)
        if cut <= 0:
            cut = len(data)
        part, carry = data[:cut], data[cut:]
        for match in _ODS_TOKEN.finditer(part):
            table, row, row_closed, cell, cell_closed = match.groups()
            if table is not None:
                if name or last_row:
                    grids[name] = (last_row, width)
                named = _TABLE_NAME.search(table)
                name = named[1].decode("utf-8", "replace") if named else ""
                row_at = last_row = width = 0
            elif row is not None:
                repeat_rows = _repeat(_ROWS_REPEATED, row)
                position = row_width = 0
                if row_closed:
                    row_at += repeat_rows
            elif cell is not None:
                position += _repeat(_COLUMNS_REPEATED, cell)
                if not cell_closed or b"office:value-type" in cell:
                    row_width = position
            else:  # the end of a row
                row_at += repeat_rows
                if row_width:
                    last_row = row_at
                    width = max(width, row_width)
        if not chunk:
            break
    grids[name] = (last_row, width)
    return grids


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found[1]) if found else 1


# --- xls ----------------------------------------------------------------------------------------

_BOUNDSHEET: Final = 0x0085
_BOF: Final = 0x0809
_DIMENSIONS: Final = 0x0200
_EOF: Final = 0x000A
_CELL_RECORDS: Final = frozenset((0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0201, 0x00D6))
_MULTI_RECORDS: Final = frozenset((0x00BD, 0x00BE))  # MULRK, MULBLANK: a run of columns


def xls_grids(stream: bytes) -> dict[str, tuple[int, int]]:
    """(rows, columns) each sheet of a BIFF5/8 Workbook stream spans, from its cell records
    and the size its DIMENSIONS record declares, whichever is larger.

    Raises PackageError when a sheet's records lie outside the stream (a file cut short),
    or when a sheet spans more than SHEET_CELLS: calamine sizes every sheet as it opens
    the file, so an oversized one must be refused before it is opened at all.
    """
    grids: dict[str, tuple[int, int]] = {}
    for name, offset in _sheet_offsets(stream):
        if offset >= len(stream):
            raise PackageError(f"sheet {name!r} lies beyond the end of the file", damaged=True)
        grids[name] = rows, columns = _biff_sheet_grid(stream, offset, name)
        if rows * columns > SHEET_CELLS:
            raise PackageError(
                f"sheet {name!r} spans {rows:,} rows by {columns:,} columns, more than the "
                f"{SHEET_CELLS:,} cells an import reads"
            )
    return grids


def _sheet_offsets(stream: bytes) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    pos = 0
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        if kind == _BOUNDSHEET and len(body) >= 8:
            found.append((_sheet_name(body), struct.unpack_from("<I", body, 0)[0]))
        elif kind == _EOF:
            break
        pos += 4 + length
    return found


def _sheet_name(body: bytes) -> str:
    count = body[6]
    if len(body) >= 8 + count and body[7] in (0, 1):  # BIFF8: a flag byte, then the characters
        raw = body[8 : 8 + (count * 2 if body[7] else count)]
        return raw.decode("utf-16-le" if body[7] else "latin-1", "replace")
    return body[7 : 7 + count].decode("latin-1", "replace")  # BIFF5: the characters at once


def _biff_sheet_grid(stream: bytes, pos: int, name: str) -> tuple[int, int]:
    last_row = last_column = -1
    end = len(stream)
    depth = 0  # a chart inside a sheet is a BOF ... EOF of its own
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            raise PackageError(f"sheet {name!r} ends in the middle of a record", damaged=True)
        if kind in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, pos + 4)
            last_row, last_column = max(last_row, row), max(last_column, column)
        elif kind == _DIMENSIONS and length >= 14:  # BIFF8: 32-bit row numbers
            row = struct.unpack_from("<I", stream, pos + 8)[0] - 1
            column = struct.unpack_from("<H", stream, pos + 14)[0] - 1
            last_row, last_column = max(last_row, row), max(last_column, column)
        elif kind == _DIMENSIONS and length >= 10:  # BIFF5
            row = struct.unpack_from("<H", stream, pos + 6)[0] - 1
            column = struct.unpack_from("<H", stream, pos + 10)[0] - 1
            last_row, last_column = max(last_row, row), max(last_column, column)
        elif kind in _MULTI_RECORDS and length >= 6:
            row = struct.unpack_from("<H", stream, pos + 4)[0]
            column = struct.unpack_from("<H", stream, pos + 2 + length)[0]
            last_row, last_column = max(last_row, row), max(last_column, column)
        elif kind == _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        pos += 4 + length
    return last_row + 1, last_column + 1
