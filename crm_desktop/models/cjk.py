"""Two-character words of Chinese, Japanese and Korean text, for the search index.

A trigram index cannot find a two-character fragment, yet most Chinese words have two
characters ("技术" in "华为技术有限公司"). Each document therefore ends with a line of
its CJK bigrams, each followed by BIGRAM_MARK ("华为| 为技| 技术| …"): the three
characters "技术|" are one trigram, so the query "技术" becomes an indexed lookup.

SQLite calls `cjk_bigrams` as the SQL function crm_cjk_bigrams (registered on every
connection in database.py); PostgreSQL has the same function in SQL (migration 0003,
PG_FUNCTION below). Both must give the same text: tests compare them. Changing what
they return changes every document: that takes a new migration that rebuilds the index.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Final

BIGRAM_MARK: Final = "|"
SQL_FUNCTION: Final = "crm_cjk_bigrams"
# CJK radicals; kana, bopomofo, CJK extension A and unified ideographs; Hangul syllables;
# CJK compatibility ideographs. CJK punctuation (U+3000-303F) is left out on purpose.
RANGES: Final = ((0x2E80, 0x2FFF), (0x3040, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
_CLASS: Final = "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in RANGES) + "]"
_RUNS: Final = re.compile(_CLASS + "{2,}")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in RANGES)


def cjk_bigrams(text: str | None) -> str:
    """'华为技术 ACME' -> '华为| 为技| 技术|'; '' when the text holds no two CJK in a row.

    Runs of CJK characters first (a Latin-only text costs one regex test), then the
    bigrams inside each run, in order; PG_FUNCTION does the same.
    """
    if not text:
        return ""
    return " ".join(a + b + BIGRAM_MARK for run in _RUNS.findall(text) for a, b in pairwise(run))


def bigram_term(term: str) -> str | None:
    """The index token for a two-character CJK query term ('技术' -> '技术|'), else None."""
    if len(term) == 2 and is_cjk(term[0]) and is_cjk(term[1]):
        return term + BIGRAM_MARK
    return None


PG_FUNCTION: Final = (
    f"CREATE OR REPLACE FUNCTION {SQL_FUNCTION}(t text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    f"SELECT coalesce(string_agg(substr(r.m[1], i, 2) || '{BIGRAM_MARK}', ' ' "
    "ORDER BY r.n, i), '') "
    f"FROM regexp_matches(t, '{_CLASS}{{2,}}', 'g') WITH ORDINALITY AS r(m, n) "
    "CROSS JOIN LATERAL generate_series(1, length(r.m[1]) - 1) AS i $$"
)
