"""The global-search index: one document per lead, contact, company and deal.

`search_doc` holds, per record, its kind and id, two prefix keys and a text body
(names, company, e-mails, phone digits, one field per line, then a line of the
CJK bigrams of all that: see cjk.py). SQLite indexes the
body with an FTS5 trigram table (`search_fts`, external content = search_doc);
PostgreSQL with a pg_trgm GIN index on search_doc.body. The prefix keys carry a
B-tree index for queries of 1 or 2 characters, which trigrams cannot serve:
`key1` is the lower-cased name, `key2` the name after its first word (a Latin
surname) or after its first character (a Chinese given name, "小明" of "王小明").

Documents are built in SQL only (INSERT ... SELECT), so a full rebuild of a
million records never goes through Python row by row, and the ORM listener at
the end of this module refreshes the documents of whatever a flush touched.
These tables live outside Base.metadata: their shape differs per backend and
autogenerate cannot see an FTS5 table (migrations/env.py excludes them).
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Session, UOWTransaction

from crm_desktop.models.cjk import SQL_FUNCTION, cjk_bigrams
from crm_desktop.models.company import Company
from crm_desktop.models.contact import Contact
from crm_desktop.models.contact_method import ContactMethod
from crm_desktop.models.deal import Deal
from crm_desktop.models.lead import Lead

SearchKind = Literal["lead", "contact", "company", "deal"]
KINDS: Final[tuple[SearchKind, ...]] = ("contact", "lead", "company", "deal")

# Separates the fields of a body, so a fragment never matches across two fields.
FIELD_SEPARATOR: Final = "\n"
# IN lists are cut to this size: well under SQLite's variable limit.
CHUNK: Final = 500

search_metadata = MetaData()
search_doc = Table(
    "search_doc",
    search_metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("entity_id", Uuid(), nullable=False),
    Column("key1", Text, nullable=False),
    Column("key2", Text),
    Column("body", Text, nullable=False),
)

# Index DDL, the same as migration 0002 creates; reindex drops and recreates it
# around a bulk load (building an index once is much faster than growing it).
INDEX_DDL: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "sqlite": (
        (
            "uq_search_doc_entity_id",
            "CREATE UNIQUE INDEX uq_search_doc_entity_id ON search_doc (entity_id)",
        ),
        ("ix_search_doc_key1", "CREATE INDEX ix_search_doc_key1 ON search_doc (kind, key1)"),
        ("ix_search_doc_key2", "CREATE INDEX ix_search_doc_key2 ON search_doc (kind, key2)"),
    ),
    "postgresql": (
        (
            "uq_search_doc_entity_id",
            "CREATE UNIQUE INDEX uq_search_doc_entity_id ON search_doc (entity_id)",
        ),
        ("ix_search_doc_key1", "CREATE INDEX ix_search_doc_key1 ON search_doc (kind, key1)"),
        ("ix_search_doc_key2", "CREATE INDEX ix_search_doc_key2 ON search_doc (kind, key2)"),
        (
            "ix_search_doc_body",
            "CREATE INDEX ix_search_doc_body ON search_doc USING gin (body gin_trgm_ops)",
        ),
    ),
}

_NL = "'\n'"  # a SQL string literal holding one newline: FIELD_SEPARATOR


def _digits(expr: str) -> str:
    """SQL for the digits of a phone number as typed (the usual separators removed)."""
    for char in (" ", "-", "(", ")", ".", "+", "/"):
        expr = f"replace({expr}, '{char}', '')"
    return expr


class _Dialect:
    """The few SQL functions that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.name = name
        pg = name == "postgresql"
        self.agg = "string_agg" if pg else "group_concat"
        self.pos = "strpos" if pg else "instr"
        self.codepoint = "ascii" if pg else "unicode"

    def methods(self, parent_column: str, parent_id: str) -> str:
        """All live contact methods of one record as text, phone digits included."""
        phone = (
            f"{_digits('m.value')} || CASE WHEN replace(m.normalized, '+', '') "
            f"<> {_digits('m.value')} THEN ' ' || replace(m.normalized, '+', '') ELSE '' END"
        )
        other = (
            "m.value || CASE WHEN m.normalized IS NULL OR lower(m.normalized) = lower(m.value) "
            "THEN '' ELSE ' ' || m.normalized END"
        )
        # Phones as digits only (as typed, and E.164 when that differs): a phone-like
        # query is searched as its digits. Other methods as typed, plus the normalized
        # form when it says something more (a website's domain).
        item = (
            f"CASE WHEN m.kind IN ('phone', 'mobile', 'fax', 'whatsapp') THEN {phone} "
            f"ELSE {other} END"
        )
        return (
            f"coalesce((SELECT {self.agg}({item}, {_NL}) FROM contact_method m "
            f"WHERE m.{parent_column} = {parent_id} AND m.deleted_at IS NULL), '')"
        )

    def key2(self, name: str) -> str:
        """The name after its first word, or a CJK name after its family character."""
        trimmed = f"trim({name})"
        return (
            f"CASE WHEN {self.pos}({trimmed}, ' ') > 0 "
            f"THEN lower(ltrim(substr({trimmed}, {self.pos}({trimmed}, ' ') + 1))) "
            f"WHEN {self.codepoint}({trimmed}) >= 11904 THEN substr({trimmed}, 2) END"
        )


