"""One batch of import rows: decide what each row does, then write the batch.

For every row: blank, left out by the user, a vCard group, failed (a problem in the row
or a name that matches no owner or stage), a duplicate (skipped, or merged under the
import's rule or the user's review), or new. New records and merges into them stay in
memory until the batch is written; merges into records already in the database are
applied after one read of those records. A duplicate follows the import's rule for
duplicates, a possible duplicate (services/same_person.py) its rule for those; each is
counted by reason and outcome. A read-only run (`read_only`, the wizard's "Find
duplicates") decides every row the same way and writes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from crm_desktop.models import utcnow
from crm_desktop.services.changes import Changes
from crm_desktop.services.imports.columns import (
    MergeMode,
    Refs,
    entity_columns,
    merge_columns,
)
from crm_desktop.services.imports.matching import DuplicateFinder, Match, NewRecord
from crm_desktop.services.imports.plan import ImportPlan, Review
from crm_desktop.services.imports.resolver import Resolver, UnknownName
from crm_desktop.services.imports.tally import Action, Tally
from crm_desktop.services.imports.transform import MethodValue, Problem, RowRecord
from crm_desktop.services.imports.writer import BatchWriter, RowProblem
from crm_desktop.services.versioned import StaleRecordError

Note = tuple[int, str, str]  # row, field, reason
_REF_FIELDS = {
    "company_id": "company",
    "contact_id": "contact",
    "owner_id": "owner",
    "event_id": "event",
    "source_id": "source",
}


class MatchObserver(Protocol):
    """Told about every duplicate row of a batch (the review step of the wizard)."""

    def duplicate(
        self,
        record: RowRecord,
        match: Match,
        existing: Mapping[str, Any],
        methods: list[tuple[str, str]],
        refs: Mapping[str, str],
    ) -> None:
        """existing: the record's columns; methods: its (kind, value); refs: the names of
        the records it points to, by field (company, contact, owner, event, source)."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    failed: int = 0
    blank: int = 0
    groups: int = 0
    duplicates: Tally = field(default_factory=dict)  # (reason, what was done) -> rows

    def tally(self, category: str, action: Action) -> None:
        key = (category, action)
        self.duplicates[key] = self.duplicates.get(key, 0) + 1


@dataclass
class _DbMerge:
    record: RowRecord
    columns: dict[str, Any]
    mode: MergeMode
    take_file: frozenset[str]
    tags: list[uuid.UUID]
    reason: str
    category: str


