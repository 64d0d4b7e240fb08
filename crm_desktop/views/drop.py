"""What happens when files are dropped on the main window.

`.vcf` files are imported as leads, one import batch per file through the same importer
as the wizard and `crm-desktop import` (services/imports): duplicates are found, the
summary is shown, and File ▸ Import history can undo it; PNG/JPEG photos of a business
card are read for a QR code whose card then pre-fills card entry for review;
spreadsheets and text tables (.xlsx, .xlsm, .xls, .ods, .csv, .tsv, and .txt files that
hold a table) open the import wizard; saved e-mails (.eml, .msg) are handed back to be
filed as activities (`views/email_drop.py`); anything else gets a clear message.

The window calls `dropped_paths(mime)` in its dropEvent, then runs
`process_drop(...)` with `run_in_background` and progress (it reads files and writes
the database) and shows `DropResult.messages`; `DropResult.cards` go to
`CardEntryPage.fill_from_card`, `DropResult.sheets` to the import wizard,
`DropResult.emails` to `EmailDropper.drop(paths, None)`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Event, LeadSource, User
from crm_desktop.models.sqlite_files import DatabaseFileInUse, database_in_use
from crm_desktop.services.card_data import CardData
from crm_desktop.services.card_qr import CardQRError, card_from_image
from crm_desktop.services.changes import Changes
from crm_desktop.services.email_files import EMAIL_SUFFIXES
from crm_desktop.services.imports.cells import cell_text
from crm_desktop.services.imports.plan import PlanError
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import ImportReport, run_import
from crm_desktop.services.imports.source import ImportFileError, inspect_file, preview_rows

Progress = Callable[[float, str], None]

VCARD_SUFFIXES = frozenset({".vcf", ".vcard"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
# Opened in the import wizard (a .txt only when it holds a table or vCards).
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"})
MAX_FILE_BYTES = 50 * 1024 * 1024  # card photos
FAILURES_SHOWN = 10  # problem cards named in the drop's message (the history keeps all)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Drop", text)


@dataclass(frozen=True)
class DropResult:
    """Everything a drop did: messages to show, cards to review, what changed."""

    messages: tuple[str, ...] = ()
    cards: tuple[CardData, ...] = ()
    changes: Changes = field(default_factory=Changes)
    sheets: tuple[Path, ...] = ()  # files for the import wizard
    emails: tuple[Path, ...] = ()  # .eml/.msg files, to file as e-mail activities
    imports: tuple[ImportReport, ...] = ()  # one per .vcf file, in File ▸ Import history


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files in a drag (URLs that are not files are left out)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def can_accept(mime: QMimeData) -> bool:
    """Whether the window should accept this drag: it carries at least one local file."""
    return bool(dropped_paths(mime))


def import_vcf_file(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    owner_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    source_id: uuid.UUID | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """The file imported as leads, as the wizard would with its first plan: duplicates
    skipped, possible duplicates created and marked, one batch that can be undone. The
    event, source and owner card entry has chosen fill the cards that name none."""
    prepared = prepare_import(sessions, path, "leads")
    plan = replace(prepared.plan, defaults=_context(sessions, owner_id, event_id, source_id))
    return run_import(sessions, plan, progress, cancel)


def _context(
    sessions: sessionmaker[Session],
    owner_id: uuid.UUID | None,
    event_id: uuid.UUID | None,
    source_id: uuid.UUID | None,
) -> dict[str, str]:
    """Card entry's choices as the importer's defaults (it matches them by name)."""
    wanted = (
        ("owner", User, owner_id),
        ("event", Event, event_id),
        ("source", LeadSource, source_id),
    )
    defaults: dict[str, str] = {}
    with sessions() as session:
        for key, entity, record_id in wanted:
            if record_id is not None:
                name = session.scalar(select(entity.name).where(entity.id == record_id))
                if name:
                    defaults[key] = name
    return defaults


def import_message(report: ImportReport) -> str:
    """What a dropped file's import did, its first problem cards, and how to undo it."""
    lines = [report.summary() + "."]
    notes = [*report.failures, *report.skips]
    for note in notes[:FAILURES_SHOWN]:
        lines.append(_tr("  • card {number}: {reason}").format(number=note.row, reason=note.reason))
    if len(notes) > FAILURES_SHOWN:
        lines.append(_tr("  … and {count} more.").format(count=len(notes) - FAILURES_SHOWN))
    if report.batch_id is not None and (report.created or report.updated or report.merged):
        lines.append(_tr("To undo this import: File ▸ Import history…, select it, then Undo."))
    return "\n".join(lines)


