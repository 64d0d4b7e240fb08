"""Database URLs as typed: read with the driver this program uses, refused in one plain line,
and never shown with their password."""

from __future__ import annotations

import pytest

from crm_desktop.models.database import DatabaseError, resolve_url
from crm_desktop.models.db_url import mask_password

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
