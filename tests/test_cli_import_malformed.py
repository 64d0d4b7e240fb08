"""crm-desktop import on the malformed files of issue 11, in a process of its own (calamine
used to abort the process on some of them): exit 2 and one plain line for a file that
cannot be read, per-row problems for bad rows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from malformed_files import (
    bad_string_index_xlsx,
    far_cell_xls,
    far_cell_xlsx,
    long_cell_csv,
    mixed_encoding_csv,
    nul_vcard,
    one_line_csv,
    photo_vcard,
    string_bomb_xlsx,
    truncated_xls,
)

from crm_desktop.models.database import Database

ROOT = Path(__file__).resolve().parents[1]


def _import(db: Database, path: Path) -> subprocess.CompletedProcess[str]:
    url = db.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "crm_desktop", "import", str(path), "--dry-run", "--db", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "RUST_BACKTRACE": "1"},  # the panic hook's loudest setting
    )


@pytest.mark.parametrize(
    ("name", "make", "line"),
    [
        (
            "cut.xls",
            truncated_xls,
            "cut.xls is cut short or damaged: sheet 'S' lies beyond the end of the file",
        ),
        (
            "far.xls",
            far_cell_xls,
            "far.xls is refused: sheet 'S' spans 65,001 rows by 60,001 columns, more than the "
            "33,554,432 cells an import reads",
        ),
        ("far.xlsx", far_cell_xlsx, "far.xlsx: a cell in column ZZZZZZZZ lies beyond column XFD"),
        (
            "corner.xlsx",
            lambda path: far_cell_xlsx(path, "XFD1048576"),
            "corner.xlsx: sheet 'S' spans 1,048,576 rows by 16,384 columns, more than the "
            "33,554,432 cells an import reads",
        ),
        (
            "index.xlsx",
            bad_string_index_xlsx,
            "index.xlsx: a cell refers to shared string -5, which cannot exist",
        ),
        (
            "bomb.xlsx",
            lambda path: string_bomb_xlsx(path, 400_000_000),
            "bomb.xlsx is refused: its part xl/sharedStrings.xml would expand from 379.8 KiB to "
            "381.5 MiB (1,029 times; spreadsheets expand 5 to 20 times, the limit is 100)",
        ),
        (
            "line.csv",
            lambda path: one_line_csv(path, 30_000_000),
            "line.csv: row 1 cannot be read: the row holds 28.6 MiB, more than the 4 MiB a row "
            "may hold: it is not imported",
        ),
    ],
)
def test_an_unreadable_file_exits_2_with_one_line(
    sqlite_db: Database, tmp_path: Path, name: str, make: Callable[[Path], Path], line: str
) -> None:
    result = _import(sqlite_db, make(tmp_path / name))
    assert (result.returncode, result.stderr, result.stdout) == (2, f"crm-desktop: {line}\n", "")


@pytest.mark.parametrize(
    ("name", "make", "summary", "failures"),
    [
        (
            "notes.csv",
            lambda path: long_cell_csv(path, 1_100_000),
            "Would import notes.csv: 3 rows: 2 created, 0 updated, 0 merged, 0 skipped, 1 failed",
            ["  failed row 3: Notes: the cell holds 1,100,000 characters, more than the "
             "1,048,576 a cell may hold: the row is not imported"],
        ),
        (
            "mixed.csv",
            mixed_encoding_csv,
            "Would import mixed.csv: 5 rows: 4 created, 0 updated, 0 merged, 0 skipped, 1 failed",
            ["  failed row 6: Name: holds bytes that no encoding reads (shown as \ufffd): the row "
             "is not imported"],
        ),
        (
            "photo.vcf",
            lambda path: photo_vcard(path, 10_000_000),
            "Would import photo.vcf: 2 cards: 1 created, 0 updated, 0 merged, 0 skipped, 1 failed",
            ["  failed card 1: vCard: the card holds 12.7 MiB (its PHOTO 12.7 MiB), more than the "
             "8 MiB a card may hold: it is not imported"],
        ),
        (
            "nul.vcf",
            nul_vcard,
            "Would import nul.vcf: 2 cards: 2 created, 0 updated, 0 merged, 0 skipped, 0 failed",
            [],
        ),
    ],
)  # fmt: skip
def test_bad_rows_are_reported_and_the_rest_imported(
    sqlite_db: Database,
    tmp_path: Path,
    name: str,
    make: Callable[[Path], Path],
    summary: str,
    failures: list[str],
) -> None:
    result = _import(sqlite_db, make(tmp_path / name))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(summary)
    assert lines[1:] == failures


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('{"columns": [1, 2]}', "not a mapping file this program wrote"),
        ('{"defaults": "x"}', "not a mapping file this program wrote"),
        ("[" * 100_000, "not a readable mapping file"),
        (" " * (2 << 20), "a mapping file this large is no mapping file"),
    ],
)
def test_a_malformed_mapping_file_exits_2_with_one_line(
    sqlite_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    line: str,
) -> None:
    from crm_desktop import cli

    data = long_cell_csv(tmp_path / "people.csv", 10)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content, encoding="utf-8")
    url = sqlite_db.url.render_as_string(hide_password=False)
    code = cli.main(["import", str(data), "--mapping", str(mapping), "--dry-run", "--db", url])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"crm-desktop: mapping.json: {line}") and err.count("\n") == 1, err
