"""vCard files as import records: one RowRecord per card, numbered from 1.

The card says what each value is, so there is no column mapping. Cards are read by
card_data (tolerant of what phones, Outlook and Apple write); a card that cannot be
read is a failed row with the reason, a contact group is counted and skipped.
Values from address books are kept even where a form would refuse them: a phone
number that is no valid number of the card's country is stored as written (flagged in
the report), not dropped and not made a number of the import's country.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from crm_desktop.services.card_data import CardData, ParsedCard, classified, iter_vcards
from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports import values as conv
from crm_desktop.services.imports.cells import cell_date
from crm_desktop.services.imports.fields import ImportField, Target, fields_of
from crm_desktop.services.imports.transform import (
    PHONE_KINDS,
    MethodValue,
    Problem,
    RowRecord,
    apply_defaults,
)
from crm_desktop.services.normalize import domain_of, fold_name
from crm_desktop.services.phone_country import guess_region
from crm_desktop.services.phones import read_phone
from crm_desktop.services.vcard_lines import file_chunks

_FULL_DATE = re.compile(r"\d{4}-?\d{2}-?\d{2}")
_BEGIN = re.compile(rb"(?:^|[\r\n])[ \t]*begin[ \t]*:[ \t]*vcard", re.IGNORECASE)
_MULTILINE = frozenset(("street", "notes"))


def count_cards(path: Path) -> int:
    """How many cards the file holds (for progress), without parsing them; read in chunks,
    so a file without line ends is no line of a gigabyte."""
    total = 0
    carry = b""
    with path.open("rb") as fh:
        for chunk in file_chunks(fh):
            data = carry + chunk
            total += len(_BEGIN.findall(data))
            carry = data[-16:]  # a BEGIN:VCARD across two chunks, counted once
            total -= len(_BEGIN.findall(carry))
    return total + len(_BEGIN.findall(carry))


def card_records(
    path: Path, target: Target, region: str, defaults: Mapping[str, str] = {}
) -> Iterator[RowRecord]:
    """A RowRecord per card of the file, in file order, with the values chosen for every
    card (event, source, owner, tags) where the card has none. Cards are read one at a
    time as the records are taken."""
    fields = fields_of(target)
    with path.open("rb") as fh:
        yield from _records(
            classified(iter_vcards(file_chunks(fh))), target, region, defaults, fields
        )


def _records(
    cards: Iterable[ParsedCard],
    target: Target,
    region: str,
    defaults: Mapping[str, str],
    fields: Mapping[str, ImportField],
) -> Iterator[RowRecord]:
    for item in cards:
        record = RowRecord(item.number)
        card = item.card
        if card is None:
            record.problems.append(Problem("vCard", item.error or "the card cannot be read"))
        elif card.is_group:
            record.group = True
            record.values["full_name"] = card.full_name
        else:
            _fill(record, card, target, region)
            apply_defaults(record, defaults, fields)
        yield record


def _fill(record: RowRecord, card: CardData, target: Target, region: str) -> None:
    values = record.values
    # A card without a name still is somebody: named by its company, e-mail or phone.
    fallback = (*card.emails, *card.all_phones, "")
    full = card.full_name or card.company or fallback[0]
    values["full_name"] = full
    if target == "contacts":
        if card.given_name:
            values["given_name"] = card.given_name
        if card.family_name:
            values["family_name"] = card.family_name
    for key, text in (
        ("company", card.company),
        ("title", card.title),
        ("street", card.street),
        ("city", card.city),
        ("region", card.region),
        ("postal_code", card.postal_code),
        ("country", card.country),
        ("notes", card.note),
    ):
        if text:
            values[key] = clean_text(text, multiline=key in _MULTILINE)
    if card.birthday:
        day = _birthday(card.birthday)
        if day is not None and target == "contacts":
            values["birthday"] = day
        else:
            record.custom["Birthday"] = card.birthday  # "--0203" has no year: kept as written
    # The card's own country (its address, else the one its "+" numbers name) reads its
    # national numbers; the import's country only when the card says none.
    country = guess_region(region, country=card.country, phones=card.all_phones + card.faxes)
    for kind, value, label in card.contact_methods:
        if kind in PHONE_KINDS:
            number = read_phone(value, country.region)
            if number.flag is not None:
                where = f"TEL ({label})" if label else "TEL"
                record.flags.append(Problem(where, f"{value!r}: {number.flag}"))
            record.methods.append(MethodValue(kind, value, number.key, label or None))
            continue
        record.methods.append(MethodValue(kind, value, _normalized(kind, value), label or None))
    record.photo = card.photo
    record.raw = [full, card.company, *(m.value for m in record.methods)]


def _birthday(text: str) -> dt.date | None:
    """BDAY as a date: "1955-07-19", "19550719", "1955-07-19T00:00:00Z"; None without a year."""
    day = text.strip().split("T", 1)[0]
    if not _FULL_DATE.fullmatch(day):
        return None
    try:
        return cell_date(day, "YMD")
    except ValueError:
        return None


def _normalized(kind: str, value: str) -> str | None:
    """E-mails, websites and IM handles (phones are read in the card's country above)."""
    if kind == "email":
        try:
            return conv.email_key(value)
        except ValueError:
            return value.strip().lower() or None
    if kind == "website":
        return domain_of(value)
    return fold_name(value) or None
