"""Reading a file for the file page, off the GUI thread: prepared, or why not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.imports.fields import Target
from crm_desktop.services.imports.plan import PlanError
from crm_desktop.services.imports.prepare import Prepared, prepare_import
from crm_desktop.services.imports.source import FileInfo, ImportFileError, inspect_file
from crm_desktop.views.import_wizard.state import Refused

WORKBOOKS = ("xlsx", "xls", "ods")


@dataclass(frozen=True)
class Unreadable(Refused):
    """The file as far as it could be read (its sheets, its encoding) when preparing failed:
    a workbook whose first sheet is empty still offers its other sheets."""

    info: FileInfo | None = None


def read_file(
    sessions: sessionmaker[Session],
    path: Path,
    target: Target,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
) -> Prepared | Unreadable:
    """prepare_import, or why not (runs off the GUI thread)."""
    try:
        return prepare_import(
            sessions, path, target, sheet=sheet, encoding=encoding, delimiter=delimiter
        )
    except (ImportFileError, PlanError) as exc:
        try:
            info: FileInfo | None = inspect_file(path, encoding, delimiter)
        except ImportFileError:
            info = None
        return Unreadable(str(exc), info)


def size_text(size: int) -> str:
    """1234567 -> "1.2 MB"."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size = size / 1024  # type: ignore[assignment]
    return str(size)
