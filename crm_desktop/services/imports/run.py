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
from crm_desktop.services.imports.lease import Lease, LeaseLost, claim, hold_new
from crm_desktop.services.imports.limits import take_batch
from crm_desktop.services.imports.plan import ImportPlan, PlanError, remember_mapping
from crm_desktop.services.imports.source import FileInfo, ImportFileError, inspect_file, open_rows
from crm_desktop.services.imports.tally import DuplicateCounts
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
    # Phone numbers imported as written because they are no valid number of the row's
    # country (or read with a guess): how many, and the first REPORT_LIMIT of them.
    flagged: int = 0
    flags: tuple[RowNote, ...] = ()
    seconds: float = 0.0
    cancelled: bool = False
    dry_run: bool = False
    changes: Changes = field(default_factory=Changes)
    duplicates: DuplicateCounts = field(default_factory=DuplicateCounts)  # per reason

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
            f"{self.skipped:,} skipped"
            + (f" ({self.groups:,} group{'' if self.groups == 1 else 's'})" if self.groups else ""),
            f"{self.failed:,} failed",
        ]
        if self.blank:
            parts.append(f"{self.blank:,} blank")
        if self.flagged:
            numbers = "phone number" if self.flagged == 1 else "phone numbers"
            parts.append(f"{self.flagged:,} {numbers} kept as written")
        head = "Would import" if self.dry_run else ("Stopped" if self.cancelled else "Imported")
        label += "" if self.rows == 1 else "s"
        return f"{head} {self.file_name}: {self.rows:,} {label}: " + ", ".join(parts)


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
    batch_id = uuid.uuid4()
    lease = hold_new(sessions, batch_id, lock=not dry_run)  # held from the first moment
    batch = ImportBatch(
        id=batch_id,
        lease_token=lease.token,
        lease_until=lease.renewed(utcnow()),
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
        if not dry_run:
            session.commit()
        return _run(
            session, sessions, plan, info, lease, Counts(), 0, user, progress, cancel,
            dry_run, batch_rows, stop_after, observer,
        )  # fmt: skip
    finally:
        if dry_run:
            session.rollback()
        session.close()
        lease.close()


def resume_import(
    sessions: sessionmaker[Session],
    batch_id: uuid.UUID,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Go on with an import that was cancelled or stopped, from the first row not committed.

    ImportBusy while another window or program runs it (it holds the lease)."""
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
        session.rollback()
        lease = claim(sessions, batch_id)
        try:
            batch = session.get(ImportBatch, batch_id, populate_existing=True)  # after the claim
            assert batch is not None
            counts = Counts(
                created=batch.created,
                updated=batch.updated,
                merged=batch.merged,
                skipped=batch.skipped,
                failed=batch.failed,
                duplicates=DuplicateCounts.from_json(batch.duplicates).tally(),
            )
            done = batch.rows_done
            user = batch.user_id
            batch.status = ImportStatus.RUNNING.value
            session.commit()
        except BaseException:
            session.rollback()
            lease.give_up(sessions)
            raise
        try:
            return _run(
                session, sessions, plan, info, lease, counts, done, user, progress, cancel,
                False, batch_rows, None, None,
            )  # fmt: skip
        finally:
            lease.close()
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
    lease: Lease,
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
    batch_id = lease.batch_id
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
    flags = _Flags(plan)
    total = 0
    cancelled = False
    batches = 0
    status = ImportStatus.COMPLETE
    source: _Source | None = None
    _big_cache(session, True)
    try:
        source = _open_source(plan, info, done)
        total = source.total
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
            flags.add(chunk)
            runner.run(chunk, counts)
            done += len(chunk)
            _save_counts(session, lease, counts, done, total, ImportStatus.RUNNING, None)
            if dry_run:
                session.flush()
            else:
                session.commit()
            batches += 1
            if batches & (batches - 1) == 0:  # after batch 1, 2, 4, 8, …
                _refresh_statistics(session, dry_run)
            _tell(report_progress, done, start_done, source.total, started)
    except LeaseLost:
        session.rollback()  # another program runs it now: its row is not ours to write
        raise
    except BaseException:
        session.rollback()
        if not dry_run:
            try:
                _save_counts(session, lease, None, None, total, ImportStatus.INTERRUPTED, None)
                session.commit()
            except LeaseLost:
                session.rollback()
        raise
    finally:
        if source is not None:
            source.close()
        _big_cache(session, False)
    finished = utcnow() if status is not ImportStatus.RUNNING else None
    try:
        _save_counts(session, lease, counts, done, total, status, finished)
    except LeaseLost:
        session.rollback()
        raise
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
        flagged=flags.count,
        flags=tuple(flags.notes),
        seconds=time.monotonic() - started,
        cancelled=cancelled,
        dry_run=dry_run,
        changes=runner.changes(),
        duplicates=DuplicateCounts.of(counts.duplicates),
    )


class _Flags:
    """The flagged phone numbers of the rows an import takes (not failed, not left out)."""

    def __init__(self, plan: ImportPlan) -> None:
        self.excluded = plan.excluded
        self.count = 0
        self.notes: list[RowNote] = []

    def add(self, records: list[RowRecord]) -> None:
        for record in records:
            if record.flags and record.ok and record.row not in self.excluded:
                self.count += len(record.flags)
                room = max(0, REPORT_LIMIT - len(self.notes))
                self.notes.extend(
                    RowNote(record.row, f.field, f.reason) for f in record.flags[:room]
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
    lease: Lease,
    counts: Counts | None,
    done: int | None,
    total: int,
    status: ImportStatus,
    finished: dt.datetime | None,
) -> None:
    """The batch row's counters, in the transaction of the batch they count; fenced: only
    while this program holds the lease (LeaseLost otherwise), which it renews, or gives up
    once the import stops (a RUNNING left behind is a program that died: stop_after)."""
    now = utcnow()
    values: dict[str, Any] = {"status": status.value, "updated_at": now}
    if status is ImportStatus.RUNNING:
        values["lease_until"] = lease.renewed(now)
    else:
        values.update(lease_token=None, lease_until=None)
    if counts is not None:
        values.update(
            created=counts.created,
            updated=counts.updated,
            merged=counts.merged,
            skipped=counts.skipped + counts.blank,
            failed=counts.failed,
            duplicates=DuplicateCounts.of(counts.duplicates).to_json(),
        )
    if done is not None:
        values["rows_done"] = done
        values["rows_total"] = max(done, total)
    if finished is not None:
        values["finished_at"] = finished
    saved = session.execute(update(ImportBatch).where(lease.fenced()).values(**values))
    if saved.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost(
            f"import {lease.batch_id} was taken over by another window or program (a resume or "
            "an undo): this one stopped without writing its last batch"
        )


def _tell(progress: Progress, done: int, start: int, total: int, started: float) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = (done - start) / elapsed
    total = max(total, done)
    fraction = done / total if total else 1.0
    left = (total - done) / rate if rate > 0 else 0.0
    minutes, seconds = divmod(int(left + 0.5), 60)
    speed = f"{rate:,.0f} rows/s · {minutes}:{seconds:02d} left"
    progress(min(fraction, 0.999), f"Importing: {done:,} of {total:,} rows · {speed}")
