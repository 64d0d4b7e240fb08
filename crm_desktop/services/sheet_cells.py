"""Cells for spreadsheets: text we write is never run as a formula.

Excel, LibreOffice Calc and Google Sheets read a CSV cell that begins with =, +, -, @, a
tab or a carriage return as a formula, so a contact named =HYPERLINK("http://evil","x")
would become a live link in whoever opens the export ("CSV injection"). OWASP's remedy is
a single quote before such a cell: spreadsheets then show it as text (and hide the quote).
Every text cell of every CSV goes through `quote_formula`. Values we format ourselves
(amounts such as -12.50, counts, dates) are numbers, not text, and stay as they are: a
number cannot run anything. Phone numbers and names are text, so "+86 138 0013 8000" is
written '+86 138 0013 8000. The importer takes that quote off again (`unquote_formula`),
so an exported file imports back as it was.

In xlsx a text cell is stored as a string and needs no quote, but openpyxl turns any
string starting with "=" into a formula unless the cell says otherwise: every xlsx
writer makes its cells with `xlsx_cells`, which also drops the control characters
XML cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

# The first characters OWASP lists (CSV injection): formula, sign, at, tab, carriage return.
FORMULA_STARTS: Final = frozenset("=+-@\t\r")
QUOTE: Final = "'"
# Characters an xlsx file cannot hold (XML 1.0 forbids them).
_ILLEGAL_XML: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def quote_formula(text: str) -> str:
    """The text as a spreadsheet must show it: a ' in front when it could start a formula.

    Text that already starts with quotes before such a character ('=x) gets one more, so
    that `unquote_formula` gives back exactly what was written.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_STARTS or (first == QUOTE and text.lstrip(QUOTE)[:1] in FORMULA_STARTS):
        return QUOTE + text
    return text


def unquote_formula(text: str) -> str:
    """The text `quote_formula` was given: its quote taken off, any other text unchanged.

    Only a quote before quotes and a formula character is ours (or another program's
    doing the same); "'t Hooft" or "'0123" are left as they are.
    """
    if text[:1] == QUOTE and text.lstrip(QUOTE)[:1] in FORMULA_STARTS:
        return text[1:]
    return text


def xlsx_cells(sheet: Any) -> Callable[[Any], Any]:
    """A maker of cells for `sheet.append`: text is stored as text, never as a formula,
    other values as they are. For write-only and ordinary worksheets alike."""
    from openpyxl.cell import WriteOnlyCell

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        made = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", value))
        made.data_type = "s"  # openpyxl would make "=1+1" a formula
        return made

    return cell
