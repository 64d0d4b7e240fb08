"""Phone numbers as typed, read in a country: the one normalizer of the program.

`read_phone(text, region)` is what the forms, card entry, the importer, duplicate checks and
search call. It returns a `PhoneNumber` with the E.164 key when, and only when, the number is
valid in the country it was read in:

- A number that starts with "+" or "00" carries its own country; `region` does not matter.
- Otherwise it is read as a number of `region`, and it must be written the way that country
  writes its numbers: valid in its numbering plan, with the trunk prefix where the country
  writes one ("0415 293 3313" for a Chinese landline, never "(415) 293-3313"), without it
  where it writes none (a Chinese mobile is never "0176 …"), and not opening with a lone
  digit the country does not use ("1-955-371-0847" is American, not a Chinese mobile).
  libphonenumber alone accepts all three of those as Chinese numbers.
- A number that is not valid is never rewritten into `region`: it is kept as written and
  flagged ("not a valid CN number; kept as written"). Its key is its digits without a "+"
  (7 or more of them), so the same digits typed again still match, and a key never
  pretends to be E.164 (those, and only those, start with "+").
- A leading "+" that seems lost is not restored in typed text (see `_hint`): the US number
  "6262933313" is also the Indonesian "+62 629 33313" (issue 11 saw one such). Only a
  spreadsheet number cell, which cannot hold a "+" or a leading 0, is read both ways
  (`number_cell`), and the reading is flagged.
- An extension ("x371", "ext. 12", "转 8001", "分机 12", ";ext=5") is kept apart.

Most numbers of a big import take a fast path built from phonenumbers' own metadata
(the same patterns `is_valid_number` uses); anything unusual goes through phonenumbers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, Literal, NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from crm_desktop.services.phone_plans import RegionPlan, region_plan, regions_for_code

Status = Literal["valid", "kept", "refused"]

MIN_KEY_DIGITS: Final = 7  # fewer digits than this match too much to be a duplicate key
MIN_DIGITS: Final = 3  # the shortest numbers there are: 110, 999
MAX_DIGITS: Final = 17  # E.164 allows 15; a typed trunk prefix or IDD adds a few
_PLAIN: Final = re.compile(r"[\d\s().\-/]+")
_PLAIN_INTERNATIONAL: Final = re.compile(r"\s*(?:\+|00)[\d\s().\-/]+")
_GROUPS: Final = re.compile(r"\d+")
_NON_DIGITS: Final = re.compile(r"\D+")
_EXTENSION: Final = re.compile(
    r"\s*[,;]?\s*\(?\s*(?:;?ext=|(?:extension|extn|ext|ex|x|#|poste|apparat|app|durchwahl|dw"
    r"|分机|分機|内线|內線|转|轉)\s*[.:=]?)\s*(\d{1,8})\s*\)?\s*$",
    re.IGNORECASE,
)
_OWN_COUNTRY: Final = re.compile(r"\s*(?:tel:)?\s*\(?\s*(?:\+|00)")


class PhoneNumber(NamedTuple):
    """A phone number as typed and as read (immutable; a tuple, cheap to make by the million).

    status: "valid" (key is E.164), "kept" (no valid number of its country: stored as
    written, `problem` says why) or "refused" (no phone number at all: letters, fewer than
    3 or more than 17 digits). `region` is the country it was read in: its own for a "+" number.
    `note` tells about a valid number read with a guess (a spreadsheet number cell).
    """

    text: str
    status: Status
    key: str | None
    region: str
    extension: str = ""
    problem: str | None = None
    note: str | None = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def flag(self) -> str | None:
        """What to show the user about this number, if anything."""
        return self.problem or self.note

    @property
    def display(self) -> str:
        """International form for a valid number ("+49 176 95455361 ext. 12"), else as typed."""
        if not self.valid or self.key is None:
            return self.text
        shown = _international(self.key)
        return f"{shown} ext. {self.extension}" if self.extension else shown


def read_phone(text: str, region: str, *, number_cell: bool = False) -> PhoneNumber:
    """The number `text` read as typed in `region` (an ISO 3166 code such as "CN").

    number_cell: the text comes from a spreadsheet cell that held a number, which has lost
    any "+" or leading 0 it was typed with.
    """
    text = text.strip()
    region = region.upper()
    if number_cell:
        return _number_cell(text, region)
    fast = _fast_path(text, region)
    return fast if fast is not None else _read(text, region)


def carries_country(text: str) -> bool:
    """Does the number start with "+" or "00", naming its own country?"""
    return _OWN_COUNTRY.match(unicodedata.normalize("NFKC", text)) is not None


def carried_region(text: str) -> str | None:
    """The country a "+" or "00" number names by its code, when it is a valid number there."""
    if not carries_country(text):
        return None
    number = read_phone(text, "ZZ")
    return number.region if number.valid else None


def is_mobile(number: PhoneNumber) -> bool:
    """A valid number its country's plan says is a mobile (not one it cannot tell apart
    from a landline, as in North America)."""
    if not number.valid or number.key is None:
        return False
    kind = phonenumbers.number_type(phonenumbers.parse(number.key))
    return bool(kind == phonenumbers.PhoneNumberType.MOBILE)


def search_digits(text: str) -> str:
    """The digits to look for when a phone number is searched.

    "0176 95455361" and "0049 176 …" must find "+49 176 95455361": a trunk 0 or an IDD 00
    is dropped, so what is left is part of the stored E.164 digits and of the typed ones.
    """
    found = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", text))
    if found.startswith("00"):
        return found[2:]
    return found[1:] if found.startswith("0") and len(found) > 3 else found


def phone_display(text: str, key: str | None, home_region: str) -> str:
    """How a saved number is shown in lists, forms and exports, however it was typed.

    `key` is the stored normalized value: a number saved as valid (its key is E.164) shows
    in its country's national form when that is `home_region` (the database's own region),
    else in international form, with its extension ("+49 176 95455361 ext. 12"). A number
    kept as written (no E.164 key) shows exactly as written. Display only: the stored text
    is never rewritten.
    """
    if not key or not key.startswith("+"):
        return text
    shown = _formatted(key, home_region.upper())
    if shown is None:
        return text
    _main, extension = _split_extension(unicodedata.normalize("NFKC", text))
    return f"{shown} ext. {extension}" if extension else shown


def international_display(text: str, key: str | None) -> str:
    """`phone_display` in international form always (files that may travel: exports)."""
    return phone_display(text, key, "ZZ")


@lru_cache(maxsize=16384)
def _formatted(key: str, home_region: str) -> str | None:
    try:
        number = phonenumbers.parse(key)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    national = phonenumbers.region_code_for_number(number) == home_region
    style = PhoneNumberFormat.NATIONAL if national else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


# ---- reading -------------------------------------------------------------------------------


def _fast_path(text: str, region: str) -> PhoneNumber | None:
    """A valid number in one of the plain shapes most files hold, else None (no verdict)."""
    unbroken = text.isascii() and text.isdigit()  # the commonest shape of all
    if unbroken or _PLAIN.fullmatch(text):
        plan = _PLANS[region]
        groups = [text] if unbroken else _GROUPS.findall(text)
        if plan is None or not groups:
            return None
        digits = text if unbroken else "".join(groups)
        split = plan.split_national(digits) if MIN_DIGITS <= len(digits) <= MAX_DIGITS else None
        if split is None:
            return None
        typed, nsn = split
        if plan.is_valid(nsn):
            if plan.written_nationally(typed, nsn, groups[0]):
                return PhoneNumber(text, "valid", f"+{plan.code}{nsn}", region)
            return _kept(text, region, digits, "", False)  # phonenumbers' reading, refused
        if (
            digits.startswith("00")
            or plan.may_read_otherwise(digits)
            or any(other.is_valid(nsn) or other.is_valid(digits) for other in _CODES[plan.code])
        ):
            return None  # phonenumbers may find a number here (of a region sharing the code)
        return _kept(text, region, digits, "", False)
    if text[:1] in _OWN_STARTS and _PLAIN_INTERNATIONAL.fullmatch(text):
        plain = _NON_DIGITS.sub("", text)
        if text[0] == "0":
            plain = plain[2:]  # "00", the international call prefix
        for size in (1, 2, 3):
            plans = _CODES[plain[:size]]
            if plans:
                rest = plain[size:]
                for plan in plans:
                    if plan.is_valid(rest):
                        return PhoneNumber(text, "valid", "+" + plain, plan.region)
                return None
    return None


class _Plans(dict[str, "RegionPlan | None"]):
    """region_plan in a plain dict: the fast path asks for one with every number."""

    def __missing__(self, region: str) -> RegionPlan | None:
        self[region] = plan = region_plan(region)
        return plan


class _Codes(dict[str, tuple["RegionPlan", ...]]):
    """A calling code's digits -> the plans of its regions, the main one first ("" none)."""

    def __missing__(self, code: str) -> tuple[RegionPlan, ...]:
        plans = tuple(p for p in (_PLANS[r] for r in regions_for_code(code)) if p is not None)
        self[code] = plans
        return plans


