"""Writing one batch of an import: inserts in bulk, updates with their undo records.

New records go in with Core executemany (one statement per table and batch, no ORM
objects); every row carries the batch id, which is how undo finds them. A record the
import changes gets an UPDATE guarded by its version (someone saving it meanwhile makes
the row fail instead of being overwritten) and an ImportChange row with the values it
had before. Contact methods and tags the import adds to an existing record carry the
batch id too (methods) or are listed in its ImportChange (tags), so undo takes them back.
Search documents of every written record are refreshed in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from crm_desktop.models import (
    Base,
    ContactMethod,
    ImportChange,
    ImportProblem,
    Tagging,
)
from crm_desktop.models.search_index import (
    DocumentSource,
    SearchKind,
    insert_documents,
    refresh_documents,
)
from crm_desktop.services.demo_bulk import new_id, new_ids
from crm_desktop.services.imports.bulk import BulkInserter
from crm_desktop.services.imports.columns import TABLES, to_json
from crm_desktop.services.imports.fields import Target
from crm_desktop.services.imports.matching import NewRecord
from crm_desktop.services.imports.resolver import PendingRow
from crm_desktop.services.imports.transform import MethodValue
from crm_desktop.services.versioned import update_versioned

_CHUNK: Final = 500
_SEARCH_KIND: Final[dict[str, SearchKind]] = {
    "lead": "lead",
    "contact": "contact",
    "company": "company",
    "deal": "deal",
}
_METHOD_PARENT: Final = {"lead": "lead_id", "contact": "contact_id", "company": "company_id"}
_TAG_PARENT: Final = {
    "lead": "lead_id",
    "contact": "contact_id",
    "company": "company_id",
    "deal": "deal_id",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str
    cells: Sequence[str]


def table(name: str) -> Table:
    found = Base.metadata.tables[name]
    return found


class BatchWriter:
    """Writes one batch inside the import's transaction."""

    def __init__(
        self, session: Session, target: Target, batch_id: uuid.UUID, now: dt.datetime, seq: int
    ) -> None:
        self.session = session
        self.target = target
        self.table_name = TABLES[target]
        self.table = table(self.table_name)
        self.batch_id = batch_id
        self.now = now
        self.seq = seq  # the last ImportChange number used
        self.touched: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.created: dict[str, set[uuid.UUID]] = defaultdict(set)
        self._documents: list[DocumentSource] = []
        self._bulk = BulkInserter(session)

    # ---- new records ---------------------------------------------------------------------

    def insert(
        self,
        pending: Sequence[PendingRow],
        created: Sequence[NewRecord],
        tag_ids: Mapping[uuid.UUID, Sequence[uuid.UUID]],
        names: Names,
    ) -> None:
        """Companies and contacts the rows named, then the batch's records, methods and tags.

        `names` gives the name of a company or contact person by id, for the documents.
        """
        for name in ("company", "contact"):
            rows = [p.values for p in pending if p.table == name]
            self._insert(name, rows)
            self._documents += [_document(name, row, (), names) for row in rows]
        rows = []
        for new in created:
            row = {
                "id": new.id,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
                "import_batch_id": self.batch_id,
                **new.values,
            }
            rows.append(row)
        self._insert(self.table_name, rows)
        owned: list[tuple[uuid.UUID, int, MethodValue]] = []
        for new, row in zip(created, rows, strict=True):
            unique = _unique(new.record.methods) if self.table_name in _METHOD_PARENT else []
            owned += [(new.id, i, m) for i, m in enumerate(unique)]
            self._documents.append(_document(self.table_name, row, unique, names))
        self._insert_methods(owned)
        taggings = [
            self._tagging_row(record_id, tag_id)
            for record_id, tags in tag_ids.items()
            for tag_id in tags
        ]
        self._insert("tagging", taggings)

    def _insert(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self._bulk.insert(name, rows)
        if name in _SEARCH_KIND:
            self.created[name].update(row["id"] for row in rows)

    def _insert_methods(self, owned: Sequence[tuple[uuid.UUID, int, MethodValue]]) -> None:
        """Contact methods as rows ready for the driver: the most numerous rows of an import,
        three for every contact, so no dict and no per-value conversion is made for them."""
        if not owned:
            return
        bulk = self._bulk
        stamp = bulk.db_value("contact_method", "created_at", self.now)
        batch = bulk.db_value("contact_method", "import_batch_id", self.batch_id)
        ids = new_ids(len(owned))
        rows = [
            (
                ids[i],
                stamp,
                stamp,
                1,
                batch,
                method.kind,
                method.label[:100] if method.label else None,
                method.value[:500],
                method.normalized[:500] if method.normalized else None,
                position,
                bulk.id_value(parent_id),
            )
            for i, (parent_id, position, method) in enumerate(owned)
        ]
        columns: tuple[str, ...] = ("id", "created_at", "updated_at", "version")
        columns += ("import_batch_id", "kind", "label", "value", "normalized", "position")
        columns += (_METHOD_PARENT[self.table_name],)
        bulk.insert_rows("contact_method", columns, rows)

    def _tagging_row(self, record_id: uuid.UUID, tag_id: uuid.UUID) -> dict[str, Any]:
        return {
            "id": new_id(),
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
            "tag_id": tag_id,
            _TAG_PARENT[self.table_name]: record_id,
        }

    # ---- existing records --------------------------------------------------------------------

    def load(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """The current columns of existing records (live ones only)."""
        wanted = sorted(set(ids))
        found: dict[uuid.UUID, dict[str, Any]] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(self.table).where(
                    self.table.c.id.in_(wanted[start : start + _CHUNK]),
                    self.table.c.deleted_at.is_(None),
                )
            ).mappings()
            for row in rows:
                found[row["id"]] = dict(row)
        return found

    def method_values(
        self, ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[str, str, str]]]:
        """(kind, value as written, key) of the live methods of existing records, in order.

        The key is the normalized value, or the value folded when there is none: what a
        merge compares so that it adds only methods the record does not have yet.
        """
        result: dict[uuid.UUID, list[tuple[str, str, str]]] = defaultdict(list)
        if self.table_name not in _METHOD_PARENT:
            return result
        parent = getattr(ContactMethod, _METHOD_PARENT[self.table_name])
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(parent, ContactMethod.kind, ContactMethod.value, ContactMethod.normalized)
                .where(
                    parent.in_(wanted[start : start + _CHUNK]), ContactMethod.deleted_at.is_(None)
                )
                .order_by(ContactMethod.position)
            )
            for parent_id, kind, value, normalized in rows:
                result[parent_id].append((kind, value, normalized or value.strip().casefold()))
        return result

    def update(
        self,
        record_id: uuid.UUID,
        before: Mapping[str, Any],
        changed: Mapping[str, Any],
        methods: Sequence[MethodValue],
        tag_ids: Sequence[uuid.UUID],
        own: bool,
    ) -> None:
        """Write the merged values of one record; keep its previous values unless this
        import created it (`own`: undo removes it anyway)."""
        version = int(before["version"])
        if changed:  # StaleRecordError when someone saved the record since it was loaded
            version = update_versioned(
                self.session, self.table, record_id, version, changed, now=self.now
            )
        self._insert_methods([(record_id, 100 + i, m) for i, m in enumerate(_unique(methods))])
        taggings = [self._tagging_row(record_id, tag_id) for tag_id in tag_ids]
        self._insert("tagging", taggings)
        if record_id not in self.created[self.table_name]:
            self.touched[self.table_name].add(record_id)
        if own:
            return
        self.seq += 1
        snapshot = {column: to_json(before.get(column)) for column in changed}
        snapshot["@taggings"] = [str(row["id"]) for row in taggings]
        self.session.execute(
            insert(ImportChange),
            [
                {
                    "batch_id": self.batch_id,
                    "seq": self.seq,
                    "table_name": self.table_name,
                    "record_id": record_id,
                    "before": snapshot,
                    "version_after": version,
                }
            ],
        )

    def tags_of(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """The live tags of existing records (so a merge adds only new ones)."""
        parent = getattr(Tagging, _TAG_PARENT[self.table_name])
        wanted = sorted(set(ids))
        result: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(parent, Tagging.tag_id).where(
                    parent.in_(wanted[start : start + _CHUNK]), Tagging.deleted_at.is_(None)
                )
            )
            for parent_id, tag_id in rows:
                result[parent_id].add(tag_id)
        return result

    # ---- problems and the search index -------------------------------------------------------

    def problems(self, problems: Sequence[RowProblem]) -> None:
        if not problems:
            return
        self.session.execute(
            insert(ImportProblem),
            [
                {
                    "batch_id": self.batch_id,
                    "row_number": p.row,
                    "field": p.field[:200] if p.field else None,
                    "reason": p.reason,
                    "cells": list(p.cells),
                }
                for p in problems
            ],
        )

    def refresh_search(self) -> None:
        """Documents for the new records (from the values written) and the changed ones
        (read back): search_index.build_document makes both, as for every other write."""
        connection = self.session.connection()
        insert_documents(connection, self._documents)
        self._documents = []
        for name, ids in self.touched.items():
            if ids:
                refresh_documents(connection, _SEARCH_KIND[name], sorted(ids))
        self.created.clear()
        self.touched.clear()


