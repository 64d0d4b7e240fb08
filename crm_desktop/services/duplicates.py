"""Is this person already in the CRM? Matches over leads, contacts and companies.

People are judged by services/same_person.py, the rule the importer follows too: the same
e-mail or the same mobile is a duplicate unless the other one conflicts; a close name at
the same company with no conflicting e-mail or mobile is a *possible* duplicate; a close
name with another e-mail or mobile is somebody else. Office phones and faxes never make
two people one: they match companies only. Every lookup goes through an index
(contact_method.normalized and its owners, company.name, lead.company_name,
contact.company_id), and fuzzy matching only compares the few records at the matching
company, so the check stays fast with a million contacts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from crm_desktop.models import PHONE_KINDS, Company, Contact, ContactMethod, Lead, MethodKind
from crm_desktop.services.normalize import check_email, digits, fold_name
from crm_desktop.services.phones import is_mobile, read_phone
from crm_desktop.services.same_person import (
    EMAIL_KINDS,
    MOBILE_KINDS,
    PersonKeys,
    judge,
    person_keys,
)

NAME_THRESHOLD = 85  # percent similarity of two person names at one company
COMPANY_THRESHOLD = 90  # percent similarity of two company names (legal suffixes ignored)
MIN_PHONE_DIGITS = 6
CANDIDATE_LIMIT = 300  # company names read per prefix; people read per company set
KIND_ORDER = {"lead": 0, "contact": 1, "company": 2}

_LEGAL = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|gmbh|ag|co|corp|corporation|company|plc|sa|srl|bv|"
    r"kg|oy|ab|pte|pty)\b|股份有限公司|有限责任公司|有限公司|集团|公司"
)
_PUNCT = re.compile(r"[^\w]+")
_CJK = re.compile(r"[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]")


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing record that may be the same person or company."""

    kind: str  # "lead", "contact" or "company"
    id: uuid.UUID
    name: str
    company: str
    reason: str
    score: int  # 0..100
    company_id: uuid.UUID | None = None
    # A person only possibly the same (a close name, or one shared key and one conflicting):
    # shown as a possible duplicate, never taken as one. Always False for companies.
    possible: bool = False


def company_key(name: str) -> str:
    """A company name for comparison: folded, without accents, legal form or punctuation."""
    folded = plain_name(name)
    return " ".join(_PUNCT.sub(" ", _LEGAL.sub(" ", folded)).split())


def company_similarity(a: str, b: str) -> int:
    key_a, key_b = company_key(a), company_key(b)
    if not key_a or not key_b:
        return 100 if fold_name(a) == fold_name(b) and fold_name(a) else 0
    return round(fuzz.ratio(key_a, key_b))


def plain_name(name: str) -> str:
    """Folded and without accents: "María" and "Maria" are one name on a typed card."""
    decomposed = unicodedata.normalize("NFKD", fold_name(name))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_similarity(a: str, b: str) -> int:
    return round(fuzz.token_sort_ratio(plain_name(a), plain_name(b), processor=default_process))