def _body(*parts: str) -> str:
    return f" || {_NL} || ".join(f"coalesce({part}, '')" for part in parts)


def document_select(dialect_name: str, kind: SearchKind) -> str:
    """SQL selecting (kind, entity_id, key1, key2, body) for every live record of a kind.

    It ends in a WHERE clause, so a caller may append "AND x.id IN :ids"
    (x is the record's alias: the kind's first letter, "co" for a company).
    """
    d = _Dialect(dialect_name)
    if kind == "contact":
        methods = d.methods("contact_id", "c.id")
        return (
            f"SELECT 'contact', c.id, lower(trim(c.full_name)), {d.key2('c.full_name')}, "
            f"{_body('c.full_name', 'c.phonetic_name', 'co.name', methods)} "
            "FROM contact c LEFT JOIN company co ON co.id = c.company_id AND co.deleted_at IS NULL "
            "WHERE c.deleted_at IS NULL"
        )
    if kind == "lead":
        return (
            f"SELECT 'lead', l.id, lower(trim(l.person_name)), {d.key2('l.person_name')}, "
            f"{_body('l.person_name', 'l.company_name', d.methods('lead_id', 'l.id'))} "
            "FROM lead l WHERE l.deleted_at IS NULL"
        )
    if kind == "company":
        return (
            f"SELECT 'company', co.id, lower(trim(co.name)), {d.key2('co.name')}, "
            f"{_body('co.name', 'co.domain', d.methods('company_id', 'co.id'))} "
            "FROM company co WHERE co.deleted_at IS NULL"
        )
    return (
        f"SELECT 'deal', d.id, lower(trim(d.title)), {d.key2('d.title')}, "
        f"{_body('d.title', 'co.name', 'ct.full_name')} "
        "FROM deal d "
        "LEFT JOIN company co ON co.id = d.company_id AND co.deleted_at IS NULL "
        "LEFT JOIN contact ct ON ct.id = d.contact_id AND ct.deleted_at IS NULL "
        "WHERE d.deleted_at IS NULL"
    )


_ALIAS: Final[dict[SearchKind, str]] = {"contact": "c", "lead": "l", "company": "co", "deal": "d"}
_INSERT = "INSERT INTO search_doc (kind, entity_id, key1, key2, body) "


def with_bigram_line(select_sql: str) -> str:
    """Documents of `select_sql` with their CJK bigram line appended (models/cjk.py)."""
    return (
        "WITH docs (kind, entity_id, key1, key2, body) AS (" + select_sql + ") "
        f"SELECT kind, entity_id, key1, key2, body || {_NL} || {SQL_FUNCTION}(body) FROM docs"
    )


def insert_all_sql(dialect_name: str, kind: SearchKind) -> str:
    """INSERT ... SELECT of every live record of a kind (a full rebuild)."""
    return _INSERT + with_bigram_line(document_select(dialect_name, kind))


def _ids_param() -> Any:
    return bindparam("ids", expanding=True, type_=Uuid())