class Names(Protocol):
    company_names: dict[uuid.UUID, str]
    contact_names: dict[uuid.UUID, str]


def _document(
    table_name: str, row: Mapping[str, Any], methods: Sequence[MethodValue], names: Names
) -> DocumentSource:
    """What the search document of a new row is made of (see search_index.DocumentSource)."""
    kind = _SEARCH_KIND[table_name]
    company = names.company_names.get(row["company_id"]) if row.get("company_id") else None
    parts: tuple[str | None, ...]
    if kind == "contact":
        parts = (row.get("full_name"), row.get("phonetic_name"), company)
    elif kind == "lead":
        parts = (row.get("person_name"), row.get("company_name"))
    elif kind == "company":
        parts = (row.get("name"), row.get("domain"))
    else:
        contact = names.contact_names.get(row["contact_id"]) if row.get("contact_id") else None
        parts = (row.get("title"), company, contact)
    found = tuple(
        (m.kind, m.value[:500], m.normalized[:500] if m.normalized else None) for m in methods
    )
    return DocumentSource(kind, row["id"], parts, found)


def _unique(methods: Sequence[MethodValue]) -> list[MethodValue]:
    """The methods without repeats (the same kind and normalized value, or value)."""
    if len(methods) < 2:
        return list(methods)
    seen: set[tuple[str, str]] = set()
    out = []
    for method in methods:
        key = (method.kind, method.normalized or method.value.strip().casefold())
        if key not in seen:
            seen.add(key)
            out.append(method)
    return out
