"""Checking every row of a file under a mapping, without the database.

The wizard's preview step: bad e-mails, phones that are no phone numbers, dates that
are no dates, rows without a name, each on its sheet row with the column and the
reason, so the user fixes the cell or leaves the row out before anything is written.
Reading a million rows takes a while: progress is reported and the scan can be cancelled.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.source import inspect_file, open_rows
from crm_desktop.services.imports.transform import Problem, RowTransformer
from crm_desktop.services.imports.vcards import card_records, count_cards

ISSUE_LIMIT: Final = 20_000


@dataclass(frozen=True)
class RowIssue:
    row: int
    problems: tuple[Problem, ...]
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ScanReport:
    rows: int
    blank: int
    issues: tuple[RowIssue, ...]  # rows with problems, the first ISSUE_LIMIT
    issue_count: int
    cancelled: bool
    seconds: float


def scan_rows(
    plan: ImportPlan,
    progress: Callable[[float, str], None] | None = None,
    cancel: threading.Event | None = None,
    limit: int = ISSUE_LIMIT,
) -> ScanReport:
    """Every row's problems under `plan` (with the user's fixes and exclusions applied)."""
    started = time.monotonic()
    info = inspect_file(Path(plan.path), plan.encoding, plan.delimiter)
    issues: list[RowIssue] = []
    count = blank = rows = 0
    cancelled = False
    if info.format == "vcf":
        total = count_cards(info.path)
        records = card_records(info.path, plan.target, plan.region, plan.defaults)
        close: Callable[[], None] = lambda: None  # noqa: E731
    else:
        stream = open_rows(info, plan.sheet)
        transformer = RowTransformer(plan, info.date1904)
        first = plan.header_row + 1
        total = max(0, stream.total - first)
        numbered = enumerate(itertools.islice(stream.rows, first, None), start=first + 1)
        records = (transformer.transform(number, row) for number, row in numbered)
        close = stream.close
    try:
        for record in records:
            rows += 1
            if rows % 2000 == 0:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                if progress is not None:
                    progress(rows / max(total, rows), f"Checked {rows:,} of {total:,} rows")
            if record.blank:
                blank += 1
                continue
            if record.row in plan.excluded or not record.problems:
                continue
            count += 1
            if len(issues) < limit:
                issues.append(RowIssue(record.row, tuple(record.problems), tuple(record.cells)))
    finally:
        close()
    if progress is not None:
        progress(1.0, f"Checked {rows:,} rows")
    return ScanReport(rows, blank, tuple(issues), count, cancelled, time.monotonic() - started)
