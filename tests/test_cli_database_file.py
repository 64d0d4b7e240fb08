"""The command line never imports, reads or writes over the database it works in: one line,
exit status 2, and the database as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crm_desktop import cli
from crm_desktop.models.database import Database


def _fingerprint(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["import", "{db}"],
            "crm.sqlite3: it is the database crm-desktop is working in; it cannot be imported",
        ),
        (
            ["import", "{db}-wal"],
            "crm.sqlite3-wal: it belongs to crm.sqlite3, the database crm-desktop is working "
            "in; it cannot be imported",
        ),
        (
            ["import", "{csv}", "--dry-run", "--save-mapping", "{db}"],
            "crm.sqlite3: it is the database crm-desktop is working in",
        ),
        (
            ["export", "contacts", "--format", "csv", "-o", "{db}"],
            "cannot write {db}: it is the database crm-desktop is working in",
        ),
        (
            ["export", "activities", "--format", "ics", "-o", "{db}"],
            "cannot write {db}: it is the database crm-desktop is working in",
        ),
        (
            ["report", "pipeline", "-o", "{db}"],
            "cannot write {db}: it is the database crm-desktop is working in",
        ),
    ],
)
def test_the_database_file_is_refused_as_input_and_output(
    sqlite_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    db = sqlite_db.sqlite_path
    assert db is not None and db.name == "crm.sqlite3"
    csv = tmp_path / "people.csv"
    csv.write_text("Name,E-mail\nAnna,anna@example.com\n", encoding="utf-8")
    before = _fingerprint(db)
    argv = [a.format(db=db, csv=csv) for a in arguments]
    url = sqlite_db.url.render_as_string(hide_password=False)
    assert cli.main([*argv, "--db", url]) == 2
    assert capsys.readouterr().err == f"crm-desktop: {message.format(db=db)}\n"
    assert _fingerprint(db) == before
