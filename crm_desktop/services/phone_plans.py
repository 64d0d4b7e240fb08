"""A country's numbering plan, compiled once from phonenumbers' metadata, for fast checks.

`RegionPlan.is_valid` asks the same patterns and lengths `phonenumbers.is_valid_number`
asks, without parsing: a million-row import reads most of its numbers here. The rules of
how a country writes its numbers nationally (trunk prefix or not, first group) live here
too, so the fast path and phonenumbers' path in `phones.py` apply exactly the same ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata

# Any one of them makes a number valid; the commonest first, so the regex stops early.
_TYPES = (
    "mobile",
    "fixed_line",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_COUNTS_ONLY = re.compile(r"(?:\(\\d(?:\{\d+(?:,\d+)?\})?\))+")


@dataclass(frozen=True)
class _Desc:
    lengths: frozenset[int]
    pattern: re.Pattern[str] | None

    def matches(self, nsn: str) -> bool:
        if self.lengths and len(nsn) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.fullmatch(nsn) is not None


@dataclass(frozen=True)
class _Format:
    leading: re.Pattern[str] | None
    pattern: re.Pattern[str]
    lengths: range  # how many digits the pattern can match
    counts_only: bool  # "(\d{3})(\d{4})": any number of a length in `lengths` fits it
    uses_prefix: bool  # the country writes the trunk prefix before this kind of number
    optional: bool  # ... but may leave it out
    bare: bool  # the country writes this kind of number with nothing before it


@dataclass(frozen=True)
class RegionPlan:
    """What a country's numbers look like: code, trunk prefix, valid patterns, formats."""

    region: str
    code: str
    prefix: str  # the trunk prefix ("0"; "1" in North America; "" where there is none)
    prefix_pattern: re.Pattern[str] | None  # what phonenumbers strips as the trunk prefix
    simple_prefix: bool  # no prefix transform rule: stripping is all there is
    idd: re.Pattern[str] | None  # the international call prefix ("00"; "011" in the US)
    general: _Desc
    by_length: dict[int, re.Pattern[str]]  # length -> the patterns of every type it may have
    mobile: _Desc
    choosers: dict[int, _Chooser]  # by the number's length

    def is_valid(self, nsn: str) -> bool:
        """phonenumbers' is_valid_number for a national significant number of this region:
        it matches the general pattern and the pattern of one type (fixed line, mobile,
        toll free, ...) whose lengths allow its length (one regex per length: _by_length)."""
        typed = self.by_length.get(len(nsn))
        return typed is not None and typed.fullmatch(nsn) is not None

    def split_national(self, digits: str) -> tuple[str, str] | None:
        """(trunk prefix typed, national significant number) of plain digits typed
        nationally, as phonenumbers splits them when it strips only a trunk prefix; None
        when it may do more (a prefix transform rule, or a carrier code)."""
        if not self.simple_prefix:
            return None
        found = self.prefix_pattern.match(digits) if self.prefix_pattern is not None else None
        if found is None:
            return "", digits
        if found.group(0) == self.prefix and not any(found.groups()):
            return self.prefix, digits[len(self.prefix) :]
        return None

    def may_read_otherwise(self, digits: str) -> bool:
        """Would phonenumbers read these national digits as an international number (an
        international call prefix, or this country's own code at the start)?"""
        return digits.startswith(self.code) or (
            self.idd is not None and self.idd.match(digits) is not None
        )

    def written_nationally(self, typed_prefix: str, nsn: str, first_group: str) -> bool:
        """Is a valid number, typed with `typed_prefix` before it, written as this country
        writes it? `first_group` is the first run of digits as typed."""
        if typed_prefix not in ("", self.prefix):
            return True  # not a trunk prefix (a carrier code): phonenumbers knows better
        has_prefix = bool(typed_prefix)
        fmt = self._format(nsn)
        first_size = 0
        if fmt is not None:
            if (
                fmt.uses_prefix
                and not has_prefix
                and not (fmt.optional and self.mobile.matches(nsn))
            ):
                return False  # "(415) 293-3313" is no Chinese landline: that would be 0415 …
            if has_prefix and fmt.bare and self.prefix == "0":
                return False  # "0176 95455361" is no Chinese mobile: those have no 0
            found = fmt.pattern.fullmatch(nsn)
            first_size = len(found.group(1)) if found is not None and found.lastindex else 0
        # "1-955-371-0847": a lone first digit that is no trunk prefix, where the country's
        # numbers open with a longer group, is another country's way of writing.
        return not (len(first_group) == 1 and first_group != self.prefix and first_size != 1)

    def _format(self, nsn: str) -> _Format | None:
        """phonenumbers' choice of format (_choose_formatting_pattern_for_number): the first,
        in the metadata's order, whose leading digits and pattern fit the number."""
        chooser = self.choosers.get(len(nsn))
        if chooser is None:
            return None
        if chooser.leading is not None:  # one regex for all: its first alternative that fits
            found = chooser.leading.match(nsn)
            return chooser.formats[int(found.lastgroup[1:])] if found and found.lastgroup else None
        for fmt in chooser.formats:
            if (fmt.leading is None or fmt.leading.match(nsn)) and fmt.pattern.fullmatch(nsn):
                return fmt
        return None