_PLANS: Final = _Plans()
_CODES: Final = _Codes()
_OWN_STARTS: Final = frozenset("+0")


@lru_cache(maxsize=8192)
def _read(text: str, region: str) -> PhoneNumber:
    """The reference reading (phonenumbers), for every shape; the fast path agrees with it."""
    clean = unicodedata.normalize("NFKC", text)
    main, extension = _split_extension(clean)
    if not _GROUPS.search(main):
        return PhoneNumber(text, "refused", None, region, extension, "not a phone number")
    plain = _NON_DIGITS.sub("", main)
    if len(plain) > MAX_DIGITS:
        return PhoneNumber(text, "refused", None, region, extension, "too long for a phone number")
    if len(plain) < MIN_DIGITS:
        return PhoneNumber(text, "refused", None, region, extension, "too short for a phone number")
    own = bool(_OWN_COUNTRY.match(main))
    try:
        if own:
            number = phonenumbers.parse("+" + _after_idd(main), None)
        else:
            number = phonenumbers.parse(main, region, keep_raw_input=True)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.NOT_A_NUMBER:
            return PhoneNumber(text, "refused", None, region, extension, "not a phone number")
        return _kept(text, region, plain, extension, own)
    if not phonenumbers.is_valid_number(number):
        return _kept(text, region, plain, extension, own)
    if not own and not _written_nationally(number, region, main):
        return _kept(text, region, plain, extension, own)
    extension = extension or (number.extension or "")
    key = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if own or not phonenumbers.is_valid_number_for_region(number, region):
        region = phonenumbers.region_code_for_number(number) or region
    return PhoneNumber(text, "valid", key, region, extension)


