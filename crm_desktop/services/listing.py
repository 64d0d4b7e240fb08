"""Record lists: one page of leads, contacts, companies or deals at a time.

A page is fetched in two steps: the ids of the page (filter, ORDER BY, LIMIT and
OFFSET, joining only what the sort needs), then the display values of just
those ids. Correlated subqueries (primary e-mail and phone) thus run for the
rows shown, never for the rows skipped by OFFSET.

Names and titles sort by their stored sort keys (models/sort_keys.py: Álvarez with
the A's, 王伟 under W), the same on SQLite and PostgreSQL; the default sort walks
the (sort_key, id) index and stops after one page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import Boolean, Select, SQLColumnExpression, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.functions import FunctionElement

from crm_desktop.models import (
    Company,
    ContactMethod,
    Deal,
    Event,
    Lead,
    LeadStatus,
    MethodKind,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
    utcnow,
)
from crm_desktop.models import Contact as ContactEntity
from crm_desktop.services.phones import phone_display
from crm_desktop.services.query_text import clean_query, escape_like
from crm_desktop.services.settings import default_region

Kind = Literal["leads", "contacts", "companies", "deals"]
KINDS: tuple[Kind, ...] = ("leads", "contacts", "companies", "deals")

Entity = type[Lead] | type[ContactEntity] | type[Company] | type[Deal]
ENTITIES: dict[str, Entity] = {
    "leads": Lead,
    "contacts": ContactEntity,
    "companies": Company,
    "deals": Deal,
}


# Follow-up filters on contacts and companies (greetings, cross-selling):
QUIET_DAYS = 90
FOLLOW_UPS = (
    "quiet",  # no call, meeting or e-mail in the last QUIET_DAYS days (or ever)
    "customers_quiet",  # the same, among those with a won deal
    "no_next_step",  # no open activity (task, planned call or meeting)
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # English; views translate it
    sortable: bool = True


@dataclass(frozen=True)
class ListQuery:
    kind: Kind
    text: str = ""
    owner_id: uuid.UUID | None = None
    tag_id: uuid.UUID | None = None
    status: str | None = None  # leads only
    stage_id: uuid.UUID | None = None  # deals only
    event_id: uuid.UUID | None = None
    follow_up: str | None = None  # contacts and companies: one of FOLLOW_UPS
    sort_key: str | None = None  # None: the kind's default (its name column)
    descending: bool = False


@dataclass(frozen=True)
class ListRow:
    id: uuid.UUID
    version: int
    values: tuple[Any, ...]  # in the order of columns(kind)
    sort_value: Any = None  # what the list is ordered by (for a keyset Cursor from this row)


@dataclass(frozen=True)
class Option:
    id: str  # a UUID as text, or a status value
    label: str


@dataclass(frozen=True)
class FilterOptions:
    owners: tuple[Option, ...]
    tags: tuple[Option, ...]
    stages: tuple[Option, ...]
    events: tuple[Option, ...]
    statuses: tuple[Option, ...]


# A column's SQL: the expression and the outer joins it needs (by name, see _JOINS).
@dataclass(frozen=True)
class _Spec:
    column: Column
    expr: Callable[[], SQLColumnExpression[Any]]
    joins: tuple[str, ...] = ()
    sort_expr: Callable[[], SQLColumnExpression[Any]] | None = None


def _primary(
    entity: Entity, kinds: Sequence[str], column: Any = ContactMethod.value
) -> SQLColumnExpression[Any]:
    """The value (or another column) of the record's first contact method of these kinds."""
    parent = {
        Lead: ContactMethod.lead_id,
        ContactEntity: ContactMethod.contact_id,
        Company: ContactMethod.company_id,
    }[entity]
    return (
        select(column)
        .where(
            parent == entity.id,
            ContactMethod.kind.in_(kinds),
            ContactMethod.deleted_at.is_(None),
        )
        .order_by(ContactMethod.position, ContactMethod.id)
        .limit(1)
        .scalar_subquery()
    )


class likely(FunctionElement[bool]):
    """A condition most rows meet: SQLite is told so (`likelihood(x, 0.9)`), others get x.

    Without the hint SQLite takes "no next step" for a rare condition and reads its index
    (nine contacts in ten) and sorts them all by name, instead of walking the name index
    and stopping after one page: 280 ms instead of 20 ms at a million contacts.
    """

    type = Boolean()
    inherit_cache = True


@compiles(likely)
def _likely_default(element: likely, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(likely, "sqlite")
def _likely_sqlite(element: likely, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.clauses, **kw)}, 0.9)"


