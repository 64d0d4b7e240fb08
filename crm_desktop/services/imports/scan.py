"""Checking every row of a file under a mapping, without the database.

The wizard's preview step: bad e-mails, phones that are no phone numbers, dates that
are no dates, rows without a name, each on its sheet row with the column and the
reason, so the user fixes the cell or leaves the row out before anything is written.
Rows that import but hold a phone number that is not valid in its country (kept as
written) are listed too, flagged, so a wrong country for the whole file shows here.
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
FLAG_LIMIT: Final = 1_000  # flagged rows listed: enough to see what is wrong and fix some


@dataclass(frozen=True)
class RowIssue:
    """A row with problems (not imported unless fixed) or flags (imported, worth a look)."""

    row: int
    problems: tuple[Problem, ...]
    cells: tuple[str, ...]
    flags: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ScanReport:
    rows: int
    blank: int
    issues: tuple[RowIssue, ...]  # rows with problems, the first ISSUE_LIMIT
    issue_count: int
    cancelled: bool
    seconds: float
    flagged: tuple[RowIssue, ...] = ()  # rows that import, with flags: the first FLAG_LIMIT
    flag_count: int = 0  # phone numbers in them kept as written (or read with a guess)
    flag_rows: int = 0  # how many such rows


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
    flagged: list[RowIssue] = []
    count = blank = rows = flags = flag_rows = 0
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
            if record.row in plan.excluded or not (record.problems or record.flags):
                continue
            if record.problems:
                count += 1
                kept, room = issues, limit
            else:
                flags += len(record.flags)
                flag_rows += 1
                kept, room = flagged, FLAG_LIMIT
            if len(kept) < room:
                kept.append(
                    RowIssue(
                        record.row, tuple(record.problems), tuple(record.cells), tuple(record.flags)
                    )
                )
    finally:
        close()
    if progress is not None:
        progress(1.0, f"Checked {rows:,} rows")
    seconds = time.monotonic() - started
    return ScanReport(rows, blank, tuple(issues), count, cancelled, seconds, tuple(flagged), flags)
