"""Taking an import back out: what it created is removed, what it changed gets its old values.

    preview_undo(sessions, batch_id) -> UndoPreview     what undo would do, and the conflicts
    undo_import(sessions, batch_id, ...) -> UndoReport  do it, in one transaction

Records the import created carry its batch id, so removing a million of them is one
UPDATE per table (soft delete, as everywhere in the CRM). Records it changed have an
ImportChange with their previous values. A record someone edited after the import is a
conflict: the user decides whether undo still takes it back or leaves it as it is now.
A company or contact person the import created that other records now use is kept.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from sqlalchemy import Table, Uuid, and_, bindparam, exists, func, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Base, ImportBatch, ImportChange, ImportStatus, Tagging, utcnow
from crm_desktop.models.base import UTCDateTime
from crm_desktop.models.search_index import SearchKind, refresh_documents
from crm_desktop.services.changes import Changes
from crm_desktop.services.imports.columns import from_json
from crm_desktop.services.imports.lease import ImportBusy, busy_text, claim_in, is_busy, release_in
from crm_desktop.services.versioned import StaleRecordError, update_versioned

Progress = Callable[[float, str], None]
ConflictRule = Literal["keep", "undo"]
CONFLICT_LIMIT: Final = 1000
_CHUNK: Final = 500
# Deals before the contacts and companies they point to; the kind's search-document name.
_TABLES: Final[tuple[tuple[str, SearchKind, str], ...]] = (
    ("deal", "deal", "title"),
    ("lead", "lead", "person_name"),
    ("contact", "contact", "full_name"),
    ("company", "company", "name"),
)
_CHANGES: Final = {"deal": "deals", "lead": "leads", "contact": "contacts", "company": "companies"}


class UndoError(ValueError):
    """The import cannot be undone (unknown, already undone); the message says why."""


@dataclass(frozen=True)
class UndoConflict:
    table: str  # lead, contact, company or deal
    record_id: uuid.UUID
    label: str
    created: bool  # created by the import (else changed by it)


@dataclass(frozen=True)
class UndoPreview:
    batch_id: uuid.UUID
    file_name: str
    status: str
    created: dict[str, int]  # live records per table the import created
    updated: int  # records it changed
    conflicts: tuple[UndoConflict, ...]  # the first CONFLICT_LIMIT
    conflict_count: int


@dataclass(frozen=True)
class UndoReport:
    batch_id: uuid.UUID
    removed: int
    restored: int
    kept: int  # conflicts left as they are
    still_used: int  # companies and contacts kept because other records use them
    seconds: float
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        text = f"Undone: {self.removed:,} records removed, {self.restored:,} restored"
        if self.kept:
            text += f", {self.kept:,} edited since the import left as they are"
        if self.still_used:
            text += f", {self.still_used:,} kept because other records use them"
        return text + "."


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _load_batch(session: Session, batch_id: uuid.UUID) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.deleted_at is not None:
        raise UndoError(f"there is no import {batch_id}")
    if batch.status == ImportStatus.UNDONE.value:
        raise UndoError(f"import {batch_id} ({batch.file_name}) is already undone")
    return batch


def _edited_since(table: Table, stamp: dt.datetime) -> Any:
    return table.c.updated_at > stamp


def preview_undo(sessions: sessionmaker[Session], batch_id: uuid.UUID) -> UndoPreview:
    """What undoing the import would remove and restore, and which records were edited since."""
    with sessions() as session:
        batch = _load_batch(session, batch_id)
        if is_busy(session, batch):
            raise ImportBusy(busy_text(session.get_bind(), batch_id))
        stamp = batch.updated_at
        created: dict[str, int] = {}
        conflicts: list[UndoConflict] = []
        count = 0
        for name, _kind, label in _TABLES:
            table = _table(name)
            live = and_(table.c.import_batch_id == batch_id, table.c.deleted_at.is_(None))
            created[name] = int(
                session.scalar(select(func.count()).select_from(table).where(live)) or 0
            )
            edited = and_(live, _edited_since(table, stamp))
            count += int(session.scalar(select(func.count()).select_from(table).where(edited)) or 0)
            for record_id, text_label in session.execute(
                select(table.c.id, table.c[label]).where(edited).limit(CONFLICT_LIMIT)
            ):
                conflicts.append(UndoConflict(name, record_id, text_label, True))
        updated = 0
        for changed in _changes(session, batch_id):
            updated += len(changed)
            stale = _stale(session, changed)
            count += len(stale)
            conflicts.extend(stale[: max(0, CONFLICT_LIMIT - len(conflicts))])
        return UndoPreview(
            batch_id,
            batch.file_name,
            batch.status,
            created,
            updated,
            tuple(conflicts[:CONFLICT_LIMIT]),
            count,
        )


def _changes(session: Session, batch_id: uuid.UUID) -> Iterable[list[ImportChange]]:
    """The import's ImportChange rows, newest first, a chunk at a time."""
    last: int | None = None
    while True:
        query = select(ImportChange).where(ImportChange.batch_id == batch_id)
        if last is not None:
            query = query.where(ImportChange.seq < last)
        chunk = list(session.scalars(query.order_by(ImportChange.seq.desc()).limit(_CHUNK)))
        if not chunk:
            return
        last = chunk[-1].seq
        yield chunk


