"""Which field of the target each column of an import file fills, guessed from its header.

A header is normalized (width, case, accents, punctuation and spaces folded away) and
looked up among the words and export headers of header_synonyms. What does not match as
written is tried without what only qualifies a field's word: a bracketed note ("(必填)",
"(work)"), numbers ("Phone 2", "Address 1 - City") and words saying whose phone or
address it is ("Business Street", "Email Home", "Telefon geschäftlich", "公司地址"); then
misspellings are matched by similarity. The rest of the header row decides what a header
means in context (a "Title" beside "Job Title" is Mr. or Dr.; "客户名称" beside "联系人" is the
company), and the column's values decide what an unspecific phone column holds.

Each column gets one answer: a field key of the target, CUSTOM (kept under its header,
never dropped) or IGNORE (a blank header over an empty column).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Final

import phonenumbers
from rapidfuzz import fuzz, process

from crm_desktop.services.imports.cells import CellValue, cell_text
from crm_desktop.services.imports.fields import CUSTOM, IGNORE, TARGETS, Target, fields_of
from crm_desktop.services.imports.header_synonyms import (
    GROUP_RANK,
    QUALIFIERS,
    SYNONYMS,
    TRADITIONAL,
)

FUZZY_CUTOFF: Final = 88  # rapidfuzz ratio: "Frist Name" matches, "Company ID" does not
SAMPLE_VALUES: Final = 50  # values of a column looked at to tell phones, mobiles and e-mails

_PEOPLE: Final[frozenset[Target]] = frozenset(("leads", "contacts"))
_ADDRESS: Final = frozenset(("street", "city", "region", "postal_code", "country"))
# Concepts a qualifier may stand beside: "Work Email", "Home City", "Phone 1 - Value".
_QUALIFIABLE: Final = _ADDRESS | {
    *("email", "mobile", "phone", "phone_any", "fax", "website"),
    *("wechat", "qq", "whatsapp", "im"),
}
# Concepts that yield their field to a clearer column of the same row.
_WEAK: Final = frozenset(("name", "title", "customer", "contact"))
_NAMED_PERSON: Final = frozenset(
    ("person", "name", "given_name", "family_name", "name_or_family", "name_or_given")
)
# Concepts whose field depends on the target; a target left out gets CUSTOM.
_BY_TARGET: Final[dict[str, dict[Target, str]]] = {
    "name": {"leads": "full_name", "contacts": "full_name", "companies": "name", "deals": "title"},
    "person": {"leads": "full_name", "contacts": "full_name", "deals": "contact"},
    "company": {"leads": "company", "contacts": "company", "companies": "name", "deals": "company"},
    "title": {"leads": "title", "contacts": "title", "deals": "title"},
    "job_title": {"leads": "title", "contacts": "title"},
    "deal_title": {"deals": "title"},
    "custom": {},
}
_KEYS: Final = {target: frozenset(fields_of(target)) for target in TARGETS}
# Fields several columns may fill together (joined text, one method row per value, tags);
# any other field takes one column, so "company" and "company_name" do not double a name.
_SHARED_TYPES: Final = frozenset(("multiline", "method", "tags"))
_SHARED_KEYS: Final = frozenset(("city", "region", "phonetic_name", "middle_name"))
_SINGLE: Final = {
    target: frozenset(
        key
        for key, spec in fields_of(target).items()
        if spec.type not in _SHARED_TYPES and key not in _SHARED_KEYS
    )
    for target in TARGETS
}

_BRACKETED: Final = re.compile(r"[(\[（【{<《]([^)\]）】}>》]*)[)\]）】}>》]")
_DIGITS: Final = re.compile(r"\d+")
_ADDRESS_NUMBER: Final = re.compile(r"\D(\d+)\D")  # "address2city": the second address
_EMAIL: Final = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^\W\d_]{2,}")
_PHONE: Final = re.compile(r"\+?[\d\s().\-]{5,}(?:\s*(?:ext\.?|x|#|转|分机)\s*\d{1,6})?", re.I)
_CN_MOBILE: Final = re.compile(r"(?:\+?86|0086)?1[3-9]\d{9}")
_PHONE_NOISE: Final = re.compile(r"[\s().\-]")
_FIRST_VALUE: Final = re.compile(r"[;,；，、/\n]")


def normalize_header(text: str) -> str:
    """The header as a lookup key: NFKC (full width to half), case-folded, letters and
    digits only, so "*E-Mail_Adresse " is "emailadresse" and "ＱＱ号" is "qq号"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM")


