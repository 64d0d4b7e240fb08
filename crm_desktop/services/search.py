"""Global search: find leads, contacts, companies and deals by any fragment as you type.

A query is answered in two indexed stages (see models/search_index.py for the index):

1. Prefix: names that start with the query, or whose second word (a Latin surname)
   or given name (the "小明" of "王小明") does. A B-tree range scan per kind: this is
   also the whole answer for Latin queries of 1 or 2 characters, which trigram
   indexes cannot serve ("王伟" finds 王伟 and 王伟明; "小明" finds 王小明).
2. Substring: every term of 3 or more characters anywhere in a name, company,
   e-mail or phone, through the trigram index (FTS5 on SQLite, pg_trgm on
   PostgreSQL), and every two-character CJK word through the bigram line each
   document ends with ("技术" finds 华为技术有限公司; models/cjk.py). Skipped when
   the prefix stage already filled the result list.

A query made only of digits and phone punctuation ("138 0013", "+86 138-0013-8000")
is searched as its digits, which the index holds for every phone number both as
E.164 and as typed. Hits are ranked: exact name, name prefix, word prefix, name
contains, other field contains; then contacts, leads, companies, deals; then by name.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    MethodKind,
    Stage,
)
from crm_desktop.models.cjk import bigram_term
from crm_desktop.models.search_index import (
    INDEX_DDL,
    KINDS,
    SearchKind,
    add_all_documents,
    dependents,
    fold_key,
    refresh_all_touched,
)
from crm_desktop.services.normalize import digits
from crm_desktop.services.phones import search_digits
from crm_desktop.services.query_text import MAX_QUERY_CHARS, clean_query, escape_like

__all__ = [
    "ReindexCancelledError",
    "SearchHit",
    "SearchKind",
    "index_records",
    "parse_query",
    "reindex_all",
    "search",
]

_PHONE_LIKE: Final = re.compile(r"^\+?[\d\s\-().\/]+$")
_MIN_TRIGRAM: Final = 3
_KIND_ORDER: Final[dict[str, int]] = {kind: n for n, kind in enumerate(KINDS)}
# Above every character a name can hold: `key < prefix + _TOP` bounds a prefix range.
_TOP: Final = "\U0010ffff"

# Rank classes, best first.
EXACT, PREFIX, WORD_PREFIX, NAME_CONTAINS, OTHER_FIELD = range(5)


@dataclass(frozen=True)
class SearchHit:
    """One record found: what it is, its id, and two lines to show."""

    kind: SearchKind
    id: uuid.UUID
    title: str
    subtitle: str


@dataclass(frozen=True)
class Query:
    """A typed query, normalized: the whole text, its terms, and whether it is a phone number."""

    text: str
    terms: tuple[str, ...]
    phone: bool

    @property
    def index_terms(self) -> tuple[str, ...]:
        """What the trigram index can look up: terms of 3 or more characters, and
        two-character CJK words as their bigram tokens ("技术" -> "技术|", see cjk.py)."""
        found = []
        for term in self.terms:
            if len(term) >= _MIN_TRIGRAM:
                found.append(term)
            elif (token := bigram_term(term)) is not None:
                found.append(token)
        return tuple(found)

    @property
    def short_terms(self) -> tuple[str, ...]:
        """Terms the index cannot serve; candidates are checked for them afterwards."""
        return tuple(t for t in self.terms if len(t) < _MIN_TRIGRAM and bigram_term(t) is None)


class ReindexCancelledError(Exception):
    """reindex_all was cancelled: the old index is left as it was."""


def parse_query(raw: str) -> Query | None:
    """NFKC (full-width digits and letters from an IME), spaces collapsed; None if empty.

    Control characters and lone surrogates are dropped and the query is cut to
    MAX_QUERY_CHARS (query_text.py): they raised, and a pasted page took seconds.
    """
    value = " ".join(unicodedata.normalize("NFKC", clean_query(raw)).split())[:MAX_QUERY_CHARS]
    if not value:
        return None
    number = search_digits(value)  # without a trunk 0 or IDD 00: "0176 …" finds "+49 176 …"
    if _PHONE_LIKE.match(value) and len(number) >= _MIN_TRIGRAM:
        return Query(value, (number,), phone=True)
    return Query(value, tuple(value.split(" ")), phone=False)


@dataclass(frozen=True)
class _Candidate:
    kind: SearchKind
    id: uuid.UUID
    key1: str
    key2: str | None
    body: str


def search(sessions: sessionmaker[Session], text: str, limit: int = 50) -> list[SearchHit]:
    """The records matching a typed fragment, best first, never a deleted one."""
    query = parse_query(text)
    if query is None or limit <= 0:
        return []
    with sessions() as session:
        connection = session.connection()
        found: dict[uuid.UUID, _Candidate] = {}
        if not query.phone:
            for candidate in _prefix_stage(connection, query.text, limit):
                found.setdefault(candidate.id, candidate)
            if not query.index_terms and len(query.terms) > 1:
                # "王伟 华为": only short terms, so no trigram stage; take the names that
                # start with the first term and keep those whose text holds the others.
                for candidate in _prefix_stage(connection, query.terms[0], limit * 4):
                    if _has_short_terms(candidate, query):
                        found.setdefault(candidate.id, candidate)
        if query.index_terms and len(found) < limit:
            wanted = limit + len(found)
            if query.short_terms:
                wanted *= 4  # short terms are checked afterwards: fetch spare candidates
            for candidate in _substring_stage(connection, query.index_terms, wanted):
                if _has_short_terms(candidate, query):
                    found.setdefault(candidate.id, candidate)
        ranked = sorted(found.values(), key=lambda c: _sort_key(c, query))
        return _hits(session, _diversify(ranked, limit), query, limit)


def _diversify(ranked: Sequence[_Candidate], limit: int) -> list[tuple[int, _Candidate]]:
    """Candidates in the order to take them, with their rank: at most half the list
    for one kind first, then the rest. Fifty companies named "Wagner …" must not
    hide every person named Wagner."""
    cap = max(1, limit // 2)
    taken: list[tuple[int, _Candidate]] = []
    spill: list[tuple[int, _Candidate]] = []
    per_kind: dict[str, int] = {}
    for position, candidate in enumerate(ranked):
        if per_kind.get(candidate.kind, 0) < cap:
            per_kind[candidate.kind] = per_kind.get(candidate.kind, 0) + 1
            taken.append((position, candidate))
        else:
            spill.append((position, candidate))
    return taken + spill


def _prefix_stage(connection: Connection, prefix: str, limit: int) -> list[_Candidate]:
    arms = []
    # Folded the way the documents' keys are (search_index.fold_key).
    low = fold_key(connection.dialect.name, prefix)
    params: dict[str, Any] = {"q": low, "top": low + _TOP, "n": limit}
    for index, kind in enumerate(KINDS):
        params[f"k{index}"] = kind
        for key in ("key1", "key2"):
            arms.append(
                "SELECT * FROM (SELECT kind, entity_id, key1, key2, body FROM search_doc "
                f"WHERE kind = :k{index} AND {key} >= :q AND {key} < :top "
                f"ORDER BY {key} LIMIT :n) AS p_{key}_{index}"
            )
    rows = connection.execute(text(" UNION ALL ".join(arms)), params)
    return _candidates(rows)


def _substring_stage(connection: Connection, terms: Sequence[str], limit: int) -> list[_Candidate]:
    if connection.dialect.name == "sqlite":
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        sql = (
            "SELECT kind, entity_id, key1, key2, body FROM search_doc WHERE id IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :match LIMIT :n)"
        )
        params: dict[str, Any] = {"match": match, "n": limit}
    else:
        conditions = " AND ".join(f"body ILIKE :p{i}" for i in range(len(terms)))
        sql = (
            f"SELECT kind, entity_id, key1, key2, body FROM search_doc WHERE {conditions} LIMIT :n"
        )
        params = {f"p{i}": f"%{escape_like(term)}%" for i, term in enumerate(terms)}
        params["n"] = limit
    return _candidates(connection.execute(text(sql), params))


def _candidates(rows: Iterable[Any]) -> list[_Candidate]:
    result = []
    for kind, entity_id, key1, key2, body in rows:
        record_id = entity_id if isinstance(entity_id, uuid.UUID) else uuid.UUID(str(entity_id))
        result.append(_Candidate(kind, record_id, key1, key2, body))
    return result


def _has_short_terms(candidate: _Candidate, query: Query) -> bool:
    body = candidate.body.casefold()
    return all(term.casefold() in body for term in query.short_terms)


def _rank(candidate: _Candidate, query: Query) -> int:
    title = candidate.key1.casefold()
    wanted = query.text.casefold()
    if query.phone:
        return NAME_CONTAINS if query.terms[0] in title else OTHER_FIELD
    if title == wanted:
        return EXACT
    if title.startswith(wanted):
        return PREFIX
    if (candidate.key2 or "").casefold().startswith(wanted) or any(
        word.startswith(wanted) for word in title.split()
    ):
        return WORD_PREFIX
    if all(term.casefold() in title for term in query.terms):
        return NAME_CONTAINS
    return OTHER_FIELD


def _sort_key(candidate: _Candidate, query: Query) -> tuple[int, int, str]:
    return (_rank(candidate, query), _KIND_ORDER[candidate.kind], candidate.key1.casefold())


# --- what a hit shows ---------------------------------------------------------------------


def _hits(
    session: Session, ordered: Sequence[tuple[int, _Candidate]], query: Query, limit: int
) -> list[SearchHit]:
    """Titles and subtitles read fresh from the records; deleted ones drop out here too.

    `ordered` is the order to take candidates in, each with its rank; the hits
    come back in rank order.
    """
    chosen = list(ordered[: limit + 10])  # a few spare in case some were deleted meanwhile
    by_kind: dict[str, list[uuid.UUID]] = {}
    for _, candidate in chosen:
        by_kind.setdefault(candidate.kind, []).append(candidate.id)
    methods = _methods(session, [c.id for _, c in chosen])
    lines: dict[uuid.UUID, tuple[str, list[str]]] = {}
    for kind, ids in by_kind.items():
        lines.update(_LOADERS[kind](session, ids))
    hits: list[tuple[int, SearchHit]] = []
    for position, candidate in chosen:
        if candidate.id not in lines:
            continue
        title, parts = lines[candidate.id]
        method = _best_method(methods.get(candidate.id, []), query)
        subtitle = " · ".join(part for part in (*parts, method) if part)
        hits.append((position, SearchHit(candidate.kind, candidate.id, title, subtitle)))
        if len(hits) == limit:
            break
    return [hit for _, hit in sorted(hits, key=lambda item: item[0])]


_Lines = dict[uuid.UUID, tuple[str, list[str]]]


def _load_contacts(session: Session, ids: list[uuid.UUID]) -> _Lines:
    rows = session.execute(
        select(Contact.id, Contact.full_name, Company.name)
        .outerjoin(Company, (Company.id == Contact.company_id) & Company.deleted_at.is_(None))
        .where(Contact.id.in_(ids), Contact.deleted_at.is_(None))
    )
    return {row[0]: (row[1], [row[2] or ""]) for row in rows}


def _load_leads(session: Session, ids: list[uuid.UUID]) -> _Lines:
    rows = session.execute(
        select(Lead.id, Lead.person_name, Lead.company_name).where(
            Lead.id.in_(ids), Lead.deleted_at.is_(None)
        )
    )
    return {row[0]: (row[1], [row[2] or ""]) for row in rows}


def _load_companies(session: Session, ids: list[uuid.UUID]) -> _Lines:
    rows = session.execute(
        select(Company.id, Company.name, Company.domain, Company.city).where(
            Company.id.in_(ids), Company.deleted_at.is_(None)
        )
    )
    return {row[0]: (row[1], [row[2] or "", row[3] or ""]) for row in rows}


def _load_deals(session: Session, ids: list[uuid.UUID]) -> _Lines:
    rows = session.execute(
        select(Deal.id, Deal.title, Company.name, Stage.name, Deal.amount, Deal.currency)
        .outerjoin(Company, (Company.id == Deal.company_id) & Company.deleted_at.is_(None))
        .outerjoin(Stage, Stage.id == Deal.stage_id)
        .where(Deal.id.in_(ids), Deal.deleted_at.is_(None))
    )
    result: _Lines = {}
    for record_id, title, company, stage, amount, currency in rows:
        money = f"{amount:,.2f} {currency}" if amount is not None else ""
        result[record_id] = (title, [company or "", stage or "", money])
    return result


_LOADERS: Final[dict[str, Callable[[Session, list[uuid.UUID]], _Lines]]] = {
    "contact": _load_contacts,
    "lead": _load_leads,
    "company": _load_companies,
    "deal": _load_deals,
}


@dataclass(frozen=True)
class _Method:
    kind: str
    value: str
    normalized: str


def _methods(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[_Method]]:
    """The live contact methods of these records, in their order, keyed by the record's id."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            ContactMethod.lead_id,
            ContactMethod.contact_id,
            ContactMethod.company_id,
            ContactMethod.kind,
            ContactMethod.value,
            ContactMethod.normalized,
        )
        .where(
            ContactMethod.lead_id.in_(ids)
            | ContactMethod.contact_id.in_(ids)
            | ContactMethod.company_id.in_(ids),
            ContactMethod.deleted_at.is_(None),
        )
        .order_by(ContactMethod.position)
    )
    result: dict[uuid.UUID, list[_Method]] = {}
    for lead_id, contact_id, company_id, kind, value, normalized in rows:
        owner = lead_id or contact_id or company_id
        if owner is None:
            continue
        result.setdefault(owner, []).append(_Method(kind, value, normalized or ""))
    return result


