"""Running an import: rows in, records out, in batches that commit as they go.

    run_import(sessions, plan, progress, cancel) -> ImportReport
    resume_import(sessions, batch_id, progress, cancel) -> ImportReport

Every data row is accounted for: created, updated (an existing record took its values),
merged (into a record this import created from an earlier row), skipped (a duplicate the
rule skips, a row the user left out, a vCard group), failed (with the reason, kept as an
ImportProblem) or blank. Each batch is one transaction that also moves the import
batch's counters and `rows_done`, so a cancelled, failed or killed import stops at a
batch boundary: its batch can be undone, or resumed from the next row.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from sqlalchemy import text, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ImportBatch, ImportStatus, utcnow
from crm_desktop.services.changes import Changes
from crm_desktop.services.events import default_user_id
from crm_desktop.services.imports.batch import BatchRun, Counts, MatchObserver
from crm_desktop.services.imports.limits import take_batch
from crm_desktop.services.imports.plan import ImportPlan, PlanError, remember_mapping
from crm_desktop.services.imports.source import FileInfo, ImportFileError, inspect_file, open_rows
from crm_desktop.services.imports.transform import RowRecord, RowTransformer
from crm_desktop.services.imports.vcards import card_records, count_cards
from crm_desktop.services.settings import default_currency

Progress = Callable[[float, str], None]
BATCH_ROWS: Final = 5000
IMPORT_CACHE_KIB: Final = 256 * 1024
DEFAULT_CACHE_KIB: Final = 2000  # SQLite's default
IMPORT_CHECKPOINT_PAGES: Final = 50_000  # about 200 MB of write-ahead log between checkpoints
DEFAULT_CHECKPOINT_PAGES: Final = 1000  # SQLite's default
REPORT_LIMIT: Final = 1000  # failures and skips kept in the report (all failures are in the db)


@dataclass(frozen=True)
class RowNote:
    """A row that was not imported (failed or skipped), with the reason."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    batch_id: uuid.UUID | None
    file_name: str
    target: str
    rows: int  # data rows read (header excluded)
    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    failed: int = 0
    blank: int = 0
    groups: int = 0  # vCard contact groups (counted in skipped)
    failures: tuple[RowNote, ...] = ()
    skips: tuple[RowNote, ...] = ()
    seconds: float = 0.0
    cancelled: bool = False
    dry_run: bool = False
    changes: Changes = field(default_factory=Changes)

    @property
    def accounted(self) -> int:
        return self.created + self.updated + self.merged + self.skipped + self.failed + self.blank

    def summary(self) -> str:
        """One line for people: what happened to every row."""
        label = "card" if self.file_name.lower().endswith((".vcf", ".vcard")) else "row"
        parts = [
            f"{self.created:,} created",
            f"{self.updated:,} updated",
            f"{self.merged:,} merged",
            f"{self.skipped:,} skipped" + (f" ({self.groups:,} groups)" if self.groups else ""),
            f"{self.failed:,} failed",
        ]
        if self.blank:
            parts.append(f"{self.blank:,} blank")
        head = "Would import" if self.dry_run else ("Stopped" if self.cancelled else "Imported")
        return f"{head} {self.file_name}: {self.rows:,} {label}s: " + ", ".join(parts)


@dataclass
class _Source:
    total: int
    records: Iterator[RowRecord]
    close: Callable[[], None]


def _silent(_fraction: float, _message: str = "") -> None:
    return None


def run_import(
    sessions: sessionmaker[Session],
    plan: ImportPlan,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    dry_run: bool = False,
    user_id: uuid.UUID | None = None,
    batch_rows: int = BATCH_ROWS,
    stop_after: int | None = None,
    observer: MatchObserver | None = None,
) -> ImportReport:
    """Import the file of `plan`. ImportFileError when it cannot be read, PlanError when
    the plan is wrong; row problems never raise, they are reported. `stop_after` ends the
    run after that many batches, as if the process had stopped (tests use it)."""
    plan.check()
    info = inspect_file(Path(plan.path), plan.encoding, plan.delimiter)
    if info.format == "vcf":
        plan = replace(plan, format="vcf")
    plan.check()
    plan.check_required()
    user = user_id or default_user_id(sessions)
    batch = ImportBatch(
        file_name=info.path.name,
        file_hash=info.sha256,
        sheet=plan.sheet,
        target=plan.target,
        plan=plan.to_json(),
        user_id=user,
        status=ImportStatus.RUNNING.value,
        started_at=utcnow(),
    )
    session = sessions()
    try:
        session.add(batch)
        session.flush()
        batch_id = batch.id
        if not dry_run:
            session.commit()
        return _run(
            session, sessions, plan, info, batch_id, Counts(), 0, user, progress, cancel,
            dry_run, batch_rows, stop_after, observer,
        )  # fmt: skip
    finally:
        if dry_run:
            session.rollback()
        session.close()


