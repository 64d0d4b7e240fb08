"""How much an import reads: the limits that keep its memory bounded (docs/importing.md).

Real files stay far below them: the largest cell in the corpus of real exports holds 89
characters, the longest vCard line (a photo) 58 KB; the benchmark sheet of 1,048,575 rows
(Excel's most) spans 12.6 million cells. A file past a limit is refused with one line, or,
where the limit is about one row, only that row is refused and reported with its number,
column and reason. Memory then stays within about 2 GB for the largest workbook allowed
(calamine holds a whole sheet: 32 bytes a cell) and within a few hundred MB for text and
vCard files of any size, which are read one row or card at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final, Protocol, TypeVar

CELL_CHARS: Final = 1 << 20  # one cell, or one vCard value: 1,048,576 characters
ROW_BYTES: Final = 4 << 20  # one record of a text file as written: 4 MiB
COLUMNS: Final = 16_384  # columns of a row (Excel's last column is XFD)
SHEET_ROWS: Final = 1_048_576  # rows of a workbook sheet (Excel's most)
SHEET_CELLS: Final = 32 << 20  # the rectangle one sheet spans: 33,554,432 cells (1 GiB in calamine)
PACKAGE_BYTES: Final = 2 << 30  # an xlsx or ods file's parts, uncompressed, together: 2 GiB
PACKAGE_RATIO: Final = 100  # how far one part may expand (real sheets: 5 to 20 times)
RATIO_FLOOR: Final = 1 << 20  # ...checked for parts larger than 1 MiB uncompressed
VCARD_BYTES: Final = 8 << 20  # one vCard as written, its photo included: 8 MiB
BATCH_CHARS: Final = 64 << 20  # cell text one import batch holds at a time


def size_text(count: int) -> str:
    """1048576 -> "1 MiB", 4194304 -> "4 MiB", 1500 -> "1,500 bytes": limits as people read them."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            value = count / size
            return f"{value:,.0f} {unit}" if value == int(value) else f"{value:,.1f} {unit}"
    return f"{count:,} bytes"


class _Held(Protocol):
    @property
    def raw(self) -> Sequence[object]: ...

    @property
    def photo(self) -> bytes | None: ...


R = TypeVar("R", bound=_Held)


def take_batch(records: Iterator[R], rows: int) -> list[R]:
    """The next batch: `rows` records, or fewer once they hold BATCH_CHARS of text and
    photos (5,000 cards with a 5 MB photo each would otherwise be 25 GB at once)."""
    batch: list[R] = []
    held = 0
    for record in records:
        batch.append(record)
        held += sum(len(cell) for cell in record.raw if isinstance(cell, str))
        held += len(record.photo or b"")
        if len(batch) >= rows or held >= BATCH_CHARS:
            break
    return batch
