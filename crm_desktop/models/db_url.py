"""Database URLs as people type them: checked, read, and shown without their password.

    parse_url(text) -> URL          a plain file path (~/crm.sqlite3, ./x.sqlite3,
                                    C:\\Users\\anna\\crm.sqlite3 on Windows), sqlite:///file,
                                    postgresql://, postgres:// or postgresql+psycopg://;
                                    UrlError with one plain line otherwise
    is_plain_path(text) -> bool     whether parse_url reads `text` as a file path, not a URL
    mask_password(text) -> str      any text with the passwords of the URLs in it as ***

A SQLite file comes back with an absolute path (`~` expanded; a relative one, plain or in a
three-slash URL as SQLAlchemy defines it, taken from the current folder), so messages, the
status bar and the first-start questions name the one file that is opened.

A URL that does not parse is still masked: messages, dialogs and the log never show a
password, whatever was typed.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from typing import Final

from sqlalchemy import make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

HINT: Final = (
    "Use a file path (~/crm.sqlite3), sqlite:////absolute/path/crm.sqlite3 or "
    "postgresql://user@host/dbname."
)
# A name ending like this is a SQLite file even without a folder in front (--db crm.sqlite3).
SQLITE_SUFFIXES: Final = (".sqlite3", ".sqlite", ".db", ".db3")
_WINDOWS_DRIVE: Final = re.compile(r"^[A-Za-z]:[\\/]")
# scheme: at the start (two letters or more: C: is a drive), as in a URL missing its //.
_SCHEME_LIKE: Final = re.compile(r"^[A-Za-z][\w+.-]+:")
# libpq's key=value form is not a file name.
_LIBPQ_KEYWORD: Final = re.compile(r"(^|\s)(host|hostaddr|dbname|user|password|port)\s*=", re.I)
# Driver names as typed -> the driver this program talks to (PostgreSQL through psycopg 3).
_DRIVERS: Final = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgres+psycopg": "postgresql+psycopg",
}
# user:password@ after an optional scheme, the password up to the LAST @ of the text: an
# unencoded @ in a password must not leave half of it in plain sight.
_WHOLE: Final = re.compile(r"^(\s*(?:[A-Za-z][\w+.-]*://|(?!.*://))[^:/@\s]*:)(.*)(@[^@]*)$", re.S)
# The same inside a longer text (a message, a log line): scheme://user:password@.
_EMBEDDED: Final = re.compile(r"([A-Za-z][\w+.-]*://[^:/@\s]*:)[^@\s]*(@)")
# libpq's key=value form.
_KEYWORD: Final = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)


class UrlError(ValueError):
    """A database URL this program cannot use; the message is one line, password masked."""


def mask_password(text: str) -> str:
    """`text` with every database password in it replaced by ***."""
    whole = _WHOLE.match(text)
    if whole is not None and "\n" not in text and " " not in text.strip():
        text = f"{whole.group(1)}***{whole.group(3)}"
    text = _EMBEDDED.sub(r"\1***\2", text)
    return _KEYWORD.sub(r"\1***", text)


def is_plain_path(text: str) -> bool:
    """Whether `text` names a SQLite file by its path rather than by a URL.

    A path has a folder separator, starts with ~ or a Windows drive, or ends in a SQLite
    suffix; it has no scheme (`host:5432/db` and `user:pw@host/db` are broken URLs, and a
    libpq `host=... dbname=...` string is no file name). `nonsense` is neither.
    """
    text = text.strip()
    if not text or "://" in text or _LIBPQ_KEYWORD.search(text):
        return False
    if _WINDOWS_DRIVE.match(text) or text.startswith("\\\\"):
        return True
    if _SCHEME_LIKE.match(text):
        return False
    return (
        "/" in text
        or "\\" in text
        or text.startswith("~")
        or text.lower().endswith(SQLITE_SUFFIXES)
    )


def _is_windows_path(text: str) -> bool:
    return bool(_WINDOWS_DRIVE.match(text)) or text.startswith("\\\\")


def absolute_file(name: str, *, windows: bool | None = None) -> str:
    """A file name made absolute as this computer reads it: ~ expanded, relative ones from
    the current folder."""
    if os.name == "nt" if windows is None else windows:
        expanded = ntpath.expanduser(name)
        absolute = expanded if ntpath.isabs(expanded) else ntpath.join(os.getcwd(), expanded)
        return ntpath.normpath(absolute)
    expanded = posixpath.expanduser(name)
    absolute = expanded if posixpath.isabs(expanded) else posixpath.join(os.getcwd(), expanded)
    return posixpath.normpath(absolute)


def _path_url(text: str, windows: bool | None) -> URL:
    windows = os.name == "nt" if windows is None else windows
    if _is_windows_path(text) and not windows:
        raise UrlError(
            f"'{text}' is a Windows path; on this computer write the file's path as "
            "/home/you/… or ~/…"
        )
    return URL.create("sqlite", database=absolute_file(text, windows=windows))


def _absolute_sqlite(url: URL, windows: bool | None) -> URL:
    """A SQLite URL's file as an absolute path (in-memory and file: URIs left alone)."""
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return url
    return url.set(database=absolute_file(name, windows=windows))


def parse_url(text: str, *, windows: bool | None = None) -> URL:
    """The URL in `text` (or a SQLite file's path), with the driver this program uses;
    UrlError if it cannot be used. `windows` says how to read paths (default: this OS)."""
    text = text.strip()
    if is_plain_path(text):
        return _path_url(text, windows)
    shown = mask_password(text)
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise UrlError(f"'{shown}' is not a database URL{_why(text)}. {HINT}") from None
    name = url.drivername.lower()
    backend = name.split("+", 1)[0]
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise UrlError(
            f"Database type '{backend}' is not supported. Use sqlite:/// or postgresql://."
        )
    driver = _DRIVERS.get(name)
    if driver is None:
        typed = name.split("+", 1)[1]
        wanted = "sqlite:///" if backend == "sqlite" else "postgresql:// (psycopg 3)"
        raise UrlError(
            f"The driver '{typed}' ({name}://) is not one crm-desktop uses: "
            f"write the URL as {wanted}."
        )
    url = url.set(drivername=driver)
    if url.host is not None and "@" in url.host:
        raise UrlError(f"'{shown}' has an @ in its password or user name: write it as %40. {HINT}")
    if url.port is not None and not 0 < url.port < 65536:
        raise UrlError(f"'{shown}': the port {url.port} is not between 1 and 65535.")
    if driver == "sqlite":
        url = _absolute_sqlite(url, windows)
    return url


def _why(text: str) -> str:
    """What is wrong with a URL make_url refused, when it is a common slip."""
    if "://" not in text:
        return ""
    rest = text.split("://", 1)[1]
    netloc = rest.rsplit("@", 1)[1] if "@" in rest else rest
    netloc = netloc.split("/", 1)[0].split("?", 1)[0]
    if netloc.startswith("[") and "]" not in netloc:
        return ": the IPv6 address has no closing ']'"
    port = netloc.rsplit("]", 1)[1] if netloc.startswith("[") else netloc
    if ":" in port:
        value = port.split(":", 1)[1]
        if not value.isdigit():
            return f": the port '{value}' is not a number"
    return ""


__all__ = [
    "SQLITE_SUFFIXES",
    "UrlError",
    "absolute_file",
    "is_plain_path",
    "mask_password",
    "parse_url",
]