def _stale(session: Session, changed: Sequence[ImportChange]) -> list[UndoConflict]:
    """Changed records whose version moved on since the import wrote them."""
    out: list[UndoConflict] = []
    by_table: dict[str, list[ImportChange]] = {}
    for change in changed:
        by_table.setdefault(change.table_name, []).append(change)
    for name, items in by_table.items():
        table = _table(name)
        label = {n: lab for n, _k, lab in _TABLES}[name]
        ids = [c.record_id for c in items]
        rows = {
            row.id: row
            for row in session.execute(
                select(table.c.id, table.c.version, table.c[label]).where(table.c.id.in_(ids))
            )
        }
        for change in items:
            row = rows.get(change.record_id)
            if row is not None and row.version != change.version_after:
                out.append(UndoConflict(name, change.record_id, row[2], False))
    return out


def undo_import(
    sessions: sessionmaker[Session],
    batch_id: uuid.UUID,
    *,
    conflicts: ConflictRule = "keep",
    undo_anyway: Iterable[uuid.UUID] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> UndoReport:
    """Undo an import in one transaction (cancelling before the end changes nothing).

    Records edited since the import are left as they are (`conflicts="keep"`), except those
    listed in `undo_anyway`; with `conflicts="undo"` every record is taken back. ImportBusy
    while a window or program still runs the import.
    """
    tell: Progress = progress or _silent
    anyway = set(undo_anyway)
    started = time.monotonic()
    now = utcnow()
    with sessions.begin() as session:
        batch = _load_batch(session, batch_id)
        claim_in(session, batch_id)  # ImportBusy while a program runs it; ours until commit
        stamp = batch.updated_at
        connection = session.connection()
        removed = kept = still_used = restored = 0
        touched: set[str] = set()
        kept_ids: set[uuid.UUID] = set()
        # First the records it changed get their values back: a company the import made
        # for one of them is then no longer in use, and goes with the rest.
        tell(0.0, "Restoring the records the import changed…")
        restored_ids: dict[str, list[uuid.UUID]] = {}
        for changed in _changes(session, batch_id):
            _check(cancel)
            done, skipped = _restore(session, changed, now, conflicts, anyway)
            restored += len(done)
            kept += len(skipped)
            kept_ids |= skipped
            for name, ids in _by_table(done).items():
                restored_ids.setdefault(name, []).extend(ids)
        for step, (name, kind, _label) in enumerate(_TABLES):
            _check(cancel)
            tell((step + 1) / 6, f"Removing the {name} records the import created…")
            table = _table(name)
            live = and_(table.c.import_batch_id == batch_id, table.c.deleted_at.is_(None))
            edited = and_(live, _edited_since(table, stamp))
            if conflicts == "keep":
                edited_ids = set(session.scalars(select(table.c.id).where(edited)))
                keep = edited_ids - anyway
                kept += len(keep)
                kept_ids |= keep
            else:
                keep = set()
            condition = live
            if keep:
                condition = and_(live, or_(~_edited_since(table, stamp), table.c.id.in_(anyway)))
            used = _still_used(name, table)
            if used is not None:
                still_used += int(
                    session.scalar(select(func.count()).select_from(table).where(condition, used))
                    or 0
                )
                kept_ids |= set(session.scalars(select(table.c.id).where(condition, used)))
                condition = and_(condition, ~used)
            result = session.execute(
                update(table)
                .where(condition)
                .values(deleted_at=now, updated_at=now, version=table.c.version + 1)
            )
            count = int(result.rowcount or 0)  # type: ignore[attr-defined]
            if count:
                _remove_documents_of(connection, name, batch_id, now)
                _remove_taggings_of(session, name, batch_id, now)
                touched.add(name)
            removed += count
            del kind
        _check(cancel)
        tell(5 / 6, "Removing added e-mails and phone numbers…")
        _remove_methods(session, batch_id, now, kept_ids)
        for name, ids in restored_ids.items():  # after their added methods are gone
            refresh_documents(connection, _search_kind(name), ids)
            touched.add(name)
        _check(cancel)
        batch.status = ImportStatus.UNDONE.value
        batch.undone_at = now
        release_in(session, batch_id)
    changes = Changes(**{_CHANGES[name]: True for name in touched}, tags=True)
    tell(1.0, "Undone")
    return UndoReport(
        batch_id, removed, restored, kept, still_used, time.monotonic() - started, changes
    )


def _silent(_fraction: float, _message: str = "") -> None:
    return None


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise UndoCancelled("undo cancelled: nothing was changed")


class UndoCancelled(Exception):
    """Undo was cancelled before it committed; the database is as it was."""


def _still_used(name: str, table: Table) -> Any:
    """A condition true for companies and contacts that live records point to."""
    contact, deal = _table("contact"), _table("deal")
    if name == "company":
        return or_(
            exists().where(contact.c.company_id == table.c.id, contact.c.deleted_at.is_(None)),
            exists().where(deal.c.company_id == table.c.id, deal.c.deleted_at.is_(None)),
        )
    if name == "contact":
        return exists().where(deal.c.contact_id == table.c.id, deal.c.deleted_at.is_(None))
    return None


def _remove_documents_of(connection: Any, name: str, batch_id: uuid.UUID, now: dt.datetime) -> None:
    """Drop the search documents of the records this undo just deleted (one pass)."""
    removed = f'SELECT id FROM "{name}" WHERE import_batch_id = :batch AND deleted_at = :now'
    params = {"batch": batch_id, "now": now}
    typed: dict[str, Any] = {"batch": Uuid(), "now": UTCDateTime()}
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "INSERT INTO search_fts (search_fts, rowid, body) SELECT 'delete', id, body "
                f"FROM search_doc WHERE entity_id IN ({removed})"
            ).bindparams(*(bindparam(k, type_=t) for k, t in typed.items())),
            params,
        )
    connection.execute(
        text(f"DELETE FROM search_doc WHERE entity_id IN ({removed})").bindparams(
            *(bindparam(k, type_=t) for k, t in typed.items())
        ),
        params,
    )