def match_headers(
    headers: Sequence[str],
    target: Target,
    samples: Sequence[Sequence[CellValue]] = (),
) -> list[str]:
    """One entry per header: a field key of `target`, CUSTOM or IGNORE.

    `samples` are data rows under the header (ragged rows are fine): a blank header over
    values is kept as CUSTOM, and they tell what a "Phone"/"电话"/"联系方式" column holds.
    """
    hits = [_classify(header) if header.strip() else None for header in headers]
    present = {hit.concept for hit in hits if hit is not None}
    keys = {_key(header) for header in headers}
    fields: list[str] = []
    for index, hit in enumerate(hits):
        if hit is None:
            blank_empty = not headers[index].strip() and not _values(samples, index)
            fields.append(IGNORE if blank_empty else CUSTOM)
            continue
        concept = _in_context(hit.concept, target, present, partial(_values, samples, index))
        fields.append(_field(concept, target))
    _keep_best_address(fields, hits, samples)
    if keys & {"birthyear", "birthmonth"}:  # Thunderbird's "Birth Day" is a day of the month
        for index, header in enumerate(headers):
            if fields[index] == "birthday" and _key(header) == "birthday":
                fields[index] = CUSTOM
    _one_column_per_field(fields, hits, target)
    return fields


# ---- one header -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    concept: str
    group: str = "plain"  # a QUALIFIERS group: whose address or phone
    address: int = 1  # which of several numbered addresses ("Address 2 - City")


@lru_cache(maxsize=4096)
def _classify(header: str) -> _Hit | None:
    full = _key(header)
    if not full:
        return None
    concept = _INDEX.get(full)
    if concept is not None:
        return _Hit(concept, address=_address_number(full))
    key = _key(_BRACKETED.sub(" ", header)) or full
    bare = _DIGITS.sub("", key)
    found = _lookup(bare) if bare else None
    if found is None:
        return None
    concept, group = found
    for note in map(_key, _BRACKETED.findall(header)):
        if concept not in _QUALIFIABLE:
            break
        if group == "plain" and note in _QUALIFIER_GROUP:
            group = _QUALIFIER_GROUP[note]  # "Email (work)"
        elif concept in ("phone", "phone_any") and _INDEX.get(note) in ("mobile", "fax"):
            concept = _INDEX[note]  # "电话(手机)"
    if concept == "phone_any" and group != "plain":
        concept = "phone"  # a work or home phone is a landline: "Business Phone", "家庭电话"
    return _Hit(concept, group, _address_number(key))


def _lookup(bare: str) -> tuple[str, str] | None:
    concept = _INDEX.get(bare)
    if concept is not None:
        return concept, "plain"
    qualified = _qualified(bare, 2)
    if qualified is not None:
        return qualified
    concept = _fuzzy(bare)
    if concept is not None:
        return concept, "plain"
    for rest, group in _unqualified(bare):
        concept = _fuzzy(rest)
        if concept in _QUALIFIABLE:
            return concept, group  # "Home Adress"
    return None


def _qualified(text: str, depth: int) -> tuple[str, str] | None:
    """The concept and qualifier group of "Business Street", "Company Main Phone", ..."""
    for rest, group in _unqualified(text):
        concept = _INDEX.get(rest)
        if concept in _QUALIFIABLE:
            return concept, group
        if depth > 1:
            inner = _qualified(rest, depth - 1)
            if inner is not None:
                return inner[0], group if group != "plain" else inner[1]
    return None


def _unqualified(text: str) -> list[tuple[str, str]]:
    """`text` without one leading or trailing qualifier word, for each that it has."""
    rests = []
    for word, group in _QUALIFIER_WORDS:
        if len(word) < len(text):
            if text.startswith(word):
                rests.append((text[len(word) :], group))
            if text.endswith(word):
                rests.append((text[: -len(word)], group))
    return rests


@lru_cache(maxsize=4096)
def _fuzzy(text: str) -> str | None:
    if len(text) <= 3:  # short words and one or two Chinese characters match exactly or not
        return None
    found = process.extract(
        text, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
    )
    for choice, _score, _index in found:
        rest = text.replace(choice, "", 1) if choice in text else ""
        if len(rest) > 1 and rest != "es":
            continue  # a field's word and another word ("companyid"), not a misspelling
        return _INDEX[choice]
    return None


def _address_number(key: str) -> int:
    match = _ADDRESS_NUMBER.search(key)
    return int(match[1]) if match else 1


def _key(text: str) -> str:
    return _fold(normalize_header(text))


def _fold(key: str) -> str:
    """Latin letters without accents ("prénom" -> "prenom"); other scripts as they are."""
    if key.isascii():
        return key
    out: list[str] = []
    for ch in key:
        if ord(ch) < 0x250:
            out.append(unicodedata.normalize("NFD", ch)[0])
        elif not (unicodedata.combining(ch) and out and ord(out[-1]) < 0x250):
            out.append(ch)
    return "".join(out)


# ---- the header row and the values -------------------------------------------------------


def _in_context(
    concept: str, target: Target, present: set[str], values: Callable[[], list[str]]
) -> str:
    if concept == "customer":
        named = target in _PEOPLE and present & _NAMED_PERSON
        return "company" if named or target not in _PEOPLE else "person"
    if concept == "name_or_family":
        return "family_name" if present & {"given_name", "name_or_given"} else "name"
    if concept == "name_or_given":
        return "given_name" if present & {"family_name", "name_or_family"} else "name"
    if concept == "region_or_status":
        return "region" if present & _ADDRESS else "status"
    if concept in ("phone_any", "contact"):
        return _by_values(values(), target, "phone" if concept == "phone_any" else "person")
    return concept


