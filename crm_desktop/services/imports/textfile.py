"""Text tables (csv, tsv, txt): which encoding and delimiter a file uses, and its rows.

No dependency: a byte-order mark or the pattern of NUL bytes settles UTF-16/32;
otherwise a strict UTF-8 decode of the whole file decides UTF-8, and failing
that, strict decodes of GB18030, Big5, Shift_JIS and windows-1252 are scored by
how plausible the characters they produce are (common CJK ideographs, kana,
isolated accented Latin letters; control, private-use and replacement
characters count against). Latin-1 is the last resort, since every byte decodes.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

SAMPLE_BYTES = 256 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1 << 20
_LEGACY = ("gb18030", "big5", "shift_jis", "cp1252")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(path: Path) -> str:
    """The codec name to read `path` with (a Python codec, e.g. "utf-8-sig", "gb18030")."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if len(head) < SAMPLE_BYTES:
        return detect_encoding_bytes(head)
    return _detect(head, lambda name: _decodes(path, name))


def detect_encoding_bytes(data: bytes) -> str:
    """detect_encoding for bytes in memory: a whole small file, or the start of one."""
    return _detect(data, lambda name: True)


def _detect(head: bytes, whole_file_decodes: Callable[[str], bool]) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    wide = _wide_without_bom(head)
    if wide:
        return wide
    if _decodes_sample(head, "utf-8") and whole_file_decodes("utf-8"):
        return "utf-8"
    candidates = [name for name in _LEGACY if _decodes_sample(head, name)]
    # sorted() is stable: equal scores keep the order of _LEGACY, so the result is deterministic.
    candidates.sort(key=lambda name: -plausibility(_decode_sample(head, name), name))
    for name in candidates:
        if whole_file_decodes(name):
            return name
    return "latin-1"


def _wide_without_bom(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the NUL bytes fall (ASCII-heavy text)."""
    sample = head[: 4096 - 4096 % 4]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    by_pos = [sum(1 for b in sample[i::4] if b == 0) for i in range(4)]
    quarter = len(sample) // 4
    if by_pos[1] > 0.9 * quarter and by_pos[2] > 0.9 * quarter and by_pos[3] > 0.9 * quarter:
        return "utf-32-le"
    if by_pos[0] > 0.9 * quarter and by_pos[1] > 0.9 * quarter and by_pos[2] > 0.9 * quarter:
        return "utf-32-be"
    even = by_pos[0] + by_pos[2]
    odd = by_pos[1] + by_pos[3]
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.1 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def _decodes(path: Path, encoding: str) -> bool:
    """The whole file decodes strictly (read in chunks, so memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_sample(data: bytes, encoding: str) -> str:
    # final=False: the sample may end in the middle of a multi-byte character.
    return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=False)


def _decodes_sample(data: bytes, encoding: str) -> bool:
    try:
        _decode_sample(data, encoding)
    except UnicodeDecodeError:
        return False
    return True


_LATIN_EXTRA = frozenset("ŒœŠšŽžŸƒ")
_SYMBOLS = frozenset("€£¥©®°±²³µ·¹º»«¿¡§¶–—‘’‚“”„…•†‡‰‹›™¢¤¦¨¬¯´¸¼½¾×÷")


def plausibility(text: str, encoding: str) -> float:
    """How much `text` (a strict decode with `encoding`) looks like real writing."""
    score = 0.0
    for i, ch in enumerate(text):
        code = ord(ch)
        if code < 0x80:
            if code < 0x20 and ch not in "\t\r\n":
                score -= 3
            continue
        score += _char_weight(ch, code, encoding, text, i)
    return score


def _char_weight(ch: str, code: int, encoding: str, text: str, i: int) -> float:
    # CJK words are runs; one ideograph between ASCII bytes is more often a Latin
    # letter's byte misread together with the ASCII byte after it.
    alone = 0.5 if _ascii_at(text, i - 1) and _ascii_at(text, i + 1) else 1.0
    if 0x4E00 <= code <= 0x9FFF:
        return alone * (2.0 if _common_ideograph(ch, encoding) else 0.3)
    if 0x3040 <= code <= 0x30FF:
        return alone * (2.0 if encoding == "shift_jis" else 0.2)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return 0.5
    if 0xC0 <= code <= 0xFF or ch in _LATIN_EXTRA:
        if encoding != "cp1252":
            return 0.0
        if not (_ascii_at(text, i - 1) and _ascii_at(text, i + 1)):
            return 0.3
        in_word = _letter_at(text, i - 1) or _letter_at(text, i + 1)
        return 1.2 if in_word else 1.0
    if ch in _SYMBOLS:
        return 0.3
    if 0xE000 <= code <= 0xF8FF or ch == "\ufffd" or 0x80 <= code <= 0x9F:
        return -3.0
    if unicodedata.category(ch).startswith("C"):
        return -3.0
    return 0.0


def _ascii_at(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or ord(text[i]) < 0x80


def _letter_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalpha()


def _common_ideograph(ch: str, encoding: str) -> bool:
    """In the level-1 (most used) block of the candidate's own character set."""
    try:
        if encoding == "gb18030":
            lead = ch.encode("gb2312")[0]
            return 0xB0 <= lead <= 0xD7
        if encoding == "big5":
            lead = ch.encode("big5")[0]
            return 0xA4 <= lead <= 0xC6
        if encoding == "shift_jis":
            lead = ch.encode("shift_jis")[0]
            return 0x88 <= lead <= 0x9F
    except UnicodeEncodeError:
        return False
    return False


def detect_delimiter(text: str) -> str:
    """The delimiter whose field count agrees over the most lines (quotes respected).

    A single-column file has no delimiter at all: "," is returned then.
    """
    lines = _LINE_END.split(text)
    if text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the empty string after the last line end
    elif len(lines) > 1:
        lines = lines[:-1]  # the sample may end in the middle of a record
    sample = "\n".join(lines[:200])
    best = ","
    best_score = (0, 0)
    for delimiter in DELIMITERS:
        counts = _field_counts(sample, delimiter)
        wide = Counter(n for n in counts if n >= 2)
        if not wide:
            continue
        modal, agree = max(wide.items(), key=lambda item: (item[1], item[0]))
        score = (agree, modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(sample: str, delimiter: str) -> list[int]:
    """Fields per non-blank record, up to the first record csv cannot parse."""
    counts: list[int] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                counts.append(len(row))
    except csv.Error:
        pass  # e.g. a runaway quote: judge by the records before it
    return counts


def read_sample(path: Path, encoding: str, limit: int = SAMPLE_BYTES) -> str:
    with path.open("rb") as fh:
        raw = fh.read(limit)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(raw, final=False)
    return text.replace("\x00", "").lstrip("\ufeff")


def estimate_rows(path: Path) -> int:
    """Line count from the raw bytes: cheap, and exact unless cells hold line breaks."""
    newlines = carriage = 0
    last = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            newlines += chunk.count(b"\n")
            carriage += chunk.count(b"\r")
            last = chunk[-4:]
    lines = newlines or carriage
    ends_open = bool(last) and not last.rstrip(b"\x00").endswith((b"\n", b"\r"))
    return lines + 1 if ends_open else lines


def iter_text_rows(stream: BinaryIO, encoding: str, delimiter: str) -> Iterator[list[str]]:
    """Every record of the file; NUL bytes are dropped, CR-only line ends are understood."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    first = True
    for row in csv.reader(_clean_lines(text), delimiter=delimiter):
        if first and row and row[0].startswith("\ufeff"):
            row[0] = row[0][1:]
        first = False
        yield row


def _clean_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line.replace("\x00", "") if "\x00" in line else line
