"""Workbooks (xlsx/xlsm/xlsb, xls, ods) read with python-calamine, which must never crash us.

calamine is fast, but a damaged file can make it panic: pyo3 raises PanicException, a
BaseException that `except Exception` does not catch (a truncated .xls did, and the
wizard waited forever). Every call into calamine therefore goes through `_calamine`,
which turns whatever it raises into an ImportFileError with one line; Rust's panic
message, which its hook prints to standard error before the exception is raised, is held
back so that the command line prints that one line only. What calamine would abort the
process on instead (a sheet spanning billions of cells) is measured first (package.py).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final, TypeVar

import python_calamine as calamine

from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports.cells import CellValue, FlaggedRow
from crm_desktop.services.imports.compound import CompoundFile
from crm_desktop.services.imports.errors import ImportFileError
from crm_desktop.services.imports.limits import CELL_CHARS
from crm_desktop.services.imports.package import (
    PackageError,
    check_grid,
    ods_grids,
    remember_grid,
    xls_grids,
    xlsx_grid,
)
from crm_desktop.services.imports.xlsx_head import sheet_part

T = TypeVar("T")
ENCRYPTED: Final = "is encrypted (password protected): save it without a password and try again"
_KEEP: Final = frozenset((float, int, bool, dt.date, dt.datetime, dt.time))
QUICK_XML_BYTES: Final = 32 << 20


def _refusal(name: str, what: str, exc: BaseException) -> ImportFileError:
    text = " ".join(str(exc).split())[:160] or type(exc).__name__
    if "password" in text.lower() or "encrypt" in text.lower():
        return ImportFileError(f"{name} {ENCRYPTED}")
    if type(exc).__name__ == "PanicException":
        text = f"calamine stopped: {text}"
    return ImportFileError(f"{name} {what} ({text})")


def _calamine(name: str, what: str, call: Callable[[], T]) -> T:
    """call(), or ImportFileError("{name} {what} (reason)") for anything it raises."""
    try:
        with _panic_text_held_back():
            return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except calamine.PasswordError as exc:
        raise ImportFileError(f"{name} {ENCRYPTED}") from exc
    except BaseException as exc:
        raise _refusal(name, what, exc) from exc


class _StderrHold:
    """Standard error (file descriptor 2) sent to a temporary file while calamine runs.

    Rust's panic hook writes its message, and a backtrace under RUST_BACKTRACE, straight
    to descriptor 2 before pyo3 raises PanicException. The panic is reported as one line
    (ImportFileError), so that text is dropped; anything else written meanwhile, by other
    threads too, is passed on when the last holder lets go.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._saved: int | None = None
        self._capture: IO[bytes] | None = None
        self._panicked = False

    def take(self) -> None:
        with self._lock:
            if self._holders == 0:
                self._panicked = False
                try:
                    self._capture = tempfile.TemporaryFile()  # noqa: SIM115 - closed in give_back
                    self._saved = os.dup(2)
                    os.dup2(self._capture.fileno(), 2)
                except OSError:  # no standard error at all (a windowed program): nothing to hold
                    self._saved = None
            self._holders += 1

    def give_back(self, panicked: bool) -> None:
        with self._lock:
            self._panicked = self._panicked or panicked
            self._holders -= 1
            if self._holders or self._capture is None:
                return
            capture, self._capture = self._capture, None
            if self._saved is not None:
                os.dup2(self._saved, 2)
                os.close(self._saved)
                self._saved = None
                capture.seek(0)
                text = capture.read()
                if self._panicked:
                    text = text.split(b"thread '", 1)[0]
                if text:
                    os.write(2, text)
            capture.close()


_stderr = _StderrHold()


@contextmanager
def _panic_text_held_back() -> Iterator[None]:
    _stderr.take()
    panicked = False
    try:
        yield
    except BaseException as exc:
        panicked = type(exc).__name__ == "PanicException"
        raise
    finally:
        _stderr.give_back(panicked)


# --- opening ----------------------------------------------------------------------------------


def open_workbook(path: Path) -> calamine.CalamineWorkbook:
    return _calamine(
        path.name,
        "cannot be read as a workbook",
        lambda: calamine.CalamineWorkbook.from_path(str(path)),
    )


def sheet_names(path: Path) -> tuple[str, ...]:
    """The worksheets of a workbook (charts and macro sheets left out)."""
    workbook = open_workbook(path)
    try:
        metadata = _calamine(
            path.name, "cannot be read as a workbook", lambda: workbook.sheets_metadata
        )
        return tuple(
            meta.name
            for meta in metadata
            if meta.typ not in (calamine.SheetTypeEnum.ChartSheet, calamine.SheetTypeEnum.Vba)
        )
    finally:
        workbook.close()


