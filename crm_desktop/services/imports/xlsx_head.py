"""The first rows of an xlsx sheet without reading the whole sheet.

python-calamine reads a sheet completely before giving its first row: 16 s for a
million-row workbook, which the wizard would spend on a preview of 200 rows. This
reads the sheet's XML as a stream and stops after the rows it needs; shared strings
are read only as far as those rows refer to them. Cells come out as calamine gives
them (numbers as float, date-formatted numbers as date or datetime, empty cells as
None, rows placed by their row number), so the preview and the import agree; tests
compare the two on real files. Anything unexpected returns None and the caller reads
the sheet with calamine, except a cell no sheet can hold (beyond column XFD, a negative
shared-string number): calamine would abort on the one and silently read the wrong string
for the other, so the file is refused (PackageError).
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final
from xml.etree.ElementTree import Element, ParseError, iterparse

from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports.cells import CellValue, excel_serial_date
from crm_desktop.services.imports.limits import COLUMNS
from crm_desktop.services.imports.package import PackageError

_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_NS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show dates or times (ECMA-376 and the CJK locales' ids).
_BUILTIN_DATES: Final = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)))
_QUOTED: Final = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_CELL_REF: Final = re.compile(r"([A-Z]+)(\d+)")
_ESCAPE: Final = re.compile(r"_x([0-9A-Fa-f]{4})_")


class _SharedStrings:
    """The workbook's shared strings, read lazily up to the highest index asked for."""

    def __init__(self, archive: zipfile.ZipFile, name: str | None) -> None:
        self._items: list[str] = []
        self._source: Iterator[str] = iter(()) if name is None else self._read(archive, name)

    @staticmethod
    def _read(archive: zipfile.ZipFile, name: str) -> Iterator[str]:
        with archive.open(name) as fh:
            for _event, element in iterparse(fh, events=("end",)):
                if element.tag == _NS + "si":
                    yield _text(element)
                    element.clear()

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise PackageError(f"a cell refers to shared string {index}, which cannot exist")
        while len(self._items) <= index:
            self._items.append(next(self._source))  # StopIteration: a broken reference
        return self._items[index]


def _text(element: Element) -> str:
    """The text of a shared or inline string, without phonetic (rPh) runs.

    `_x000D_` escapes (how Excel writes characters XML cannot hold) are decoded, as calamine
    decodes them, and the text cleaned as every cell is (services/cleaning.py).
    """
    parts = []
    for child in element.iter():
        if child.tag == _NS + "t" and child.text:
            parts.append(child.text)
        elif child.tag == _NS + "rPh":
            for sub in child.iter(_NS + "t"):
                sub.text = None
    return _decoded("".join(parts))


def _decoded(text: str) -> str:
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return clean_text(text)


def head_rows(path: Path, sheet: str, limit: int, date1904: bool) -> list[list[CellValue]] | None:
    """The first `limit` rows of `sheet` (row i is sheet row i + 1), or None to use calamine."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _parts(archive, sheet)
            if parts is None:
                return None
            sheet_name, strings_name, styles_name = parts
            dates = _date_styles(archive, styles_name)
            strings = _SharedStrings(archive, strings_name)
            with archive.open(sheet_name) as fh:
                return _rows(fh, strings, dates, limit, date1904)
    except PackageError:
        raise
    except (zipfile.BadZipFile, KeyError, ParseError, StopIteration, ValueError, OSError):
        return None


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The name of the zip part that holds `sheet`'s XML, or None when it cannot be told."""
    parts = _parts(archive, sheet)
    return parts[0] if parts is not None else None


