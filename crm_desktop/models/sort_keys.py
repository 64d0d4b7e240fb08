"""Sort keys: the order people expect names in, as one stored, indexed column.

A list sorted by the name's own characters puts "Álvarez" after "Zoë" and every Chinese
name after every Latin one, in code-point order. People expect Álvarez among the A's and
王伟 under W (its pinyin, "wang wei"), near "Wang", as Chinese CRMs and phone contact lists
file them. No database collation does that the same way on SQLite and PostgreSQL, and none
knows pinyin, so the key is made here, in Python, by `sort_key`, and stored beside the name
(`SORTED`: which column of which table has which key). Both databases compare the key byte
by byte (SQLite's BINARY, PostgreSQL's "C" collation on the column), so the order is the
same on both, and an index on (key, id) serves the lists' ORDER BY ... LIMIT and keyset
seeks at a million rows.

Every write keeps the key equal to `sort_key(name)`: the key columns' default
(`key_default`) for every INSERT made through SQLAlchemy, ORM or Core; the ORM listener at
the end of this module for forms, conversion and merges that rename; `BulkWriter.write`
(services/demo_bulk.py) for the rows imports and demo data send straight to the driver
(`key_values`); `services/versioned.update_versioned` for the updates of imports and undo
(`with_sort_keys`).
Migration 0011 fills the keys of rows written before. Changing what `sort_key` returns
changes stored keys: that takes a new migration that recomputes them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from sqlalchemy import String, Text, event, inspect
from sqlalchemy.engine.interfaces import ExecutionContext
from sqlalchemy.orm import Session, UOWTransaction

# The parts of a key: folded name, SEPARATOR, casefolded name, SEPARATOR, the name as written.
# \x01 sorts below every character a folded name keeps, so "chen" < "chen jing" holds for the
# keys too; the second and third parts only break ties (Alvarez, alvarez, Álvarez).
SEPARATOR: Final = "\x01"
PART_LENGTH: Final = 200  # well inside a B-tree entry on both databases, even in pinyin
KEY_LENGTH: Final = 3 * PART_LENGTH + 2

# A key column: Text, compared byte by byte on PostgreSQL too (its default collation
# follows the server's locale, which ignores spaces and punctuation, and differs by machine).
KEY_TYPE: Final = Text().with_variant(String(collation="C"), "postgresql")


@dataclass(frozen=True)
class SortedColumn:
    """A name column and the column holding its key; `person`: names are people's."""

    source: str
    key: str
    person: bool


# table -> the name columns with a stored key. Lead's company_name is a list column too.
SORTED: Final[Mapping[str, tuple[SortedColumn, ...]]] = {
    "contact": (SortedColumn("full_name", "sort_key", person=True),),
    "lead": (
        SortedColumn("person_name", "sort_key", person=True),
        SortedColumn("company_name", "company_sort_key", person=False),
    ),
    "company": (SortedColumn("name", "sort_key", person=False),),
    "deal": (SortedColumn("title", "sort_key", person=False),),
}

# Letters Unicode does not decompose into a base letter and an accent.
_LETTERS: Final = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ı": "i", "ŋ": "n",
     "æ": "ae", "œ": "oe", "þ": "th", "ĸ": "k", "ſ": "s"}
)  # fmt: skip
# Apostrophes vanish (O'Brien files as OBrien); any other run of non-letters is one space.
_APOSTROPHES: Final = re.compile("['\u2019\u02bc\u2018`\u00b4]")
_NON_WORD: Final = re.compile(r"[\W_]+")
_CONTROL: Final = re.compile("[\x00-\x1f]")

# Surnames whose reading differs from their character's most common one (单 is dān as a
# word, Shàn as a family name). pypinyin has no surname mode, so the common ones are here;
# a Chinese person's name is written family name first, so only its start is looked up.
SURNAMES: Final[Mapping[str, str]] = {
    "尉迟": "yu chi", "万俟": "mo qi", "单于": "chan yu", "澹台": "tan tai", "长孙": "zhang sun",
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "盖": "ge", "覃": "qin", "缪": "miao", "乐": "yue", "召": "shao", "翟": "zhai", "秘": "bi",
    "种": "chong", "折": "she", "薄": "bo", "员": "yun", "隗": "wei", "祭": "zhai", "繁": "po",
    "洗": "xian", "句": "gou", "藏": "zang", "角": "jue", "阚": "kan", "长": "chang",
    "蔚": "yu", "都": "du", "率": "shuai", "粘": "nian", "卜": "bu", "重": "chong",
    "便": "pian", "颉": "xie", "炅": "gui", "能": "nai",
}  # fmt: skip
_PHRASE_LENGTH: Final = 4  # the longest phrase looked up (names and company names are short)


def sort_key(name: str | None, *, person: bool = False) -> str:
    """The stored sort key of a name ('' for none): what every list orders by.

    'Álvarez' -> 'alvarez' first, 'Zoë' -> 'zoe', 'Øster' -> 'oster', "O'Brien" ->
    'obrien', '王伟' -> 'wang wei', '单雄信' -> 'shan xiong xin' (with `person`, a heteronym
    surname is read as one). The tie-breaking parts follow (see SEPARATOR).
    """
    if not name:
        return ""
    written = _CONTROL.sub(" ", unicodedata.normalize("NFC", name)).strip()
    folded = written.casefold()
    if folded.isascii():
        primary = _NON_WORD.sub(" ", _APOSTROPHES.sub("", folded)).strip()
    else:
        primary = _fold(folded, person)
    return SEPARATOR.join((primary[:PART_LENGTH], folded[:PART_LENGTH], written[:PART_LENGTH]))


