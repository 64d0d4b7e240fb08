"""Reading a file for the file page, off the GUI thread: prepared, or why not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

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
        if info is not None and info.format == "vcf" and target not in ("leads", "contacts"):
            # Opened from the companies or deals page: cards are people, so contacts.
            return read_file(sessions, path, "contacts", sheet, encoding, delimiter)
        return Unreadable(str(exc), info)


def size_text(size: int) -> str:
    """1234567 -> "1.2 MB"."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size = size / 1024  # type: ignore[assignment]
    return str(size)


def typed_path(text: str) -> Path | None:
    """The file a typed or pasted text names: quotes, a file:// URL and ~ understood."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()  # pasted from a file manager or a shell, with its quotes
    if text.startswith("file:"):
        text = url2pathname(urlparse(text).path)
    return Path(text).expanduser() if text else None
