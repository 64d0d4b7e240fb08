"""Database-wide settings shared by the team: the phone region and the currency of new records.

A new database takes its region and currency from the system's locale (a Chinese desktop:
CN and CNY; services/locale_defaults.py) and shows them for confirming on its first start,
before any data goes in: `adopt_locale_defaults`, `first_start_pending`,
`confirm_first_start`. A database that exists keeps its settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Setting
from crm_desktop.models.seed import DEFAULT_SETTINGS, FIRST_START_KEY
from crm_desktop.services.changes import Changes
from crm_desktop.services.locale_defaults import LocaleDefaults

COMMON_CURRENCIES = ("USD", "EUR", "CNY", "GBP", "JPY", "HKD", "CHF", "CAD", "AUD")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_REASON = 300  # Deal.lost_reason's length


class SettingsError(ValueError):
    """A setting that cannot be saved; the message says which and why."""


@dataclass(frozen=True)
class AppSettings:
    region: str  # ISO 3166 code: phone numbers without a country code are read as this country's
    currency: str  # ISO 4217 code for new deals
    large_deal_amount: str = ""  # deals at or above it are marked and announced; "" = off
    lost_reasons: tuple[str, ...] = ()  # what dropping a deal on Lost offers


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


def lost_reasons(sessions: sessionmaker[Session]) -> tuple[str, ...]:
    """The reasons a lost deal can be given, in the team's order (setting `lost_reasons`)."""
    return _parse_reasons(get_setting(sessions, "lost_reasons"))


def _parse_reasons(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw) if raw.strip() else []
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return _clean_reasons(str(item) for item in value)


def _clean_reasons(reasons: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for reason in reasons:
        text = " ".join(reason.split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def load_settings(sessions: sessionmaker[Session]) -> AppSettings:
    return AppSettings(
        default_region(sessions),
        default_currency(sessions),
        get_setting(sessions, "large_deal_amount"),
        lost_reasons(sessions),
    )


def save_settings(
    sessions: sessionmaker[Session],
    region: str,
    currency: str,
    *,
    large_deal_amount: str | None = None,
    lost_reasons: Sequence[str] | None = None,
) -> Changes:
    """Check and store the settings in one transaction; None leaves a setting as it is.

    Numbers already saved keep their normalized form: the region applies to what is
    entered or imported from now on. An empty large-deal amount turns the alerts off.
    """
    region = region.strip().upper()
    currency = currency.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(f"“{region}” is not a country code phone numbers can be read for")
    if not _CURRENCY.match(currency):
        raise SettingsError(f"“{currency}” is not a currency code (three letters, such as EUR)")
    amount = None if large_deal_amount is None else _check_amount(large_deal_amount)
    reasons = None if lost_reasons is None else _clean_reasons(lost_reasons)
    if reasons is not None:
        too_long = next((r for r in reasons if len(r) > MAX_REASON), None)
        if too_long is not None:
            raise SettingsError(
                f"The lost reason “{too_long[:40]}…” is longer than {MAX_REASON} characters"
            )
    with sessions.begin() as session:
        _put(session, "default_region", region)
        _put(session, "default_currency", currency)
        if amount is not None:
            _put(session, "large_deal_amount", amount)
        if reasons is not None:
            _put(session, "lost_reasons", json.dumps(reasons, ensure_ascii=False))
    return Changes(settings=True)


def _check_amount(text: str) -> str:
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return ""
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise SettingsError(
            f"“{text.strip()}” is not an amount for large deals (a number above zero, "
            "or empty for no alerts)"
        )
    return str(value)


def adopt_locale_defaults(sessions: sessionmaker[Session], defaults: LocaleDefaults) -> None:
    """A database made just now takes the locale's region and currency, once.

    Only the first program to open it after it was made does so (the GUI, or `crm-desktop
    demo`), and only while it holds no records; a database made by an earlier version
    has no first start and is left alone.
    """
    from crm_desktop.services.welcome import has_records

    if get_setting(sessions, FIRST_START_KEY) != "new" or has_records(sessions):
        return
    with sessions.begin() as session:
        state = session.scalar(select(Setting).where(Setting.key == FIRST_START_KEY))
        if state is None or state.value != "new":
            return
        _put(session, "default_region", defaults.region)
        _put(session, "default_currency", defaults.currency)
        state.value = "unconfirmed"


def first_start_pending(sessions: sessionmaker[Session]) -> bool:
    """Whether the region and currency of this new database were not confirmed yet."""
    return get_setting(sessions, FIRST_START_KEY) in ("new", "unconfirmed")


def confirm_first_start(sessions: sessionmaker[Session], region: str, currency: str) -> Changes:
    """Save the region and currency the user confirmed; the first start is over."""
    changes = save_settings(sessions, region, currency)
    set_setting(sessions, FIRST_START_KEY, "")
    return changes
