"""Before an import: which rows are duplicates, and of what, field by field.

`find_duplicate_pairs` runs the import as a dry run (nothing is written) and collects,
for every row that matches a record in the database or an earlier row of the file, the
row's values beside the record's, per field, with the reason. The wizard shows them
side by side; the user's choices become `ImportPlan.reviews`.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.imports.columns import FIELD_OF_COLUMN
from crm_desktop.services.imports.fields import fields_of
from crm_desktop.services.imports.matching import Match
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.run import RowNote, run_import
from crm_desktop.services.imports.transform import RowRecord, record_summary

PAIR_LIMIT: Final = 5000
_REF_COLUMNS: Final = frozenset(("owner_id", "event_id", "source_id", "company_id", "contact_id"))


@dataclass(frozen=True)
class FieldPair:
    key: str
    label: str
    file_value: str
    record_value: str

    @property
    def differs(self) -> bool:
        return bool(self.file_value) and self.file_value != self.record_value


@dataclass(frozen=True)
class DuplicatePair:
    row: int  # the sheet row (or card) that is a duplicate
    reason: str
    record_id: uuid.UUID | None  # the matching record in the database
    earlier_row: int | None  # or the earlier row of this file it repeats
    name: str  # the matching record's name, to show
    fields: tuple[FieldPair, ...]


@dataclass(frozen=True)
class PairsReport:
    pairs: tuple[DuplicatePair, ...]
    total: int  # duplicates found (more than `pairs` when over the limit)
    rows: int
    cancelled: bool
    failures: tuple[RowNote, ...] = ()  # rows the import would refuse (unknown owner, stage…)


class _Collector:
    def __init__(self, plan: ImportPlan, limit: int) -> None:
        self.plan = plan
        self.limit = limit
        self.pairs: list[DuplicatePair] = []
        self.total = 0
        self._fields = fields_of(plan.target)
        self._field_of = FIELD_OF_COLUMN[plan.target]

    def duplicate(
        self,
        record: RowRecord,
        match: Match,
        existing: Mapping[str, Any],
        methods: list[tuple[str, str]],
        refs: Mapping[str, str],
    ) -> None:
        self.total += 1
        if len(self.pairs) >= self.limit:
            return
        mine = record_summary(record, self.plan.target)
        theirs: dict[str, str] = {}
        for column, value in existing.items():
            key = self._field_of.get(column)
            if key is None or value is None or column in _REF_COLUMNS:
                continue
            theirs[key] = _text(value)
        theirs.update(refs)
        for kind, value in methods:
            theirs[kind] = f"{theirs[kind]}; {value}" if kind in theirs else value
        pairs = []
        for key, spec in self._fields.items():
            file_value = _text(mine.get(key))
            record_value = theirs.get(key, "")
            if file_value or record_value:
                pairs.append(FieldPair(key, spec.label, file_value, record_value))
        required = {"leads": "full_name", "contacts": "full_name"}.get(self.plan.target, "")
        name_key = required or ("name" if self.plan.target == "companies" else "title")
        name = theirs.get(name_key) or _text(mine.get(name_key))
        earlier = match.new.row if match.new is not None else None
        self.pairs.append(
            DuplicatePair(record.row, match.reason, match.db_id, earlier, name, tuple(pairs))
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bytes):
        return "(picture)"
    return str(value)


def find_duplicate_pairs(
    sessions: sessionmaker[Session],
    plan: ImportPlan,
    progress: Callable[[float, str], None] | None = None,
    cancel: threading.Event | None = None,
    limit: int = PAIR_LIMIT,
) -> PairsReport:
    """Every duplicate row of the file with what it would change (nothing is written)."""
    collector = _Collector(plan, limit)
    probe = replace(plan, on_duplicate="skip", reviews={})
    report = run_import(sessions, probe, progress, cancel, dry_run=True, observer=collector)
    return PairsReport(
        tuple(collector.pairs), collector.total, report.rows, report.cancelled, report.failures
    )
