"""Import history: the batches, their problem rows, and those rows saved as a sheet to fix.

A batch still marked running whose program no longer holds its lease (lease.py) was
stopped from outside (the program was killed or the computer went off): it is shown as
interrupted, to be undone or resumed. While a program holds the lease, neither is offered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ImportBatch, ImportProblem, ImportStatus, User
from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.imports.lease import is_busy
from crm_desktop.services.imports.plan import ImportPlan, PlanError
from crm_desktop.services.imports.tally import DuplicateCounts
from crm_desktop.services.sheet_cells import xlsx_cells

# Columns a problem sheet adds after the file's own; importing it again leaves them out.
ADDED_COLUMNS: Final = ("crm-desktop: row in the file", "crm-desktop: problem")


@dataclass(frozen=True)
class BatchInfo:
    id: uuid.UUID
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    file_name: str
    sheet: str | None
    target: str
    status: str  # running, complete, cancelled, interrupted, undone
    rows_total: int
    rows_done: int
    created: int
    updated: int
    merged: int
    skipped: int
    failed: int
    user: str
    busy: bool = False  # a window or program runs it now (holds its lease)
    duplicates: DuplicateCounts = field(default_factory=DuplicateCounts)  # per reason

    @property
    def can_resume(self) -> bool:
        return self.status in ("cancelled", "interrupted") and not self.busy

    @property
    def can_undo(self) -> bool:
        """Anything not undone yet, once no program runs it."""
        return self.status != "undone" and not self.busy

    def line(self) -> str:
        """One line for `crm-desktop imports`: the id first, then time, file and counts."""
        when = self.started_at.astimezone().strftime("%Y-%m-%d %H:%M") if self.started_at else "-"
        sheet = f" [{self.sheet}]" if self.sheet else ""
        counts = (
            f"{self.created:,} created, {self.updated:,} updated, {self.merged:,} merged, "
            f"{self.skipped:,} skipped, {self.failed:,} failed"
        )
        if self.duplicates:
            counts += (
                f"; {self.duplicates.total(False):,} duplicates, "
                f"{self.duplicates.total(True):,} possible duplicates"
            )
        progress = "" if self.status == "complete" else f" ({self.rows_done:,} rows done)"
        return (
            f"{self.id}  {when}  {self.file_name}{sheet} -> {self.target}  "
            f"{self.status}{progress}: {counts}"
        )


@dataclass(frozen=True)
class ProblemRow:
    row: int
    field: str
    reason: str
    cells: tuple[str, ...]


def list_batches(sessions: sessionmaker[Session], limit: int = 500) -> list[BatchInfo]:
    """Imports, newest first."""
    query = (
        select(ImportBatch, User.name)
        .outerjoin(User, User.id == ImportBatch.user_id)
        .where(ImportBatch.deleted_at.is_(None))
        .order_by(ImportBatch.created_at.desc())
        .limit(limit)
    )
    out = []
    with sessions() as session:
        for batch, user in session.execute(query):
            status = batch.status
            busy = is_busy(session, batch)
            if status == ImportStatus.RUNNING.value and not busy:
                status = ImportStatus.INTERRUPTED.value
            out.append(
                BatchInfo(
                    batch.id,
                    batch.started_at,
                    batch.finished_at,
                    batch.file_name,
                    batch.sheet,
                    batch.target,
                    status,
                    batch.rows_total,
                    batch.rows_done,
                    batch.created,
                    batch.updated,
                    batch.merged,
                    batch.skipped,
                    batch.failed,
                    user or "",
                    busy,
                    DuplicateCounts.from_json(batch.duplicates),
                )
            )
    return out


def find_batch(sessions: sessionmaker[Session], text: str) -> uuid.UUID:
    """The batch whose id is `text` or starts with it (at least 4 characters)."""
    text = text.strip().lower()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if len(text) < 4:
        raise PlanError(f"{text!r}: give at least the first 4 characters of an import id")
    with sessions() as session:
        ids = [
            batch_id
            for batch_id in session.scalars(select(ImportBatch.id))
            if str(batch_id).startswith(text) or batch_id.hex.startswith(text)
        ]
    if not ids:
        raise PlanError(f"there is no import with an id starting {text!r}")
    if len(ids) > 1:
        raise PlanError(f"{text!r} names {len(ids)} imports: give more of the id")
    return ids[0]


def problem_rows(
    sessions: sessionmaker[Session], batch_id: uuid.UUID, limit: int = 10_000, offset: int = 0
) -> list[ProblemRow]:
    query = (
        select(ImportProblem)
        .where(ImportProblem.batch_id == batch_id)
        .order_by(ImportProblem.row_number)
        .offset(offset)
        .limit(limit)
    )
    with sessions() as session:
        return [
            ProblemRow(p.row_number, p.field or "", p.reason, tuple(str(c) for c in p.cells))
            for p in session.scalars(query)
        ]


def count_problem_rows(sessions: sessionmaker[Session], batch_id: uuid.UUID) -> int:
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ImportProblem)
                .where(ImportProblem.batch_id == batch_id)
            )
            or 0
        )


def save_problem_rows(sessions: sessionmaker[Session], batch_id: uuid.UUID, path: Path) -> int:
    """Write the rows that failed as an xlsx: the file's own columns, then row and problem.

    Fix the cells and import the sheet again; the two added columns are left out of the
    mapping automatically (they match no field and stay custom fields only if mapped).
    """
    refuse_database_file(path)  # replacing it would destroy the database
    with sessions() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise PlanError(f"there is no import {batch_id}")
        try:
            headers = list(ImportPlan.from_json(batch.plan).headers)
        except PlanError:
            headers = []
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Problems")
    cell = xlsx_cells(sheet)  # a cell "=1+1" from the file stays text, never a formula
    rows = 0
    offset = 0
    width = len(headers)
    chunk = problem_rows(sessions, batch_id, 5000, offset)
    widest = max((len(p.cells) for p in chunk), default=0)
    names = headers + [f"Column {i + 1}" for i in range(width, max(width, widest))]
    sheet.append([cell(name) for name in (*names, *ADDED_COLUMNS)])
    while chunk:
        for problem in chunk:
            cells = list(problem.cells) + [""] * (len(names) - len(problem.cells))
            sheet.append([*map(cell, cells[: len(names)]), problem.row, cell(problem.reason)])
            rows += 1
        offset += len(chunk)
        chunk = problem_rows(sessions, batch_id, 5000, offset)
    temporary = path.with_name(path.name + ".part")
    workbook.save(temporary)
    temporary.replace(path)
    return rows