def resume_import(
    sessions: sessionmaker[Session],
    batch_id: uuid.UUID,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Go on with an import that was cancelled or stopped, from the first row not committed."""
    session = sessions()
    try:
        batch = session.get(ImportBatch, batch_id)
        if batch is None or batch.deleted_at is not None:
            raise PlanError(f"there is no import {batch_id}")
        if batch.status in (ImportStatus.COMPLETE.value, ImportStatus.UNDONE.value):
            raise PlanError(f"import {batch_id} is {batch.status}: there is nothing to resume")
        plan = ImportPlan.from_json(batch.plan)
        info = inspect_file(Path(plan.path), plan.encoding, plan.delimiter)
        if info.sha256 != batch.file_hash:
            raise ImportFileError(
                f"{info.path.name} has changed since the import started: it cannot be resumed "
                "(undo the import and import the file again)"
            )
        counts = Counts(
            created=batch.created,
            updated=batch.updated,
            merged=batch.merged,
            skipped=batch.skipped,
            failed=batch.failed,
        )
        done = batch.rows_done
        user = batch.user_id
        batch.status = ImportStatus.RUNNING.value
        session.commit()
        return _run(
            session, sessions, plan, info, batch_id, counts, done, user, progress, cancel,
            False, batch_rows, None, None,
        )  # fmt: skip
    finally:
        session.close()


def _open_source(plan: ImportPlan, info: FileInfo, skip: int) -> _Source:
    if info.format == "vcf":
        total = count_cards(info.path)
        records = card_records(info.path, plan.target, plan.region, plan.defaults)
        return _Source(total, itertools.islice(records, skip, None), lambda: None)
    stream = open_rows(info, plan.sheet)
    transformer = RowTransformer(plan, info.date1904)
    first = plan.header_row + 1  # rows above the data: notes, titles and the header itself
    total = max(0, stream.total - first)

    def transformed() -> Iterator[RowRecord]:
        rows = itertools.islice(stream.rows, first + skip, None)
        for number, row in enumerate(rows, start=first + skip + 1):
            yield transformer.transform(number, row)

    return _Source(total, transformed(), stream.close)


def _run(
    session: Session,
    sessions: sessionmaker[Session],
    plan: ImportPlan,
    info: FileInfo,
    batch_id: uuid.UUID,
    counts: Counts,
    done: int,
    user: uuid.UUID | None,
    progress: Progress | None,
    cancel: threading.Event | None,
    dry_run: bool,
    batch_rows: int,
    stop_after: int | None,
    observer: MatchObserver | None,
) -> ImportReport:
    report_progress = progress or _silent
    started = time.monotonic()
    _big_cache(session, True)
    source = _open_source(plan, info, done)
    runner = BatchRun(
        session,
        plan,
        batch_id,
        user,
        default_currency(sessions),
        dry_run,
        REPORT_LIMIT,
        observer=observer,
    )
    start_done = done
    total = source.total
    cancelled = False
    batches = 0
    status = ImportStatus.COMPLETE
    try:
        report_progress(0.0, f"Importing {info.path.name}…")
        while True:
            if cancel is not None and cancel.is_set():
                cancelled = True
                status = ImportStatus.CANCELLED
                break
            if stop_after is not None and batches >= stop_after:
                status = ImportStatus.RUNNING  # as if the process had died here
                break
            chunk = take_batch(source.records, batch_rows)
            if not chunk:
                break
            runner.run(chunk, counts)
            done += len(chunk)
            _save_counts(session, batch_id, counts, done, total, ImportStatus.RUNNING, None)
            if dry_run:
                session.flush()
            else:
                session.commit()
            batches += 1
            if batches & (batches - 1) == 0:  # after batch 1, 2, 4, 8, …
                _refresh_statistics(session, dry_run)
            _tell(report_progress, done, start_done, source.total, started)
    except BaseException:
        session.rollback()
        if not dry_run:
            _save_counts(session, batch_id, None, None, total, ImportStatus.INTERRUPTED, None)
            session.commit()
        raise
    finally:
        source.close()
        _big_cache(session, False)
    finished = utcnow() if status is not ImportStatus.RUNNING else None
    _save_counts(session, batch_id, counts, done, total, status, finished)
    if not dry_run:
        session.commit()
        if status is ImportStatus.COMPLETE and plan.format != "vcf":
            remember_mapping(sessions, plan)
    report_progress(1.0, f"Imported {done:,} rows")
    return ImportReport(
        batch_id=None if dry_run else batch_id,
        file_name=info.path.name,
        target=plan.target,
        rows=done,
        created=counts.created,
        updated=counts.updated,
        merged=counts.merged,
        skipped=counts.skipped,
        failed=counts.failed,
        blank=counts.blank,
        groups=counts.groups,
        failures=tuple(RowNote(*n) for n in runner.failures),
        skips=tuple(RowNote(*n) for n in runner.skips),
        seconds=time.monotonic() - started,
        cancelled=cancelled,
        dry_run=dry_run,
        changes=runner.changes(),
    )


def _refresh_statistics(session: Session, dry_run: bool) -> None:
    """Fresh planner statistics on PostgreSQL as the tables grow.

    Without them, the duplicate lookups of a new database are planned as if its tables
    were empty: sequential scans that grow with every batch (100,000 rows took 65 s of
    lookups instead of 1.5 s). ANALYZE samples a fixed number of rows, so it stays cheap.
    """
    if session.get_bind().dialect.name != "postgresql" or dry_run:
        return
    for name in ("lead", "contact", "company", "deal", "contact_method", "search_doc"):
        session.execute(text(f'ANALYZE "{name}"'))
    session.commit()


def _big_cache(session: Session, on: bool) -> None:
    """SQLite settings for this connection while it imports, and back after.

    A larger page cache keeps the index pages of a million random ids in memory between
    batches. Fewer write-ahead-log checkpoints write an index page that every batch
    touches once per checkpoint, not once per batch: at a million rows the commits took
    132 s of 552 with SQLite's default of one checkpoint per 1,000 pages.
    """
    if session.get_bind().dialect.name == "sqlite":
        pages = IMPORT_CACHE_KIB if on else DEFAULT_CACHE_KIB
        checkpoint = IMPORT_CHECKPOINT_PAGES if on else DEFAULT_CHECKPOINT_PAGES
        connection = session.connection()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{pages}")
        connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={checkpoint}")


def _save_counts(
    session: Session,
    batch_id: uuid.UUID,
    counts: Counts | None,
    done: int | None,
    total: int,
    status: ImportStatus,
    finished: dt.datetime | None,
) -> None:
    values: dict[str, Any] = {"status": status.value, "updated_at": utcnow()}
    if counts is not None:
        values.update(
            created=counts.created,
            updated=counts.updated,
            merged=counts.merged,
            skipped=counts.skipped + counts.blank,
            failed=counts.failed,
        )
    if done is not None:
        values["rows_done"] = done
        values["rows_total"] = max(done, total)
    if finished is not None:
        values["finished_at"] = finished
    session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(**values))


def _tell(progress: Progress, done: int, start: int, total: int, started: float) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = (done - start) / elapsed
    total = max(total, done)
    fraction = done / total if total else 1.0
    left = (total - done) / rate if rate > 0 else 0.0
    minutes, seconds = divmod(int(left + 0.5), 60)
    speed = f"{rate:,.0f} rows/s · {minutes}:{seconds:02d} left"
    progress(min(fraction, 0.999), f"Importing: {done:,} of {total:,} rows · {speed}")
