"""Database URLs as people type them: checked, read, and shown without their password.

    parse_url(text) -> URL          sqlite:///file, postgresql://, postgres:// or
                                    postgresql+psycopg://; UrlError with one plain line otherwise
    mask_password(text) -> str      any text with the passwords of the URLs in it as ***

A URL that does not parse is still masked: messages, dialogs and the log never show a
password, whatever was typed.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

HINT: Final = "Use sqlite:///path/to/file.sqlite3 or postgresql://user@host/dbname."
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


def parse_url(text: str) -> URL:
    """The URL in `text`, with the driver this program uses; UrlError if it cannot be used."""
    text = text.strip()
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


__all__ = ["UrlError", "mask_password", "parse_url"]
