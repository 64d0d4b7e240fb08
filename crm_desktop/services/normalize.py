"""Normalising e-mail addresses, phone numbers, websites and names for storage and matching."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

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


def check_phone(value: str, region: str = "CN") -> Checked:
    """Parse a phone number as typed; E.164 when it is valid, else the reason."""
    text = value.strip()
    if not text:
        return Checked(None, "", "empty phone number")
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        return Checked(None, text, f"not a phone number ({exc._msg})")
    if not phonenumbers.is_possible_number(number):
        return Checked(None, text, "not a possible phone number (too short or too long)")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not phonenumbers.is_valid_number(number):
        return Checked(e164, display, "no such number in its country's numbering plan")
    return Checked(e164, display)


def format_phone(e164_or_raw: str, region: str = "CN") -> str:
    """A stored phone number for display, in international format when it parses."""
    checked = check_phone(e164_or_raw, region)
    return checked.display if checked.normalized else e164_or_raw


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
        checked = check_phone(value, region)
        return checked.normalized or (("+" + digits(value)) if digits(value) else None)
    if kind == MethodKind.WEBSITE:
        return domain_of(value)
    return fold_name(value) or None
