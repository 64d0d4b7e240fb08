"""What someone typed into a search or filter box, made fit to send to the database.

Text pasted from elsewhere can hold a NUL (PostgreSQL refuses it in any string, SQLite's
FTS5 cuts its query there and fails) or half of a surrogate pair (no encoder can write
it): both used to raise instead of searching. A pasted page of text took seconds per
keystroke. So a query keeps its letters, digits, punctuation and spaces, and at most
MAX_QUERY_CHARS of them: far more than any name, e-mail or phone number someone looks for.
"""

from __future__ import annotations

import unicodedata
from typing import Final

MAX_QUERY_CHARS: Final = 100


def clean_query(raw: str, limit: int = MAX_QUERY_CHARS) -> str:
    """The query without control characters and lone surrogates, cut to `limit` characters.

    Tabs and line breaks become spaces; a surrogate pair (an emoji handed over in two
    halves) is joined into its character. Nothing else changes: case, width and spacing
    are each caller's business.
    """
    text = raw[: limit * 2 + 2]  # a pasted megabyte is not cleaned to be thrown away
    if not text.isascii():
        # Pairs join, halves on their own are dropped.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    if not text.isprintable():
        text = "".join(_printable(ch) for ch in text)
    return text[:limit]


def _printable(ch: str) -> str:
    if ch.isprintable():
        return ch
    if ch.isspace():
        return " "
    # Control characters (NUL, BEL, ESC) carry no text. Format characters (a zero-width
    # joiner, a BOM) stay: names may hold them, and the database takes them.
    return "" if unicodedata.category(ch) == "Cc" else ch


def escape_like(text: str) -> str:
    """Text for a LIKE pattern with ESCAPE '\\': its %, _ and \\ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