def _parts(archive: zipfile.ZipFile, sheet: str) -> tuple[str, str | None, str | None] | None:
    workbook = _parse(archive, "xl/workbook.xml")
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    targets = {}
    kinds = {}
    for rel in rels.iter(_PKG_NS + "Relationship"):
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(full)
        kinds[rel.get("Type", "").rsplit("/", 1)[-1]] = posixpath.normpath(full)
    for element in workbook.iter(_NS + "sheet"):
        if element.get("name") == sheet:
            name = targets.get(element.get(_REL_NS + "id"))
            if name is None or name not in archive.NameToInfo:
                return None
            strings = kinds.get("sharedStrings")
            styles = kinds.get("styles")
            return (
                name,
                strings if strings in archive.NameToInfo else None,
                styles if styles in archive.NameToInfo else None,
            )
    return None


def _parse(archive: zipfile.ZipFile, name: str) -> Element:
    from xml.etree.ElementTree import fromstring

    return fromstring(archive.read(name))


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> frozenset[int]:
    """Indexes of cellXfs whose number format shows a date or a time."""
    if name is None:
        return frozenset()
    styles = _parse(archive, name)
    custom: dict[int, bool] = {}
    for number_format in styles.iter(_NS + "numFmt"):
        code = _QUOTED.sub("", number_format.get("formatCode", "")).lower()
        custom[int(number_format.get("numFmtId", "0"))] = any(c in code for c in "ymdhs")
    found = set()
    cell_xfs = styles.find(_NS + "cellXfs")
    if cell_xfs is None:
        return frozenset()
    for index, xf in enumerate(cell_xfs.iter(_NS + "xf")):
        fmt = int(xf.get("numFmtId", "0"))
        if fmt in _BUILTIN_DATES or custom.get(fmt, False):
            found.add(index)
    return frozenset(found)


def _rows(
    fh: IO[bytes], strings: _SharedStrings, dates: frozenset[int], limit: int, date1904: bool
) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = []
    next_row = 1
    width = 0
    for _event, element in iterparse(fh, events=("end",)):
        if element.tag == _NS + "dimension":
            last = _CELL_REF.search(element.get("ref", "").rsplit(":", 1)[-1])
            try:
                width = _column_index(last[1]) + 1 if last else 0
            except PackageError:
                width = 0  # calamine ignores the dimension too; the cells decide
            continue
        if element.tag != _NS + "row":
            continue
        number = int(element.get("r", str(next_row)))
        if number > limit:
            break
        while len(rows) < number - 1:
            rows.append([])
        cells: list[CellValue] = []
        column = 0
        for cell in element.iter(_NS + "c"):
            ref = _CELL_REF.match(cell.get("r", ""))
            column = _column_index(ref[1]) if ref else column
            value = _value(cell, strings, dates, date1904)
            if value is not None:
                if len(cells) <= column:
                    cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = value
            column += 1
        rows.append(cells)
        next_row = number + 1
        element.clear()
    # Rows as wide as the sheet's used range, as calamine gives them.
    width = max(width, *(len(row) for row in rows)) if rows else width
    return [row + [None] * (width - len(row)) for row in rows[:limit]]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters[:4]:
        index = index * 26 + ord(letter) - 64
    if len(letters) > 3 or index > COLUMNS:
        raise PackageError(f"a cell in column {letters} lies beyond column XFD")
    return index - 1


def _value(
    cell: Element, strings: _SharedStrings, dates: frozenset[int], date1904: bool
) -> CellValue:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_NS + "is")
        text = _text(inline) if inline is not None else ""
        return text or None
    raw = cell.findtext(_NS + "v")
    if raw is None or raw == "":
        return None
    if kind == "s":
        return strings[int(raw)] or None
    if kind in ("str", "e"):
        return _decoded(raw)
    if kind == "b":
        return raw == "1"
    number = float(raw)
    if int(cell.get("s", "0")) in dates:
        return _date(number, date1904)
    return number


def _date(serial: float, date1904: bool) -> CellValue:
    """A date-formatted number as calamine gives it: a date, a datetime, or a time of day."""
    if serial < 1:
        seconds = round(serial * 86400)
        return (dt.datetime.min + dt.timedelta(seconds=seconds)).time()
    day = excel_serial_date(serial, date1904)
    seconds = round((serial - math.floor(serial)) * 86400)
    if seconds == 0:
        return day
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
