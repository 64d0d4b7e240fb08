"""Before an import: which rows are duplicates, and of what, field by field.

`find_duplicate_pairs` is a read-only pass over the file: every row is read, checked and
matched exactly as the import will (the same BatchRun, DuplicateFinder and rules, in
batches of the same size), but nothing is written and no write transaction is opened.
On SQLite the connection is `query_only` and takes no write lock, so other windows and
reminder claims go on while it reads; on PostgreSQL the transaction is READ ONLY. What the
import would have created in an earlier batch is remembered in memory and found as the
database would find it. For every row that matches a record in the database or an
earlier row of the file it collects the row's values beside the record's, per field,
with the reason and whether it is a duplicate or only a possible one. The wizard shows
them side by side; the user's choices become `ImportPlan.reviews`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.events import default_user_id
from crm_desktop.services.imports.batch import BatchRun, Counts
from crm_desktop.services.imports.columns import FIELD_OF_COLUMN
from crm_desktop.services.imports.fields import fields_of
from crm_desktop.services.imports.matching import DuplicateFinder, Match
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.run import BATCH_ROWS, REPORT_LIMIT, RowNote, _open_source
from crm_desktop.services.imports.source import inspect_file
from crm_desktop.services.imports.tally import DuplicateCounts
from crm_desktop.services.imports.transform import RowRecord, record_summary
from crm_desktop.services.settings import default_currency

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
    category: str = ""  # the reason, counted (services/imports/tally.py)
    possible: bool = False  # only possibly the same person: the rule for possible ones applies


@dataclass(frozen=True)
class PairsReport:
    pairs: tuple[DuplicatePair, ...]
    total: int  # rows that match (more than `pairs` when over the limit), possible ones included
    rows: int
    cancelled: bool
    failures: tuple[RowNote, ...] = ()  # rows the import would refuse (unknown owner, stage…)
    duplicates: DuplicateCounts = field(default_factory=DuplicateCounts)  # per reason and action


class _Collector:
    def __init__(self, plan: ImportPlan, limit: int) -> None:
        self.plan = plan
        self.limit = limit
        self.pairs: list[DuplicatePair] = []
        self.total = 0
        self._fields = fields_of(plan.target)
        self._field_of = FIELD_OF_COLUMN[plan.target]
        self.finder: DuplicateFinder | None = None

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
        record_id = match.db_id
        earlier = match.new.row if match.new is not None else None
        if record_id is not None and self.finder is not None:
            # A record an earlier batch of this pass would have created: its row.
            made = self.finder.made_row(record_id)
            if made is not None:
                record_id, earlier = None, made
        self.pairs.append(
            DuplicatePair(
                record.row,
                match.reason,
                record_id,
                earlier,
                name,
                tuple(pairs),
                match.category,
                match.possible,
            )
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
    *,
    batch_rows: int = BATCH_ROWS,
) -> PairsReport:
    """Every duplicate and possible duplicate row of the file with what it would change.

    Reads only. The pairs are what `run_import` with the same plan (and no decisions yet)
    then finds; `batch_rows` must be the import's (it is, unless a test changes both).
    `duplicates` counts what the rules decide: a merge is counted merged, where the import
    counts one that brings the record nothing new as skipped.
    """
    plan.check()
    info = inspect_file(Path(plan.path), plan.encoding, plan.delimiter)
    if info.format == "vcf":
        plan = replace(plan, format="vcf")
    plan.check()
    plan.check_required()
    probe = replace(plan, reviews={})
    user, currency = default_user_id(sessions), default_currency(sessions)
    collector = _Collector(probe, limit)
    counts = Counts()
    done = 0
    cancelled = False
    tell = progress or (lambda _fraction, _message: None)
    with _reading(sessions) as session:
        runner = BatchRun(
            session, probe, uuid.uuid4(), user, currency, True, REPORT_LIMIT,
            observer=collector, read_only=True,
        )  # fmt: skip
        collector.finder = runner.finder
        source = _open_source(probe, info, 0)
        try:
            tell(0.0, f"Looking for duplicates in {info.path.name}…")
            while True:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                chunk = list(itertools.islice(source.records, batch_rows))
                if not chunk:
                    break
                runner.run(chunk, counts)
                done += len(chunk)
                total = max(source.total, done)
                tell(min(done / total, 0.999), f"Looked at {done:,} of {total:,} rows")
        finally:
            source.close()
    tell(1.0, f"Looked at {done:,} rows")
    return PairsReport(
        tuple(collector.pairs),
        collector.total,
        done,
        cancelled,
        tuple(RowNote(*note) for note in runner.failures),
        DuplicateCounts.of(counts.duplicates),
    )


@contextmanager
def _reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session that cannot write: SQLite's query_only, PostgreSQL's READ ONLY transaction.

    It runs on a connection of its own, set back before it returns to the pool (or thrown
    away if that fails): the setting must never stay on a connection another task gets.
    SQLite (pysqlite) opens no transaction for reads, so no lock is held between
    statements and writers in other connections go on.
    """
    with sessions() as probe:
        engine = probe.get_bind()
    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        connection.exec_driver_sql(
            "PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY"
        )
        try:
            with sessions(bind=connection) as session:
                yield session
        finally:
            connection.rollback()
            if sqlite:
                try:
                    connection.exec_driver_sql("PRAGMA query_only = OFF")
                    connection.rollback()
                except BaseException:
                    connection.invalidate()
                    raise
