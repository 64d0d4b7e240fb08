"""Database-wide settings shared by the team: the phone region and the currency of new records."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Setting
from crm_desktop.models.seed import DEFAULT_SETTINGS
from crm_desktop.services.changes import Changes

COMMON_CURRENCIES = ("USD", "EUR", "CNY", "GBP", "JPY", "HKD", "CHF", "CAD", "AUD")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class SettingsError(ValueError):
    """A setting that cannot be saved; the message says which and why."""


@dataclass(frozen=True)
class AppSettings:
    region: str  # ISO 3166 code: phone numbers without a country code are read as this country's
    currency: str  # ISO 4217 code for new deals


def get_setting(sessions: sessionmaker[Session], key: str) -> str:
    with sessions() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else DEFAULT_SETTINGS.get(key, "")


def set_setting(sessions: sessionmaker[Session], key: str, value: str) -> None:
    with sessions.begin() as session:
        _put(session, key, value)


def _put(session: Session, key: str, value: str) -> None:
    row = session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def default_region(sessions: sessionmaker[Session]) -> str:
    return get_setting(sessions, "default_region") or "CN"


def default_currency(sessions: sessionmaker[Session]) -> str:
    return get_setting(sessions, "default_currency") or "USD"


def phone_regions() -> list[str]:
    """Every country code phonenumbers can read national numbers for, sorted."""
    return sorted(phonenumbers.SUPPORTED_REGIONS)


def load_settings(sessions: sessionmaker[Session]) -> AppSettings:
    return AppSettings(default_region(sessions), default_currency(sessions))


def save_settings(sessions: sessionmaker[Session], region: str, currency: str) -> Changes:
    """Check and store both settings in one transaction.

    Numbers already saved keep their normalized form: the region applies to what is
    entered or imported from now on.
    """
    region = region.strip().upper()
    currency = currency.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(f"“{region}” is not a country code phone numbers can be read for")
    if not _CURRENCY.match(currency):
        raise SettingsError(f"“{currency}” is not a currency code (three letters, such as EUR)")
    with sessions.begin() as session:
        _put(session, "default_region", region)
        _put(session, "default_currency", currency)
    return Changes(settings=True)