@dataclass(frozen=True)
class _Chooser:
    """The formats a number of one length may take; `leading` is their leading-digit
    patterns as one alternation, when their patterns only count digits."""

    formats: tuple[_Format, ...]
    leading: re.Pattern[str] | None


@cache
def region_plan(region: str) -> RegionPlan | None:
    """The plan of a region code phonenumbers knows, else None."""
    if region not in phonenumbers.SUPPORTED_REGIONS:
        return None
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None:
        return None
    prefix = meta.national_prefix or ""
    parsing = meta.national_prefix_for_parsing or (prefix or None)
    general = _desc(meta.general_desc)
    return RegionPlan(
        region=region,
        code=str(meta.country_code),
        prefix=prefix,
        prefix_pattern=re.compile(parsing) if parsing else None,
        simple_prefix=not meta.national_prefix_transform_rule,
        idd=re.compile(meta.international_prefix) if meta.international_prefix else None,
        general=general,
        by_length=_by_length(general, [_desc(getattr(meta, name)) for name in _TYPES]),
        mobile=_desc(meta.mobile),
        choosers=_choosers([_format(f, prefix) for f in meta.number_format]),
    )


@lru_cache(maxsize=1024)
def regions_for_code(code: str) -> tuple[str, ...]:
    """The regions of a calling code given as digits ("1" -> US, CA, ...); () if none."""
    if not code or code.startswith("0"):
        return ()
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code), ())
    return tuple(r for r in regions if r in phonenumbers.SUPPORTED_REGIONS)


def _by_length(general: _Desc, types: list[_Desc]) -> dict[int, re.Pattern[str]]:
    """One regex per number length: the general pattern (as a lookahead) and any of the
    type patterns that allow that length (a type without lengths of its own allows the
    general ones, as in phonenumbers)."""
    found: dict[int, re.Pattern[str]] = {}
    if general.pattern is None:
        return found
    for length in sorted(general.lengths or range(1, 18)):
        patterns = [
            d.pattern.pattern
            for d in types
            if d.pattern is not None and (not d.lengths or length in d.lengths)
        ]
        if patterns:
            any_type = "|".join(f"(?:{p})" for p in patterns)
            found[length] = re.compile(f"(?=(?:{general.pattern.pattern})\\Z)(?:{any_type})")
    return found


def _desc(desc: Any) -> _Desc:
    if desc is None:
        return _Desc(frozenset(), None)
    lengths = frozenset(n for n in (desc.possible_length or ()) if n > 0)
    if desc.possible_length == (-1,):
        return _Desc(frozenset(), None)  # no numbers of this type
    pattern = desc.national_number_pattern
    return _Desc(lengths, re.compile(pattern) if pattern else None)


def _format(fmt: Any, prefix: str) -> _Format:
    leading = fmt.leading_digits_pattern[-1] if fmt.leading_digits_pattern else None
    rule = fmt.national_prefix_formatting_rule or ""
    before = rule.split("\\1", 1)[0]
    low, high = _width(fmt.pattern)
    return _Format(
        leading=re.compile(leading) if leading else None,
        pattern=re.compile(fmt.pattern),
        lengths=range(low, high + 1),
        counts_only=_COUNTS_ONLY.fullmatch(fmt.pattern) is not None,
        uses_prefix=bool(prefix) and prefix in before,
        optional=bool(fmt.national_prefix_optional_when_formatting),
        bare=not rule.strip() or rule.strip() == "\\1",
    )


def _choosers(formats: list[_Format]) -> dict[int, _Chooser]:
    found: dict[int, _Chooser] = {}
    for length in range(1, 18):
        fits = tuple(f for f in formats if length in f.lengths)
        if not fits:
            continue
        leading = None
        if all(f.counts_only for f in fits):
            leading = re.compile(
                "|".join(
                    f"(?P<f{i}>{f.leading.pattern if f.leading else ''})"
                    for i, f in enumerate(fits)
                )
            )
        found[length] = _Chooser(fits, leading)
    return found


def _width(pattern: str) -> tuple[int, int]:
    """The fewest and most characters a regular expression matches (format patterns are
    groups of digits: "(\\d{3})(\\d{4})(\\d{4})" matches 11)."""
    try:
        low, high = re._parser.parse(pattern).getwidth()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001  (a private API: if it changes, try every format)
        return 0, 99
    return int(low), int(min(high, 99))
