"""Normalising e-mail addresses, websites and names for storage and matching.

Phone numbers have their own module, `phones.py`; `normalize_method` calls it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from crm_desktop.services.phones import read_phone

_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Checked:
    """A value checked for storage: what to store as normalized, or why it is wrong."""

    normalized: str | None
    display: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def digits(text: str) -> str:
    """Only the digits of a phone number, for matching "138-0013 8000" to "+8613800138000"."""
    return _NON_DIGITS.sub("", text)


def check_email(value: str) -> Checked:
    text = value.strip()
    if not text:
        return Checked(None, "", "empty e-mail address")
    try:
        info = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return Checked(None, text, str(exc))
    # Local parts are case-sensitive in theory, never in practice: match case-blind.
    return Checked(info.normalized.lower(), info.normalized)


def domain_of(website_or_email: str) -> str | None:
    """'https://www.Acme.com/x' or 'anna@acme.com' -> 'acme.com'."""
    text = website_or_email.strip().lower()
    if not text:
        return None
    if "@" in text and "/" not in text:
        host = text.rsplit("@", 1)[1]
    else:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.removeprefix("www.")
    return host or None


def fold_name(name: str) -> str:
    """A name folded for fuzzy comparison: NFKC, case-folded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


def normalize_method(kind: str, value: str, region: str = "CN") -> str | None:
    """The normalized form stored beside a contact method (None if it cannot be made)."""
    from crm_desktop.models import MethodKind

    if kind == MethodKind.EMAIL:
        return check_email(value).normalized or value.strip().lower() or None
    if kind in (MethodKind.PHONE, MethodKind.MOBILE, MethodKind.FAX, MethodKind.WHATSAPP):
        return read_phone(value, region).key  # E.164 only when valid in `region` (phones.py)
    if kind == MethodKind.WEBSITE:
        return domain_of(value)
    return fold_name(value) or None
