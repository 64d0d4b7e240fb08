"""What the database holds that a batch of import rows may match, asked once per batch.

Every key of the batch (e-mails and mobiles of people; any e-mail or number of a
company) in one query per 500 keys (one array on PostgreSQL), the people at each company
once for the whole import, each row's close names among them, and the e-mails and
mobiles of every person a row may match; website domains for companies, titles for
deals. Records an import wrote in its earlier batches are found here like any other.
A read-only pass writes nothing, so with `remember_created` this remembers what its
earlier batches would have written and finds it as the database would.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from crm_desktop.models import Company, Contact, ContactMethod, Deal, Lead
from crm_desktop.services.duplicates import company_key
from crm_desktop.services.duplicates import plain_name as _plain_name
from crm_desktop.services.imports.fields import Target
from crm_desktop.services.imports.transform import MethodValue, RowRecord
from crm_desktop.services.normalize import domain_of, fold_name
from crm_desktop.services.same_person import (
    EMAIL_KINDS,
    MOBILE_KINDS,
    NO_KEYS,
    PersonKeys,
    person_keys,
)

_CHUNK = 500
_PARENT = {"leads": "lead_id", "contacts": "contact_id", "companies": "company_id"}
PEOPLE = frozenset(("leads", "contacts"))
_TABLE: dict[str, Any] = {"leads": Lead, "contacts": Contact, "companies": Company, "deals": Deal}

# Where people are compared by name: a company's id (contacts), or its name key (leads).
Slot = uuid.UUID | str


@lru_cache(maxsize=8192)
def plain_name(name: str) -> str:
    """duplicates.plain_name, remembered: a row's name is compared, then indexed."""
    return _plain_name(name)


@lru_cache(maxsize=8192)
def people_key(company: str) -> str:
    return company_key(company) or fold_name(company)


def keys_of(methods: Sequence[MethodValue]) -> PersonKeys:
    """A row's (or a new record's) e-mails and mobiles (same_person.person_keys, unrolled:
    it runs for every row and every candidate)."""
    emails: list[str] = []
    mobiles: list[str] = []
    for method in methods:
        if method.normalized:
            if method.kind in EMAIL_KINDS:
                emails.append(method.normalized)
            elif method.kind in MOBILE_KINDS:
                mobiles.append(method.normalized)
    if not emails and not mobiles:
        return NO_KEYS
    return PersonKeys(frozenset(emails), frozenset(mobiles))


def close_names(plain: str, names: list[str], threshold: int) -> list[tuple[int, int]]:
    """(index, score) of every name at least `threshold` alike, best first, in list order."""
    found = process.extract(
        plain,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=default_process,
        score_cutoff=threshold,
        limit=None,
    )
    hits = [(index, round(score)) for _name, score, index in found]
    hits.sort(key=lambda hit: (-hit[1], hit[0]))
    return hits


@dataclass
class _Made:
    """What a read-only pass would have written in its earlier batches."""

    methods: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    keys: dict[uuid.UUID, PersonKeys] = field(default_factory=dict)
    rows: dict[uuid.UUID, int] = field(default_factory=dict)
    domains: dict[str, uuid.UUID] = field(default_factory=dict)
    deals: dict[tuple[str, uuid.UUID | None], uuid.UUID] = field(default_factory=dict)


