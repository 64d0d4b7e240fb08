"""Text tables (csv, tsv, txt): which encoding and delimiter a file uses, and its rows.

No dependency: a byte-order mark or the pattern of NUL bytes settles UTF-16/32;
otherwise a strict UTF-8 decode of the whole file decides UTF-8, and failing
that, strict decodes of GB18030, Big5, Shift_JIS and windows-1252 are scored by
how plausible the characters they produce are (common CJK ideographs, kana,
isolated accented Latin letters; control, private-use and replacement
characters count against). Latin-1 is the last resort, since every byte decodes.

A file whose lines were written by two programs (appended exports: some lines
UTF-8, others GBK) fits no single encoding; read as one it comes out as
mojibake ("MÃ¼ller"). When some lines are UTF-8 and the UTF-8 reading of them
is the more plausible one, the file's encoding is "utf-8+gb18030": each line is
read as UTF-8 when it is UTF-8, otherwise in the second encoding (textrows).
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

SAMPLE_BYTES = 256 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1 << 20
_LEGACY = ("gb18030", "big5", "shift_jis", "cp1252")
MIXED = "+"  # "utf-8+gb18030": UTF-8 lines, and lines in the second encoding
_CENSUS_SAMPLE = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(path: Path) -> str:
    """The codec name to read `path` with (a Python codec, e.g. "utf-8-sig", "gb18030"), or
    two joined by MIXED for a file whose lines use two."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if len(head) < SAMPLE_BYTES:
        return detect_encoding_bytes(head)
    return _detect(head, lambda name: _decodes(path, name), lambda: _file_census(path))


def detect_encoding_bytes(data: bytes) -> str:
    """detect_encoding for bytes in memory: a whole small file, or the start of one."""
    return _detect(data, lambda name: True, lambda: _census([data]))


def encodings_of(encoding: str) -> list[str]:
    """The codecs a line is tried in, in order: the file's (both of a mixed file), then
    UTF-8, which a line appended by another program is most likely in."""
    names = encoding.split(MIXED)
    if (
        not is_wide(names[0])
        and "utf-8" not in names
        and codecs.lookup(names[0]).name
        not in (
            "utf-8",
            "iso8859-1",
        )
    ):
        names.append("utf-8")
    return names


def is_wide(encoding: str) -> bool:
    return encoding.replace("_", "-").lower().startswith(("utf-16", "utf-32"))


def check_encoding(encoding: str) -> str:
    """The normal name of a codec, or of both codecs of a mixed encoding; LookupError if unknown."""
    return MIXED.join(codecs.lookup(name).name for name in encoding.split(MIXED))


def _detect(
    head: bytes,
    whole_file_decodes: Callable[[str], bool],
    census: Callable[[], tuple[int, bytes, bytes]],
) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    wide = _wide_without_bom(head)
    if wide:
        return wide
    if _decodes_sample(head, "utf-8") and whole_file_decodes("utf-8"):
        return "utf-8"
    utf8_lines, utf8_sample, other_sample = census()
    if utf8_lines:
        mixed = _mixed(utf8_sample, other_sample)
        if mixed is not None:
            return mixed
    candidates = [name for name in _LEGACY if _decodes_sample(head, name)]
    # sorted() is stable: equal scores keep the order of _LEGACY, so the result is deterministic.
    candidates.sort(key=lambda name: -plausibility(_decode_sample(head, name), name))
    for name in candidates:
        if whole_file_decodes(name):
            return name
    return "latin-1"


def _mixed(utf8_sample: bytes, other_sample: bytes) -> str | None:
    """ "utf-8+X" when the lines that are UTF-8 read better as UTF-8 than in X, the encoding
    the other lines fit best; None when those lines are UTF-8 by accident."""
    # Scored with U+FFFD for what does not decode (it counts against): one broken line
    # must not hand the file to windows-1252, which decodes almost anything.
    scores = {name: plausibility(other_sample.decode(name, "replace"), name) for name in _LEGACY}
    legacy = max(_LEGACY, key=lambda name: scores[name])
    as_utf8 = plausibility(utf8_sample.decode("utf-8", "replace"), "utf-8")
    as_legacy = plausibility(utf8_sample.decode(legacy, "replace"), legacy)
    return f"utf-8{MIXED}{legacy}" if as_utf8 > as_legacy else None


def _file_census(path: Path) -> tuple[int, bytes, bytes]:
    def chunks() -> Iterator[bytes]:
        with path.open("rb") as fh:
            carry = b""
            while chunk := fh.read(_CHUNK):
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                carry = data[cut:] if cut else data
                if cut:
                    yield data[:cut]
                if len(carry) > _CHUNK:  # a very long line: judged by its first megabyte
                    yield carry
                    carry = b""
            if carry:
                yield carry

    return _census(chunks())


def _census(chunks: Iterable[bytes]) -> tuple[int, bytes, bytes]:
    """How many lines with non-ASCII bytes are UTF-8, a sample of them, and a sample of the
    lines that are not (each sample a few dozen kilobytes of whole lines)."""
    utf8_lines = 0
    utf8_sample: list[bytes] = []
    other_sample: list[bytes] = []
    utf8_size = other_size = 0
    for chunk in chunks:
        if chunk.isascii():
            continue
        for line in chunk.split(b"\n"):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                if other_size < SAMPLE_BYTES:
                    other_sample.append(line)
                    other_size += len(line) + 1
                continue
            utf8_lines += 1
            if utf8_size < _CENSUS_SAMPLE:
                utf8_sample.append(line)
                utf8_size += len(line) + 1
    return utf8_lines, b"\n".join(utf8_sample), b"\n".join(other_sample)


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
        return alone * (2.0 if encoding in ("shift_jis", "utf-8") else 0.2)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return 0.5
    if 0xC0 <= code <= 0xFF or ch in _LATIN_EXTRA:
        if encoding not in ("cp1252", "utf-8"):
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
    """In the level-1 (most used) block of the candidate's own character set (of any of
    the three, for UTF-8, which has no character set of its own)."""
    if encoding == "utf-8":
        return any(_common_ideograph(ch, name) for name in ("gb18030", "big5", "shift_jis"))
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
    if MIXED in encoding:
        lines = []
        for line in raw.splitlines(keepends=True):
            try:
                lines.append(line.decode(encoding.split(MIXED)[0]))
            except UnicodeDecodeError:
                lines.append(line.decode(encoding.split(MIXED)[1], "replace"))
        text = "".join(lines)
    else:
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
