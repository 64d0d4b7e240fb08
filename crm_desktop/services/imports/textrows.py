"""The rows of a text table, read one bounded line at a time.

Python's csv module does the parsing, but it is given physical lines that this module has
read and decoded itself, so that:

- memory stays bounded: a line longer than ROW_BYTES is never assembled, a record (several
  lines, when a quoted cell holds line breaks) stops growing at ROW_BYTES, and a cell stops
  at CELL_CHARS. Such a row is skipped to its end and yielded as a FlaggedRow naming the
  column and the size; the rows after it are read as usual (a 200,000-character note used
  to stop the whole file at Python's 131,072-character field limit);
- each line is decoded on its own: a line the file's encoding does not read is tried in
  UTF-8 and in the second encoding of a mixed file ("utf-8+gb18030", see textfile), and a
  line no encoding reads is decoded with U+FFFD in place of the bad bytes and its row
  flagged, never imported as mojibake;
- control characters are cleaned from the cells (services/cleaning.py);
- a quote opened and never closed, which swallows the rest of the file into one cell,
  refuses that row, saying which lines went into it.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import BinaryIO, Final

from crm_desktop.services.cleaning import clean_text, needs_cleaning
from crm_desktop.services.imports.cells import CellValue, Flag, FlaggedRow
from crm_desktop.services.imports.limits import CELL_CHARS, COLUMNS, ROW_BYTES, size_text
from crm_desktop.services.imports.textfile import encodings_of, is_wide
from crm_desktop.services.sheet_cells import unquote_formula

# The module's only reader of csv fields; the default (131,072) is below a cell's limit.
csv.field_size_limit(max(csv.field_size_limit(), CELL_CHARS))

_LONE_CR: Final = re.compile(rb"\r(?!\n)")
_WIDE_CHUNK: Final = 1 << 16
_UNREADABLE: Final = "holds bytes that no encoding reads (shown as \ufffd): the row is not imported"


class _RowTooLong(Exception):
    """Raised through csv.reader when a record passes ROW_BYTES."""


class _ByteLines:
    """Physical lines of an ASCII-compatible file as bytes, with their line ends (CR LF, LF
    or a lone CR); a line longer than `limit` comes in pieces (`complete` is then False)."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._ready: list[bytes] = []  # lines split off at lone CRs, last first
        self._prefix = b""  # the start of a line read with the lines before it
        self.complete = True

    def next(self) -> bytes:
        """The next line, or piece of a line; b"" at the end of the file."""
        if self._ready:
            self.complete = True
            return self._ready.pop()
        got = self._stream.readline(self._limit)
        ended = got.endswith(b"\n") or len(got) < self._limit
        raw, self._prefix = self._prefix + got, b""
        self.complete = ended
        # readline stops at LF, so a CR before the last two bytes is a lone one
        if raw.find(b"\r", 0, len(raw) - 2) >= 0 or raw.endswith(b"\r"):
            return self._split_lone_crs(raw, ended)
        return raw

    def _split_lone_crs(self, raw: bytes, ended: bool) -> bytes:
        """Lines ending in a lone CR (old Mac files, mixed line ends), taken apart."""
        body, carry = (raw[:-1], b"\r") if not ended and raw.endswith(b"\r") else (raw, b"")
        parts = _LONE_CR.split(body)
        lines = [part + b"\r" for part in parts[:-1]]
        if ended:
            if parts[-1]:
                lines.append(parts[-1])
        else:
            carry = parts[-1] + carry  # a line that goes on in the next read
        if not lines:
            return raw  # a piece of a very long line (self.complete is False)
        self._prefix = carry
        self._ready = lines[:0:-1]
        self.complete = True
        return lines[0]


class _Decoder:
    """Decodes one line at a time: the file's encoding, then the fallbacks; `bad` is set when
    no encoding read the last line (it is decoded with U+FFFD)."""

    def __init__(self, encoding: str) -> None:
        self.names = encodings_of(encoding)
        self._first = self.names[0]
        self.bad = False

    def decode(self, raw: bytes) -> str:
        self.bad = False
        try:
            return raw.decode(self._first)
        except UnicodeDecodeError:
            pass
        for name in self.names[1:]:
            try:
                return raw.decode(name)
            except UnicodeDecodeError:
                continue
        self.bad = True
        return raw.decode(self.names[0], errors="replace")


