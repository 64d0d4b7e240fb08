"""Files that crashed the importer or took all memory (issue 11): refused with one line, or
only their bad rows refused, and memory bounded while they are read."""

from __future__ import annotations

import random
import string
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from malformed_files import (
    bad_string_index_xlsx,
    far_cell_xls,
    far_cell_xlsx,
    good_xls,
    long_cell_csv,
    mixed_encoding_csv,
    one_line_csv,
    photo_vcard,
    sheet_xml,
    string_bomb_xlsx,
    strings_xml,
    truncated_xls,
    xlsx,
)

from crm_desktop.services.card_data import iter_vcards
from crm_desktop.services.imports import workbooks
from crm_desktop.services.imports.cells import FlaggedRow
from crm_desktop.services.imports.limits import (
    BATCH_CHARS,
    CELL_CHARS,
    COLUMNS,
    SHEET_CELLS,
    take_batch,
)
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.source import (
    FileInfo,
    ImportFileError,
    inspect_file,
    open_rows,
    preview_rows,
)
from crm_desktop.services.imports.transform import RowTransformer
from crm_desktop.services.imports.vcards import card_records, count_cards
from crm_desktop.services.vcard_lines import file_chunks


def _text(length: int) -> str:
    """Letters that do not compress much (a run of one letter looks like a zip bomb)."""
    return "".join(random.Random(length).choices(string.ascii_letters, k=length))


def _rows(info: FileInfo, sheet: str | None = None) -> list[list[object]]:
    with open_rows(info, sheet) as stream:
        return list(stream.rows)


def _refused(path: Path, reason: str) -> None:
    """Refused with one line naming the file, whether it is inspected, previewed or read."""
    with pytest.raises(ImportFileError) as caught:
        info = inspect_file(path)
        preview_rows(info)
        _rows(info)
    message = str(caught.value)
    assert message.startswith(f"{path.name}") and reason in message, message
    assert "\n" not in message


# --- workbooks that crashed or aborted ---------------------------------------------------------


def test_a_truncated_xls_is_refused_not_a_panic(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _refused(truncated_xls(tmp_path / "cut.xls"), "is cut short or damaged: sheet 'S' lies beyond")
    assert "panicked" not in capfd.readouterr().err
    assert _rows(inspect_file(good_xls(tmp_path / "good.xls"))) == [
        ["Name", "E-mail"],
        ["Zoë", "zoe@example.org"],
    ]


def test_a_cell_beyond_column_xfd_is_refused(tmp_path: Path) -> None:
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    _refused(path, "a cell in column ZZZZZZZZ lies beyond column XFD")


def test_a_sheet_spanning_more_cells_than_the_limit_is_refused(tmp_path: Path) -> None:
    # valid refs, but calamine would hold 17 billion cells (and abort the process)
    corner = far_cell_xlsx(tmp_path / "corner.xlsx", "XFD1048576")
    _refused(corner, f"spans 1,048,576 rows by 16,384 columns, more than the {SHEET_CELLS:,}")
    _refused(far_cell_xls(tmp_path / "far.xls"), "is refused: sheet 'S' spans 65,001 rows by")


@pytest.mark.parametrize(("last", "read"), [(2000, True), (20000, False)])
def test_cells_without_a_reference_count_too(tmp_path: Path, last: int, read: bool) -> None:
    # <c> without r follows the cell before it: 3,000 of them make the sheet 3,001 wide
    empty = "<c/>" * 3000
    sheet = sheet_xml(
        f'<row r="1">{empty}<c t="s"><v>0</v></c></row>',
        f'<row r="{last}"><c r="A{last}" t="s"><v>1</v></c></row>',
    )
    path = xlsx(tmp_path / "wide.xlsx", sheet)
    if not read:  # 20,000 rows by 3,002 columns: past the limit
        _refused(path, "sheet 'S' spans 20,000 rows by 3,002 columns")
        return
    rows = _rows(inspect_file(path))
    assert rows[0][3000] == "Name" and rows[last - 1][0] == "Zoë"


def test_a_negative_shared_string_number_is_refused(tmp_path: Path) -> None:
    # calamine would read string -5 as string 0 ("Name"): a wrong value without a word
    _refused(bad_string_index_xlsx(tmp_path / "index.xlsx"), "refers to shared string -5")


def test_a_shared_string_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    path = string_bomb_xlsx(tmp_path / "bomb.xlsx", 5_000_000)
    assert path.stat().st_size < 20_000
    tracemalloc.start()
    try:
        _refused(path, "its part xl/sharedStrings.xml would expand from")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_an_ods_repeating_cells_past_the_limit_is_refused(tmp_path: Path) -> None:
    row = (
        '<table:table-row table:number-rows-repeated="40000">'
        '<table:table-cell table:number-columns-repeated="999"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="K">'
        f"{row}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "repeat.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
            ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
            ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
            ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )
    _refused(path, "sheet 'K' spans 40,000 rows by 1,000 columns")


def test_a_workbook_cell_past_the_limit_refuses_only_its_row(tmp_path: Path) -> None:
    # Excel itself stops at 32,767 characters a cell; other programs do not
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>Anna</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{_text(CELL_CHARS + 1)}</t></is></c></row>',
        '<row r="3"><c r="A3" t="inlineStr"><is><t>Bruno</t></is></c>'
        '<c r="B3" t="inlineStr"><is><t>short</t></is></c></row>',
    )
    info = inspect_file(xlsx(tmp_path / "long.xlsx", sheet, strings_xml("Name", "Notes")))
    for rows in (preview_rows(info), _rows(info)):
        assert rows[2] == ["Bruno", "short"]
        assert isinstance(rows[1], FlaggedRow) and rows[1] == ["Anna", None]
        [(column, reason)] = rows[1].flags
        assert column == 1 and f"the cell holds {CELL_CHARS + 1:,} characters" in reason