def _remove_taggings_of(session: Session, name: str, batch_id: uuid.UUID, now: dt.datetime) -> None:
    table = _table(name)
    removed = select(table.c.id).where(
        table.c.import_batch_id == batch_id, table.c.deleted_at == now
    )
    parent = getattr(Tagging, f"{name}_id")
    session.execute(
        update(Tagging)
        .where(parent.in_(removed), Tagging.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now, version=Tagging.version + 1)
    )


def _remove_methods(
    session: Session, batch_id: uuid.UUID, now: dt.datetime, kept: set[uuid.UUID]
) -> None:
    methods = _table("contact_method")
    session.execute(
        update(methods)
        .where(methods.c.import_batch_id == batch_id, methods.c.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now, version=methods.c.version + 1)
    )
    keep = sorted(kept)
    for start in range(0, len(keep), _CHUNK):
        chunk = keep[start : start + _CHUNK]
        session.execute(
            update(methods)
            .where(
                methods.c.import_batch_id == batch_id,
                methods.c.deleted_at == now,
                or_(
                    methods.c.lead_id.in_(chunk),
                    methods.c.contact_id.in_(chunk),
                    methods.c.company_id.in_(chunk),
                ),
            )
            .values(deleted_at=None)
        )


def _restore(
    session: Session,
    changed: Sequence[ImportChange],
    now: dt.datetime,
    rule: ConflictRule,
    anyway: set[uuid.UUID],
) -> tuple[list[ImportChange], set[uuid.UUID]]:
    """Previous values back where nobody edited the record since; returns (done, kept ids)."""
    done: list[ImportChange] = []
    skipped: set[uuid.UUID] = set()
    for change in changed:
        table = _table(change.table_name)
        values = {
            column: from_json(value)
            for column, value in change.before.items()
            if not column.startswith("@")
        }
        keep = rule == "keep" and change.record_id not in anyway
        expected = change.version_after if keep else None
        try:
            update_versioned(session, table, change.record_id, expected, values, now=now)
        except StaleRecordError:
            skipped.add(change.record_id)
            continue
        taggings = [uuid.UUID(t) for t in change.before.get("@taggings", [])]
        if taggings:
            session.execute(
                update(Tagging)
                .where(Tagging.id.in_(taggings), Tagging.deleted_at.is_(None))
                .values(deleted_at=now)
            )
        done.append(change)
    return done, skipped


def _by_table(changes: Sequence[ImportChange]) -> dict[str, list[uuid.UUID]]:
    out: dict[str, list[uuid.UUID]] = {}
    for change in changes:
        out.setdefault(change.table_name, []).append(change.record_id)
    return out


def _search_kind(name: str) -> SearchKind:
    return {n: k for n, k, _l in _TABLES}[name]


__all__ = [
    "UndoCancelled",
    "UndoConflict",
    "UndoError",
    "UndoPreview",
    "UndoReport",
    "preview_undo",
    "undo_import",
]