class KnownRecords:
    """The records of the database a batch may match, and what the import adds to them."""

    def __init__(
        self,
        session: Session,
        target: Target,
        threshold: int,
        kinds: frozenset[str],
        remember_created: bool = False,
    ) -> None:
        self.session = session
        self.target = target
        self.threshold = threshold
        self._keys = kinds
        # For the current batch: records by key, people's keys, close names by row.
        self.methods: dict[str, list[uuid.UUID]] = {}
        self.keys: dict[uuid.UUID, PersonKeys] = {}
        self.name_hits: dict[int, list[tuple[uuid.UUID, int]]] = {}
        self.domains: dict[str, uuid.UUID] = {}
        self.deals: dict[tuple[str, uuid.UUID | None], uuid.UUID] = {}
        # For the whole import: slot -> (plain names, record ids) of the people there.
        self._people: dict[Slot, tuple[list[str], list[uuid.UUID]]] = {}
        # Companies this import created (target companies): the resolver's name cache is
        # read once, so a name repeated 5,000 rows later would not be found otherwise.
        self.company_names: dict[str, uuid.UUID] = {}
        self._lead_names_asked: set[str] = set()
        self._made = _Made() if remember_created else None

    def slot(self, company: str, company_id: uuid.UUID | None) -> Slot:
        if self.target == "contacts":
            return company_id if company_id is not None else "new:" + people_key(company)
        return people_key(company)

    def made_row(self, record_id: uuid.UUID) -> int | None:
        """The row a record of an earlier batch of a read-only pass came from."""
        return self._made.rows.get(record_id) if self._made is not None else None

    def prefetch(
        self, records: Sequence[RowRecord], company_ids: dict[int, uuid.UUID | None]
    ) -> None:
        """Ask the database about every key of a batch (rows with problems included)."""
        self.methods.clear()
        self.keys.clear()
        self.name_hits.clear()
        keys = {
            m.normalized
            for r in records
            for m in r.methods
            if m.normalized and m.kind in self._keys
        }
        if self.target in _PARENT and keys:
            self._fetch_methods(sorted(keys))
            if self._made is not None:
                for key in keys & self._made.methods.keys():
                    found = self.methods.setdefault(key, [])
                    found.extend(i for i in self._made.methods[key] if i not in found)
        if self.target == "contacts":
            ids = {cid for cid in company_ids.values() if cid is not None}
            self._fetch_contacts_at(ids)
        elif self.target == "leads":
            names = {str(r.values.get("company") or "") for r in records} - {""}
            self._fetch_leads_at(names - self._lead_names_asked)
        elif self.target == "companies":
            domains = {domain_of(str(r.values.get("website") or "")) for r in records} - {None}
            self._fetch_domains(sorted(d for d in domains if d))
        elif self.target == "deals":
            titles = {str(r.values.get("title") or "") for r in records} - {""}
            self._fetch_deals(sorted(titles))
        if self.target in PEOPLE:
            self._prefetch_names(records, company_ids)
            ids = {i for found in self.methods.values() for i in found}
            ids.update(i for hits in self.name_hits.values() for i, _score in hits)
            self._fetch_keys(ids)

    def _fetch_methods(self, keys: list[str]) -> None:
        parent_column = getattr(ContactMethod, _PARENT[self.target])
        parent = _TABLE[self.target]
        # PostgreSQL takes the batch's keys as one array: half the time of 500-key IN lists.
        pg = self.session.get_bind().dialect.name == "postgresql"
        chunks = [keys] if pg else [keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
        for chunk in chunks:
            wanted = (
                ContactMethod.normalized == any_(bindparam("keys", chunk, type_=ARRAY(String)))
                if pg
                else ContactMethod.normalized.in_(chunk)
            )
            rows = self.session.execute(
                select(ContactMethod.normalized, parent_column)
                .join(parent, parent.id == parent_column)
                .where(
                    wanted,
                    ContactMethod.kind.in_(sorted(self._keys)),
                    ContactMethod.deleted_at.is_(None),
                    parent.deleted_at.is_(None),
                )
                .order_by(parent.created_at)
            )
            for normalized, parent_id in rows:
                found = self.methods.setdefault(normalized, [])
                if parent_id not in found:
                    found.append(parent_id)

    def _fetch_keys(self, ids: set[uuid.UUID]) -> None:
        """The e-mails and mobiles of the people rows of this batch may match."""
        parent_column = getattr(ContactMethod, _PARENT[self.target])
        wanted = sorted(ids)
        methods: dict[uuid.UUID, list[tuple[str, str | None]]] = {i: [] for i in wanted}
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(parent_column, ContactMethod.kind, ContactMethod.normalized).where(
                    parent_column.in_(wanted[start : start + _CHUNK]),
                    ContactMethod.kind.in_(sorted(self._keys)),
                    ContactMethod.deleted_at.is_(None),
                )
            )
            for parent_id, kind, normalized in rows:
                methods[parent_id].append((kind, normalized))
        made = self._made.keys if self._made is not None else {}
        for record_id, found in methods.items():
            self.keys[record_id] = person_keys(found) | made.get(record_id, NO_KEYS)

    def _fetch_contacts_at(self, company_ids: set[uuid.UUID]) -> None:
        wanted = [cid for cid in company_ids if cid not in self._people]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for cid in chunk:
                self._people[cid] = ([], [])
            rows = self.session.execute(
                select(Contact.company_id, Contact.full_name, Contact.id).where(
                    Contact.company_id.in_(chunk), Contact.deleted_at.is_(None)
                )
            )
            for company_id, name, contact_id in rows:
                names, ids = self._people[company_id or ""]
                names.append(plain_name(name))
                ids.append(contact_id)

    def _fetch_leads_at(self, companies: set[str]) -> None:
        wanted = sorted(companies)
        self._lead_names_asked.update(wanted)
        for name in wanted:
            self._people.setdefault(people_key(name), ([], []))
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(Lead.company_name, Lead.person_name, Lead.id).where(
                    Lead.company_name.in_(wanted[start : start + _CHUNK]),
                    Lead.deleted_at.is_(None),
                )
            )
            for company, name, lead_id in rows:
                names, ids = self._people.setdefault(people_key(company), ([], []))
                if lead_id not in ids:
                    names.append(plain_name(name))
                    ids.append(lead_id)

    def _prefetch_names(
        self, records: Sequence[RowRecord], company_ids: dict[int, uuid.UUID | None]
    ) -> None:
        """Every row's close names among the people already at its company, best first."""
        for record in records:
            company = str(record.values.get("company") or "")
            name = str(record.values.get("full_name") or "")
            if not company or not name:
                continue
            people = self._people.get(self.slot(company, company_ids.get(record.row)))
            if people and people[0]:
                hits = close_names(plain_name(name), people[0], self.threshold)
                if hits:
                    self.name_hits[record.row] = [(people[1][i], s) for i, s in hits]

    def _fetch_domains(self, domains: list[str]) -> None:
        for start in range(0, len(domains), _CHUNK):
            rows = self.session.execute(
                select(Company.domain, Company.id).where(
                    Company.domain.in_(domains[start : start + _CHUNK]),
                    Company.deleted_at.is_(None),
                )
            )
            for domain, company_id in rows:
                if domain:
                    self.domains.setdefault(domain, company_id)
        if self._made is not None:
            for domain in domains:
                if domain in self._made.domains:
                    self.domains.setdefault(domain, self._made.domains[domain])

    def _fetch_deals(self, titles: list[str]) -> None:
        self.deals.clear()
        for start in range(0, len(titles), _CHUNK):
            rows = self.session.execute(
                select(Deal.title, Deal.company_id, Deal.id).where(
                    Deal.title.in_(titles[start : start + _CHUNK]), Deal.deleted_at.is_(None)
                )
            )
            for title, company_id, deal_id in rows:
                self.deals.setdefault((fold_name(title), company_id), deal_id)
        if self._made is not None:
            for key, deal_id in self._made.deals.items():
                self.deals.setdefault(key, deal_id)

    # ---- what the import adds -----------------------------------------------------------------

    def merged(self, record_id: uuid.UUID, record: RowRecord) -> None:
        """A row is merged into a record of the database: its keys find that record too."""
        keys = [m.normalized for m in record.methods if m.normalized and m.kind in self._keys]
        for key in keys:
            found = self.methods.setdefault(key, [])
            if record_id not in found:
                found.append(record_id)
        if self.target in PEOPLE:
            self.keys[record_id] = self.keys.get(record_id, NO_KEYS) | keys_of(record.methods)
        if self._made is not None:
            self._remember_made(record_id, keys, record)

    def created(
        self, record_id: uuid.UUID, row: int, record: RowRecord, company_id: uuid.UUID | None
    ) -> None:
        """A record the batch wrote (or a read-only pass would have): a person joins the
        name list of their company for the rest of the import."""
        if self._made is not None:
            self._remember_new_made(record_id, row, record, company_id)
        if self.target == "companies":
            name = people_key(str(record.values.get("name") or ""))
            self.company_names.setdefault(name, record_id)
        if self.target not in PEOPLE:
            return
        company = str(record.values.get("company") or "")
        name = str(record.values.get("full_name") or "")
        if company and name:
            names, ids = self._people.setdefault(self.slot(company, company_id), ([], []))
            names.append(plain_name(name))
            ids.append(record_id)

    def _remember_made(self, record_id: uuid.UUID, keys: list[str], record: RowRecord) -> None:
        assert self._made is not None
        for key in keys:
            found = self._made.methods.setdefault(key, [])
            if record_id not in found:
                found.append(record_id)
        if self.target in PEOPLE:
            known = self._made.keys.get(record_id, NO_KEYS)
            self._made.keys[record_id] = known | keys_of(record.methods)

    def _remember_new_made(
        self, record_id: uuid.UUID, row: int, record: RowRecord, company_id: uuid.UUID | None
    ) -> None:
        assert self._made is not None
        self._made.rows[record_id] = row
        keys = [m.normalized for m in record.methods if m.normalized and m.kind in self._keys]
        self._remember_made(record_id, keys, record)
        values = record.values
        if self.target == "companies":
            domain = domain_of(str(values.get("website") or ""))
            if domain:
                self._made.domains.setdefault(domain, record_id)
        elif self.target == "deals":
            title = fold_name(str(values.get("title") or ""))
            self._made.deals.setdefault((title, company_id), record_id)