def refresh_documents(connection: Connection, kind: SearchKind, ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the documents of some records (drop them if deleted) in the caller's transaction."""
    for chunk in _chunks(ids):
        remove_documents(connection, chunk)
        add_documents(connection, kind, chunk)


def add_documents(connection: Connection, kind: SearchKind, ids: Iterable[uuid.UUID]) -> None:
    """Documents for records that have none yet (just inserted), in the caller's transaction.

    refresh_documents without the removal step: an import adds a million records in
    batches, and looking for old documents of new records would only cost time.
    """
    dialect = connection.dialect.name
    alias = _ALIAS[kind]
    insert = text(
        _INSERT + with_bigram_line(document_select(dialect, kind) + f" AND {alias}.id IN :ids")
    ).bindparams(_ids_param())
    for chunk in _chunks(ids):
        connection.execute(insert, {"ids": chunk})
        if dialect == "sqlite":
            connection.execute(
                text(
                    "INSERT INTO search_fts (rowid, body) "
                    "SELECT id, body FROM search_doc WHERE entity_id IN :ids"
                ).bindparams(_ids_param()),
                {"ids": chunk},
            )


@dataclass(frozen=True)
class NewDocument:
    """A record that has no document yet, with what its document says (see document_select).

    parts: contact (full name, phonetic name, company name); lead (name, company name);
    company (name, domain); deal (title, company name, contact name). methods: (kind,
    value, normalized) of its contact methods, for every kind but deals.
    """

    kind: SearchKind
    entity_id: uuid.UUID
    parts: tuple[str | None, ...]
    methods: tuple[tuple[str, str, str | None], ...] = ()


_PHONE_KINDS: Final = frozenset(("phone", "mobile", "fax", "whatsapp"))
_TYPED_SEPARATORS: Final = str.maketrans("", "", " -().+/")  # what _digits() removes
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def insert_new_documents(connection: Connection, docs: Sequence[NewDocument]) -> None:
    """Documents for records just inserted, built here instead of by document_select.

    For a bulk import: the same text document_select gives (tests compare the two on both
    databases), without one correlated query per record. SQLite's lower() folds ASCII
    only, PostgreSQL's every letter; the keys follow the database's own lower(), which the
    search compares them with.
    """
    if not docs:
        return
    sqlite = connection.dialect.name == "sqlite"
    lower = (lambda s: s.translate(_ASCII_LOWER)) if sqlite else str.lower
    rows = [_document_row(doc, lower, sqlite) for doc in docs]
    raw: Any = connection.connection.driver_connection
    if sqlite:
        last = raw.execute("SELECT coalesce(max(id), 0) FROM search_doc").fetchone()[0]
        raw.executemany(
            "INSERT INTO search_doc (kind, entity_id, key1, key2, body) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        raw.execute(
            "INSERT INTO search_fts (rowid, body) SELECT id, body FROM search_doc WHERE id > ?",
            (last,),
        )
        return
    with (
        raw.cursor() as cursor,
        cursor.copy("COPY search_doc (kind, entity_id, key1, key2, body) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _document_row(doc: NewDocument, lower: Callable[[str], str], sqlite: bool) -> tuple[Any, ...]:
    items = []
    for kind, value, normalized in doc.methods:
        if kind in _PHONE_KINDS:
            typed = value.translate(_TYPED_SEPARATORS)
            plain = normalized.replace("+", "") if normalized is not None else None
            items.append(typed + (" " + plain if plain is not None and plain != typed else ""))
        elif normalized is None or lower(normalized) == lower(value):
            items.append(value)
        else:
            items.append(value + " " + normalized)
    fields = [part or "" for part in doc.parts]
    if doc.kind != "deal":
        fields.append(FIELD_SEPARATOR.join(items))
    body = FIELD_SEPARATOR.join(fields)
    body = body + FIELD_SEPARATOR + cjk_bigrams(body)
    name = (doc.parts[0] or "").strip(" ")
    key2: str | None = None
    if " " in name:
        key2 = lower(name[name.index(" ") + 1 :].lstrip(" "))
    elif name and ord(name[0]) >= 11904:
        key2 = name[1:]
    entity_id = doc.entity_id.hex if sqlite else doc.entity_id
    return (doc.kind, entity_id, lower(name), key2, body)


def remove_documents(connection: Connection, ids: Sequence[uuid.UUID]) -> None:
    if connection.dialect.name == "sqlite":
        # External-content FTS5 forgets a row only when told its old text.
        connection.execute(
            text(
                "INSERT INTO search_fts (search_fts, rowid, body) "
                "SELECT 'delete', id, body FROM search_doc WHERE entity_id IN :ids"
            ).bindparams(_ids_param()),
            {"ids": list(ids)},
        )
    connection.execute(
        text("DELETE FROM search_doc WHERE entity_id IN :ids").bindparams(_ids_param()),
        {"ids": list(ids)},
    )


def dependents(
    connection: Connection, kind: SearchKind, ids: Sequence[uuid.UUID]
) -> dict[SearchKind, set[uuid.UUID]]:
    """Records whose documents quote these records' names (a company's contacts and deals)."""
    found: dict[SearchKind, set[uuid.UUID]] = {}
    if kind == "company":
        queries: tuple[tuple[SearchKind, str], ...] = (
            ("contact", "SELECT id FROM contact WHERE company_id IN :ids"),
            ("deal", "SELECT id FROM deal WHERE company_id IN :ids"),
        )
    elif kind == "contact":
        queries = (("deal", "SELECT id FROM deal WHERE contact_id IN :ids"),)
    else:
        return found
    for chunk in _chunks(ids):
        for target, sql in queries:
            typed = text(sql).bindparams(_ids_param()).columns(id=Uuid())
            rows = connection.execute(typed, {"ids": chunk})
            found.setdefault(target, set()).update(rows.scalars())
    return found


def _chunks(ids: Iterable[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    values = list(ids)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# --- keeping the index current on every ORM flush --------------------------------------

_KIND_OF: Final[dict[type[Any], SearchKind]] = {
    Contact: "contact",
    Lead: "lead",
    Company: "company",
    Deal: "deal",
}
# A change of these attributes changes what other records' documents say.
_QUOTED_NAME: Final[dict[SearchKind, tuple[str, ...]]] = {
    "company": ("name", "deleted_at"),
    "contact": ("full_name", "deleted_at"),
}
_METHOD_PARENTS: Final[tuple[tuple[str, SearchKind], ...]] = (
    ("lead_id", "lead"),
    ("contact_id", "contact"),
    ("company_id", "company"),
)

_has_index: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _index_exists(connection: Connection) -> bool:
    """False on a database not yet migrated to the search index (checked once per engine)."""
    engine = connection.engine
    known = _has_index.get(engine)
    if known is None:
        known = inspect(connection).has_table("search_doc")
        if known:  # only a positive answer is final: a migration may add the table later
            _has_index[engine] = True
    return known


def _changed(obj: Any, names: Collection[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def touched_records(session: Session) -> dict[SearchKind, set[uuid.UUID]]:
    """The records whose documents a pending flush changes, from the session's pre-flush state."""
    touched: dict[SearchKind, set[uuid.UUID]] = {}
    quoted: dict[SearchKind, set[uuid.UUID]] = {}

    def add(kind: SearchKind, record_id: uuid.UUID | None) -> None:
        if record_id is not None:
            touched.setdefault(kind, set()).add(record_id)

    new, deleted = session.new, session.deleted
    dirty = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*new, *dirty, *deleted):
        kind = _KIND_OF.get(type(obj))
        if kind is not None:
            add(kind, obj.id)
            names = _QUOTED_NAME.get(kind)
            if names and obj not in new and (obj in deleted or _changed(obj, names)):
                quoted.setdefault(kind, set()).add(obj.id)
        elif isinstance(obj, ContactMethod):
            state = inspect(obj)
            for column, parent_kind in _METHOD_PARENTS:
                history = state.attrs[column].history
                for value in (*history.added, *history.unchanged, *history.deleted):
                    add(parent_kind, value)
    for kind, ids in quoted.items():
        for target, found in dependents(session.connection(), kind, sorted(ids)).items():
            touched.setdefault(target, set()).update(found)
    return touched


def refresh_all_touched(connection: Connection, touched: dict[SearchKind, set[uuid.UUID]]) -> None:
    for kind in KINDS:
        ids = touched.get(kind)
        if ids:
            refresh_documents(connection, kind, sorted(ids))


@event.listens_for(Session, "after_flush")
def _on_after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    """Refresh the documents of what this flush wrote, in the same transaction."""
    if not any(
        isinstance(obj, (Lead, Contact, Company, Deal, ContactMethod))
        for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        return
    connection = session.connection()
    if not _index_exists(connection):
        return
    touched = touched_records(session)
    if touched:
        refresh_all_touched(connection, touched)


__all__ = [
    "FIELD_SEPARATOR",
    "INDEX_DDL",
    "KINDS",
    "NewDocument",
    "SearchKind",
    "add_documents",
    "document_select",
    "insert_all_sql",
    "insert_new_documents",
    "refresh_all_touched",
    "refresh_documents",
    "remove_documents",
    "search_doc",
    "search_metadata",
    "touched_records",
    "with_bigram_line",
]