def _email_keys(emails: Iterable[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value in emails:
        text = value.strip()
        if "@" not in text:
            continue
        key = check_email(text).normalized or text.lower()
        keys[key] = key
    return keys


def _phone_keys(phones: Iterable[str], region: str) -> dict[str, str]:
    """Keys to look up, each with the number as it will be shown: what phones.read_phone
    stores for the number (E.164 when valid in `region`, else its digits)."""
    keys: dict[str, str] = {}
    for value in phones:
        if len(digits(value)) < MIN_PHONE_DIGITS:
            continue
        number = read_phone(value, region)
        if number.key is not None:
            keys.setdefault(number.key, number.display)
    return keys


def _prefix_ranges(
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None], text: str
) -> ColumnElement[bool]:
    """Rows whose value starts with the first letters of `text`, in any common case.

    Ranges (>= prefix, < next prefix) use the column's plain index on SQLite and
    PostgreSQL alike, where lower() or ILIKE would scan the table.
    """
    length = 3 if _CJK.match(text) else 4
    prefix = text[:length]
    variants = {prefix, prefix.lower(), prefix.upper(), prefix.title(), prefix.capitalize()}
    clauses = []
    for variant in sorted(variants):
        upper = variant[:-1] + chr(ord(variant[-1]) + 1)
        clauses.append((column >= variant) & (column < upper))
    return or_(*clauses)


class _Collector:
    def __init__(self, exclude_id: uuid.UUID | None) -> None:
        self.exclude_id = exclude_id
        self.found: dict[tuple[str, uuid.UUID], DuplicateMatch] = {}

    def add(self, match: DuplicateMatch) -> None:
        if match.id == self.exclude_id:
            return
        key = (match.kind, match.id)
        old = self.found.get(key)
        if old is None:
            self.found[key] = match
        elif match.reason not in old.reason:
            best = match if match.score > old.score else old
            self.found[key] = replace(
                best, reason=f"{old.reason}; {match.reason}", score=max(old.score, match.score)
            )

    def result(self, limit: int) -> list[DuplicateMatch]:
        ordered = sorted(
            self.found.values(),
            key=lambda m: (m.kind == "company", m.possible, -m.score, KIND_ORDER[m.kind], m.name),
        )
        return ordered[:limit]


@dataclass(frozen=True)
class _Card:
    """What was typed: e-mail keys, phone keys (with their display) and which are mobiles."""

    emails: dict[str, str]
    phones: dict[str, str]
    mobiles: frozenset[str]

    def keys_against(self, theirs: PersonKeys) -> PersonKeys:
        """The card's keys: a typed number another record has as a mobile is a mobile too."""
        return PersonKeys(
            frozenset(self.emails), self.mobiles | (frozenset(self.phones) & theirs.mobiles)
        )


def _card(emails: Sequence[str], phones: Sequence[str], region: str) -> _Card:
    keys: dict[str, str] = {}
    mobiles: set[str] = set()
    for value in phones:
        found = _phone_keys([value], region)
        for key, display in found.items():
            keys.setdefault(key, display)
        # The kind card entry stores the number as (services/leads.py).
        if found and is_mobile(read_phone(value, region)):
            mobiles.update(found)
    return _Card(_email_keys(emails), keys, frozenset(mobiles))


@dataclass
class _Person:
    """A lead or contact that shares a key with the card, or has a close name at its company."""

    kind: str
    id: uuid.UUID
    name: str = ""
    company: str = ""
    company_id: uuid.UUID | None = None
    name_score: int = 0
    name_reason: str = ""


_People = dict[tuple[str, uuid.UUID], _Person]


def _method_matches(session: Session, card: _Card, out: _Collector, people: _People) -> None:
    """Records with a typed e-mail or number: people by e-mail or mobile, companies by any."""
    keys = set(card.emails) | set(card.phones)
    if not keys:
        return
    rows = session.execute(
        select(
            ContactMethod.normalized,
            ContactMethod.kind,
            ContactMethod.lead_id,
            ContactMethod.contact_id,
            ContactMethod.company_id,
        ).where(ContactMethod.normalized.in_(keys), ContactMethod.deleted_at.is_(None))
    ).all()
    companies: dict[uuid.UUID, list[str]] = {}
    for normalized, kind, lead_id, contact_id, company_id in rows:
        if kind == MethodKind.EMAIL and normalized in card.emails:
            reason = f"same e-mail {normalized}"
        elif kind in PHONE_KINDS or kind == MethodKind.WHATSAPP:
            if normalized not in card.phones:
                continue
            reason = f"same phone {card.phones[normalized]}"
        else:
            continue
        owner = ("lead", lead_id) if lead_id is not None else ("contact", contact_id)
        if owner[1] is not None:
            # Colleagues share an office phone or fax: only e-mails and mobiles name a person.
            if kind == MethodKind.EMAIL or kind in (MethodKind.MOBILE, MethodKind.WHATSAPP):
                people.setdefault((owner[0], owner[1]), _Person(owner[0], owner[1]))
        elif company_id is not None:
            reasons = companies.setdefault(company_id, [])
            if reason not in reasons:
                reasons.append(reason)
    if companies:
        for company_id, name in session.execute(
            select(Company.id, Company.name).where(
                Company.id.in_(companies), Company.deleted_at.is_(None)
            )
        ):
            reason = "; ".join(companies[company_id])
            out.add(DuplicateMatch("company", company_id, name, name, reason, 100, company_id))


def _name_people(session: Session, people: _People) -> None:
    """Names and companies of the people found by e-mail or mobile (live ones only)."""
    leads = [i for (kind, i), p in people.items() if kind == "lead" and not p.name]
    contacts = [i for (kind, i), p in people.items() if kind == "contact" and not p.name]
    found: set[tuple[str, uuid.UUID]] = set()
    if leads:
        for lead_id, name, company in session.execute(
            select(Lead.id, Lead.person_name, Lead.company_name).where(
                Lead.id.in_(leads), Lead.deleted_at.is_(None)
            )
        ):
            person = people[("lead", lead_id)]
            person.name, person.company = name, company or ""
            found.add(("lead", lead_id))
    if contacts:
        query = (
            select(Contact.id, Contact.full_name, Company.name, Contact.company_id)
            .outerjoin(Company, (Company.id == Contact.company_id) & Company.deleted_at.is_(None))
            .where(Contact.id.in_(contacts), Contact.deleted_at.is_(None))
        )
        for contact_id, name, company, company_id in session.execute(query):
            person = people[("contact", contact_id)]
            person.name, person.company = name, company or ""
            person.company_id = company_id if company else None
            found.add(("contact", contact_id))
    for key in [k for k, p in people.items() if not p.name and k not in found]:
        del people[key]  # soft-deleted


def _keys_of(session: Session, people: _People) -> dict[tuple[str, uuid.UUID], PersonKeys]:
    """The e-mails and mobiles of every person found, in one query."""
    leads = [i for kind, i in people if kind == "lead"]
    contacts = [i for kind, i in people if kind == "contact"]
    methods: dict[tuple[str, uuid.UUID], list[tuple[str, str | None]]] = {k: [] for k in people}
    owners = []
    if leads:
        owners.append(ContactMethod.lead_id.in_(leads))
    if contacts:
        owners.append(ContactMethod.contact_id.in_(contacts))
    if owners:
        rows = session.execute(
            select(
                ContactMethod.lead_id,
                ContactMethod.contact_id,
                ContactMethod.kind,
                ContactMethod.normalized,
            ).where(
                or_(*owners),
                ContactMethod.kind.in_(sorted(EMAIL_KINDS | MOBILE_KINDS)),
                ContactMethod.deleted_at.is_(None),
            )
        )
        for lead_id, contact_id, kind, normalized in rows:
            key = ("lead", lead_id) if lead_id is not None else ("contact", contact_id)
            if key in methods:
                methods[key].append((kind, normalized))
    return {key: person_keys(found) for key, found in methods.items()}


def _judge_people(session: Session, card: _Card, people: _People, out: _Collector) -> None:
    """Each person found, judged by the rule: a duplicate, a possible one, or nobody."""
    for key, theirs in _keys_of(session, people).items():
        person = people[key]
        verdict = judge(card.keys_against(theirs), theirs, name_match=person.name_score > 0)
        if verdict is None:
            continue
        reasons = []
        if verdict.email is not None:
            reasons.append(f"same e-mail {card.emails.get(verdict.email, verdict.email)}")
        if verdict.mobile is not None:
            reasons.append(f"same mobile {card.phones.get(verdict.mobile, verdict.mobile)}")
        if verdict.category == "email_other_mobile":
            reasons[-1] += ", but another mobile"
        elif verdict.category == "mobile_other_email":
            reasons[-1] += ", but another e-mail"
        elif person.name_reason and (verdict.category == "name" or not verdict.possible):
            reasons.append(person.name_reason)
        score = person.name_score if verdict.category == "name" else 100
        out.add(
            DuplicateMatch(
                person.kind,
                person.id,
                person.name,
                person.company,
                "; ".join(reasons),
                score,
                person.company_id,
                possible=verdict.possible,
            )
        )


def _company_names(
    session: Session,
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    deleted: InstrumentedAttribute[dt.datetime | None],
    company: str,
) -> dict[str, int]:
    """Distinct values of a company-name column close to `company`, with their similarity."""
    query = (
        select(column)
        .where(_prefix_ranges(column, company), deleted.is_(None))
        .distinct()
        .limit(CANDIDATE_LIMIT)
    )
    exact = select(column).where(column == company, deleted.is_(None)).limit(1)
    names = set(session.scalars(query)) | set(session.scalars(exact))
    scored = {name: company_similarity(company, name) for name in names if name}
    return {name: score for name, score in scored.items() if score >= COMPANY_THRESHOLD}


def _company_matches(
    session: Session, name: str, company: str, out: _Collector, people: _People
) -> None:
    company_names = _company_names(session, Company.name, Company.deleted_at, company)
    lead_companies = _company_names(session, Lead.company_name, Lead.deleted_at, company)
    companies: dict[uuid.UUID, str] = {}
    if company_names:
        for company_id, company_name in session.execute(
            select(Company.id, Company.name)
            .where(Company.name.in_(company_names), Company.deleted_at.is_(None))
            .limit(CANDIDATE_LIMIT)
        ):
            companies[company_id] = company_name
            score = company_names[company_name]
            reason = "same company name" if score == 100 else f"similar company name ({score}%)"
            out.add(
                DuplicateMatch(
                    "company", company_id, company_name, company_name, reason, score, company_id
                )
            )
    folded = fold_name(name)
    if len(folded) < 2:
        return

    def person(kind: str, record_id: uuid.UUID, other: str, at: str, cid: uuid.UUID | None) -> None:
        score = name_similarity(folded, other)
        if score >= NAME_THRESHOLD:
            reason = f"same name at {at}" if score == 100 else f"similar name at {at} ({score}%)"
            found = people.setdefault((kind, record_id), _Person(kind, record_id))
            found.name, found.company, found.company_id = other, at, cid
            found.name_score, found.name_reason = score, reason

    if companies:
        for contact_id, full_name, at_id in session.execute(
            select(Contact.id, Contact.full_name, Contact.company_id)
            .where(Contact.company_id.in_(companies), Contact.deleted_at.is_(None))
            .limit(CANDIDATE_LIMIT * 10)
        ):
            if at_id is not None:
                person("contact", contact_id, full_name, companies[at_id], at_id)
    lead_names = set(lead_companies) | set(company_names)
    if lead_names:
        for lead_id, person_name, lead_company in session.execute(
            select(Lead.id, Lead.person_name, Lead.company_name)
            .where(Lead.company_name.in_(lead_names), Lead.deleted_at.is_(None))
            .limit(CANDIDATE_LIMIT * 10)
        ):
            person("lead", lead_id, person_name, lead_company or "", None)


def find_duplicates(
    sessions: sessionmaker[Session],
    name: str,
    company: str,
    emails: Sequence[str],
    phones: Sequence[str],
    region: str,
    exclude_id: uuid.UUID | None = None,
    limit: int = 20,
) -> list[DuplicateMatch]:
    """Existing leads, contacts and companies that look like this person, best first.

    Duplicates come first, then possible duplicates (`possible`), then companies;
    soft-deleted records never match, and a person whose e-mail or mobile conflicts with
    the card's is not listed (see services/same_person.py).
    """
    out = _Collector(exclude_id)
    company = " ".join(company.split())
    card = _card(emails, phones, region)
    people: _People = {}
    with sessions() as session:
        _method_matches(session, card, out, people)
        _name_people(session, people)
        if len(company) >= 2:
            _company_matches(session, name, company, out, people)
        _judge_people(session, card, people, out)
    return out.result(limit)