class _Lines:
    """The decoded lines csv.reader reads, counted per record so none grows past the limits."""

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._bytes = _ByteLines(stream, ROW_BYTES)
        self._decoder = _Decoder(encoding)
        self._wide = _wide_lines(stream, encoding) if is_wide(encoding) else None
        self.line_number = 0  # physical lines read so far
        self.at_end = False
        self.start_record()

    def start_record(self) -> None:
        self.record: list[str] = []
        self.record_bytes = 0
        self.first_line = self.line_number + 1
        self.dirty = False  # a cell needs cleaning
        self.unreadable = False
        self.overflow = ""  # the line that passed the limit, not given to csv
        self.overflow_size = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line, size, complete = self.piece()
        if not line:
            raise StopIteration
        if not complete or self.record_bytes + size > ROW_BYTES:
            self.overflow, self.overflow_size = line, size
            raise _RowTooLong
        self.record_bytes += size
        self.record.append(line)
        if needs_cleaning(line):
            self.dirty = True
        return line

    def piece(self) -> tuple[str, int, bool]:
        """(the next line or piece of a line, decoded; its size in bytes; whether it ends
        its line). ("", 0, True) at the end of the file."""
        if self._wide is not None:
            line, complete = next(self._wide, ("", True))
            size = len(line.encode("utf-8", "surrogatepass"))
            if "\ufffd" in line:
                self.unreadable = True
        else:
            raw = self._bytes.next()
            line, size, complete = self._decoder.decode(raw), len(raw), self._bytes.complete
            if self._decoder.bad:
                self.unreadable = True
        if not line:
            self.at_end = True
        elif complete:
            self.line_number += 1
        return line, size, complete


_LINE_ENDS: Final = re.compile(r"(?<=\r)(?!\n)|(?<=\n)")


def _wide_lines(stream: BinaryIO, encoding: str) -> Iterator[tuple[str, bool]]:
    """UTF-16/32 lines (a line end is no single byte there): decoded in chunks, then split
    at CR LF, LF and CR only (str.splitlines would split at U+2028 and others too)."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    pending = ""
    while True:
        chunk = stream.read(_WIDE_CHUNK)
        lines = _LINE_ENDS.split(pending + decoder.decode(chunk, final=not chunk))
        pending = lines.pop()
        if chunk and pending == "" and lines and lines[-1].endswith("\r"):
            pending = lines.pop()  # maybe half of a CR LF
        for line in lines:
            yield line, True
        if not chunk:
            if pending:
                yield pending, True
            return
        while len(pending) > ROW_BYTES // 2:  # no line end for megabytes: hand it on in pieces
            yield pending[: ROW_BYTES // 2], False
            pending = pending[ROW_BYTES // 2 :]


def text_rows(stream: BinaryIO, encoding: str, delimiter: str) -> Iterator[list[CellValue]]:
    """Every record of the file as cells (empty cells None); a record that cannot be read
    whole is a FlaggedRow saying why."""
    lines = _Lines(stream, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    first = True
    while True:
        lines.start_record()
        try:
            row: list[str] = next(reader)
        except StopIteration:
            return
        except (csv.Error, _RowTooLong):
            yield _skipped(lines, delimiter)
            first = False
            continue
        if first and row and row[0].startswith("\ufeff"):
            row[0] = row[0][1:]
        first = False
        if lines.at_end and len(lines.record) > 1:
            runaway = _runaway(lines, delimiter)
            if runaway is not None:
                yield runaway
                continue
        if lines.dirty:
            row = [clean_text(cell) for cell in row]
        # A quote our exports (and others') put before =, +, -, @ comes off again.
        cells: list[CellValue] = [
            (unquote_formula(cell) if cell[:1] == "'" else cell) or None for cell in row
        ]
        if len(cells) > COLUMNS:
            yield FlaggedRow(
                cells[:COLUMNS],
                ((None, f"the row has {len(cells):,} columns, more than the {COLUMNS:,} a row may "
                  "have: the row is not imported"),),
            )  # fmt: skip
        elif lines.unreadable:
            yield FlaggedRow(cells, _unreadable_flags(cells))
        else:
            yield cells


def _unreadable_flags(cells: list[CellValue]) -> tuple[Flag, ...]:
    columns = [i for i, cell in enumerate(cells) if isinstance(cell, str) and "\ufffd" in cell]
    return tuple((i, _UNREADABLE) for i in columns) or ((None, _UNREADABLE),)


# --- skipping a record that cannot be read ---------------------------------------------------

_START, _FIELD, _QUOTED, _QUOTE = range(4)


class _Record:
    """Follows a record's structure as csv would (quotes only open a field), without keeping
    its text: where it ends, how many cells it has, and the first cell past CELL_CHARS."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        escaped = re.escape(delimiter)
        self._stop = re.compile(f"[{escaped}\r\n]")
        self._line_end = re.compile("[\r\n]")
        # a cell past the limit between two delimiters (the lookbehind keeps the search linear)
        self._long_cell = re.compile(f"(?<={escaped})[^{escaped}\r\n]{{{CELL_CHARS + 1}}}")
        self.state = _START
        self.column = 0
        self.length = 0  # of the current cell
        self.quote_column = 0  # where the last quoted cell began
        self.long_column: int | None = None
        self.long_length = 0
        self.ended = False

    def feed(self, text: str) -> None:
        """Read `text`; `ended` once the record has ended (at a line end outside quotes)."""
        i, n = 0, len(text)
        while i < n and not self.ended:
            state = self.state
            if state == _START:
                if text[i] == '"':
                    self.state, self.quote_column = _QUOTED, self.column
                    i += 1
                    continue
                self.state = state = _FIELD
            if state == _FIELD and text.find('"', i) < 0:
                i = self._plain(text, i, n)
                continue
            if state == _FIELD:
                found = self._stop.search(text, i)
                end = found.start() if found else n
                self._grow(end - i)
                if found is None:
                    return
                i = self._boundary(text[end], end)
            elif state == _QUOTED:
                end = text.find('"', i)
                if end < 0:
                    self._grow(n - i)
                    return
                self._grow(end - i)
                self.state, i = _QUOTE, end + 1
            else:  # a quote inside a quoted cell: doubled, or the cell's end
                if text[i] == '"':
                    self._grow(1)
                    self.state, i = _QUOTED, i + 1
                elif text[i] in "\r\n" or text[i] == self.delimiter:
                    i = self._boundary(text[i], i)
                else:
                    self.state = _FIELD

    def _plain(self, text: str, i: int, n: int) -> int:
        """The rest of a line with no quote in it, at C speed: a 30 MB line of short cells
        would take seconds cell by cell."""
        found = self._line_end.search(text, i)
        end = found.start() if found else n
        delimiters = text.count(self.delimiter, i, end)
        if not delimiters:
            self._grow(end - i)
        else:
            first = text.index(self.delimiter, i)
            last = text.rindex(self.delimiter, i, end)
            self._grow(first - i)
            long = self._long_cell.search(text, first + 1, last)
            if long is not None and self.long_column is None:
                self.long_column = self.column + 1 + text.count(self.delimiter, first, long.start())
                cell_end = text.find(self.delimiter, long.start(), last + 1)
                self.long_length = cell_end - long.start()
            self.column += delimiters
            self.length = 0
            self._grow(end - last - 1)
            self.state = _FIELD if end > last + 1 else _START
        return end if found is None else self._boundary(text[end], end)

    def _boundary(self, char: str, at: int) -> int:
        if char == self.delimiter:
            self.column += 1
            self.length = 0
            self.state = _START
        else:
            self.ended = True
        return at + 1

    def _grow(self, count: int) -> None:
        self.length += count
        if self.long_column is None and self.length > CELL_CHARS:
            self.long_column = self.column
        if self.long_column == self.column:
            self.long_length = self.length