# --- text files --------------------------------------------------------------------------------


def test_a_cell_over_pythons_csv_limit_is_read(tmp_path: Path) -> None:
    rows = _rows(inspect_file(long_cell_csv(tmp_path / "notes.csv", 200_000)))
    assert len(rows) == 4 and rows[2][2] == "n" * 200_000


def test_a_cell_past_the_limit_refuses_only_its_row(tmp_path: Path) -> None:
    path = long_cell_csv(tmp_path / "notes.csv", CELL_CHARS + 10)
    rows = _rows(inspect_file(path))
    assert rows[0] == ["Name", "E-mail", "Notes"]
    assert rows[1] == ["Anna Berg", "anna@example.org", "short"]
    assert rows[3] == ["Chen Jing", "chen@example.org", None]
    assert isinstance(rows[2], FlaggedRow)
    [(column, reason)] = rows[2].flags
    assert column == 2
    assert reason.startswith(f"the cell holds {CELL_CHARS + 10:,} characters")


def test_a_quoted_cell_past_the_limit_is_skipped_to_its_end(tmp_path: Path) -> None:
    note = ('line "one"\n' * (CELL_CHARS // 10)).replace('"', '""')
    path = tmp_path / "quoted.csv"
    path.write_text(f'Name,Notes\nAnna,"{note}",x\nBruno,fine\n', encoding="utf-8")
    rows = _rows(inspect_file(path))
    assert len(rows) == 3 and rows[2] == ["Bruno", "fine"]
    assert isinstance(rows[1], FlaggedRow) and rows[1].flags[0][0] == 1


def test_a_row_past_the_limit_refuses_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Name,Tags\nAnna,a\n" + "x," * 2_500_000 + "\nBruno,b\n", encoding="utf-8")
    rows = _rows(inspect_file(path))
    assert rows[:2] == [["Name", "Tags"], ["Anna", "a"]] and rows[3] == ["Bruno", "b"]
    assert isinstance(rows[2], FlaggedRow)
    assert rows[2].flags == (
        (None, "the row holds 4.8 MiB, more than the 4 MiB a row may hold: it is not imported"),
    )


def test_a_row_with_more_columns_than_a_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "columns.csv"
    path.write_text("Name,Tags\n" + "x," * COLUMNS + "\nBruno,b\n", encoding="utf-8")
    rows = _rows(inspect_file(path))
    assert isinstance(rows[1], FlaggedRow) and rows[2] == ["Bruno", "b"]
    assert "the row has 16,385 columns" in rows[1].flags[0][1]


def test_a_one_line_file_is_refused_with_one_line_in_bounded_memory(tmp_path: Path) -> None:
    path = one_line_csv(tmp_path / "line.csv", 20_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as caught:
            prepare_import(None, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        "line.csv: row 1 cannot be read: the row holds 19.1 MiB, more than the 4 MiB a row "
        "may hold: it is not imported"
    )
    assert peak < 64_000_000  # the reported file took 1.4 GB


def test_lines_in_two_encodings_are_each_read_in_theirs(tmp_path: Path) -> None:
    info = inspect_file(mixed_encoding_csv(tmp_path / "mixed.csv"))
    assert info.encoding == "utf-8+gb18030"
    rows = _rows(info)
    assert rows[1:5] == [
        ["Jürgen Müller", "München", "juergen@example.de"],
        ["王伟", "上海", "wang.wei@example.cn"],
        ["Zoë Faure", "Besançon", "zoe@example.fr"],
        ["李娜", "北京", "li.na@example.cn"],
    ]
    assert all(type(row) is list for row in rows[:5])
    bad = rows[5]
    assert isinstance(bad, FlaggedRow) and bad[1:] == ["Nowhere", "broken@example.org"]
    unread = "holds bytes that no encoding reads (shown as \ufffd): the row is not imported"
    assert bad.flags == ((0, unread),)
    forced = inspect_file(info.path, encoding="UTF-8+GBK")
    assert forced.encoding == "utf-8+gbk" and _rows(forced)[2] == rows[2]


def test_one_gbk_line_in_a_utf8_file_is_read_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "appended.csv"
    path.write_bytes(
        b"Name,City\n"
        + "".join(f"Zoë {i},Köln\n" for i in range(50)).encode()
        + "王伟,上海\n".encode("gbk")
    )
    info = inspect_file(path)
    assert info.encoding == "utf-8+gb18030"
    assert _rows(info)[-1] == ["王伟", "上海"]


def test_a_legacy_file_is_not_taken_for_a_mixed_one(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,城市\n王伟,上海\n李娜,北京\n张伟,深圳\n".encode("gbk"))
    assert inspect_file(path).encoding == "gb18030"


# --- vCards ------------------------------------------------------------------------------------


def test_a_card_with_a_large_folded_photo_is_read_whole(tmp_path: Path) -> None:
    path = photo_vcard(tmp_path / "photo.vcf", 2_000_000)
    with path.open("rb") as fh:
        cards = list(iter_vcards(file_chunks(fh)))
    assert [c.card.full_name for c in cards if c.card] == ["Photo Person", "Plain Person"]
    photo = cards[0].card.photo  # type: ignore[union-attr]
    assert photo is not None and len(photo) == 2_000_000 and photo.startswith(b"\xff\xd8\xff")


def test_a_card_past_the_limit_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = photo_vcard(tmp_path / "photo.vcf", 20_000_000)
    tracemalloc.start()
    try:
        records = list(card_records(path, "contacts", "CN"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    first, second = records
    [problem] = first.problems
    assert problem.reason == (
        "the card holds 25.4 MiB (its PHOTO 25.4 MiB), more than the 8 MiB a card may hold: "
        "it is not imported"
    )
    assert second.values["full_name"] == "Plain Person" and not second.problems
    assert peak < 14_000_000  # half the file: it is never held whole
    assert count_cards(path) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n" * 3),
        lambda p: p.write_bytes(b"begin:vcard\rFN:A\rend:vcard\r" * 3),
        lambda p: p.write_bytes(b"BEGIN:VCARD\nFN:A\nEND:VCARD\n" * 200_000),
    ],
)
def test_count_cards(tmp_path: Path, make: Callable[[Path], object]) -> None:
    path = tmp_path / "cards.vcf"
    make(path)
    expected = len([c for c in iter_vcards([path.read_bytes()]) if c.card is not None])
    assert count_cards(path) == expected


def test_preview_and_import_agree_on_escapes(tmp_path: Path) -> None:
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>',
    )
    info = inspect_file(xlsx(tmp_path / "esc.xlsx", sheet, strings_xml("Name")))
    assert preview_rows(info) == _rows(info) == [["Name"], ["a\rb"]]


# --- rows refused by the reader, in the import ---------------------------------------------------


def test_a_flagged_row_fails_with_its_column_unless_the_user_fixed_that_cell(
    tmp_path: Path,
) -> None:
    path = mixed_encoding_csv(tmp_path / "mixed.csv")
    prepared = prepare_import(None, path, "contacts")
    plan = prepared.plan
    transformer = RowTransformer(plan)
    with open_rows(prepared.info) as stream:
        rows = list(stream.rows)
    record = transformer.transform(6, rows[5])
    assert [(p.field, p.reason) for p in record.problems] == [
        ("Name", "holds bytes that no encoding reads (shown as \ufffd): the row is not imported")
    ]
    fixed = RowTransformer(replace(plan, overrides={6: {0: "Broken Name"}}))
    record = fixed.transform(6, rows[5])
    assert record.ok and record.values["full_name"] == "Broken Name"


def test_batches_stop_at_the_text_they_may_hold() -> None:
    @dataclass
    class Record:
        raw: list[object]
        photo: bytes | None = None

    big = [Record(["x" * (BATCH_CHARS // 4)]) for _ in range(10)]
    records = iter(big)
    assert [len(take_batch(records, 5000)) for _ in range(4)] == [4, 4, 2, 0]
    photos = iter([Record([], b"p" * BATCH_CHARS), Record(["a"])])
    assert len(take_batch(photos, 5000)) == 1
    assert len(take_batch(iter([Record(["a"])] * 10), 3)) == 3


def test_a_large_sheet_is_measured_when_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first step measures a small sheet at once; a large one (here: any) only when it
    # is read whole, so choosing a million-row workbook stays instant.
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        '<row r="2"><c r="A2" t="s"><v>1</v></c></row>',
        '<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>',
    )
    path = xlsx(tmp_path / "late.xlsx", sheet)
    with pytest.raises(ImportFileError, match="spans 1,048,576 rows by 16,384 columns"):
        prepare_import(None, path)
    monkeypatch.setattr(workbooks, "QUICK_XML_BYTES", 0)
    late = xlsx(tmp_path / "later.xlsx", sheet.replace('"A2"', '"A3"').replace('r="2"', 'r="3"'))
    prepared = prepare_import(None, late)
    assert prepared.preview[:3] == [["Name"], [None], ["Zoë"]]
    with pytest.raises(ImportFileError, match="spans 1,048,576 rows by 16,384 columns"):
        _rows(prepared.info)
