"""Every report as one table: typed columns, rows of plain values, totals and notes.

The command line prints it, writes it as CSV or xlsx, and a chart can plot its rows:
all read the same numbers. Cells hold native values: `Money` in money columns (its
amount in the report's currency, and what had no exchange rate), int counts, float
fractions for rates, dates for months. `format_cell` turns one into text (money that
leaves something out is marked with *), `plain_value` into a number for a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from crm_desktop.services.reports.money import Money, total

ColumnKind = Literal["text", "count", "money", "percent", "days", "month"]
Cell = str | int | float | Decimal | dt.date | Money | None
PARTIAL_MARK = "*"
UNCONVERTED_LABEL = "not converted: {currency}"


@dataclass(frozen=True)
class TableColumn:
    header: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Table:
    """A report as rows: `title` names it, `subtitle` its filters and currency.

    `totals` (or None) is a last line that sums the rows where that makes sense; charts
    plot `rows` only. `notes` say what the numbers leave out (amounts with no exchange
    rate) and how they are counted.
    """

    title: str
    subtitle: str
    currency: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    notes: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def all_notes(self) -> tuple[str, ...]:
        """`notes`, then one line per money column whose rows leave amounts out."""
        lines = list(self.notes)
        for i, column in enumerate(self.columns):
            if column.kind != "money":
                continue
            cells = [row[i] for row in self.rows]
            missing = total(c for c in cells if isinstance(c, Money)).unconverted
            if missing:
                amounts = ", ".join(f"{amount:,.2f} {code}" for code, amount in missing)
                lines.append(
                    f"{PARTIAL_MARK} {column.header} leaves out {amounts}: no exchange rate "
                    f"into {self.currency} for the day (add one in Settings)"
                )
        return tuple(lines)

    def unconverted_rows(self) -> tuple[tuple[Cell, ...], ...]:
        """One row per currency the money columns could not convert, for files.

        The first column says `not converted: CNY`; each money column holds what its rows
        leave out in that currency (a Decimal in CNY, not in the report's currency), or
        None; the other columns are empty. CSV and xlsx put these under the rows (and the
        totals), so the amounts are in the file, not only in a note.
        """
        missing: dict[str, dict[int, Decimal]] = {}
        for i, column in enumerate(self.columns):
            if column.kind != "money":
                continue
            column_cells = [row[i] for row in self.rows]
            left_out = total(c for c in column_cells if isinstance(c, Money))
            for currency, amount in left_out.unconverted:
                missing.setdefault(currency, {})[i] = amount
        rows = []
        for currency in sorted(missing):
            cells: list[Cell] = [missing[currency].get(i) for i in range(len(self.columns))]
            cells[0] = UNCONVERTED_LABEL.format(currency=currency)
            rows.append(tuple(cells))
        return tuple(rows)

    def text_rows(self) -> list[list[str]]:
        """Every row (and the totals) as formatted text, for printing."""
        lines = [*self.rows, *([self.totals] if self.totals else [])]
        return [
            [format_cell(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
            for row in lines
        ]


def format_cell(value: Cell, kind: ColumnKind) -> str:
    """One cell as a person reads it: 1,234.50 · 1,234 · 12.5% · 45.2 · 2026-03."""
    if value is None:
        return "-"
    if isinstance(value, Money):
        mark = "" if value.complete else PARTIAL_MARK
        return f"{value.amount:,.2f}{mark}"
    if kind == "money" and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):,.2f}"
    if kind == "count" and isinstance(value, int):
        return f"{value:,}"
    if kind == "percent" and isinstance(value, float | int | Decimal):
        return f"{float(value) * 100:,.1f}%"
    if kind == "days" and isinstance(value, float | int | Decimal):
        return f"{float(value):.1f}"
    if kind == "month" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plain_value(value: Cell) -> str | int | float | Decimal | dt.date | None:
    """A cell for a file: money as its converted amount, the rest as it is."""
    return value.amount if isinstance(value, Money) else value


def ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part / whole as a fraction, or None when there is nothing to divide by."""
    if not whole:
        return None
    return float(Decimal(part) / Decimal(whole))
