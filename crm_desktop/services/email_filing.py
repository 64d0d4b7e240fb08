"""Filing dropped e-mail files: read each one, decide which record it goes under, log it.

The use case behind dropping .eml/.msg files on the window or on a record's form (the view,
`views/email_drop.py`, only takes the drop, asks the user and runs this off the GUI thread):

- dropped on a record (`target` = ("contacts", id) and so on), every e-mail is filed there;
- dropped on the window, an e-mail whose addresses match exactly one contact is filed under
  that contact; with several matches or none the outcome carries the candidates, and the
  caller asks which contact (`file_email_under` then files it there).

Each file gets its own `FilingOutcome`; a file that cannot be read, or a record deleted
meanwhile, or a database error is that file's `error` (one line naming the file, never SQL)
and does not stop the others.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.db_errors import describe
from crm_desktop.services.email_files import (
    ContactMatch,
    EmailFile,
    EmailFileError,
    LoggedEmail,
    RecordGoneError,
    contacts_for_addresses,
    log_email,
    read_email_file,
)
from crm_desktop.services.search import SearchHit, search

log = logging.getLogger(__name__)

Target = tuple[str, uuid.UUID]  # ("leads" | "contacts" | "companies" | "deals", record id)
ID_FIELDS: Final = {
    "leads": "lead_id",
    "contacts": "contact_id",
    "companies": "company_id",
    "deals": "deal_id",
}
CHOOSER_SEARCH_LIMIT = 50


@dataclass(frozen=True)
class FilingOutcome:
    """One file: logged, failed, or read and waiting for the user to choose a contact."""

    path: Path
    email: EmailFile | None = None
    logged: LoggedEmail | None = None
    error: str | None = None
    candidates: tuple[ContactMatch, ...] = field(default=())

    @property
    def needs_contact(self) -> bool:
        """Read, but several contacts matched or none: someone has to say which."""
        return self.email is not None and self.logged is None and self.error is None


def check_target(target: Target | None) -> None:
    """Raise ValueError for a kind of record e-mails cannot be filed under."""
    if target is not None and target[0] not in ID_FIELDS:
        raise ValueError(f"cannot file e-mails under {target[0]}")


def file_dropped_emails(
    sessions: sessionmaker[Session], paths: Sequence[Path], target: Target | None
) -> list[FilingOutcome]:
    """Read every file; log it under `target`, or under the single contact it matches."""
    check_target(target)
    return [_file_one(sessions, path, target) for path in paths]


def _file_one(sessions: sessionmaker[Session], path: Path, target: Target | None) -> FilingOutcome:
    try:
        email = read_email_file(path)
    except EmailFileError as exc:
        return FilingOutcome(path, error=str(exc))  # it names the file already
    try:
        if target is not None:
            kind, record_id = target
            logged = log_email(sessions, email, **{ID_FIELDS[kind]: record_id})
            return FilingOutcome(path, email, logged)
        matches = contacts_for_addresses(sessions, email.addresses)
        if len(matches) == 1:
            logged = log_email(sessions, email, contact_id=matches[0].contact_id)
            return FilingOutcome(path, email, logged)
        return FilingOutcome(path, email, candidates=tuple(matches))
    except (RecordGoneError, SQLAlchemyError) as exc:
        return _failed(path, email, exc)


def file_email_under(
    sessions: sessionmaker[Session], path: Path, email: EmailFile, contact_id: uuid.UUID
) -> FilingOutcome:
    """Log an e-mail under the contact the user chose."""
    try:
        return FilingOutcome(path, email, log_email(sessions, email, contact_id=contact_id))
    except (RecordGoneError, SQLAlchemyError) as exc:
        return _failed(path, email, exc)


def _failed(path: Path, email: EmailFile, exc: Exception) -> FilingOutcome:
    if isinstance(exc, SQLAlchemyError):
        log.warning("filing %s failed", path.name, exc_info=True)  # the SQL stays in the log
    return FilingOutcome(path, email, error=f"{path.name}: {describe(exc)}")


def search_contacts(sessions: sessionmaker[Session], text: str) -> list[SearchHit]:
    """Contacts only, for the question "which contact?" (any contact, not just matches)."""
    hits = search(sessions, text, limit=CHOOSER_SEARCH_LIMIT)
    return [hit for hit in hits if hit.kind == "contact"]


def match_text(match: ContactMatch) -> str:
    """ "王小明 — 华为技术有限公司 · wang@huawei.cn" (the company only when there is one)."""
    details = " · ".join(part for part in (match.company_name, match.address) if part)
    return f"{match.full_name} — {details}" if details else match.full_name


__all__ = [
    "ID_FIELDS",
    "FilingOutcome",
    "Target",
    "check_target",
    "file_dropped_emails",
    "file_email_under",
    "match_text",
    "search_contacts",
]