_PHONES: Final = frozenset({"phone", "mobile", "fax", "whatsapp"})


def _best_method(methods: Sequence[_Method], query: Query) -> str:
    """The e-mail or phone the query matched, else the first e-mail, else the first phone."""
    for method in methods:
        if query.phone:
            if method.kind in _PHONES and (
                query.terms[0] in digits(method.value) or query.terms[0] in method.normalized
            ):
                return method.value
        elif any(
            len(t) >= _MIN_TRIGRAM and t.casefold() in method.value.casefold() for t in query.terms
        ):
            return method.value
    for kinds in ({MethodKind.EMAIL.value}, _PHONES):
        for method in methods:
            if method.kind in kinds:
                return method.value
    return ""


# --- keeping the index whole -------------------------------------------------------------


def index_records(session: Session, kind: SearchKind, ids: Iterable[uuid.UUID]) -> None:
    """Refresh the index entries of some records (and of those quoting their names).

    For bulk paths that bypass the ORM flush (Core executemany): call it in the
    same transaction, after the rows are written.
    """
    if kind not in _KIND_ORDER:
        raise ValueError(f"not a searchable kind: {kind!r}")
    values = set(ids)
    if not values:
        return
    connection = session.connection()
    touched: dict[SearchKind, set[uuid.UUID]] = {kind: values}
    for target, found in dependents(connection, kind, sorted(values)).items():
        touched.setdefault(target, set()).update(found)
    refresh_all_touched(connection, touched)


