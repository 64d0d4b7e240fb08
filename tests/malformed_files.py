"""Malformed and oversized import files, made on demand: the reproductions of issue 11.

    python tests/malformed_files.py OUT_DIR    # every file, at the size that was reported

Tests call the builders with small sizes. The command writes the files the issue measured
(a shared string that expands to 400 MB, another to 1.2 GB, a 30 MB one-line csv, a vCard
with a 5 MB photo, ...) so that an import of each can be run and timed by hand, e.g.
`/usr/bin/time -v crm-desktop import OUT_DIR/string-bomb-400mb.xlsx --dry-run`.
"""

from __future__ import annotations

import base64
import random
import struct
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


# --- xls --------------------------------------------------------------------------------------


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound (OLE2) file: every stream in the mini stream (each under 4 KiB)."""
    mini = b""
    minifat: list[int] = []
    entries = []
    for name, data in streams.items():
        count = -(-len(data) // 64)
        start = len(minifat) if count else _END
        minifat += [len(minifat) + k + 1 for k in range(count - 1)] + [_END] * bool(count)
        mini += data.ljust(count * 64, b"\0")
        entries.append((name, 2, start, len(data)))
    mini_sectors = max(1, -(-len(mini) // 512))
    fat = [0xFFFFFFFD, _END, _END] + [3 + k + 1 for k in range(mini_sectors - 1)] + [_END]
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<8I", header, 0x2C, 1, 1, 0, 4096, 2, 1, _END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([_FREE] * 108))

    def entry(name: str, kind: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HB", raw, 64, len(encoded), kind)
        struct.pack_into("<III", raw, 68, _FREE, _FREE, _FREE)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, 3, len(mini)) + b"".join(entry(*e) for e in entries)
    sectors = [
        struct.pack("<128I", *(fat + [_FREE] * (128 - len(fat)))),
        directory.ljust(512, b"\0"),
        struct.pack("<128I", *(minifat + [_FREE] * (128 - len(minifat)))),
        mini.ljust(mini_sectors * 512, b"\0"),
    ]
    return bytes(header) + b"".join(sectors)


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(data)) + data for kind, data in records)


_BOF_GLOBALS = (0x0809, b"\x00\x06\x05\x00" + b"\0" * 12)
_BOF_SHEET = (0x0809, b"\x00\x06\x10\x00" + b"\0" * 12)
_EOF = (0x000A, b"")


def xls_stream(
    cells: Sequence[tuple[int, int, int]],
    strings: Sequence[str] = ("Name", "E-mail", "Zoë", "zoe@example.org"),
    dimensions: tuple[int, int, int, int] = (0, 2, 0, 2),
) -> bytes:
    """The Workbook stream of a BIFF8 workbook with one sheet "S" of shared-string cells
    (row, column, string index); `dimensions` are first row, last row + 1, first and last
    column + 1, as the DIMENSIONS record says them."""
    sst = struct.pack("<II", len(strings), len(strings))
    for text in strings:
        sst += struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")
    name = b"S"

    def globals_(offset: int) -> bytes:
        sheet = struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name
        return biff(_BOF_GLOBALS, (0x0085, sheet), (0x00FC, sst), _EOF)

    head = globals_(0)
    records = [_BOF_SHEET, (0x0200, struct.pack("<IIHHH", *dimensions, 0))]
    records += [(0x00FD, struct.pack("<HHHI", r, c, 0, i)) for r, c, i in cells]
    return globals_(len(head)) + biff(*records, _EOF)


def good_xls(path: Path) -> Path:
    stream = xls_stream([(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 3)])
    path.write_bytes(cfb({"Workbook": stream}))
    return path


def truncated_xls(path: Path) -> Path:
    """An .xls cut off after its workbook globals: calamine panics (PanicException)."""
    stream = xls_stream([(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 3)])
    globals_end = stream.index(struct.pack("<HH", 0x000A, 0)) + 4
    path.write_bytes(cfb({"Workbook": stream[: globals_end - 4]}))
    return path


def far_cell_xls(path: Path, row: int = 65_000, column: int = 60_000) -> Path:
    """An .xls with a cell far out: calamine would allocate the whole rectangle and abort."""
    stream = xls_stream([(0, 0, 0), (row, column, 1)], dimensions=(0, row + 1, 0, column + 1))
    path.write_bytes(cfb({"Workbook": stream}))
    return path


# --- xlsx -------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def sheet_xml(*rows: str) -> str:
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(rows)}</sheetData></worksheet>'


def strings_xml(*strings: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return (
        f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )


def xlsx(path: Path, sheet: str, strings: str | None = None) -> Path:
    """A workbook with one sheet "S" whose XML is `sheet` (and `strings` as shared strings)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings or strings_xml("Name", "Zoë"))
    return path