def holds_table(path: Path) -> bool:
    """Whether a .txt file is a table (some row has two or more values) or vCards."""
    try:
        info = inspect_file(path)
        if info.format == "vcf":
            return True
        rows = preview_rows(info, None, 20)
    except ImportFileError:
        return False
    return any(sum(1 for cell in row if cell_text(cell)) >= 2 for row in rows)


def _database_file_message(refusal: DatabaseFileInUse) -> str:
    if refusal.is_database:
        text = _tr(
            "{file} is the database crm-desktop is working in: it cannot be imported, "
            "and it was not opened."
        )
    else:
        text = _tr(
            "{file} belongs to {database}, the database crm-desktop is working in: "
            "it was not opened."
        )
    return text.format(file=refusal.path.name, database=refusal.database.name)


def process_drop(
    sessions: sessionmaker[Session],
    paths: Sequence[Path],
    *,
    owner_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    source_id: uuid.UUID | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DropResult:
    """Handle every dropped file; runs off the GUI thread (reads files, writes leads)."""
    messages: list[str] = []
    cards: list[CardData] = []
    sheets: list[Path] = []
    emails: list[Path] = []
    imports: list[ImportReport] = []
    changes = Changes()
    for number, path in enumerate(paths):
        if cancel is not None and cancel.is_set():
            break
        suffix = path.suffix.lower()
        try:
            if (database := database_in_use(path)) is not None:
                messages.append(_database_file_message(DatabaseFileInUse(path, database)))
                continue  # never opened: that would drop SQLite's locks (sqlite_files.py)
            if path.is_dir():
                messages.append(
                    _tr("{file}: folders cannot be dropped here.").format(file=path.name)
                )
                continue
            if suffix in SHEET_SUFFIXES and (suffix != ".txt" or holds_table(path)):
                sheets.append(path)  # the wizard imports files of any size
                continue
            if suffix in EMAIL_SUFFIXES:
                emails.append(path)  # read, matched and logged by EmailDropper
                continue
            if suffix in VCARD_SUFFIXES:  # the importer reads files of any size, in limits
                report = import_vcf_file(
                    sessions,
                    path,
                    owner_id=owner_id,
                    event_id=event_id,
                    source_id=source_id,
                    progress=_file_progress(progress, number, len(paths), path.name),
                    cancel=cancel,
                )
                imports.append(report)
                messages.append(import_message(report))
                changes |= report.changes
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                messages.append(_tr("{file}: the file is too large.").format(file=path.name))
                continue
            if suffix in IMAGE_SUFFIXES:
                cards.append(card_from_image(path.read_bytes()))
                messages.append(
                    _tr("{file}: card read from its QR code; check it and press Enter.").format(
                        file=path.name
                    )
                )
            else:
                messages.append(
                    _tr(
                        "{file}: cannot use this file. Drop .vcf contact files, spreadsheets "
                        "or CSV files to import, PNG/JPEG photos of business cards with a "
                        "QR code, or e-mails saved as .eml or .msg files."
                    ).format(file=path.name)
                )
        except (CardQRError, ImportFileError, PlanError) as exc:
            messages.append(f"{path.name}: {exc}" if path.name not in str(exc) else str(exc))
        except OSError as exc:
            messages.append(
                _tr("{file}: cannot read the file ({reason}).").format(
                    file=path.name, reason=exc.strerror or exc
                )
            )
    return DropResult(
        tuple(messages), tuple(cards), changes, tuple(sheets), tuple(emails), tuple(imports)
    )


def _file_progress(
    progress: Progress | None, number: int, count: int, name: str
) -> Progress | None:
    """The progress of one file's import as a share of the whole drop."""
    if progress is None:
        return None
    report = progress

    def scaled(fraction: float, message: str = "") -> None:
        text = message if name in message else f"{name}: {message}" if message else name
        report((number + fraction) / count, text)

    return scaled