ProgressFn = Callable[[float, str], None]

# Share of the total time each step takes at a million contacts (measured), for progress.
_STEP_WEIGHT: Final[dict[str, float]] = {
    "clear": 0.02,
    "contact": 0.40,
    "lead": 0.06,
    "company": 0.04,
    "deal": 0.04,
    "indexes": 0.44,
}


def reindex_all(
    sessions: sessionmaker[Session],
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Rebuild the whole search index in bulk, in one transaction; returns the documents made.

    Page by page through search_index's one document builder, the indexes built once at
    the end; for use after bulk loads that bypass the ORM. Cancelling rolls back to the
    old index.
    """
    report = progress or (lambda _fraction, _message: None)
    done = 0.0

    def step(name: str, message: str) -> None:
        nonlocal done
        if cancel is not None and cancel.is_set():
            raise ReindexCancelledError("search index rebuild cancelled")
        report(done, message)
        done += _STEP_WEIGHT[name]

    with sessions() as session, session.begin():
        connection = session.connection()
        dialect = connection.dialect.name
        step("clear", "Clearing the search index")
        if dialect == "sqlite":
            connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            connection.exec_driver_sql("DELETE FROM search_doc")
        else:
            connection.exec_driver_sql("TRUNCATE search_doc")
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for name, _ddl in INDEX_DDL[dialect]:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        for kind in KINDS:
            step(kind, f"Indexing {kind} records")
            add_all_documents(connection, kind)
        step("indexes", "Building the search index")
        for _name, ddl in INDEX_DDL[dialect]:
            connection.exec_driver_sql(ddl)
        if dialect == "sqlite":
            connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
            # One b-tree per trigram instead of dozens of segments: ~10 % more build
            # time, phone-digit queries (long, common doclists) about twice as fast.
            connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        else:
            connection.exec_driver_sql("ANALYZE search_doc")
        if cancel is not None and cancel.is_set():
            raise ReindexCancelledError("search index rebuild cancelled")
        count = connection.execute(text("SELECT count(*) FROM search_doc")).scalar_one()
    report(1.0, "Search index ready")
    return int(count)