def _two_rows(second_ref: str, second_value: str = "1") -> str:
    return sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        f'<row r="2"><c r="{second_ref}" t="s"><v>{second_value}</v></c></row>',
    )


def far_cell_xlsx(path: Path, ref: str = "ZZZZZZZZ2") -> Path:
    """A cell beyond Excel's last column: MemoryError in the preview, an abort in calamine."""
    return xlsx(path, _two_rows(ref))


def bad_string_index_xlsx(path: Path, index: int = -5) -> Path:
    """A cell pointing at shared string number -5: IndexError in the preview."""
    return xlsx(path, _two_rows("A2", str(index)))


def string_bomb_xlsx(path: Path, expanded: int) -> Path:
    """A shared string of `expanded` bytes that compresses about 1,000 times (a zip bomb)."""
    head = f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2"><si><t>Name</t></si><si><t>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _two_rows("A2"))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            block = b"A" * (1 << 20)
            left = expanded
            while left > 0:
                fh.write(block[: min(left, len(block))])
                left -= len(block)
            fh.write(b"</t></si></sst>")
    return path


# --- text files -------------------------------------------------------------------------------


def one_line_csv(path: Path, size: int) -> Path:
    """A csv that is one line of `size` bytes: short fields, no line end."""
    with path.open("wb") as fh:
        block = b"ab," * (1 << 18)
        left = size
        while left > 0:
            fh.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def long_cell_csv(path: Path, chars: int = 200_000) -> Path:
    """Three people, the second with a note of `chars` characters (Python's csv stopped at
    131,072)."""
    path.write_text(
        "Name,E-mail,Notes\n"
        "Anna Berg,anna@example.org,short\n"
        f"Bruno Keller,bruno@example.org,{'n' * chars}\n"
        "Chen Jing,chen@example.org,\n",
        encoding="utf-8",
    )
    return path


def mixed_encoding_csv(path: Path) -> Path:
    """Lines written by two programs: UTF-8 and GBK, and one line no encoding reads."""
    path.write_bytes(
        b"Name,City,E-mail\n"
        + "Jürgen Müller,München,juergen@example.de\n".encode()
        + "王伟,上海,wang.wei@example.cn\n".encode("gbk")
        + "Zoë Faure,Besançon,zoe@example.fr\n".encode()
        + "李娜,北京,li.na@example.cn\n".encode("gbk")
        + b"Broken \xff\xfe\x80 Name,Nowhere,broken@example.org\n"
    )
    return path


# --- vCards -----------------------------------------------------------------------------------


def nul_vcard(path: Path) -> Path:
    """Cards with NUL bytes and other control characters in their values."""
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\x00 Berg\r\nORG:Acme\x00\x07 GmbH\r\n"
        b"EMAIL:anna@example.org\r\nNOTE:first line\\nsecond\x00 line\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bruno Keller\r\nTEL:+49 30 1234567\x00\r\n"
        b"END:VCARD\r\n"
    )
    return path


def photo_vcard(path: Path, photo_bytes: int) -> Path:
    """A card whose base64 photo of `photo_bytes` bytes is folded at 75 characters."""
    rng = random.Random(5)
    image = b"\xff\xd8\xff\xe0" + rng.randbytes(max(0, photo_bytes - 4))
    encoded = base64.b64encode(image).decode("ascii")
    line = "PHOTO;ENCODING=b;TYPE=JPEG:" + encoded
    folded = "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74))
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Person\r\nEMAIL:photo@example.org\r\n"
        f"{folded}\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Plain Person\r\nEMAIL:plain@example.org\r\nEND:VCARD\r\n",
        encoding="ascii",
        newline="",
    )
    return path


# --- all at once ------------------------------------------------------------------------------


def write_all(folder: Path) -> list[Path]:
    """Every reproduction of issue 11 at the size that was reported."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        truncated_xls(folder / "truncated.xls"),
        far_cell_xls(folder / "far-cell.xls"),
        far_cell_xlsx(folder / "far-cell.xlsx"),
        far_cell_xlsx(folder / "corner-cell.xlsx", "XFD1048576"),
        bad_string_index_xlsx(folder / "string-index.xlsx"),
        string_bomb_xlsx(folder / "string-bomb-400mb.xlsx", 400_000_000),
        string_bomb_xlsx(folder / "string-bomb-1200mb.xlsx", 1_200_000_000),
        one_line_csv(folder / "one-line-30mb.csv", 30_000_000),
        long_cell_csv(folder / "long-cell.csv"),
        mixed_encoding_csv(folder / "mixed-encodings.csv"),
        nul_vcard(folder / "nul.vcf"),
        photo_vcard(folder / "photo-5mb.vcf", 5_000_000),
        photo_vcard(folder / "photo-10mb.vcf", 10_000_000),
    ]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/malformed_files.py OUT_DIR")
    for written in write_all(Path(sys.argv[1])):
        print(f"{written.stat().st_size:>14,}  {written}")
