"""From an import record to table columns, and how a duplicate row changes a record.

`entity_columns` gives the values a new lead, contact, company or deal row gets;
`merge_columns` what a duplicate row changes in an existing one under the chosen rule:
"fill" sets only what the record lacks, "overwrite" every value the row has, a reviewed
merge the fields the user took from the file. Custom fields merge key by key.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

from crm_desktop.services.imports.fields import Target
from crm_desktop.services.imports.transform import RowRecord
from crm_desktop.services.normalize import domain_of

MergeMode = Literal["fill", "overwrite", "review"]

TABLES: Final[dict[Target, str]] = {
    "leads": "lead",
    "contacts": "contact",
    "companies": "company",
    "deals": "deal",
}
_ADDRESS: Final = ("street", "city", "region", "postal_code", "country")
# field key -> column, per target, for values copied as they are
_PLAIN: Final[dict[Target, dict[str, str]]] = {
    "leads": {
        "full_name": "person_name",
        "company": "company_name",
        "title": "title",
        "notes": "notes",
        **{k: k for k in _ADDRESS},
    },
    "contacts": {
        "full_name": "full_name",
        "given_name": "given_name",
        "family_name": "family_name",
        "phonetic_name": "phonetic_name",
        "title": "title",
        "birthday": "birthday",
        "notes": "notes",
        **{k: k for k in _ADDRESS},
    },
    "companies": {
        "name": "name",
        "website": "website",
        "industry": "industry",
        "notes": "notes",
        **{k: k for k in _ADDRESS},
    },
    "deals": {
        "title": "title",
        "amount": "amount",
        "currency": "currency",
        "probability": "probability",
        "expected_close": "expected_close",
        "lost_reason": "lost_reason",
        "notes": "notes",
    },
}
# Columns a merge never touches: identity, bookkeeping, and what the row cannot say better.
_NEVER_MERGED: Final = frozenset(
    ("id", "created_at", "updated_at", "version", "deleted_at", "import_batch_id", "status",
     "pipeline_id", "stage_id", "stage_entered_at", "closed_at")
)  # fmt: skip
# Field keys as the review screen names them, per column they fill.
FIELD_OF_COLUMN: Final[dict[Target, dict[str, str]]] = {
    target: {
        **{column: key for key, column in plain.items()},
        "owner_id": "owner",
        "event_id": "event",
        "source_id": "source",
        "company_id": "company",
        "contact_id": "contact",
        "domain": "website",
        "photo": "photo",
        "card_image": "photo",
        "custom_fields": "custom",
    }
    for target, plain in _PLAIN.items()
}


@dataclass(frozen=True)
class Refs:
    """The records a row names, resolved to ids."""

    owner_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    source_id: uuid.UUID | None = None
    company_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    closed: bool = False


def entity_columns(
    target: Target, record: RowRecord, refs: Refs, now: dt.datetime, currency: str
) -> dict[str, Any]:
    """Column values of the row, without id, timestamps and version (the writer adds them)."""
    values = record.values
    columns: dict[str, Any] = {
        column: values[key] for key, column in _PLAIN[target].items() if key in values
    }
    columns["owner_id"] = refs.owner_id
    columns["custom_fields"] = dict(record.custom) or None
    if target in ("leads", "contacts", "deals"):
        columns["event_id"] = refs.event_id
        columns["source_id"] = refs.source_id
    if target == "leads":
        columns["status"] = values.get("status", "new")
        if record.photo:
            columns["card_image"] = record.photo
    elif target == "contacts":
        columns["company_id"] = refs.company_id
        if record.photo:
            columns["photo"] = record.photo
    elif target == "companies":
        website = columns.get("website")
        columns["domain"] = domain_of(website) if website else None
    else:
        columns["company_id"] = refs.company_id
        columns["contact_id"] = refs.contact_id
        columns["pipeline_id"] = refs.pipeline_id
        columns["stage_id"] = refs.stage_id
        columns["stage_entered_at"] = now
        columns["closed_at"] = now if refs.closed else None
        columns.setdefault("currency", currency)
    return columns


def merge_columns(
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    mode: MergeMode,
    take_file: Collection[str] = (),
    target: Target = "contacts",
) -> dict[str, Any]:
    """The columns of `current` that change when a duplicate row is merged into it."""
    changed: dict[str, Any] = {}
    field_of = FIELD_OF_COLUMN[target]
    for column, value in incoming.items():
        if column in _NEVER_MERGED or _empty(value):
            continue
        old = current.get(column)
        if column == "custom_fields":
            merged = _merge_custom(old, value, mode, "custom" in take_file)
            if merged != (old or None):
                changed[column] = merged
            continue
        if mode == "fill":
            wanted = _empty(old)
        elif mode == "overwrite":
            wanted = True
        else:
            wanted = field_of.get(column, column) in take_file or _empty(old)
        if wanted and not _same(old, value):
            changed[column] = value
    if "website" in changed and "domain" in incoming:
        changed["domain"] = incoming["domain"]
    return changed


def _merge_custom(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], mode: MergeMode, take: bool
) -> dict[str, Any] | None:
    result = dict(old or {})
    for key, value in new.items():
        if key not in result or mode == "overwrite" or (mode == "review" and take):
            result[key] = value
    return result or None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    return bool(a == b)


def to_json(value: Any) -> Any:
    """A column value as ImportChange keeps it (JSON): dates ISO, money and ids as text."""
    if isinstance(value, dt.datetime):
        return {"$type": "datetime", "$value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$type": "date", "$value": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$type": "decimal", "$value": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$type": "uuid", "$value": str(value)}
    if isinstance(value, bytes):
        return {"$type": "bytes", "$value": base64.b64encode(value).decode("ascii")}
    return value


def from_json(value: Any) -> Any:
    """The inverse of to_json."""
    if isinstance(value, dict) and set(value) == {"$type", "$value"}:
        kind, text = value["$type"], value["$value"]
        if kind == "datetime":
            return dt.datetime.fromisoformat(text)
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "decimal":
            return Decimal(text)
        if kind == "uuid":
            return uuid.UUID(text)
        if kind == "bytes":
            return base64.b64decode(text)
    return value
