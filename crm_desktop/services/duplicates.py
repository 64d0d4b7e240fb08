"""Is this person already in the CRM? Matches over leads, contacts and companies.

Three rules: the same normalized e-mail, the same phone (the key phones.read_phone
stores: E.164, or the digits of a number kept as written), or a close name at the
same company. Every lookup goes through an
index (contact_method.normalized, company.name, lead.company_name,
contact.company_id), and fuzzy matching only compares the few records at the
matching company, so the check stays fast with a million contacts.
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
from crm_desktop.services.phones import read_phone

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
            key=lambda m: (m.kind == "company", -m.score, KIND_ORDER[m.kind], m.name),
        )
        return ordered[:limit]


def _method_matches(
    session: Session, emails: dict[str, str], phones: dict[str, str], out: _Collector
) -> None:
    keys = set(emails) | set(phones)
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
    reasons: dict[tuple[str, uuid.UUID], list[str]] = {}
    for normalized, kind, lead_id, contact_id, company_id in rows:
        if kind == MethodKind.EMAIL and normalized in emails:
            reason = f"same e-mail {normalized}"
        elif kind in PHONE_KINDS or kind == MethodKind.WHATSAPP:
            if normalized not in phones:
                continue
            reason = f"same phone {phones[normalized]}"
        else:
            continue
        if lead_id is not None:
            owner = ("lead", lead_id)
        elif contact_id is not None:
            owner = ("contact", contact_id)
        elif company_id is not None:
            owner = ("company", company_id)
        else:
            continue
        reasons.setdefault(owner, [])
        if reason not in reasons[owner]:
            reasons[owner].append(reason)
    _resolve_owners(session, reasons, out)


def _resolve_owners(
    session: Session, reasons: dict[tuple[str, uuid.UUID], list[str]], out: _Collector
) -> None:
    by_kind: dict[str, list[uuid.UUID]] = {"lead": [], "contact": [], "company": []}
    for kind, record_id in reasons:
        by_kind[kind].append(record_id)
    if by_kind["lead"]:
        for lead_id, name, company in session.execute(
            select(Lead.id, Lead.person_name, Lead.company_name).where(
                Lead.id.in_(by_kind["lead"]), Lead.deleted_at.is_(None)
            )
        ):
            reason = "; ".join(reasons[("lead", lead_id)])
            out.add(DuplicateMatch("lead", lead_id, name, company or "", reason, 100))
    if by_kind["contact"]:
        query = (
            select(Contact.id, Contact.full_name, Company.name, Contact.company_id)
            .outerjoin(Company, (Company.id == Contact.company_id) & Company.deleted_at.is_(None))
            .where(Contact.id.in_(by_kind["contact"]), Contact.deleted_at.is_(None))
        )
        for contact_id, name, company, company_id in session.execute(query):
            reason = "; ".join(reasons[("contact", contact_id)])
            out.add(
                DuplicateMatch("contact", contact_id, name, company or "", reason, 100, company_id)
            )
    if by_kind["company"]:
        for company_id, name in session.execute(
            select(Company.id, Company.name).where(
                Company.id.in_(by_kind["company"]), Company.deleted_at.is_(None)
            )
        ):
            reason = "; ".join(reasons[("company", company_id)])
            out.add(DuplicateMatch("company", company_id, name, name, reason, 100, company_id))


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


def _company_matches(session: Session, name: str, company: str, out: _Collector) -> None:
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
            out.add(DuplicateMatch(kind, record_id, other, at, reason, score, cid))

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

    People come before companies; soft-deleted records never match.
    """
    out = _Collector(exclude_id)
    company = " ".join(company.split())
    with sessions() as session:
        _method_matches(session, _email_keys(emails), _phone_keys(phones, region), out)
        if len(company) >= 2:
            _company_matches(session, name, company, out)
    return out.result(limit)