def _follow_up(entity: Entity, which: str) -> Any:
    """The follow-up filters, on the derived columns (services/activities/follow_up.py)."""
    assert entity is ContactEntity or entity is Company
    if which == "no_next_step":
        return likely(entity.next_step_at.is_(None))
    cutoff = utcnow() - timedelta(days=QUIET_DAYS)
    quiet = likely(or_(entity.last_contact_at.is_(None), entity.last_contact_at < cutoff))
    if which == "quiet":
        return quiet
    if which == "customers_quiet":
        # From the won deals' side: a few thousand customers, not a million probes.
        deal_link = Deal.contact_id if entity is ContactEntity else Deal.company_id
        won = select(deal_link).where(
            deal_link.is_not(None),
            Deal.deleted_at.is_(None),
            Deal.stage_id.in_(select(Stage.id).where(Stage.is_won.is_(True))),
        )
        return quiet & entity.id.in_(won)
    raise ValueError(f"unknown follow-up filter {which!r}")


_EMAIL = (MethodKind.EMAIL.value,)
_PHONES = (MethodKind.PHONE.value, MethodKind.MOBILE.value)


def _company_key() -> SQLColumnExpression[Any]:
    """A joined company's sort key; '' without one, so both databases put those first."""
    return func.coalesce(Company.sort_key, "")


