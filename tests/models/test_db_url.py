"""Database URLs as typed: read with the driver this program uses, refused in one plain line,
and never shown with their password."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.models.database import DatabaseError, open_database, resolve_url
from crm_desktop.models.db_url import UrlError, is_plain_path, mask_password, parse_url

SECRET = "s3cret"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql+psycopg://bob:s3cret@localhost:abc/crm", "the port 'abc' is not a number"),
        ("postgresql+psycopg://bob:s3cret@[::1/crm", "no closing ']'"),
        ("postgresql+psycopg2://bob:s3cret@localhost/crm", "driver 'psycopg2'"),
        ("postgresql+asyncpg://bob:s3cret@localhost/crm", "driver 'asyncpg'"),
        ("postgresql+pg8000://bob:s3cret@localhost/crm", "driver 'pg8000'"),
        ("sqlite+aiosqlite:///crm.sqlite3", "driver 'aiosqlite'"),
        ("postgresql://bob:s3cret@localhost:99999/crm", "not between 1 and 65535"),
        ("postgresql://bob:s3c@ret@localhost/crm", "write it as %40"),
        ("bob:s3cret@localhost/crm", "is not a database URL"),
        ("mysql://bob:s3cret@localhost/crm", "not supported"),
    ],
)
def test_a_bad_url_is_one_plain_line_without_its_password(url: str, words: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        resolve_url(url)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message
    assert SECRET not in message and "ret@" not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bob:pw@db.example:5433/crm",
        "postgres://bob:pw@db.example:5433/crm",
        "postgresql+psycopg://bob:pw@db.example:5433/crm",
    ],
)
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    parsed = resolve_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database, parsed.password) == (
        "db.example",
        5433,
        "crm",
        "pw",
    )


def test_an_ipv6_host_reads() -> None:
    parsed = resolve_url("postgresql://bob:pw@[::1]:5432/crm")
    assert (parsed.host, parsed.port) == ("::1", 5432)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://bob:s3cret@[::1/crm", "postgresql://bob:***@[::1/crm"),
        ("bob:s3cret@host/db", "bob:***@host/db"),
        ("postgresql://bob:s3c@ret@host/db", "postgresql://bob:***@host/db"),
        ("postgresql://bob@host/db", "postgresql://bob@host/db"),
        ("sqlite:////home/me/crm.sqlite3", "sqlite:////home/me/crm.sqlite3"),
        ("host:5432/db", "host:5432/db"),
        (
            "Cannot connect to postgresql+psycopg://bob:s3cret@h/db: refused",
            "Cannot connect to postgresql+psycopg://bob:***@h/db: refused",
        ),
        ("host=h user=bob password=s3cret dbname=crm", "host=h user=bob password=*** dbname=crm"),
    ],
)
def test_passwords_are_masked_in_any_text(text: str, shown: str) -> None:
    assert mask_password(text) == shown


# ---- plain file paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("~/Documents/trade-show.sqlite3", "{home}/Documents/trade-show.sqlite3"),
        ("./x.sqlite3", "{cwd}/x.sqlite3"),
        ("x.sqlite3", "{cwd}/x.sqlite3"),
        ("data/crm.db", "{cwd}/data/crm.db"),
        ("/srv/crm/../crm/team.sqlite3", "/srv/crm/team.sqlite3"),
        # As SQLAlchemy defines it: three slashes are relative to the current folder.
        ("sqlite:///home/anna/x.sqlite3", "{cwd}/home/anna/x.sqlite3"),
        ("sqlite:////home/anna/x.sqlite3", "/home/anna/x.sqlite3"),
        ("sqlite:///~/x.sqlite3", "{home}/x.sqlite3"),
    ],
)
def test_a_sqlite_file_is_named_by_a_plain_path_or_a_url_and_made_absolute(
    text: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/home/anna")
    url = parse_url(text, windows=False)
    assert url.drivername == "sqlite"
    assert url.database == expected.format(home="/home/anna", cwd=tmp_path)


def test_a_windows_path_is_read_on_windows_and_refused_elsewhere() -> None:
    url = parse_url(r"C:\Users\Anna\Documents\trade-show.sqlite3", windows=True)
    assert url.database == r"C:\Users\Anna\Documents\trade-show.sqlite3"
    assert parse_url(r"\\server\share\crm.sqlite3", windows=True).database == (
        r"\\server\share\crm.sqlite3"
    )
    with pytest.raises(UrlError, match="is a Windows path"):
        parse_url(r"C:\Users\Anna\crm.sqlite3", windows=False)


@pytest.mark.parametrize(
    "text",
    ["nonsense", "bob:s3cret@localhost/crm", "host:5432/db", "host=h dbname=crm user=bob"],
)
def test_what_is_no_path_is_still_read_as_a_url(text: str) -> None:
    assert not is_plain_path(text)
    with pytest.raises(UrlError, match="is not a database URL"):
        parse_url(text)


def test_a_plain_path_gets_its_last_folder_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    url = resolve_url(str(tmp_path / "trade-shows" / "2026.sqlite3"))
    assert url.database == str(tmp_path / "trade-shows" / "2026.sqlite3")
    assert (tmp_path / "trade-shows").is_dir()
    with pytest.raises(DatabaseError, match="does not exist"):
        resolve_url(str(tmp_path / "typo" / "deeper" / "x.sqlite3"))
    assert not (tmp_path / "typo").exists()


def test_a_url_to_a_missing_folder_creates_nothing_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The README's old example, run from another folder, made ./home/anna/... there."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseError) as caught:
        resolve_url("sqlite:///home/anna/Documents/trade-show.sqlite3")
    message = str(caught.value)
    assert f"The folder {tmp_path}/home/anna/Documents does not exist" in message
    assert "sqlite:////home/anna/Documents/trade-show.sqlite3" in message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DatabaseError, match="does not exist"):
        resolve_url(f"sqlite:///{tmp_path}/nonexistent/dir/x.db")
    assert list(tmp_path.iterdir()) == []


def test_the_environment_variable_takes_a_plain_path_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CRM_DATABASE_URL", str(tmp_path / "env.sqlite3"))
    db = open_database(None)
    try:
        assert db.sqlite_path == tmp_path / "env.sqlite3"
    finally:
        db.dispose()
    assert (tmp_path / "env.sqlite3").exists()