def _skipped(lines: _Lines, delimiter: str) -> FlaggedRow:
    """Read past the rest of a record csv gave up on; its flag says why it is not imported."""
    record = _Record(delimiter)
    size = lines.record_bytes
    for line in lines.record:
        record.feed(line)
    last_line = lines.line_number
    if lines.overflow:
        record.feed(lines.overflow)
        size += lines.overflow_size
    while not record.ended:
        piece, piece_size, _complete = lines.piece()
        if not piece:
            break
        record.feed(piece)
        size += piece_size
        last_line = lines.line_number
    if not record.ended and record.state == _QUOTED:
        return _never_closed(record, lines.first_line, last_line)
    if record.long_column is not None:
        reason = (
            f"the cell holds {record.long_length:,} characters, more than the {CELL_CHARS:,} a "
            "cell may hold: the row is not imported"
        )
        return FlaggedRow([], ((record.long_column, reason),))
    reason = (
        f"the row holds {size_text(size)}, more than the {size_text(ROW_BYTES)} a row may hold: "
        "it is not imported"
    )
    return FlaggedRow([], ((None, reason),))


def _runaway(lines: _Lines, delimiter: str) -> FlaggedRow | None:
    """The last record, read to the end of the file: a quote that never closed, or None."""
    record = _Record(delimiter)
    for line in lines.record:
        record.feed(line)
    if record.ended or record.state != _QUOTED:
        return None
    return _never_closed(record, lines.first_line, lines.line_number)


def _never_closed(record: _Record, first: int, last: int) -> FlaggedRow:
    reason = (
        f"a quote opened in this cell is never closed: lines {first:,} to {last:,} of the file "
        "were read as this one row, which is not imported"
    )
    return FlaggedRow([], ((record.quote_column, reason),))