def _specs(kind: str) -> tuple[_Spec, ...]:
    if kind == "leads":
        return (
            _Spec(
                Column("name", "Name"), lambda: Lead.person_name, sort_expr=lambda: Lead.sort_key
            ),
            _Spec(
                Column("company", "Company"),
                lambda: Lead.company_name,
                sort_expr=lambda: Lead.company_sort_key,
            ),
            _Spec(Column("title", "Title"), lambda: Lead.title),
            _Spec(Column("email", "E-mail"), lambda: _primary(Lead, _EMAIL)),
            _Spec(Column("phone", "Phone"), lambda: _primary(Lead, _PHONES)),
            _Spec(Column("status", "Status"), lambda: Lead.status),
            _Spec(Column("event", "Event"), lambda: Event.name, ("event",)),
            _Spec(Column("owner", "Owner"), lambda: User.name, ("owner",)),
            _Spec(Column("created", "Created"), lambda: Lead.created_at),
        )
    if kind == "contacts":
        return (
            _Spec(
                Column("name", "Name"),
                lambda: ContactEntity.full_name,
                sort_expr=lambda: ContactEntity.sort_key,
            ),
            _Spec(
                Column("company", "Company"),
                lambda: Company.name,
                ("company",),
                sort_expr=_company_key,
            ),
            _Spec(Column("title", "Title"), lambda: ContactEntity.title),
            _Spec(Column("email", "E-mail"), lambda: _primary(ContactEntity, _EMAIL)),
            _Spec(Column("phone", "Phone"), lambda: _primary(ContactEntity, _PHONES)),
            _Spec(Column("owner", "Owner"), lambda: User.name, ("owner",)),
            _Spec(Column("last_contact", "Last contact"), lambda: ContactEntity.last_contact_at),
            _Spec(Column("updated", "Updated"), lambda: ContactEntity.updated_at),
        )
    if kind == "companies":
        return (
            _Spec(Column("name", "Name"), lambda: Company.name, sort_expr=lambda: Company.sort_key),
            _Spec(Column("industry", "Industry"), lambda: Company.industry),
            _Spec(Column("city", "City"), lambda: Company.city),
            _Spec(Column("country", "Country"), lambda: Company.country),
            _Spec(Column("website", "Website"), lambda: Company.website),
            _Spec(Column("owner", "Owner"), lambda: User.name, ("owner",)),
            _Spec(Column("last_contact", "Last contact"), lambda: Company.last_contact_at),
        )
    if kind == "deals":
        return (
            _Spec(Column("title", "Title"), lambda: Deal.title, sort_expr=lambda: Deal.sort_key),
            _Spec(
                Column("company", "Company"),
                lambda: Company.name,
                ("company",),
                sort_expr=_company_key,
            ),
            _Spec(Column("amount", "Amount"), lambda: Deal.amount),
            _Spec(Column("currency", "Currency"), lambda: Deal.currency),
            _Spec(
                Column("stage", "Stage"),
                lambda: Stage.name,
                ("stage",),
                sort_expr=lambda: Stage.position,
            ),
            _Spec(
                Column("probability", "Probability %"),
                lambda: func.coalesce(Deal.probability, Stage.probability),
                ("stage",),
            ),
            _Spec(Column("expected_close", "Expected close"), lambda: Deal.expected_close),
            _Spec(Column("owner", "Owner"), lambda: User.name, ("owner",)),
        )
    raise ValueError(f"unknown list kind {kind!r}")


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of a list, in display order."""
    return tuple(spec.column for spec in _specs(kind))


def default_sort_key(kind: str) -> str:
    return columns(kind)[0].key


def _join(stmt: Select[Any], entity: Entity, name: str) -> Select[Any]:
    if name == "owner":
        return stmt.outerjoin(User, User.id == entity.owner_id)
    if name == "event":
        assert entity is Lead
        return stmt.outerjoin(Event, Event.id == Lead.event_id)
    if name == "company":
        if entity is ContactEntity:
            return stmt.outerjoin(Company, Company.id == ContactEntity.company_id)
        return stmt.outerjoin(Company, Company.id == Deal.company_id)
    if name == "stage":
        return stmt.outerjoin(Stage, Stage.id == Deal.stage_id)
    raise ValueError(name)


def _filtered(q: ListQuery, stmt: Select[Any]) -> Select[Any]:
    entity = ENTITIES[q.kind]
    stmt = stmt.where(entity.deleted_at.is_(None))
    text = clean_query(q.text).strip()
    if text:
        pattern = f"%{escape_like(text)}%"
        if entity is Lead:
            stmt = stmt.where(
                Lead.person_name.ilike(pattern, escape="\\")
                | Lead.company_name.ilike(pattern, escape="\\")
            )
        elif entity is ContactEntity:
            stmt = stmt.where(ContactEntity.full_name.ilike(pattern, escape="\\"))
        elif entity is Company:
            stmt = stmt.where(Company.name.ilike(pattern, escape="\\"))
        else:
            stmt = stmt.where(Deal.title.ilike(pattern, escape="\\"))
    if q.owner_id is not None:
        stmt = stmt.where(entity.owner_id == q.owner_id)
    if q.tag_id is not None:
        target = {
            Lead: Tagging.lead_id,
            ContactEntity: Tagging.contact_id,
            Company: Tagging.company_id,
            Deal: Tagging.deal_id,
        }[entity]
        stmt = stmt.where(
            exists().where(
                Tagging.tag_id == q.tag_id, target == entity.id, Tagging.deleted_at.is_(None)
            )
        )
    if q.status is not None and entity is Lead:
        stmt = stmt.where(Lead.status == q.status)
    if q.stage_id is not None and entity is Deal:
        stmt = stmt.where(Deal.stage_id == q.stage_id)
    if q.event_id is not None and entity in (Lead, ContactEntity, Deal):
        stmt = stmt.where(entity.event_id == q.event_id)
    if q.follow_up is not None and entity in (ContactEntity, Company):
        stmt = stmt.where(_follow_up(entity, q.follow_up))
    return stmt


def _sort_spec(q: ListQuery) -> _Spec:
    specs = _specs(q.kind)
    key = q.sort_key or default_sort_key(q.kind)
    for spec in specs:
        if spec.column.key == key and spec.column.sortable:
            return spec
    raise ValueError(f"cannot sort {q.kind} by {key!r}")


def count_rows(sessions: sessionmaker[Session], q: ListQuery) -> int:
    """How many rows the list shows (soft-deleted rows never count)."""
    entity = ENTITIES[q.kind]
    stmt = _filtered(q, select(func.count()).select_from(entity))
    with sessions() as session:
        return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class Cursor:
    """A row next to the page wanted, for a keyset seek instead of a deep OFFSET.

    `value` is the row's sort value (`ListRow.sort_value`: its name's sort key), `forward`
    True for the rows after it in list order, False for the rows before it.
    """

    value: Any
    id: uuid.UUID
    forward: bool = True


def keyset_supported(q: ListQuery) -> bool:
    """Seeking works on the default sort: the name's sort key, never NULL, indexed."""
    return (q.sort_key or default_sort_key(q.kind)) == default_sort_key(q.kind)


def page_ids_statement(
    q: ListQuery,
    offset: int,
    limit: int,
    cursor: Cursor | None = None,
    from_end: bool = False,
) -> Select[Any]:
    """The ids of one page, each with its sort value (public so benchmarks can EXPLAIN it).

    With a cursor the page is found by seeking from that row, and `offset` is
    ignored; a backward cursor returns the rows in reverse list order, and so
    does `from_end`, which counts `offset` from the end of the list.
    """
    entity = ENTITIES[q.kind]
    spec = _sort_spec(q)
    sort = (spec.sort_expr or spec.expr)()
    stmt: Select[Any] = select(entity.id, sort).select_from(entity)
    for name in spec.joins:
        stmt = _join(stmt, entity, name)
    stmt = _filtered(q, stmt)
    descending = q.descending != from_end
    if cursor is not None:
        if not keyset_supported(q):
            raise ValueError(f"no keyset paging when sorting by {q.sort_key!r}")
        descending = q.descending == cursor.forward
        if descending:
            stmt = stmt.where(sort <= cursor.value, (sort < cursor.value) | (entity.id < cursor.id))
        else:
            stmt = stmt.where(sort >= cursor.value, (sort > cursor.value) | (entity.id > cursor.id))
        offset = 0
    if descending:
        stmt = stmt.order_by(sort.desc(), entity.id.desc())
    else:
        stmt = stmt.order_by(sort.asc(), entity.id.asc())
    return stmt.offset(offset).limit(limit)