def _by_values(values: list[str], target: Target, default: str) -> str:
    """What a phone or contact column holds: mostly e-mails, mostly mobiles, or else."""
    if not values:
        return default
    half = len(values) / 2
    if sum(1 for value in values if _is_email(value)) > half:
        return "email"
    if sum(1 for value in values if _is_mobile(value)) > half:
        return "mobile" if "mobile" in _KEYS[target] else "phone"
    if default == "person" and sum(1 for value in values if _is_phone(value)) > half:
        return "phone"
    return default


def _is_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch(value.split(maxsplit=1)[0].strip(";,；，")))


def _is_phone(value: str) -> bool:
    first = _FIRST_VALUE.split(value, maxsplit=1)[0].strip()
    return bool(_PHONE.fullmatch(first)) and sum(ch.isdigit() for ch in first) >= 5


def _is_mobile(value: str) -> bool:
    compact = _PHONE_NOISE.sub("", _FIRST_VALUE.split(value, maxsplit=1)[0])
    if _CN_MOBILE.fullmatch(compact):
        return True
    if not compact.startswith(("+", "00")) or not compact.lstrip("+").isdigit():
        return False
    try:
        number = phonenumbers.parse("+" + compact.removeprefix("+").removeprefix("00"))
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _field(concept: str, target: Target) -> str:
    by_target = _BY_TARGET.get(concept)
    if by_target is not None:
        return by_target.get(target, CUSTOM)
    return concept if concept in _KEYS[target] else CUSTOM


def _values(samples: Sequence[Sequence[CellValue]], index: int) -> list[str]:
    found: list[str] = []
    for row in samples:
        if index < len(row):
            text = cell_text(row[index])
            if text:
                found.append(text)
                if len(found) >= SAMPLE_VALUES:
                    break
    return found


def _keep_best_address(
    fields: list[str], hits: Sequence[_Hit | None], samples: Sequence[Sequence[CellValue]]
) -> None:
    """One address per row: the best group's columns (business over home over other, the
    first of Google's numbered addresses) fill the address fields, the rest stay custom.
    Groups with values in the samples go first, so a sheet of home addresses keeps them."""
    ranks = {
        i: (GROUP_RANK[hit.group], hit.address)
        for i, hit in enumerate(hits)
        if hit is not None and fields[i] in _ADDRESS
    }
    if len(set(ranks.values())) < 2:
        return
    filled = [i for i in ranks if _values(samples, i)] if samples else []
    best = min(ranks[i] for i in filled or ranks)
    for i, rank in ranks.items():
        if rank != best:
            fields[i] = CUSTOM


def _one_column_per_field(fields: list[str], hits: Sequence[_Hit | None], target: Target) -> None:
    """A single-valued field keeps its first clear column; the others stay custom."""
    single = _SINGLE[target]
    by_field: dict[str, list[int]] = {}
    for index, field in enumerate(fields):
        if field in single:
            by_field.setdefault(field, []).append(index)
    for columns in by_field.values():
        if len(columns) < 2:
            continue
        strong = [i for i in columns if (hit := hits[i]) is not None and hit.concept not in _WEAK]
        keep = (strong or columns)[0]
        for index in columns:
            if index != keep:
                fields[index] = CUSTOM


# ---- the tables, built once --------------------------------------------------------------


def _parse(table: str) -> dict[str, list[str]]:
    """`concept: a | b` lines (continued on indented lines) as {concept: [a, b]}."""
    entries: dict[str, list[str]] = {}
    name = ""
    for line in table.strip().splitlines():
        if not line.startswith(" "):
            name, _, line = line.partition(":")
        entries.setdefault(name.strip(), []).extend(p.strip() for p in line.split("|") if p.strip())
    return entries


def _build_index() -> dict[str, str]:
    traditional = str.maketrans({pair[0]: pair[1] for pair in TRADITIONAL.split()})
    index: dict[str, str] = {}
    for concept, headers in _parse(SYNONYMS).items():
        for header in headers:
            for spelling in {header, header.translate(traditional)}:
                key = _key(spelling)
                if index.setdefault(key, concept) != concept:
                    raise ValueError(f"header {spelling!r} is both {index[key]} and {concept}")
    return index


_INDEX: Final = _build_index()
_FUZZY_CHOICES: Final = [key for key in _INDEX if len(key) > 3]
_QUALIFIER_GROUP: Final = {
    _key(word): group for group, words in _parse(QUALIFIERS).items() for word in words
}
# Longest first, so "家庭电话" loses "家庭" before "家" is tried.
_QUALIFIER_WORDS: Final = sorted(_QUALIFIER_GROUP.items(), key=lambda item: -len(item[0]))
