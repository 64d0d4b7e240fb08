"""The command line: demo, export, and one-line messages with exit status 2 on bad input."""

from __future__ import annotations

import csv
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import vobject

from crm_desktop import cli
from crm_desktop.models.database import Database
from crm_desktop.services.demo import existing_contacts

ROOT = Path(__file__).resolve().parents[1]


def _url(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def _run(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        return int(exc.code or 0)


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    return err


def test_demo_then_refuses_a_second_time_unless_forced(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(db)
    assert cli.main(["demo", "--size", "40", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "Added 40 contacts" in out
    assert existing_contacts(db.sessions) == 40

    assert cli.main(["demo", "--size", "40", "--db", url]) == 2
    err = _one_line_error(capsys)
    assert "already holds 40 contacts" in err and "--force" in err
    assert existing_contacts(db.sessions) == 40

    assert cli.main(["--db", url, "demo", "--size", "10", "--force"]) == 0
    assert existing_contacts(db.sessions) == 50


def test_export_every_format(db: Database, tmp_path: Path) -> None:
    url = _url(db)
    assert cli.main(["demo", "--size", "30", "--db", url, "--seed", "3"]) == 0
    for kind in ("contacts", "companies", "leads", "deals"):
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{kind}.{fmt}"
            assert cli.main(["export", kind, "--format", fmt, "-o", str(out), "--db", url]) == 0
            assert out.stat().st_size > 0
    with (tmp_path / "contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 30
    out = tmp_path / "people.vcf"
    assert cli.main(["export", "contacts", "-o", str(out), "--db", url]) == 0  # format from suffix
    assert len(list(vobject.readComponents(out.read_text(encoding="utf-8")))) == 30


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["export", "users", "--format", "csv", "-o", "{tmp}/x.csv"], "invalid choice: 'users'"),
        (["export", "contacts", "--format", "pdf", "-o", "{tmp}/x.pdf"], "invalid choice: 'pdf'"),
        (["export", "companies", "--format", "vcf", "-o", "{tmp}/x.vcf"], "for people"),
        (["export", "deals", "-o", "{tmp}/x.vcf"], "for people"),
        (["export", "contacts", "-o", "{tmp}/x.txt"], "cannot tell the format"),
        (["export", "contacts", "--format", "csv", "-o", "{tmp}/no/such/x.csv"], "does not exist"),
        (["export", "contacts", "--format", "csv", "-o", "{tmp}"], "it is a folder"),
        (["export", "contacts", "--format", "csv"], "-o/--output"),
        (["demo", "--size", "0"], "at least 1"),
        (["demo", "--size", "many"], "not a whole number"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["demo", "--db", "mysql://x@y/z"], "not supported"),
        (["demo", "--db", "no url at all"], "not a database URL"),
        (["export", "contacts", "-f", "csv", "-o", "{tmp}/x.csv", "--db", "foo://"], "supported"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert _run(argv) == 2
    err = _one_line_error(capsys)
    assert needle in err
    assert "Traceback" not in err


def test_unreachable_postgres_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none"
    assert (
        _run(["export", "contacts", "-f", "csv", "-o", str(tmp_path / "x.csv"), "--db", url]) == 2
    )
    assert "PostgreSQL" in _one_line_error(capsys)
    assert not (tmp_path / "x.csv").exists()


def test_unwritable_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root writes through mode bits: refuse the way the kernel would
        real_open = Path.open

        def refusing_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.parent == locked:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refusing_open)
    assert _run(["export", "contacts", "-f", "csv", "-o", str(locked / "x.csv")]) == 2
    assert "permission denied" in _one_line_error(capsys).lower()
    assert list(locked.iterdir()) == []


def test_export_to_read_only_file_exits_2(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file itself is in the way: a folder where the part file would go."""
    target = tmp_path / "x.csv"
    (tmp_path / ".x.csv.part").mkdir()
    argv = ["export", "contacts", "-f", "csv", "-o", str(target), "--db", _url(sqlite_db)]
    assert _run(argv) == 2
    assert "cannot write" in _one_line_error(capsys)


def test_no_subcommand_starts_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    import crm_desktop.app

    calls: list[str | None] = []
    monkeypatch.setattr(crm_desktop.app, "run_gui", lambda url: calls.append(url) or 0)
    assert cli.main([]) == 0
    assert cli.main(["--db", "sqlite:///x.sqlite3"]) == 0
    assert cli.main(["gui"]) == 0
    assert calls == [None, "sqlite:///x.sqlite3", None]


def test_cli_imports_no_qt() -> None:
    code = (
        "import sys, crm_desktop.cli, crm_desktop.services.demo, crm_desktop.services.export\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in qt]\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["--version"]) == 0
    assert capsys.readouterr().out.startswith("crm-desktop ")


def test_progress_line_in_a_log_prints_one_line_per_phase() -> None:
    stream = io.StringIO()
    line = cli.ProgressLine(stream)
    for done in range(5):
        line(done / 10, f"Contacts {done}/5")
    line(0.8, "Indexing contact records")
    line(1.0, "Done")
    line.finish()
    assert stream.getvalue().splitlines() == [
        "  0.0%  Contacts 0/5",
        " 80.0%  Indexing contact records",
        "100.0%  Done",
    ]


def test_a_locked_database_is_one_plain_line_without_sql(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from crm_desktop.models import database as database_module

    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 50)  # give up quickly
    holder = sqlite3.connect(sqlite_db.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is in the middle of a change
    try:
        assert cli.main(["demo", "--size", "5", "--db", _url(sqlite_db)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = _one_line_error(capsys)
    assert err == "crm-desktop: Another program is writing to this database; try again.\n"


BAD_URLS = [
    "postgresql+psycopg://bob:s3cret@localhost:abc/crm",
    "postgresql+psycopg://bob:s3cret@[::1/crm",
    "postgresql+psycopg2://bob:s3cret@localhost/crm",
    "postgresql+asyncpg://bob:s3cret@localhost/crm",
    "bob:s3cret@localhost/crm",
    "postgresql://bob:s3c@ret@localhost/crm",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("command", [["imports"], ["undo-import", "abcd", "--yes"], ["demo"]])
def test_a_bad_database_url_exits_2_with_one_line_and_no_password(
    url: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run([*command, "--db", url]) == 2
    err = _one_line_error(capsys)
    assert "s3cret" not in err and "ret@" not in err
    assert "Traceback" not in err


MAIN = "import sys; from crm_desktop.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize("url", BAD_URLS[:3])
def test_a_bad_database_url_from_a_real_process(url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "imports", "--db", url],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("crm-desktop: ")
    assert "s3cret" not in done.stderr + done.stdout
