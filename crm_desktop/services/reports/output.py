"""A report table as aligned text, CSV or an xlsx workbook: the same numbers in each.

Text is for reading: a title line with the filters and currency, aligned columns, the
totals and the notes. CSV is for scripts: the header and the rows, numbers without
thousands separators, percentages as numbers (12.5 for 12.5%). xlsx has the title,
the table, the totals and the notes, with number formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.reports.table import (
    PARTIAL_MARK,
    Cell,
    ColumnKind,
    Table,
    format_cell,
    plain_value,
)
from crm_desktop.services.sheet_cells import quote_formula, xlsx_cells

_RIGHT: frozenset[ColumnKind] = frozenset({"count", "money", "percent", "days"})
_XLSX_FORMATS: dict[ColumnKind, str] = {
    "count": "#,##0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "days": "0.0",
    "month": "yyyy-mm",
}


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    room = " " * max(0, width - display_width(text))
    return room + text if right else text + room


def title_line(table: Table) -> str:
    return f"{table.title} — {table.subtitle}"


def format_text(table: Table) -> str:
    """The table as aligned plain text, ending with a newline."""
    body = _align_marks(table.text_rows())
    widths = [
        max([display_width(c.header), *(display_width(row[i]) for row in body)])
        for i, c in enumerate(table.columns)
    ]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        parts = [
            _pad(cell, width, column.kind in _RIGHT)
            for cell, width, column in zip(cells, widths, table.columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [title_line(table), "", line(table.headers)]
    lines.append("  ".join("-" * w for w in widths))
    rows = body[: len(table.rows)]
    lines.extend(line(row) for row in rows)
    if table.totals is not None:
        lines.append("  ".join("-" * w for w in widths))
        lines.append(line(body[-1]))
    if not table.rows:
        lines.append("(nothing to show)")
    notes = table.all_notes()
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines) + "\n"


def _align_marks(rows: list[list[str]]) -> list[list[str]]:
    """Pad numbers next to a marked one (1,000.00*) so the decimal points line up."""
    marked = {i for row in rows for i, cell in enumerate(row) if cell.endswith(PARTIAL_MARK)}
    return [
        [
            cell + " " if i in marked and not cell.endswith(PARTIAL_MARK) else cell
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]


def csv_value(value: Cell, kind: ColumnKind) -> str:
    plain = plain_value(value)
    if plain is None:
        return ""
    if kind == "percent" and isinstance(plain, float | int | Decimal):
        return f"{float(plain) * 100:.2f}"
    if kind == "days" and isinstance(plain, float | int | Decimal):
        return f"{float(plain):.1f}"
    if kind == "month" and isinstance(plain, dt.date):
        return plain.strftime("%Y-%m")
    if isinstance(plain, dt.date):
        return plain.isoformat()
    if isinstance(plain, str):
        return quote_formula(plain)  # a name: text, quoted against formulas
    return str(plain)


def write_csv(table: Table, stream: IO[str]) -> None:
    """The header and the rows, then a `not converted: CNY` row per currency that had no
    exchange rate (its amounts in that currency); no title, totals or notes: a script sums
    what it needs, and skips the rows whose first cell starts with "not converted"."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.headers)
    for row in (*table.rows, *table.unconverted_rows()):
        writer.writerow(csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True))


def _append_unconverted(sheet: Any, table: Table, as_cell: Callable[[Any], Any]) -> None:
    """Under the totals, a row per currency with no rate: its amounts, formatted in it."""
    from openpyxl.styles import Font

    for row in table.unconverted_rows():
        sheet.append([as_cell(plain_value(v)) for v in row])
        currency = str(row[0]).rsplit(" ", 1)[-1]
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            if column.kind == "money":
                cell.number_format = f'#,##0.00 "{currency}"'
            cell.font = Font(italic=True)


def write_xlsx(table: Table, path: Path) -> None:
    """The title, the table with its totals, and the notes in one sheet."""
    refuse_database_file(path)  # writing over it would destroy the database
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    as_cell = xlsx_cells(sheet)  # names are text, never formulas
    sheet.title = table.title[:31]
    sheet.append([as_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([as_cell(table.subtitle)])
    sheet.append([])
    sheet.append([as_cell(header) for header in table.headers])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    lines = [*table.rows, *([table.totals] if table.totals is not None else [])]
    for index, row in enumerate(lines):
        sheet.append([as_cell(plain_value(v)) for v in row])
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            fmt = _XLSX_FORMATS.get(column.kind)
            if fmt:
                cell.number_format = fmt
            if table.totals is not None and index == len(lines) - 1:
                cell.font = Font(bold=True)
    _append_unconverted(sheet, table, as_cell)
    notes = table.all_notes()
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([as_cell(note)])
    shown = [*lines, *table.unconverted_rows()]
    for i, column in enumerate(table.columns):
        letter = sheet.cell(row=header_row, column=i + 1).column_letter
        texts = [format_cell(row[i], column.kind) for row in shown]
        sheet.column_dimensions[letter].width = min(
            60, max([len(column.header), *map(len, texts)]) + 2
        )
    book.save(path)
