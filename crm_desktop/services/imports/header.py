"""Which row of a sheet holds the column names.

Exports often carry a title (one merged cell across a wide row), notes, an
export date or blank rows above the header. The header is the first row that
fills at least half as many cells as the sheet's usual row, and whose filled
cells are mostly words rather than numbers or dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from crm_desktop.services.imports.cells import CellValue, cell_text

SCAN_ROWS = 50
_NUMBER_OR_DATE = re.compile(r"[-+(]?[\d\s.,/:%)-]+|\d{4}年.*|\d{1,4}[./-]\w{3,9}[./-]\d{2,4}")


def detect_header(rows: Sequence[Sequence[CellValue]]) -> int:
    """0-based index of the header row within `rows` (a preview of the sheet's first rows)."""
    scanned = rows[:SCAN_ROWS]
    filled = [_filled(row) for row in scanned]
    width = _usual_width(filled)
    if width == 0:
        return 0
    need = 1 if width < 2 else max(2, (width + 1) // 2)
    for index, cells in enumerate(filled):
        if len(cells) < need:
            continue
        words = sum(1 for cell in cells if _is_word(cell))
        if words * 2 >= len(cells) and len(set(map(cell_text, cells))) > len(cells) // 2:
            return index
    # No row looks like names (a sheet of bare data): the first filled row.
    return next((index for index, cells in enumerate(filled) if cells), 0)


def _filled(row: Sequence[CellValue]) -> list[CellValue]:
    return [cell for cell in row if cell_text(cell)]


def _usual_width(filled: Sequence[Sequence[CellValue]]) -> int:
    """The most common filled-cell count over rows with two or more cells (ties: the wider)."""
    counts = Counter(len(cells) for cells in filled if len(cells) >= 2)
    if not counts:
        return 1 if any(filled) else 0
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def _is_word(cell: CellValue) -> bool:
    if isinstance(cell, bool | int | float | dt.date | dt.time):
        return False
    text = cell_text(cell)
    return not _NUMBER_OR_DATE.fullmatch(text)
