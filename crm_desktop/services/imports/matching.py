"""Duplicates of an imported row, in the file and in the database.

The same rules as card entry (services/duplicates.py), over the import's target only:
the same normalized e-mail, the same phone (E.164), or a close person name at the same
company (rapidfuzz, threshold chosen per import). Companies match by name without legal
form or by website domain; deals by title at the same company.

The database is asked once per batch: every e-mail and phone of the batch in one query
per 500 keys, the people at each company once for the whole import. Rows of the current
batch (not yet written) are kept in an in-memory index; earlier batches are committed and
found in the database, which also makes a resumed import see what it did before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
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
from crm_desktop.services.imports.transform import RowRecord
from crm_desktop.services.normalize import domain_of, fold_name

_CHUNK = 500
# Keys that identify a person: an office phone or fax is shared by colleagues, a mobile
# is not. A company is identified by any of its numbers.
_PERSON_KEYS = frozenset(("email", "mobile", "whatsapp"))
_COMPANY_KEYS = frozenset(("email", "phone", "mobile", "fax", "whatsapp"))
_PARENT = {"leads": "lead_id", "contacts": "contact_id", "companies": "company_id"}
_TABLE: dict[str, Any] = {"leads": Lead, "contacts": Contact, "companies": Company, "deals": Deal}


@dataclass
class NewRecord:
    """A record this batch creates: its column values, methods and tags, before the insert."""

    id: uuid.UUID
    row: int
    values: dict[str, Any]
    record: RowRecord
    merged_rows: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """What a row duplicates: a record in the database (db_id) or one this batch creates (new)."""

    reason: str
    db_id: uuid.UUID | None = None
    new: NewRecord | None = None


Slot = uuid.UUID | str


@lru_cache(maxsize=8192)
def plain_name(name: str) -> str:
    """duplicates.plain_name, remembered: a row's name is compared, then indexed."""
    return _plain_name(name)


@lru_cache(maxsize=8192)
def people_key(company: str) -> str:
    return company_key(company) or fold_name(company)