@dataclass
class BatchRun:
    """The state an import keeps from batch to batch: caches, the duplicate index, notes."""

    session: Session
    plan: ImportPlan
    batch_id: uuid.UUID
    user_id: uuid.UUID | None
    currency: str
    dry_run: bool
    limit: int
    failures: list[Note] = field(default_factory=list)
    skips: list[Note] = field(default_factory=list)
    observer: MatchObserver | None = None
    read_only: bool = False
    _seq: int = 0
    _touched: set[str] = field(default_factory=set)
    _observed: list[tuple[RowRecord, Match]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.resolver = Resolver(
            self.session,
            self.batch_id,
            self.user_id,
            utcnow(),
            self.dry_run,
            read_only=self.read_only,
        )
        self.finder = DuplicateFinder(
            self.session, self.plan.target, self.plan.threshold, remember_created=self.read_only
        )
        self.target = self.plan.target

    # ---- the batch -------------------------------------------------------------------------

    def run(self, records: Sequence[RowRecord], counts: Counts) -> None:
        now = utcnow()
        self.resolver.now = now
        writer = BatchWriter(self.session, self.target, self.batch_id, now, self._seq)
        problems: list[RowProblem] = []
        created: list[NewRecord] = []
        tags: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        db_merges: dict[uuid.UUID, list[_DbMerge]] = defaultdict(list)
        company_of_new: dict[uuid.UUID, uuid.UUID | None] = {}
        live = [r for r in records if r.ok and r.row not in self.plan.excluded]
        existing = self._prefetch(live)
        for record in records:
            if record.blank:
                counts.blank += 1
                continue
            if record.group:
                counts.skipped += 1
                counts.groups += 1
                self._skip(record.row, "vCard", "a contact group, not a person")
                continue
            if record.row in self.plan.excluded:
                counts.skipped += 1
                self._skip(record.row, "", "left out by you")
                continue
            if record.problems:
                self._fail(record, problems, counts)
                continue
            try:
                refs = self._refs(record)
            except UnknownName as exc:
                field_label = str(exc).split(" named ", 1)[0].removeprefix("no ")
                record.problems.append(_problem(field_label, str(exc)))
                self._fail(record, problems, counts)
                continue
            company = self._company_now(record, existing.get(record.row))
            match = self.finder.find(record, company, company)
            if match is not None and self.observer is not None:
                self._observed.append((record, match))
            action, mode, take = self._decide(record, match)
            if action == "skip":
                assert match is not None
                counts.skipped += 1
                counts.tally(match.category, "skipped")
                kind = "possible duplicate" if match.possible else "duplicate"
                self._skip(record.row, kind, match.reason)
                continue
            refs = self._with_company(record, refs, company, create=True)
            columns = entity_columns(self.target, record, refs, now, self.currency)
            row_tags = [self.resolver.tag(t) for t in record.tags]
            if action == "create" or match is None:
                new = NewRecord(uuid.uuid4(), record.row, columns, record)
                created.append(new)
                tags[new.id].extend(row_tags)
                company_of_new[new.id] = refs.company_id
                self.finder.remember_new(new, record, refs.company_id)
                counts.created += 1
                if match is not None:
                    counts.tally(match.category, "created")
            elif match.new is not None:
                self._merge_new(match.new, record, columns, mode, take, row_tags, tags)
                self.finder.remember_new(match.new, record, refs.company_id)
                counts.merged += 1
                counts.tally(match.category, "merged")
            else:
                assert match.db_id is not None
                db_merges[match.db_id].append(
                    _DbMerge(record, columns, mode, take, row_tags, match.reason, match.category)
                )
                self.finder.remember_db(match.db_id, record, refs.company_id)
        if self._observed:
            self._tell_observer(writer)
        if self.read_only:
            self._end_read_only(db_merges, counts, created, company_of_new)
            return
        writer.insert(self.resolver.take_pending(), created, tags, self.resolver)
        if db_merges:
            self._write_merges(writer, db_merges, counts, problems)
        writer.problems(problems)
        writer.refresh_search()
        self._seq = writer.seq
        self.finder.end_batch(created, company_of_new)
        if created or db_merges:
            self._touched.add(self.target)
        if self.resolver.created_companies:
            self._touched.add("companies")
        if self.resolver.created_contacts:
            self._touched.add("contacts")

    def _end_read_only(
        self,
        db_merges: Mapping[uuid.UUID, list[_DbMerge]],
        counts: Counts,
        created: list[NewRecord],
        company_of_new: dict[uuid.UUID, uuid.UUID | None],
    ) -> None:
        """Nothing is written: merges count as done, records named by rows are forgotten."""
        for merges in db_merges.values():
            for merge in merges:
                counts.updated += 1
                counts.tally(merge.category, "merged")
        self.resolver.take_pending()
        self.finder.end_batch(created, company_of_new)

    def _prefetch(self, live: Sequence[RowRecord]) -> dict[int, uuid.UUID | None]:
        """Existing companies the rows name, then every duplicate key of the batch."""
        existing: dict[int, uuid.UUID | None] = {}
        if self.target in ("contacts", "deals"):
            for record in live:
                name = str(record.values.get("company") or "")
                existing[record.row] = self.resolver.find_company(name) if name else None
        elif self.target == "companies":
            for record in live:
                existing[record.row] = self.resolver.find_company(str(record.values["name"]))
        if self.target == "deals":
            self.resolver.prefetch_contacts(str(r.values.get("contact") or "") for r in live)
        self.finder.prefetch(live, existing)
        return existing

    def _company_now(self, record: RowRecord, known: uuid.UUID | None) -> uuid.UUID | None:
        """The row's company, including one an earlier row of this batch created."""
        if known is not None or self.target not in ("contacts", "deals", "companies"):
            return known
        name = str(record.values.get("name" if self.target == "companies" else "company") or "")
        return self.resolver.find_company(name) if name else None

    def _refs(self, record: RowRecord) -> Refs:
        values = record.values
        resolver = self.resolver
        owner = resolver.owner(values["owner"]) if values.get("owner") else self.user_id
        event = resolver.event(values["event"]) if values.get("event") else None
        source = resolver.source(values["source"]) if values.get("source") else None
        refs = Refs(owner_id=owner, event_id=event, source_id=source)
        if self.target == "deals":
            pipeline, stage, closed = resolver.stage(values.get("pipeline"), values.get("stage"))
            refs = Refs(
                owner_id=owner,
                event_id=event,
                source_id=source,
                pipeline_id=pipeline,
                stage_id=stage,
                closed=closed,
            )
        return refs

    def _with_company(
        self, record: RowRecord, refs: Refs, company: uuid.UUID | None, create: bool
    ) -> Refs:
        if self.target not in ("contacts", "deals"):
            return refs
        name = str(record.values.get("company") or "")
        company_id = company
        if name and company_id is None and create:
            company_id = self.resolver.company(name, refs.owner_id)
        contact_id = None
        if self.target == "deals" and record.values.get("contact"):
            contact_id = self.resolver.contact(
                str(record.values["contact"]), company_id, refs.owner_id
            )
        return Refs(
            owner_id=refs.owner_id,
            event_id=refs.event_id,
            source_id=refs.source_id,
            company_id=company_id,
            contact_id=contact_id,
            pipeline_id=refs.pipeline_id,
            stage_id=refs.stage_id,
            closed=refs.closed,
        )

    def _decide(
        self, record: RowRecord, match: Match | None
    ) -> tuple[str, MergeMode, frozenset[str]]:
        rule = self.plan.on_duplicate
        if match is None:
            return "create", "fill", frozenset()
        review: Review | None = self.plan.reviews.get(record.row) if rule == "review" else None
        if review is not None:
            if review.action == "merge":
                return "merge", "review", review.take_file
            return review.action, "fill", frozenset()
        if match.possible:
            # Another person until someone says otherwise; "merge" only fills empty fields.
            return self.plan.on_possible, "fill", frozenset()
        if rule in ("fill", "overwrite"):
            return "merge", rule, frozenset()
        if rule == "create":
            return "create", "fill", frozenset()
        return "skip", "fill", frozenset()  # "skip", and "review" with no decision

    def _tell_observer(self, writer: BatchWriter) -> None:
        assert self.observer is not None
        ids = [m.db_id for _, m in self._observed if m.db_id is not None]
        current = writer.load(ids)
        methods = writer.method_values(current)
        for record, match in self._observed:
            if match.new is not None:
                values = dict(match.new.values)
                found = [(m.kind, m.value) for m in match.new.record.methods]
            else:
                assert match.db_id is not None
                values = current.get(match.db_id, {})
                found = [(kind, value) for kind, value, _key in methods.get(match.db_id, [])]
            refs = {
                key: label
                for column, key in _REF_FIELDS.items()
                if values.get(column) is not None
                and (label := self.resolver.label(column, values[column]))
            }
            self.observer.duplicate(record, match, values, found, refs)
        self._observed.clear()

    # ---- merges ------------------------------------------------------------------------------

    def _merge_new(
        self,
        new: NewRecord,
        record: RowRecord,
        columns: dict[str, Any],
        mode: MergeMode,
        take: frozenset[str],
        row_tags: list[uuid.UUID],
        tags: dict[uuid.UUID, list[uuid.UUID]],
    ) -> None:
        new.values.update(merge_columns(new.values, columns, mode, take, self.target))
        new.record.methods.extend(record.methods)
        new.merged_rows.append(record.row)
        tags[new.id].extend(t for t in row_tags if t not in tags[new.id])

    def _write_merges(
        self,
        writer: BatchWriter,
        merges: dict[uuid.UUID, list[_DbMerge]],
        counts: Counts,
        problems: list[RowProblem],
    ) -> None:
        current = writer.load(merges)
        methods = {
            record_id: {key for _kind, _value, key in found}
            for record_id, found in writer.method_values(current).items()
        }
        tags = writer.tags_of(current)
        for record_id, rows in merges.items():
            before = current.get(record_id)
            if before is None:
                for merge in rows:
                    merge.record.problems.append(
                        _problem("duplicate", "the matching record was deleted while importing")
                    )
                    self._fail(merge.record, problems, counts)
                    counts.tally(merge.category, "failed")
                continue
            own = before.get("import_batch_id") == self.batch_id
            state = dict(before)
            changed: dict[str, Any] = {}
            new_methods: list[MethodValue] = []
            new_tags: list[uuid.UUID] = []
            known = methods.setdefault(record_id, set())
            have_tags = tags[record_id]
            outcomes: list[tuple[_DbMerge, bool]] = []
            for merge in rows:
                step = merge_columns(state, merge.columns, merge.mode, merge.take_file, self.target)
                state.update(step)
                changed.update(step)
                added = False
                for method in merge.record.methods:
                    key = method.normalized or method.value.strip().casefold()
                    if key not in known:
                        known.add(key)
                        new_methods.append(method)
                        added = True
                for tag_id in merge.tags:
                    if tag_id not in have_tags:
                        have_tags.add(tag_id)
                        new_tags.append(tag_id)
                        added = True
                outcomes.append((merge, bool(step) or added))
            try:
                writer.update(record_id, before, changed, new_methods, new_tags, own)
            except StaleRecordError:
                for merge, _ in outcomes:
                    merge.record.problems.append(
                        _problem("duplicate", "someone changed the matching record meanwhile")
                    )
                    self._fail(merge.record, problems, counts)
                    counts.tally(merge.category, "failed")
                continue
            for merge, did in outcomes:
                counts.tally(merge.category, "merged" if did else "skipped")
                if not did:
                    counts.skipped += 1
                    self._skip(merge.record.row, "duplicate", f"{merge.reason}: nothing new")
                elif own:
                    counts.merged += 1
                else:
                    counts.updated += 1

    # ---- notes -------------------------------------------------------------------------------

    def _fail(self, record: RowRecord, problems: list[RowProblem], counts: Counts) -> None:
        counts.failed += 1
        reason = "; ".join(
            f"{p.field}: {p.reason}" if p.field else p.reason for p in record.problems
        )
        first = record.problems[0].field if record.problems else ""
        problems.append(RowProblem(record.row, first, reason, record.cells))
        if len(self.failures) < self.limit:
            self.failures.append((record.row, first, reason))

    def _skip(self, row: int, field_name: str, reason: str) -> None:
        if len(self.skips) < self.limit:
            self.skips.append((row, field_name, reason))

    def changes(self) -> Changes:
        flags = {name: True for name in self._touched}
        if self.resolver.created_events:
            flags["events"] = True
        if self.resolver.created_tags:
            flags["tags"] = True
        return Changes(**flags)


def _problem(field_name: str, reason: str) -> Problem:
    return Problem(field_name, reason)
