"""Text as it may be stored: no NUL or other control characters, no lone surrogates.

PostgreSQL refuses a NUL character in text, and no database driver can encode a lone
surrogate (half of a UTF-16 pair) as UTF-8, so one stray byte in a vCard aborted a whole
import batch on PostgreSQL while SQLite kept it. Every way text comes in cleans it here,
the same way on both databases: the csv, xlsx, ods, xls and vCard readers, card entry
and the record forms.

- NUL and the other C0 control characters are removed, except tab and the line breaks;
- vertical tab and form feed are line breaks (FileMaker writes a line break in a field as
  a vertical tab), so they become LF;
- where a field may hold several lines (notes, addresses, custom fields, and cells before
  they are mapped to a field), tabs and line breaks stay; elsewhere each run of them
  becomes one space;
- a lone surrogate becomes U+FFFD, the replacement character.
"""

from __future__ import annotations

import re
from typing import Final

_MULTILINE_BAD: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_ONE_LINE_BAD: Final = re.compile("[\x00-\x1f\ud800-\udfff]")
_REMOVED: Final = re.compile("[\x00-\x08\x0e-\x1f]+")
_BREAKS: Final = re.compile("[\x0b\x0c]")
_WHITE_RUNS: Final = re.compile("[\t\n\r]+")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def clean_text(text: str, *, multiline: bool = True) -> str:
    """`text` without NUL, control characters or lone surrogates (see the module's rules).

    Text that needs no cleaning is returned as it is (the common case costs one search).
    """
    if not (_MULTILINE_BAD if multiline else _ONE_LINE_BAD).search(text):
        return text
    text = _REMOVED.sub("", text)
    text = _BREAKS.sub("\n", text)
    if not multiline:
        text = _WHITE_RUNS.sub(" ", text)
    return _SURROGATES.sub("\ufffd", text)


def needs_cleaning(text: str) -> bool:
    """Whether clean_text(text) changes anything (a cheap test for a whole line of a file)."""
    return _MULTILINE_BAD.search(text) is not None
