"""Duplicates of an imported row, in the file and in the database.

People (leads, contacts) follow the rule of services/same_person.py, as card entry does:
the same e-mail or mobile is a duplicate unless the other conflicts (then a possible
one); a close person name at the same company (rapidfuzz, threshold chosen per import)
with no conflicting e-mail or mobile is a possible duplicate; a close name with another
e-mail or mobile is another person. Office phones and faxes never match people.
Companies match by name without legal form, by website domain or by any e-mail or
number; deals by title at the same company.

The database is asked once per batch (known.py). Rows of the current batch (not yet
written) are kept in an in-memory index here; earlier batches are committed and found in
the database, which also makes a resumed import see what it did before. A read-only pass
(the wizard's "Find duplicates", `remember_created`) finds what it would have written
in its earlier batches as the database would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from crm_desktop.services.imports.fields import Target
from crm_desktop.services.imports.known import (
    PEOPLE,
    KnownRecords,
    Slot,
    close_names,
    keys_of,
    people_key,
    plain_name,
)
from crm_desktop.services.imports.transform import RowRecord
from crm_desktop.services.normalize import domain_of, fold_name
from crm_desktop.services.same_person import NO_KEYS, PersonKeys, Verdict, judge

# Keys that identify a person: an office phone or fax is shared by colleagues, a mobile
# is not. A company is identified by any of its numbers.
_PERSON_KEYS = frozenset(("email", "mobile", "whatsapp"))
_COMPANY_KEYS = frozenset(("email", "phone", "mobile", "fax", "whatsapp"))


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
    """What a row duplicates: a record in the database (db_id) or one this batch creates (new).

    category: why, for the counts per reason: a same_person category for people
    ("email", "mobile", "name", "email_other_mobile", "mobile_other_email"); "email",
    "phone", "company_name" or "website" for companies; "deal_title" for deals.
    possible: only possibly the same person; the import's rule for possible duplicates
    applies (create, skip or merge), not the rule for duplicates.
    """

    reason: str
    db_id: uuid.UUID | None = None
    new: NewRecord | None = None
    category: str = ""
    possible: bool = False


class DuplicateFinder:
    """Finds the record a row duplicates; remembers the rows of the current batch."""

    def __init__(
        self, session: Session, target: Target, threshold: int, *, remember_created: bool = False
    ) -> None:
        self.target = target
        self.threshold = threshold
        self._keys = _COMPANY_KEYS if target == "companies" else _PERSON_KEYS
        self.known = KnownRecords(session, target, threshold, self._keys, remember_created)
        self._new_methods: dict[str, list[NewRecord]] = {}
        self._new_names: dict[Slot, tuple[list[str], list[NewRecord]]] = {}
        self._new_keys: dict[Any, NewRecord] = {}

    def made_row(self, record_id: uuid.UUID) -> int | None:
        """The row a record of an earlier batch of a read-only pass came from."""
        return self.known.made_row(record_id)

    def prefetch(
        self,
        records: Sequence[RowRecord],
        company_ids: dict[int, uuid.UUID | None],
        companies_by_key: dict[str, uuid.UUID] | None = None,
    ) -> None:
        """Ask the database about every key of a batch (rows with problems included)."""
        self.known.prefetch(records, company_ids)
        del companies_by_key

    # ---- one row ----------------------------------------------------------------------------

    def find(
        self, record: RowRecord, company_id: uuid.UUID | None, existing_company: uuid.UUID | None
    ) -> Match | None:
        """The record this row duplicates, with the reason; rows of this batch first."""
        if self.target in PEOPLE:
            return self._find_person(record, company_id)
        for method in record.methods:
            key = method.normalized
            if not key or method.kind not in self._keys:
                continue
            what = "e-mail" if method.kind == "email" else "phone"
            category = "email" if method.kind == "email" else "phone"
            news = self._new_methods.get(key)
            if news:
                reason = f"same {what} {method.value} as row {news[0].row}"
                return Match(reason, new=news[0], category=category)
            found = self.known.methods.get(key)
            if found:
                return Match(f"same {what} {method.value}", db_id=found[0], category=category)
        if self.target == "companies":
            return self._find_company(record, existing_company)
        return self._find_deal(record, company_id)

    def _find_person(self, record: RowRecord, company_id: uuid.UUID | None) -> Match | None:
        """A duplicate by e-mail or mobile, else a possible one (by key, then by name)."""
        mine = keys_of(record.methods)
        possible: Match | None = None
        for method in record.methods:
            key = method.normalized
            if not key or method.kind not in self._keys:
                continue
            for new in self._new_methods.get(key, ()):
                verdict = judge(mine, keys_of(new.record.methods))
                if verdict is not None:
                    match = _key_match(verdict, record, f" as row {new.row}", new=new)
                    if not verdict.possible:
                        return match
                    possible = possible or match
            for db_id in self.known.methods.get(key, ()):
                verdict = judge(mine, self.known.keys.get(db_id, NO_KEYS))
                if verdict is not None:
                    match = _key_match(verdict, record, "", db_id=db_id)
                    if not verdict.possible:
                        return match
                    possible = possible or match
        return possible or self._find_by_name(record, company_id, mine)

    def _find_by_name(
        self, record: RowRecord, company_id: uuid.UUID | None, mine: PersonKeys
    ) -> Match | None:
        """A close name at the same company whose e-mails and mobiles do not conflict."""
        company = str(record.values.get("company") or "")
        name = str(record.values.get("full_name") or "")
        if not company or not name:
            return None
        new_names = self._new_names.get(self.known.slot(company, company_id))
        if new_names:
            for index, score in close_names(plain_name(name), new_names[0], self.threshold):
                new = new_names[1][index]
                if judge(mine, keys_of(new.record.methods), name_match=True) is not None:
                    reason = _name_reason(score, company, f" as row {new.row}")
                    return Match(reason, new=new, category="name", possible=True)
        for db_id, score in self.known.name_hits.get(record.row, ()):
            if judge(mine, self.known.keys.get(db_id, NO_KEYS), name_match=True) is not None:
                reason = _name_reason(score, company, "")
                return Match(reason, db_id=db_id, category="name", possible=True)
        return None

    def _find_company(self, record: RowRecord, existing: uuid.UUID | None) -> Match | None:
        name = str(record.values.get("name") or "")
        key = people_key(name)
        new = self._new_keys.get(("company", key))
        if new is not None:
            return Match(f"same company name as row {new.row}", new=new, category="company_name")
        existing = existing or self.known.company_names.get(key)
        if existing is not None:
            return Match("same company name", db_id=existing, category="company_name")
        domain = domain_of(str(record.values.get("website") or ""))
        if domain:
            new = self._new_keys.get(("domain", domain))
            if new is not None:
                reason = f"same website {domain} as row {new.row}"
                return Match(reason, new=new, category="website")
            if domain in self.known.domains:
                reason = f"same website {domain}"
                return Match(reason, db_id=self.known.domains[domain], category="website")
        return None

    def _find_deal(self, record: RowRecord, company_id: uuid.UUID | None) -> Match | None:
        title = fold_name(str(record.values.get("title") or ""))
        new = self._new_keys.get(("deal", title, company_id))
        if new is not None:
            return Match(f"same deal title as row {new.row}", new=new, category="deal_title")
        found = self.known.deals.get((title, company_id))
        if found is not None:
            reason = "same deal title at the same company"
            return Match(reason, db_id=found, category="deal_title")
        return None

    # ---- remembering -------------------------------------------------------------------------

    def remember_new(self, new: NewRecord, record: RowRecord, company_id: uuid.UUID | None) -> None:
        """Index a record this batch creates (or a row merged into it) under the row's keys."""
        for method in record.methods:
            if method.normalized and method.kind in self._keys:
                found = self._new_methods.setdefault(method.normalized, [])
                if not any(other is new for other in found):
                    found.append(new)
        if self.target in PEOPLE:
            company = str(record.values.get("company") or "")
            name = str(record.values.get("full_name") or "")
            if company and name:
                names, news = self._new_names.setdefault(
                    self.known.slot(company, company_id), ([], [])
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
        self.known.merged(record_id, record)

    def end_batch(
        self, created: Iterable[NewRecord], company_ids: dict[uuid.UUID, uuid.UUID | None]
    ) -> None:
        """The batch is written: its people join the per-company name lists of the import."""
        for new in created:
            self.known.created(new.id, new.row, new.record, company_ids.get(new.id))
        self._new_methods.clear()
        self._new_names.clear()
        self._new_keys.clear()


def _key_match(
    verdict: Verdict,
    record: RowRecord,
    where: str,
    *,
    new: NewRecord | None = None,
    db_id: uuid.UUID | None = None,
) -> Match:
    """A match by e-mail or mobile, its reason naming the value as the row writes it."""
    written = {m.normalized: m.value for m in reversed(record.methods) if m.normalized}
    if verdict.email is not None:
        reason = f"same e-mail {written.get(verdict.email, verdict.email)}"
    else:
        assert verdict.mobile is not None
        reason = f"same mobile {written.get(verdict.mobile, verdict.mobile)}"
    if verdict.category == "email_other_mobile":
        reason += " but another mobile"
    elif verdict.category == "mobile_other_email":
        reason += " but another e-mail"
    return Match(
        reason + where,
        db_id=db_id,
        new=new,
        category=verdict.category,
        possible=verdict.possible,
    )


def _name_reason(score: int, company: str, where: str) -> str:
    if score == 100:
        return f"same name at {company}{where}"
    return f"similar name at {company} ({score}%){where}"