def fetch_page(
    sessions: sessionmaker[Session],
    q: ListQuery,
    offset: int,
    limit: int,
    cursor: Cursor | None = None,
    total: int | None = None,
) -> list[ListRow]:
    """Rows offset..offset+limit of the list, each with its values in column order.

    Given a cursor (a neighbouring row), the same rows are found by seeking,
    which stays fast at any depth where a large OFFSET does not. Given the
    list's `total`, a page in the second half is read backwards from the end,
    so no OFFSET skips more than half the list.
    """
    entity = ENTITIES[q.kind]
    specs = _specs(q.kind)
    from_end = cursor is None and total is not None and offset > total // 2
    if from_end:
        assert total is not None
        end = min(offset + limit, total)
        offset, limit = total - end, max(end - offset, 0)
    with sessions() as session:
        found = list(session.execute(page_ids_statement(q, offset, limit, cursor, from_end)))
        if from_end or (cursor is not None and not cursor.forward):
            found.reverse()
        if not found:
            return []
        ids = [row[0] for row in found]
        sort_values = {row[0]: row[1] for row in found}
        phone_at = next((i for i, s in enumerate(specs) if s.column.key == "phone"), None)
        extra = []
        if phone_at is not None:  # the stored key the phone column shows formatted
            extra.append(_primary(entity, _PHONES, ContactMethod.normalized))
        stmt: Select[Any] = select(entity.id, entity.version, *(s.expr() for s in specs), *extra)
        stmt = stmt.select_from(entity)
        needed: list[str] = []
        for spec in specs:
            needed.extend(j for j in spec.joins if j not in needed)
        for name in needed:
            stmt = _join(stmt, entity, name)
        stmt = stmt.where(entity.id.in_(ids))
        by_id = {row[0]: row for row in session.execute(stmt)}
    home = default_region(sessions) if phone_at is not None else ""
    return [
        ListRow(
            id=row[0],
            version=row[1],
            values=_shown(row[2 : 2 + len(specs)], phone_at, row, home),
            sort_value=sort_values[row[0]],
        )
        for row in (by_id.get(i) for i in ids)
        if row is not None
    ]


def _shown(
    values: Sequence[Any], phone_at: int | None, row: Sequence[Any], home: str
) -> tuple[Any, ...]:
    """The page's values, the phone as phones.phone_display shows it (its key ends the row)."""
    if phone_at is None or values[phone_at] is None:
        return tuple(values)
    shown = list(values)
    shown[phone_at] = phone_display(values[phone_at], row[-1], home)
    return tuple(shown)


def filter_options(sessions: sessionmaker[Session]) -> FilterOptions:
    """Choices for the filter bar: owners, tags, stages, events and lead statuses."""
    with sessions() as session:
        owners = session.execute(
            select(User.id, User.name).where(User.deleted_at.is_(None)).order_by(User.name)
        ).all()
        tags = session.execute(
            select(Tag.id, Tag.name).where(Tag.deleted_at.is_(None)).order_by(Tag.name)
        ).all()
        stages = session.execute(
            select(Stage.id, Stage.name, Pipeline.name)
            .join(Pipeline, Pipeline.id == Stage.pipeline_id)
            .where(Stage.deleted_at.is_(None), Pipeline.deleted_at.is_(None))
            .order_by(Pipeline.position, Pipeline.name, Stage.position)
        ).all()
        events = session.execute(
            select(Event.id, Event.name)
            .where(Event.deleted_at.is_(None))
            .order_by(Event.starts_on.desc(), Event.name)
        ).all()
    pipelines = {row[2] for row in stages}
    return FilterOptions(
        owners=tuple(Option(str(i), name) for i, name in owners),
        tags=tuple(Option(str(i), name) for i, name in tags),
        stages=tuple(
            Option(str(i), name if len(pipelines) < 2 else f"{pipe}: {name}")
            for i, name, pipe in stages
        ),
        events=tuple(Option(str(i), name) for i, name in events),
        statuses=tuple(Option(s.value, s.value) for s in LeadStatus),
    )
