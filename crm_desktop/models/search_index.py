"""The global-search index: one document per lead, contact, company and deal.

`search_doc` holds, per record, its kind and id, two prefix keys and a text body
(names, company, e-mails, phone digits, one field per line, then a line of the
CJK bigrams of all that: see cjk.py). SQLite indexes the
body with an FTS5 trigram table (`search_fts`, external content = search_doc);
PostgreSQL with a pg_trgm GIN index on search_doc.body. The prefix keys carry a
B-tree index for queries of 1 or 2 characters, which trigrams cannot serve:
`key1` is the lower-cased name, `key2` the name after its first word (a Latin
surname) or after its first character (a Chinese given name, "小明" of "王小明").

A document is made in one place, `build_document`, from a `DocumentSource` (the
record's names and contact methods). Every write reaches it: the ORM listener at
the end of this module refreshes the documents of whatever a flush touched (their
sources read with two queries per kind and chunk: `load_sources`), an import hands
over the sources of the rows it has just written (no query per record), undo and
a full rebuild go through `refresh_documents` and `add_all_documents`. The rows are
written in bulk (executemany, COPY). Migrations 0002 and 0003 keep a frozen SQL copy
for databases they upgrade; a test holds it equal to `build_document`.
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

from crm_desktop.models.cjk import cjk_bigrams
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


def refresh_documents(connection: Connection, kind: SearchKind, ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the documents of some records (drop them if deleted) in the caller's transaction."""
    for chunk in _chunks(ids):
        remove_documents(connection, chunk)
        insert_documents(connection, load_sources(connection, kind, chunk))


def add_all_documents(connection: Connection, kind: SearchKind, page: int = 5000) -> None:
    """Documents for every live record of a kind, for a full rebuild: the old ones are
    removed first, and SQLite's trigram index is rebuilt afterwards, in one go."""
    last: Any = None
    while True:
        sources = _load_page(connection, kind, last, page)
        if not sources:
            return
        insert_documents(connection, sources, trigrams=False)
        last = sources[-1].entity_id


@dataclass(frozen=True)
class DocumentSource:
    """What a record's document is made of (read by load_sources, at hand in an import).

    parts: contact (full name, phonetic name, company name); lead (name, company name);
    company (name, domain); deal (title, company name, contact name). methods: (kind,
    value, normalized) of its live contact methods in their order, for every kind but deals.
    """

    kind: SearchKind
    entity_id: uuid.UUID | str  # or the 32 hex digits SQLite stores, as it returns them
    parts: tuple[str | None, ...]
    methods: tuple[tuple[str, str, str | None], ...] = ()


_PHONE_KINDS: Final = frozenset(("phone", "mobile", "fax", "whatsapp"))
_TYPED_SEPARATORS: Final = str.maketrans("", "", " -().+/")  # the usual separators
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LIKE_POSTGRESQL: Final = str.maketrans({"\u0130": "i", "\u03a3": "σ"})


def fold_key(dialect_name: str, text: str) -> str:
    """A prefix key (or a query compared with one) lower-cased as this database's lower()
    always did: ASCII letters only on SQLite, every letter on PostgreSQL, where İ is i and Σ
    is σ (Python would make them i + a combining dot, and ς at the end of a word)."""
    return _folder(dialect_name)(text)


def _folder(dialect_name: str) -> Callable[[str], str]:
    return _sqlite_lower if dialect_name == "sqlite" else _postgresql_lower


def _sqlite_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _postgresql_lower(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_LIKE_POSTGRESQL).lower()


def build_document(source: DocumentSource, dialect_name: str) -> tuple[Any, ...]:
    """The search document of a record, as the row search_doc stores it:
    (kind, entity_id, key1, key2, body). The only place a document is made."""
    return _document_row(source, _folder(dialect_name), dialect_name == "sqlite")