def visible_sheets(workbook: calamine.CalamineWorkbook, name: str) -> list[str]:
    metadata = _calamine(name, "cannot be read as a workbook", lambda: workbook.sheets_metadata)
    return [meta.name for meta in metadata if meta.visible == calamine.SheetVisibleEnum.Visible]


def check_sheet(path: Path, digest: str, sheet: str, *, quick: bool = False) -> None:
    """ImportFileError unless calamine can hold `sheet` (measured once per file content).

    `quick`: only if measuring is quick, i.e. not for an xlsx sheet of more than
    QUICK_XML_BYTES of XML (about 50,000 rows, a second or two); such a sheet is measured when
    it is read whole, so the wizard's first page stays instant for a million rows.
    """
    if quick and _sheet_xml_size(path, sheet) > QUICK_XML_BYTES:
        return
    try:
        check_grid((digest, sheet), sheet, lambda: _measure(path, digest, sheet))
    except PackageError as exc:
        raise ImportFileError(f"{path.name}: {exc}") from exc
    except (OSError, zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise ImportFileError(f"{path.name}: sheet {sheet!r} cannot be read ({exc})") from exc


def load_sheet(
    path: Path, digest: str, workbook: calamine.CalamineWorkbook, sheet: str
) -> calamine.CalamineSheet:
    """One sheet, read whole by calamine once it is known to fit (ImportFileError if not)."""
    check_sheet(path, digest, sheet)
    return _calamine(
        path.name, f"cannot be read: sheet {sheet!r}", lambda: workbook.get_sheet_by_name(sheet)
    )


def _measure(path: Path, digest: str, sheet: str) -> tuple[int, int]:
    """(rows, columns) `sheet` spans, from the file itself; (0, 0) when it cannot be told."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(b"PK"):
        grids = xls_grids(_ole_workbook_stream(path))
        remember_grids(digest, grids)
        return grids.get(sheet, (0, 0))
    with zipfile.ZipFile(path) as archive:
        if "content.xml" in archive.NameToInfo:
            with archive.open("content.xml") as fh:
                grids = ods_grids(fh)
            remember_grids(digest, grids)
            return grids.get(sheet, (0, 0))
        part = sheet_part(archive, sheet) if "xl/workbook.xml" in archive.NameToInfo else None
        if part is None:
            return (0, 0)  # xlsb: binary records; calamine reads them as they are
        with archive.open(part) as fh:
            return xlsx_grid(fh)


def _sheet_xml_size(path: Path, sheet: str) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet) if "xl/workbook.xml" in archive.NameToInfo else None
            return archive.getinfo(part).file_size if part is not None else 0
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return 0  # not an xlsx (xls and ods are measured as they are opened), or broken


def _ole_workbook_stream(path: Path) -> bytes:
    ole = CompoundFile(path.read_bytes())
    names = ole.names()
    stream = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in names), None)
    return ole.read(stream) if stream is not None else b""


def remember_grids(digest: str, grids: dict[str, tuple[int, int]]) -> None:
    """Sheets measured together (every sheet of an xls or ods file), kept for load_sheet."""
    for name, grid in grids.items():
        remember_grid((digest, name), grid)


# --- rows ---------------------------------------------------------------------------------------


def sheet_rows(
    name: str, sheet: str, rows: Iterator[list[Any]], pad: int
) -> Iterator[list[CellValue]]:
    """calamine's rows as CellValue lists, text cleaned, empty cells None, `pad` Nones in front.

    A cell over CELL_CHARS characters is left out and its row flagged (not imported).
    """
    lead: list[CellValue] = [None] * pad
    while True:
        try:
            row = next(rows, None)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            raise _refusal(name, f"cannot be read: a row of sheet {sheet!r}", exc) from exc
        if row is None:
            return
        cells: list[CellValue] = [
            None if cell == "" else cell if type(cell) in _KEEP else _convert(cell) for cell in row
        ]
        if pad:
            cells = lead + cells
        yield limited_row(cells)


def limited_row(cells: list[CellValue]) -> list[CellValue]:
    """The row, or a FlaggedRow without the cells past CELL_CHARS (saying which)."""
    long = [i for i, c in enumerate(cells) if type(c) is str and len(c) > CELL_CHARS]
    if not long:
        return cells
    flags = tuple(
        (i, f"the cell holds {len(str(cells[i])):,} characters, more than the {CELL_CHARS:,} "
         "a cell may hold: the row is not imported")
        for i in long
    )  # fmt: skip
    return FlaggedRow((None if i in long else c for i, c in enumerate(cells)), flags)


def _convert(cell: Any) -> CellValue:
    if isinstance(cell, str):
        return clean_text(cell)
    if isinstance(cell, dt.timedelta):  # a duration cell; CellValue has no durations
        if dt.timedelta(0) <= cell < dt.timedelta(days=1):
            return (dt.datetime.min + cell).time()
        seconds = int(cell.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if isinstance(cell, bool | int | float | dt.date | dt.time):
        return cell
    return clean_text(str(cell))