def _kept(text: str, region: str, plain: str, extension: str, own: bool) -> PhoneNumber:
    """Not valid: kept as written, flagged, with a key of its digits (not E.164)."""
    key = plain if len(plain) >= MIN_KEY_DIGITS else None
    if not own:
        problem = f"not a valid {region} number; kept as written" + _hint(plain)
        return PhoneNumber(text, "kept", key, region, extension, problem)
    code = plain[2:] if plain.startswith("00") else plain
    for size in (1, 2, 3):
        regions = regions_for_code(code[:size])
        if regions:
            problem = f"not a valid +{code[:size]} ({regions[0]}) number; kept as written"
            return PhoneNumber(text, "kept", key, regions[0], extension, problem)
    problem = "not a valid number: no country has its code; kept as written"
    return PhoneNumber(text, "kept", key, "", extension, problem)


def _hint(plain: str) -> str:
    """A bare number that is valid with a "+" says so; it is not read that way.

    Only from 11 digits on: a 10-digit US number is too often a valid number elsewhere
    with a "+" (6262933313 is Indonesian as +62 629 33313, 6465550199 New Zealand's).
    """
    if len(plain) < 11:
        return ""
    number = _fast_path("+" + plain, "ZZ")  # the plain shapes only: a hint, kept cheap
    if number is None or number.key is None:
        return ""
    return f" (with a + it would be {number.display}, {number.region})"


def _after_idd(text: str) -> str:
    """The number after its "+" or "00" (and a "tel:" or an opening parenthesis)."""
    return _OWN_COUNTRY.sub("", text, count=1)


def _split_extension(text: str) -> tuple[str, str]:
    found = _EXTENSION.search(text)
    if found is None or not _GROUPS.search(text[: found.start()]):
        return text, ""
    return text[: found.start()], found[1]


def _written_nationally(number: phonenumbers.PhoneNumber, region: str, main: str) -> bool:
    """Is a nationally typed number written the way `region` writes its numbers?

    phonenumbers reads "(415) 293-3313" as a Chinese landline and "0176 95455361" and
    "1-955-371-0847" as Chinese mobiles; a Chinese person writes none of them so.
    """
    plan = region_plan(region)
    if plan is None or number.country_code != int(plan.code):
        return True  # read with the number's own code ("86 138 …" typed without its "+")
    groups = _GROUPS.findall(main)
    typed = "".join(groups)
    nsn = phonenumbers.national_significant_number(number)
    if not typed.endswith(nsn):
        return True  # a carrier code or similar that phonenumbers understood
    return plan.written_nationally(typed[: len(typed) - len(nsn)], nsn, groups[0])


# ---- spreadsheet number cells --------------------------------------------------------------


def _number_cell(text: str, region: str) -> PhoneNumber:
    """A number cell: typed "+49 151 …" or "0176 …", Excel kept 4915112345678 or 17695455361.

    Read as it stands when that is valid. Otherwise it is read with the leading 0 its country
    writes, and with a "+": the one reading that is valid is taken and flagged; when both or
    neither are, it is kept as written and flagged.
    """
    plain = _NON_DIGITS.sub("", text)
    direct = read_phone(text, region)
    if direct.valid or not plain or len(plain) != len(text):
        return direct
    readings: dict[str, PhoneNumber] = {}
    plan = region_plan(region)
    if plan is not None and plan.prefix == "0":
        zero = read_phone("0" + plain, region)
        if zero.valid and zero.key is not None:
            readings[zero.key] = zero
    plus = read_phone("+" + plain, region)
    if plus.valid and plus.key is not None:
        readings[plus.key] = plus
    if len(readings) == 1:
        found = next(iter(readings.values()))
        note = f"a number cell (which drops a leading + or 0): read as {found.display}"
        return PhoneNumber(text, "valid", found.key, found.region, note=note)
    if not readings:
        return direct
    options = " or ".join(n.display for n in readings.values())
    problem = f"not a valid {region} number; kept as written (could be {options})"
    return PhoneNumber(text, "kept", direct.key, region, problem=problem)


@lru_cache(maxsize=4096)
def _international(key: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(key), PhoneNumberFormat.INTERNATIONAL)
    except NumberParseException:
        return key


__all__ = [
    "MIN_KEY_DIGITS",
    "PhoneNumber",
    "carried_region",
    "carries_country",
    "international_display",
    "is_mobile",
    "phone_display",
    "read_phone",
    "search_digits",
]