def insert_documents(
    connection: Connection, sources: Sequence[DocumentSource], *, trigrams: bool = True
) -> None:
    """Write the documents of records that have none (new, or just removed), in bulk.

    Every write path ends here: the ORM listener and undo through refresh_documents, an
    import with the sources it already holds (no query per record), a rebuild page by page
    (trigrams=False: it rebuilds SQLite's trigram index once at the end).
    """
    if not sources:
        return
    dialect = connection.dialect.name
    rows = [build_document(source, dialect) for source in sources]
    raw: Any = connection.connection.driver_connection
    if dialect == "sqlite":
        last = raw.execute("SELECT coalesce(max(id), 0) FROM search_doc").fetchone()[0]
        raw.executemany(
            "INSERT INTO search_doc (kind, entity_id, key1, key2, body) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        if trigrams:
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


def _document_row(
    doc: DocumentSource, lower: Callable[[str], str], sqlite: bool
) -> tuple[Any, ...]:
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
    entity_id = (
        doc.entity_id.hex if sqlite and isinstance(doc.entity_id, uuid.UUID) else doc.entity_id
    )
    return (doc.kind, entity_id, lower(name), key2, body)


def load_sources(
    connection: Connection, kind: SearchKind, ids: Sequence[uuid.UUID]
) -> list[DocumentSource]:
    """What the documents of these records are made of (deleted or missing ones left out)."""
    if not ids:
        return []
    sql = _PARTS[kind] + f" AND {_ALIAS[kind]}.id IN :ids"
    rows = connection.execute(text(sql).bindparams(_ids_param()), {"ids": list(ids)}).all()
    found = _methods(connection, kind, f"m.{_PARENT[kind]} IN :ids", {"ids": list(ids)})
    return _sources(kind, rows, found)


def _load_page(
    connection: Connection, kind: SearchKind, after: Any, limit: int
) -> list[DocumentSource]:
    """The next `limit` live records by id after `after` (None: from the first), for a
    rebuild: their methods in one range scan, the ids as the database returns them."""
    alias = _ALIAS[kind]
    params: dict[str, Any] = {"n": limit}
    sql = _PARTS[kind]
    if after is not None:
        sql += f" AND {alias}.id > :after"
        params["after"] = after
    rows = connection.execute(text(sql + f" ORDER BY {alias}.id LIMIT :n"), params).all()
    if not rows:
        return []
    where = f"m.{_PARENT[kind]} BETWEEN :first AND :last"
    found = _methods(connection, kind, where, {"first": rows[0][0], "last": rows[-1][0]})
    return _sources(kind, rows, found)


_ALIAS: Final[dict[SearchKind, str]] = {"contact": "c", "lead": "l", "company": "co", "deal": "d"}
# The parts of a DocumentSource, the record's id first; callers append to the WHERE clause.
_PARTS: Final[dict[SearchKind, str]] = {
    "contact": "SELECT c.id, c.full_name, c.phonetic_name, co.name FROM contact c "
    "LEFT JOIN company co ON co.id = c.company_id AND co.deleted_at IS NULL "
    "WHERE c.deleted_at IS NULL",
    "lead": "SELECT l.id, l.person_name, l.company_name FROM lead l WHERE l.deleted_at IS NULL",
    "company": "SELECT co.id, co.name, co.domain FROM company co WHERE co.deleted_at IS NULL",
    "deal": "SELECT d.id, d.title, co.name, ct.full_name FROM deal d "
    "LEFT JOIN company co ON co.id = d.company_id AND co.deleted_at IS NULL "
    "LEFT JOIN contact ct ON ct.id = d.contact_id AND ct.deleted_at IS NULL "
    "WHERE d.deleted_at IS NULL",
}
_PARENT: Final[dict[SearchKind, str]] = {
    "contact": "contact_id",
    "lead": "lead_id",
    "company": "company_id",
    "deal": "",
}
_Methods = dict[Any, list[tuple[str, str, str | None]]]


def _methods(connection: Connection, kind: SearchKind, where: str, params: Any) -> _Methods:
    """(kind, value, normalized) of live contact methods by their record's id, in order."""
    found: _Methods = {}
    if kind == "deal":
        return found
    parent = f"m.{_PARENT[kind]}"
    sql = text(
        f"SELECT {parent}, m.kind, m.value, m.normalized FROM contact_method m "
        f"WHERE {where} AND m.deleted_at IS NULL ORDER BY {parent}, m.position, m.id"
    )
    if "ids" in params:
        sql = sql.bindparams(_ids_param())
    for owner, method_kind, value, normalized in connection.execute(sql, params):
        found.setdefault(owner, []).append((method_kind, value, normalized))
    return found


def _sources(kind: SearchKind, rows: Sequence[Any], methods: _Methods) -> list[DocumentSource]:
    return [
        DocumentSource(kind, row[0], tuple(row[1:]), tuple(methods.get(row[0], ()))) for row in rows
    ]


def _ids_param() -> Any:
    return bindparam("ids", expanding=True, type_=Uuid())


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
    "DocumentSource",
    "SearchKind",
    "add_all_documents",
    "build_document",
    "fold_key",
    "insert_documents",
    "load_sources",
    "refresh_all_touched",
    "refresh_documents",
    "remove_documents",
    "search_doc",
    "search_metadata",
    "touched_records",
]
