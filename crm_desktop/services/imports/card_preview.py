"""The first cards of a vCard file as a table, for the wizard's preview (as a sheet has).

The columns are the fields the cards fill, in the order of the target's fields; a card
that cannot be read, or a contact group, says so in a last column. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from crm_desktop.services.imports.fields import FIELDS, Target
from crm_desktop.services.imports.transform import RowRecord
from crm_desktop.services.imports.vcards import card_records

PREVIEW_CARDS: Final = 50
PROBLEM: Final = "Problem"  # the label of the last column, when a card has one
_SEPARATOR: Final = "; "


@dataclass(frozen=True)
class CardPreview:
    keys: tuple[str, ...]  # field keys of the columns (PROBLEM for the problem column)
    labels: tuple[str, ...]  # their English labels; views translate them
    rows: tuple[tuple[str, ...], ...]  # one per card, in file order


def card_preview(
    path: Path, target: Target, region: str, limit: int = PREVIEW_CARDS
) -> CardPreview:
    """The first `limit` cards of `path` as read for `target` (cards are read one by one:
    a large file is not read past them)."""
    records = list(itertools.islice(card_records(path, target, region), limit))
    cells = [_cells(record) for record in records]
    shown = [f for f in FIELDS[target] if any(f.key in row for row in cells)]
    keys = [f.key for f in shown]
    labels = [f.label for f in shown]
    if any(PROBLEM in row for row in cells):
        keys.append(PROBLEM)
        labels.append(PROBLEM)
    rows = tuple(tuple(row.get(key, "") for key in keys) for row in cells)
    return CardPreview(tuple(keys), tuple(labels), rows)


def _cells(record: RowRecord) -> dict[str, str]:
    cells = {key: _text(value) for key, value in record.values.items() if value not in (None, "")}
    for method in record.methods:
        known = cells.get(method.kind)
        cells[method.kind] = method.value if not known else known + _SEPARATOR + method.value
    if record.tags:
        cells["tags"] = _SEPARATOR.join(record.tags)
    if record.problems:
        cells[PROBLEM] = "; ".join(p.reason for p in record.problems)
    elif record.group:
        cells[PROBLEM] = "a contact group, not a person: skipped"
    return cells


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
