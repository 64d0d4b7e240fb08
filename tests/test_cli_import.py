"""crm-desktop import, imports and undo-import: what a script sees (output, exit status)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from legacy_people import legacy_sheet
from sqlalchemy import func, select

from crm_desktop import cli
from crm_desktop.models import Contact, ContactMethod, Lead
from crm_desktop.models.database import Database

ROOT = Path(__file__).resolve().parents[1]
CSV = (
    "姓名,公司,手机,邮箱,备注\n"
    "王小明,华为技术有限公司,13800138000,wxm@huawei.com,\n"
    "Anna Berg,Acme AB,+46 70 123 45 67,anna@@acme.se,\n"
    'José García,Sol S.L.,+34 612 345 678,jose@sol.es,"two\nlines"\n'
)


def _url(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def _live(db: Database, model: type = Contact) -> int:
    with db.sessions() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(model).where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
            )
            or 0
        )


def _file(tmp_path: Path, text: str = CSV, name: str = "客户.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_a_summary_and_every_failed_row(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(_file(tmp_path)), "--db", _url(db)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("Imported 客户.csv: 3 rows: 2 created, 0 updated, 0 merged")
    assert "1 failed" in lines[0]
    assert lines[1].startswith("Import id: ")
    assert lines[2].startswith("  failed row 3: 邮箱: 'anna@@acme.se': not an e-mail address")
    assert "Importing" in captured.err  # progress goes to stderr
    assert _live(db) == 2


def test_unreadable_files_exit_2_with_one_line(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "scan.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    assert cli.main(["import", str(pdf), "--db", _url(db)]) == 2
    err = capsys.readouterr().err
    assert err == "crm-desktop: scan.xlsx is a PDF document, not a spreadsheet\n"
    assert cli.main(["import", str(tmp_path / "missing.csv"), "--db", _url(db)]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    empty = _file(tmp_path, "姓名,邮箱\n", "header-only.csv")
    assert cli.main(["import", str(empty), "--db", _url(db)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_imports_lists_batches_and_undo_takes_one_back(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(db)
    assert cli.main(["import", str(_file(tmp_path)), "--target", "leads", "--db", url]) == 0
    capsys.readouterr()
    assert cli.main(["imports", "--db", url]) == 0
    [line] = capsys.readouterr().out.splitlines()
    batch_id = line.split()[0]
    assert len(batch_id) == 36 and "客户.csv -> leads  complete: 2 created" in line
    assert _live(db, Lead) == 2
    # No terminal to ask on: refuse, and change nothing.
    assert cli.main(["undo-import", batch_id[:8], "--db", url]) == 2
    assert "add --yes" in capsys.readouterr().err and _live(db, Lead) == 2
    assert cli.main(["undo-import", batch_id[:8], "--yes", "--db", url]) == 0
    assert "Undone: 2 records removed" in capsys.readouterr().out
    assert _live(db, Lead) == 0
    assert cli.main(["undo-import", batch_id, "--yes", "--db", url]) == 2
    assert "already undone" in capsys.readouterr().err


def test_round_trip_export_then_import_creates_nothing(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(db)
    assert cli.main(["import", str(_file(tmp_path)), "--db", url]) == 0
    for fmt in ("xlsx", "vcf", "csv"):
        out = tmp_path / f"contacts.{fmt}"
        assert cli.main(["export", "contacts", "-o", str(out), "--db", url]) == 0
        capsys.readouterr()
        assert cli.main(["import", str(out), "--on-duplicate", "skip", "--db", url]) == 0
        summary = capsys.readouterr().out.splitlines()[0]
        assert ": 2 rows: 0 created" in summary or ": 2 cards: 0 created" in summary, summary
        assert "2 skipped" in summary
    assert _live(db) == 2


def test_mapping_file_dry_run_and_saved_mapping(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(db)
    path = _file(tmp_path)
    saved = tmp_path / "saved.json"
    assert (
        cli.main(["import", str(path), "--dry-run", "--save-mapping", str(saved), "--db", url]) == 0
    )
    assert capsys.readouterr().out.startswith("Would import 客户.csv: 3 rows: 2 created")
    assert _live(db) == 0
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    assert mapping["columns"]["手机"] == "mobile" and mapping["columns"]["邮箱"] == "email"
    mapping["columns"]["邮箱"] = "ignore"  # leave the e-mails out: no row fails now
    saved.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["import", str(path), "--mapping", str(saved), "--db", url]) == 0
    assert ": 3 rows: 3 created" in capsys.readouterr().out
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"columns": {"Nope": "email"}}', encoding="utf-8")
    assert cli.main(["import", str(path), "--mapping", str(wrong), "--db", url]) == 2
    assert "the file has no column 'Nope'" in capsys.readouterr().err


def test_the_installed_command_runs(db: Database, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crm_desktop", "import", str(_file(tmp_path)), "--db", _url(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 客户.csv: 3 rows: 2 created")


def test_import_names_phone_numbers_kept_as_written(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: US numbers imported with the default region CN were made +86, silently."""
    path = _file(
        tmp_path,
        "Name,Phone\nSam Reporter,(415) 293-3313\nTom Odd,1-955-371-0847 x371\n",
        name="us.csv",
    )
    assert cli.main(["import", str(path), "--db", _url(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Imported us.csv: 2 rows: 2 created")
    assert out[0].endswith("2 phone numbers kept as written in " + out[0].rsplit(" in ", 1)[1])
    assert out[2].startswith("2 phone numbers of us.csv not valid in the country they were read")
    assert (
        out[3] == "  us.csv, row 2, Phone: '(415) 293-3313': not a valid CN number; kept as written"
    )
    assert out[4].startswith("  us.csv, row 3, Phone: '1-955-371-0847 x371': not a valid CN")

    again = _file(tmp_path, "Name,Phone\nAnn Other,(212) 555-0147\n", name="us2.csv")
    assert cli.main(["import", str(again), "--db", _url(db), "--region", "United States"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "kept as written" not in out[0] and len(out) == 2
    with db.sessions() as session:
        stored = session.scalars(
            select(ContactMethod.normalized).where(ContactMethod.value == "(212) 555-0147")
        ).one()
    assert stored == "+12125550147"
    assert cli.main(["import", str(again), "--db", _url(db), "--region", "Atlantis"]) == 2
    assert "--region Atlantis: not a country" in capsys.readouterr().err


def test_import_counts_duplicates_and_possible_duplicates_per_reason(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: namesakes at one company with their own e-mails and mobiles are created;
    the summary says why each matching row matched and what was done with it."""
    sheet = legacy_sheet(rows=60, duplicates=6, possible=3, seed=4)
    path = sheet.write(tmp_path / "legacy.csv")
    argv = ["import", str(path), "--on-duplicate", "skip", "--db", _url(db)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Imported legacy.csv: 60 rows: {sheet.people} created, ")
    assert "6 skipped" in out[0]
    assert out[2:] == [
        "Duplicates: 6, skipped",
        f"  same e-mail: {sheet.by_email}, skipped",
        f"  same mobile: {sheet.by_mobile}, skipped",
        "Possible duplicates: 3, created",
        "  same name at the same company, no conflicting e-mail or mobile: 3, created",
    ]
    again = [*argv, "--on-possible-duplicate", "skip"]
    assert cli.main(again) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Imported legacy.csv: 60 rows: 0 created, ")
    assert "Possible duplicates: 3, skipped" in out  # no e-mail or mobile: only possible
    assert "Duplicates: 57, skipped" in out
    assert cli.main(["imports", "--db", _url(db)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].endswith("57 duplicates, 3 possible duplicates")
    assert listed[1].endswith("6 duplicates, 3 possible duplicates")
