"""The fields a column of an import file can fill, per target (leads, contacts, companies, deals).

A field is not a database column: "email" becomes a contact-method row, "company" on a
contact is a company found or created by name, "stage" on a deal is a stage matched by
name. Several columns may fill one field: text fields join their values (address parts,
two notes columns), method fields (email, phone, ...) keep every value as its own row.
A column mapped to CUSTOM keeps its values under its header in the record's custom
fields; a column mapped to IGNORE is left out on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Target = Literal["leads", "contacts", "companies", "deals"]
TARGETS: Final[tuple[Target, ...]] = ("leads", "contacts", "companies", "deals")

FieldType = Literal[
    "name",  # a person's full name: split into parts when Latin, kept whole when Chinese
    "text",
    "multiline",
    "method",  # one contact-method row per value (kind = the field key)
    "date",
    "decimal",
    "percent",
    "currency",
    "status",
    "ref",  # a record matched by name: owner, event, source, company, contact, pipeline, stage
    "tags",
]

CUSTOM: Final = "custom"  # keep the column's values under its header
IGNORE: Final = ""  # leave the column out

METHOD_KINDS: Final = (
    "email",
    "mobile",
    "phone",
    "fax",
    "website",
    "wechat",
    "qq",
    "whatsapp",
    "im",
)


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # English; views translate it
    type: FieldType = "text"
    max_length: int | None = None
    # Joining the values of several columns mapped to one text field: address parts by a
    # space (or nothing between Chinese parts), notes by a line break.
    joiner: str = " "


def _f(
    key: str, label: str, type_: FieldType = "text", max_length: int | None = None
) -> ImportField:
    joiner = "\n" if type_ == "multiline" else " "
    return ImportField(key, label, type_, max_length, joiner)


_METHODS: Final = (
    _f("email", "E-mail", "method"),
    _f("mobile", "Mobile", "method"),
    _f("phone", "Phone", "method"),
    _f("fax", "Fax", "method"),
    _f("website", "Website", "method"),
    _f("wechat", "WeChat", "method"),
    _f("qq", "QQ", "method"),
    _f("whatsapp", "WhatsApp", "method"),
    _f("im", "Other IM", "method"),
)
_ADDRESS: Final = (
    _f("street", "Street", "multiline"),
    _f("city", "City", max_length=200),
    _f("region", "Region / province", max_length=200),
    _f("postal_code", "Postal code", max_length=40),
    _f("country", "Country", max_length=100),
)
_PERSON_NAMES: Final = (
    _f("full_name", "Full name", "name", 300),
    _f("given_name", "Given name", max_length=200),
    _f("middle_name", "Middle name", max_length=200),
    _f("family_name", "Family name", max_length=200),
)
_COMMON_TAIL: Final = (
    _f("owner", "Owner", "ref"),
    _f("tags", "Tags", "tags"),
    _f("notes", "Notes", "multiline"),
)

FIELDS: Final[dict[Target, tuple[ImportField, ...]]] = {
    "leads": (
        *_PERSON_NAMES,
        _f("company", "Company", "text", 300),
        _f("title", "Job title", max_length=300),
        *_METHODS,
        *_ADDRESS,
        _f("status", "Lead status", "status"),
        _f("event", "Event", "ref"),
        _f("source", "Lead source", "ref"),
        *_COMMON_TAIL,
    ),
    "contacts": (
        *_PERSON_NAMES,
        _f("phonetic_name", "Phonetic name", max_length=300),
        _f("company", "Company", "ref"),
        _f("title", "Job title", max_length=300),
        *_METHODS,
        *_ADDRESS,
        _f("birthday", "Birthday", "date"),
        _f("event", "Event", "ref"),
        _f("source", "Lead source", "ref"),
        *_COMMON_TAIL,
    ),
    "companies": (
        _f("name", "Company name", "text", 300),
        _f("industry", "Industry", max_length=200),
        _f("email", "E-mail", "method"),
        _f("phone", "Phone", "method"),
        _f("fax", "Fax", "method"),
        _f("website", "Website", "text", 500),
        *_ADDRESS,
        *_COMMON_TAIL,
    ),
    "deals": (
        _f("title", "Deal title", max_length=300),
        _f("company", "Company", "ref"),
        _f("contact", "Contact person", "ref"),
        _f("amount", "Amount", "decimal"),
        _f("currency", "Currency", "currency"),
        _f("pipeline", "Pipeline", "ref"),
        _f("stage", "Stage", "ref"),
        _f("probability", "Probability %", "percent"),
        _f("expected_close", "Expected close", "date"),
        _f("lost_reason", "Lost reason", max_length=300),
        _f("event", "Event", "ref"),
        _f("source", "Lead source", "ref"),
        *_COMMON_TAIL,
    ),
}

# The field whose emptiness makes a row fail, per target (people may give the name in parts).
REQUIRED: Final[dict[Target, str]] = {
    "leads": "full_name",
    "contacts": "full_name",
    "companies": "name",
    "deals": "title",
}


def fields_of(target: Target) -> dict[str, ImportField]:
    return {f.key: f for f in FIELDS[target]}


def check_target(text: str) -> Target:
    if text not in TARGETS:
        raise ValueError(f"{text!r} is not an import target: use {', '.join(TARGETS)}")
    return text