class DuplicateFinder:
    """Finds the record a row duplicates; remembers the rows of the current batch."""

    def __init__(self, session: Session, target: Target, threshold: int) -> None:
        self.session = session
        self.target = target
        self.threshold = threshold
        self._keys = _keys_for(target)
        self._db_methods: dict[str, uuid.UUID] = {}
        self._db_domains: dict[str, uuid.UUID] = {}
        self._db_deals: dict[tuple[str, uuid.UUID | None], uuid.UUID] = {}
        # company key (people) -> [(plain name, record id)], for the whole import
        # A slot is the company: its id for contacts, its name key for leads.
        self._people: dict[Slot, tuple[list[str], list[uuid.UUID]]] = {}
        self._lead_names_asked: set[str] = set()
        self._new_methods: dict[str, NewRecord] = {}
        self._new_names: dict[Slot, tuple[list[str], list[NewRecord]]] = {}
        self._new_keys: dict[Any, NewRecord] = {}

    # ---- the database, once per batch -------------------------------------------------------

    def prefetch(
        self,
        records: Sequence[RowRecord],
        company_ids: dict[int, uuid.UUID | None],
        companies_by_key: dict[str, uuid.UUID] | None = None,
    ) -> None:
        """Ask the database about every key of a batch (rows with problems included)."""
        self._db_methods.clear()
        keys = {
            m.normalized
            for r in records
            for m in r.methods
            if m.normalized and m.kind in self._keys
        }
        if self.target in _PARENT and keys:
            self._fetch_methods(sorted(keys))
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
        del companies_by_key

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
                .where(wanted, ContactMethod.deleted_at.is_(None), parent.deleted_at.is_(None))
                .order_by(parent.created_at)
            )
            for normalized, parent_id in rows:
                self._db_methods.setdefault(normalized, parent_id)

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
                    self._db_domains.setdefault(domain, company_id)

    def _fetch_deals(self, titles: list[str]) -> None:
        self._db_deals.clear()
        for start in range(0, len(titles), _CHUNK):
            rows = self.session.execute(
                select(Deal.title, Deal.company_id, Deal.id).where(
                    Deal.title.in_(titles[start : start + _CHUNK]), Deal.deleted_at.is_(None)
                )
            )
            for title, company_id, deal_id in rows:
                self._db_deals.setdefault((fold_name(title), company_id), deal_id)

    # ---- one row ----------------------------------------------------------------------------

    def find(
        self, record: RowRecord, company_id: uuid.UUID | None, existing_company: uuid.UUID | None
    ) -> Match | None:
        """The record this row duplicates, with the reason; rows of this batch first."""
        for method in record.methods:
            key = method.normalized
            if not key or method.kind not in self._keys:
                continue
            what = {"email": "e-mail", "mobile": "mobile"}.get(method.kind, "phone")
            new = self._new_methods.get(key)
            if new is not None:
                return Match(f"same {what} {method.value} as row {new.row}", new=new)
            found = self._db_methods.get(key)
            if found is not None:
                return Match(f"same {what} {method.value}", db_id=found)
        if self.target in ("leads", "contacts"):
            return self._find_person(record, company_id)
        if self.target == "companies":
            return self._find_company(record, existing_company)
        return self._find_deal(record, company_id)

    def _find_person(self, record: RowRecord, company_id: uuid.UUID | None) -> Match | None:
        company = str(record.values.get("company") or "")
        name = str(record.values.get("full_name") or "")
        if not company or not name:
            return None
        plain = plain_name(name)
        key = self._company_slot(company, company_id)
        new_names = self._new_names.get(key)
        if new_names:
            hit = _best(plain, new_names[0], self.threshold)
            if hit is not None:
                new = new_names[1][hit[0]]
                return Match(_name_reason(hit[1], company, f" as row {new.row}"), new=new)
        people = self._people.get(key)
        if people and people[0]:
            hit = _best(plain, people[0], self.threshold)
            if hit is not None:
                return Match(_name_reason(hit[1], company, ""), db_id=people[1][hit[0]])
        return None

    def _company_slot(self, company: str, company_id: uuid.UUID | None) -> Slot:
        if self.target == "contacts":
            return company_id if company_id is not None else "new:" + people_key(company)
        return people_key(company)

    def _find_company(self, record: RowRecord, existing: uuid.UUID | None) -> Match | None:
        name = str(record.values.get("name") or "")
        key = people_key(name)
        new = self._new_keys.get(("company", key))
        if new is not None:
            return Match(f"same company name as row {new.row}", new=new)
        if existing is not None:
            return Match("same company name", db_id=existing)
        domain = domain_of(str(record.values.get("website") or ""))
        if domain:
            new = self._new_keys.get(("domain", domain))
            if new is not None:
                return Match(f"same website {domain} as row {new.row}", new=new)
            if domain in self._db_domains:
                return Match(f"same website {domain}", db_id=self._db_domains[domain])
        return None

    def _find_deal(self, record: RowRecord, company_id: uuid.UUID | None) -> Match | None:
        title = fold_name(str(record.values.get("title") or ""))
        new = self._new_keys.get(("deal", title, company_id))
        if new is not None:
            return Match(f"same deal title as row {new.row}", new=new)
        found = self._db_deals.get((title, company_id))
        if found is not None:
            return Match("same deal title at the same company", db_id=found)
        return None

    # ---- remembering -------------------------------------------------------------------------

    def remember_new(self, new: NewRecord, record: RowRecord, company_id: uuid.UUID | None) -> None:
        """Index a record this batch creates (or a row merged into it) under the row's keys."""
        for method in record.methods:
            if method.normalized and method.kind in self._keys:
                self._new_methods.setdefault(method.normalized, new)
        if self.target in ("leads", "contacts"):
            company = str(record.values.get("company") or "")
            name = str(record.values.get("full_name") or "")
            if company and name:
                names, news = self._new_names.setdefault(
                    self._company_slot(company, company_id), ([], [])
                )
                names.append(plain_name(name))
                news.append(new)
        elif self.target == "companies":
            self._new_keys.setdefault(("company", people_key(str(record.values["name"]))), new)
            domain = domain_of(str(record.values.get("website") or ""))
            if domain:
                self._new_keys.setdefault(("domain", domain), new)
        elif self.target == "deals":
            title = fold_name(str(record.values.get("title") or ""))
            self._new_keys.setdefault(("deal", title, company_id), new)

    def remember_db(
        self, record_id: uuid.UUID, record: RowRecord, company_id: uuid.UUID | None
    ) -> None:
        """Index a database record a row was merged into, for the rest of the batch."""
        for method in record.methods:
            if method.normalized and method.kind in self._keys:
                self._db_methods.setdefault(method.normalized, record_id)

    def end_batch(
        self, created: Iterable[NewRecord], company_ids: dict[uuid.UUID, uuid.UUID | None]
    ) -> None:
        """The batch is written: its people join the per-company name lists of the import."""
        for new in created:
            if self.target not in ("leads", "contacts"):
                continue
            company = str(new.record.values.get("company") or "")
            name = str(new.record.values.get("full_name") or "")
            if not company or not name:
                continue
            cid = company_ids.get(new.id)
            slot = self._company_slot(company, cid)
            names, ids = self._people.setdefault(slot, ([], []))
            names.append(plain_name(name))
            ids.append(new.id)
        self._new_methods.clear()
        self._new_names.clear()
        self._new_keys.clear()


def _keys_for(target: Target) -> frozenset[str]:
    return _COMPANY_KEYS if target == "companies" else _PERSON_KEYS


def _best(plain: str, names: list[str], threshold: int) -> tuple[int, int] | None:
    if plain in names:
        return names.index(plain), 100
    found = process.extractOne(
        plain,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=default_process,
        score_cutoff=threshold,
    )
    if found is None:
        return None
    return found[2], round(found[1])


def _name_reason(score: int, company: str, where: str) -> str:
    if score == 100:
        return f"same name at {company}{where}"
    return f"similar name at {company} ({score}%){where}"