def _fold(folded: str, person: bool) -> str:
    text = _pinyin(folded, person) if _HAN.search(folded) else folded
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text).translate(_LETTERS).casefold()
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text)).strip()


# CJK unified ideographs, extension A and the supplementary planes' extensions.
_HAN: Final = re.compile("[\u3400-\u9fff\U00020000-\U0003ffff]")


def _pinyin(text: str, person: bool) -> str:
    """Han characters as toneless pinyin words ('华为' -> ' hua wei '): phrases read as a
    whole ('银行' yin hang, not yin xing), other characters by their first reading."""
    singles, phrases = _dictionaries()
    out: list[str] = []
    start = 0
    if person:
        for surname in (text[:2], text[:1]):
            reading = SURNAMES.get(surname)
            if reading is not None:
                out.append(f" {reading} ")
                start = len(surname)
                break
    i = start
    while i < len(text):
        for length in range(min(_PHRASE_LENGTH, len(text) - i), 1, -1):
            words = phrases.get(text[i : i + length])
            if words is not None:
                out.append(f" {words} ")
                i += length
                break
        else:
            char = text[i]
            reading = singles.get(ord(char))
            out.append(f" {reading} " if reading is not None else char)
            i += 1
    return "".join(out)


# Tone marks off pinyin: ā -> a, ǚ -> v (the usual keyboard spelling of ü, as in "lv").
_TONES: Final = str.maketrans(
    {**{c: "a" for c in "āáǎà"}, **{c: "e" for c in "ēéěèê"}, **{c: "i" for c in "īíǐì"},
     **{c: "o" for c in "ōóǒò"}, **{c: "u" for c in "ūúǔù"}, **{c: "v" for c in "üǖǘǚǜ"},
     **{c: "n" for c in "ńňǹ"}, **{c: "m" for c in "ḿ"}, "\u0304": None, "\u030c": None}
)  # fmt: skip


@cache
def _dictionaries() -> tuple[dict[int, str], dict[str, str]]:
    """pypinyin's data, loaded on the first Han character met (about a second): each
    character's first reading and the readings of phrases, without tone marks."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    singles = {
        code: readings.split(",", 1)[0].translate(_TONES) for code, readings in pinyin_dict.items()
    }
    phrases = {
        phrase: " ".join(readings[0] for readings in words).translate(_TONES)
        for phrase, words in phrases_dict.items()
        if len(phrase) <= _PHRASE_LENGTH
    }
    return singles, phrases


def key_default(source: str, *, person: bool) -> Callable[[ExecutionContext], str]:
    """A key column's default: the key of the name in the same INSERT (each row of many)."""

    def default(context: ExecutionContext) -> str:
        parameters = context.get_current_parameters()  # type: ignore[attr-defined]
        return sort_key(parameters.get(source), person=person)

    return default


def with_sort_keys(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` (a row to insert or the columns an update sets) with the keys of the name
    columns it sets; unchanged for other tables."""
    columns = SORTED.get(table)
    if not columns:
        return dict(values)
    out = dict(values)
    for column in columns:
        if column.source in values:
            out[column.key] = sort_key(values[column.source], person=column.person)
    return out


def key_values(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """New rows as tuples in `columns` order, with the key columns appended (the form bulk
    writers use); a name column the rows lack is NULL, and its key ''."""
    sorted_columns = [c for c in SORTED.get(table, ()) if c.key not in columns]
    if not sorted_columns or not rows:
        return tuple(columns), list(map(tuple, rows))
    keys: list[list[str]] = []
    for column in sorted_columns:
        if column.source not in columns:
            keys.append([""] * len(rows))
            continue
        at = columns.index(column.source)
        person = column.person
        keys.append([sort_key(row[at], person=person) for row in rows])
    extended = [(*row, *extra) for row, extra in zip(rows, zip(*keys, strict=True), strict=True)]
    return (*columns, *(c.key for c in sorted_columns)), extended


# --- keeping the keys current on every ORM flush ---------------------------------------------


@event.listens_for(Session, "before_flush")
def _on_before_flush(session: Session, _flush_context: UOWTransaction, _instances: Any) -> None:
    """Set the key of every new record, and of every record whose name this flush changes."""
    for obj in (*session.new, *session.dirty):
        columns = SORTED.get(getattr(obj, "__tablename__", ""))
        if not columns:
            continue
        state = inspect(obj)
        for column in columns:
            if obj in session.new or state.attrs[column.source].history.has_changes():
                key = sort_key(getattr(obj, column.source), person=column.person)
                if getattr(obj, column.key, None) != key:
                    setattr(obj, column.key, key)


__all__ = [
    "KEY_TYPE",
    "SORTED",
    "SortedColumn",
    "key_default",
    "key_values",
    "sort_key",
    "with_sort_keys",
]
