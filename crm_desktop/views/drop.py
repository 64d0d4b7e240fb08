"""What happens when files are dropped on the main window.

`.vcf` files become leads, one per person card (every card in the file);
PNG/JPEG photos of a business card are read for a QR code whose card then
pre-fills card entry for review; spreadsheets and text tables (.xlsx, .xlsm,
.xls, .ods, .csv, .tsv, and .txt files that hold a table) open the import
wizard; saved e-mails (.eml, .msg) are handed back to be filed as activities
(`views/email_drop.py`); anything else gets a clear message.

The window calls `dropped_paths(mime)` in its dropEvent, then runs
`process_drop(...)` with `run_in_background` (it reads files and writes the
database) and shows `DropResult.messages`; `DropResult.cards` go to
`CardEntryPage.fill_from_card`, `DropResult.sheets` to the import wizard,
`DropResult.emails` to `EmailDropper.drop(paths, None)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.sqlite_files import DatabaseFileInUse, database_in_use
from crm_desktop.services.card_data import CardData, parse_vcards
from crm_desktop.services.card_qr import CardQRError, card_from_image
from crm_desktop.services.changes import Changes
from crm_desktop.services.email_files import EMAIL_SUFFIXES
from crm_desktop.services.events import default_user_id
from crm_desktop.services.imports.cells import cell_text
from crm_desktop.services.imports.source import ImportFileError, inspect_file, preview_rows
from crm_desktop.services.leads import LeadValidationError, create_lead, lead_input_from_card

VCARD_SUFFIXES = frozenset({".vcf", ".vcard"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
# Opened in the import wizard (a .txt only when it holds a table or vCards).
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"})
MAX_FILE_BYTES = 50 * 1024 * 1024


def _tr(text: str) -> str:
    return QCoreApplication.translate("Drop", text)


@dataclass(frozen=True)
class VcfReport:
    """What one dropped .vcf file gave: leads created and the cards that failed, and why."""

    file_name: str
    created: int
    failures: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes)

    def message(self) -> str:
        text = _tr("{file}: {count} lead(s) created.").format(
            file=self.file_name, count=self.created
        )
        if self.failures:
            text += " " + _tr("{count} card(s) not imported:").format(count=len(self.failures))
            text += "\n" + "\n".join(f"  • {failure}" for failure in self.failures)
        return text


@dataclass(frozen=True)
class DropResult:
    """Everything a drop did: messages to show, cards to review, what changed."""

    messages: tuple[str, ...] = ()
    cards: tuple[CardData, ...] = ()
    changes: Changes = field(default_factory=Changes)
    sheets: tuple[Path, ...] = ()  # files for the import wizard
    emails: tuple[Path, ...] = ()  # .eml/.msg files, to file as e-mail activities


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
) -> VcfReport:
    """A lead for every person card in the file; failed cards are named with the reason."""
    data = path.read_bytes()
    owner = owner_id or default_user_id(sessions)
    created = 0
    failures: list[str] = []
    parsed_cards = parse_vcards(data)
    if not parsed_cards:
        return VcfReport(path.name, 0, (_tr("no vCard found in the file"),))
    for parsed in parsed_cards:
        prefix = _tr("card {number}").format(number=parsed.number)
        card = parsed.card
        if card is None:
            failures.append(f"{prefix}: {parsed.error}")
            continue
        if card.is_group:
            failures.append(
                _tr("{card} (“{name}”): a contact group, not a person").format(
                    card=prefix, name=card.full_name
                )
            )
            continue
        lead = lead_input_from_card(card, event_id=event_id, source_id=source_id, owner_id=owner)
        try:
            create_lead(sessions, lead)
        except LeadValidationError as exc:
            name = f" (“{card.full_name}”)" if card.full_name else ""
            failures.append(f"{prefix}{name}: {exc.message}")
            continue
        created += 1
    changes = Changes(leads=True) if created else Changes()
    return VcfReport(path.name, created, tuple(failures), changes)


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
) -> DropResult:
    """Handle every dropped file; runs off the GUI thread (reads files, writes leads)."""
    messages: list[str] = []
    cards: list[CardData] = []
    sheets: list[Path] = []
    emails: list[Path] = []
    changes = Changes()
    for path in paths:
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
            if path.stat().st_size > MAX_FILE_BYTES:
                messages.append(_tr("{file}: the file is too large.").format(file=path.name))
                continue
            if suffix in VCARD_SUFFIXES:
                report = import_vcf_file(
                    sessions, path, owner_id=owner_id, event_id=event_id, source_id=source_id
                )
                messages.append(report.message())
                changes |= report.changes
            elif suffix in IMAGE_SUFFIXES:
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
        except CardQRError as exc:
            messages.append(f"{path.name}: {exc}")
        except OSError as exc:
            messages.append(
                _tr("{file}: cannot read the file ({reason}).").format(
                    file=path.name, reason=exc.strerror or exc
                )
            )
    return DropResult(tuple(messages), tuple(cards), changes, tuple(sheets), tuple(emails))
