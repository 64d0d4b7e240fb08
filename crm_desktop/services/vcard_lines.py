"""vCard files as bytes: their cards, each a list of logical (unfolded) lines, read as a stream.

Unfolding is done on bytes, before decoding, because phones fold lines in the middle of a
UTF-8 character. It is linear: a logical line is kept as a list of parts and joined once
(appending to one bytes object copied it on every folded line, and its head was split
off again each time: a 5 MB photo folded at 75 characters took 189 s). What is held is
bounded: a card larger than CARD_BYTES as written (a 10 MB photo) is not kept; it comes
out as a `TooLarge` note in place of its lines, saying which property made it so large,
and the cards after it are read as usual. A file is read in chunks, one card at a time.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

from crm_desktop.services.imports.limits import VCARD_BYTES

_CHUNK: Final = 1 << 18  # 256 KiB: its lines, as objects, take several times that
_HEAD_KEPT: Final = 200  # of a property too large to keep: enough to name it
_BEGIN: Final = re.compile(rb"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END: Final = re.compile(rb"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)
_BASE64_HEAD: Final = re.compile(
    rb"[;:](?:ENCODING\s*=\s*)?(?:BASE64|B)\s*(?:[;:]|$)", re.IGNORECASE
)
_BASE64_LINE: Final = re.compile(rb"^[A-Za-z0-9+/]+=*$")


@dataclass(frozen=True)
class TooLarge:
    """A card that was not kept: how large it is as written, and its largest property."""

    size: int
    largest: str  # the property's name, e.g. "PHOTO"
    largest_size: int


def file_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def ascii_compatible(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks with UTF-16 (with or without BOM) re-encoded as UTF-8, a UTF-8 BOM dropped."""
    stream = iter(chunks)
    first = next(stream, b"")
    codec = None
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    elif first.startswith(codecs.BOM_UTF16_BE):
        codec, first = "utf-16-be", first[2:]
    elif first.startswith(codecs.BOM_UTF16_LE):
        codec, first = "utf-16-le", first[2:]
    else:
        head = first[:200]
        if len(head) >= 4 and head.count(0) > len(head) // 4:
            codec = "utf-16-be" if head[0::2].count(0) > head[1::2].count(0) else "utf-16-le"
    if codec is None:
        yield first
        yield from stream
        return
    decoder = codecs.getincrementaldecoder(codec)("replace")
    yield decoder.decode(first).encode("utf-8")
    for chunk in stream:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def physical_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines without their ends (CR LF, LF or CR). A line longer than VCARD_BYTES is cut
    there and the rest of it skipped: the card it is in is too large in any case."""
    carry = b""
    skipping = False  # in the rest of a line that was cut
    for chunk in chunks:
        lines = (carry + chunk).splitlines(keepends=True)
        carry = b""
        if lines and (not lines[-1].endswith((b"\n", b"\r")) or lines[-1].endswith(b"\r")):
            carry = lines.pop()  # goes on in the next chunk (a CR there may be half of CR LF)
        for line in lines:
            if skipping:
                skipping = False
                continue
            yield line.rstrip(b"\r\n")
        if len(carry) > VCARD_BYTES:
            if not skipping:
                yield carry[: VCARD_BYTES + 1]
            skipping = True
            carry = b""
    if carry and not skipping:
        yield carry.rstrip(b"\r\n")


class _Logical:
    """One logical line being unfolded: its parts, joined once when it is complete. Past
    VCARD_BYTES the parts are no longer kept, only counted."""

    __slots__ = ("base64", "head_known", "last", "parts", "quoted", "size", "tail")

    def __init__(self, first: bytes) -> None:
        self.parts = [first]
        self.tail: list[bytes] = []  # the latest short parts, joined into one every 1,024
        self.last = first
        self.size = len(first)
        self.head_known = False
        self.quoted = self.base64 = False
        self._read_head()

    def _read_head(self) -> None:
        # Until its colon is seen a line is short, so joining the parts here costs little.
        text = b"".join(self.parts + self.tail)
        colon = text.find(b":")
        head = (text[:colon] if colon >= 0 else text).upper()
        self.head_known = colon >= 0
        self.quoted = b"QUOTED-PRINTABLE" in head
        self.base64 = bool(_BASE64_HEAD.search(head + b":"))

    def add(self, part: bytes) -> None:
        self.last = part
        self.size += len(part)
        if self.size > VCARD_BYTES:
            if self.tail or len(self.parts) > 1:
                self.parts, self.tail = [self.parts[0][:_HEAD_KEPT]], []  # only the name stays
            return
        self.tail.append(part)
        if len(self.tail) >= 1024:  # a 75-byte part costs 110 bytes more as an object
            self.parts.append(b"".join(self.tail))
            self.tail = []
        if not self.head_known:
            self._read_head()

    def soft_break(self) -> bool:
        """A quoted-printable line that ends in "=": the value goes on in the next line."""
        return self.quoted and self.last.endswith(b"=")

    def drop_soft_break(self) -> None:
        kept = self.tail or self.parts
        if kept[-1] is self.last:
            kept[-1] = kept[-1][:-1]
        self.last = self.last[:-1]
        self.size -= 1

    def blank(self) -> bool:
        return len(self.parts) == 1 and not self.tail and not self.parts[0].strip()

    def single(self) -> bytes | None:
        """The line when it was never folded (BEGIN and END lines are not)."""
        return self.parts[0] if len(self.parts) == 1 and not self.tail else None

    def joined(self) -> bytes:
        return b"".join(self.parts + self.tail) if self.tail else b"".join(self.parts)

    def name(self) -> str:
        head = self.parts[0][:_HEAD_KEPT]
        name = re.split(rb"[;:]", head, maxsplit=1)[0].rpartition(b".")[2]
        return name.decode("ascii", "replace").strip().upper() or "a property"


def logical_lines(lines: Iterable[bytes]) -> Iterator[_Logical]:
    """Continuation lines and quoted-printable soft breaks unfolded, still as bytes."""
    current: _Logical | None = None
    for raw in lines:
        if current is not None:
            if raw[:1] in (b" ", b"\t") and not current.quoted:
                current.add(raw[1:])
                continue
            if current.soft_break():
                # A soft line break: the "=" ends the line and the value goes on.
                current.drop_soft_break()
                current.add(raw.lstrip(b" \t"))
                continue
            if raw[:1] in (b" ", b"\t"):
                current.add(raw[1:])
                continue
            if current.base64 and _BASE64_LINE.match(raw):
                # vCard 2.1 lets base64 run on over lines that are not indented.
                current.add(raw)
                continue
            yield current
        current = _Logical(raw)
    if current is not None:
        yield current


def cards(chunks: Iterable[bytes]) -> Iterator[list[bytes] | TooLarge]:
    """Each card of the file: its logical lines, or TooLarge when it passes VCARD_BYTES.

    A nested AGENT card stays lines of the outer card; a file cut short in the middle of
    a card gives what is there.
    """
    current: list[_Logical] | None = None
    size = depth = 0
    for logical in logical_lines(physical_lines(ascii_compatible(chunks))):
        if logical.blank():
            continue
        line = logical.single()
        if line is not None and _BEGIN.match(line):
            if current is None:
                current, size, depth = [], 0, 1
                continue
            depth += 1
        elif line is not None and current is not None and _END.match(line):
            depth -= 1
            if depth == 0:
                yield _card(current, size)
                current = None
                continue
        if current is not None:
            size += logical.size
            if size > VCARD_BYTES:
                logical.parts, logical.tail = [logical.parts[0][:_HEAD_KEPT]], []  # its name
            current.append(logical)
    if current:
        yield _card(current, size)


def _card(lines: list[_Logical], size: int) -> list[bytes] | TooLarge:
    if size > VCARD_BYTES:
        largest = max(lines, key=lambda logical: logical.size)
        return TooLarge(size, largest.name(), largest.size)
    return [logical.joined() for logical in lines]
