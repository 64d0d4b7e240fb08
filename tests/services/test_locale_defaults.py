"""A new database's currency and phone region come from the locale; an old one keeps its own."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from crm_desktop.models import Setting
from crm_desktop.models.database import Database
from crm_desktop.models.seed import FIRST_START_KEY
from crm_desktop.services.locale_defaults import (
    LocaleDefaults,
    locale_defaults,
    system_locale_name,
)
from crm_desktop.services.records import save_record
from crm_desktop.services.settings import (
    adopt_locale_defaults,
    confirm_first_start,
    first_start_pending,
    load_settings,
)


@pytest.mark.parametrize(
    ("name", "region", "currency"),
    [
        ("zh_CN.UTF-8", "CN", "CNY"),
        ("de_DE.UTF-8", "DE", "EUR"),
        ("de_CH", "CH", "CHF"),
        ("fr_FR@euro", "FR", "EUR"),
        ("en-GB", "GB", "GBP"),
        ("zh_Hant_TW", "TW", "TWD"),
        ("ja_JP.eucJP", "JP", "JPY"),
        # Nothing about a country: US and USD.
        ("C.UTF-8", "US", "USD"),
        ("POSIX", "US", "USD"),
        ("en", "US", "USD"),
        ("", "US", "USD"),
        (None, "US", "USD"),
    ],
)
def test_a_locale_gives_a_region_and_its_currency(
    name: str | None, region: str, currency: str
) -> None:
    found = locale_defaults(name)
    assert (found.region, found.currency) == (region, currency)
    assert (found.locale_name is None) == (region == "US")


def test_the_session_locale_is_read_in_posix_order() -> None:
    assert system_locale_name({"LANG": "zh_CN.UTF-8"}) == "zh_CN.UTF-8"
    assert system_locale_name({"LC_MONETARY": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}) == (
        "de_DE.UTF-8"
    )
    assert system_locale_name({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) is None  # C wins
    assert system_locale_name({}) is None


CHINA = LocaleDefaults("CN", "CNY", "zh_CN.UTF-8")
GERMANY = LocaleDefaults("DE", "EUR", "de_DE.UTF-8")


def test_a_new_database_takes_the_locale_once_and_asks_to_confirm(db: Database) -> None:
    assert first_start_pending(db.sessions)
    adopt_locale_defaults(db.sessions, GERMANY)
    settings = load_settings(db.sessions)
    assert (settings.region, settings.currency) == ("DE", "EUR")
    assert first_start_pending(db.sessions)  # shown, not confirmed yet
    adopt_locale_defaults(db.sessions, CHINA)  # a second program, another locale: no change
    assert load_settings(db.sessions).currency == "EUR"
    confirm_first_start(db.sessions, "CN", "cny")
    settings = load_settings(db.sessions)
    assert (settings.region, settings.currency) == ("CN", "CNY")
    assert not first_start_pending(db.sessions)


def test_an_existing_database_keeps_its_settings(db: Database) -> None:
    # Made by an earlier version: no first start row.
    with db.sessions.begin() as session:
        session.execute(delete(Setting).where(Setting.key == FIRST_START_KEY))
    adopt_locale_defaults(db.sessions, CHINA)
    settings = load_settings(db.sessions)
    assert (settings.region, settings.currency) == ("CN", "USD")  # as seeded, not CNY
    assert not first_start_pending(db.sessions)


def test_a_new_database_with_records_keeps_its_settings(db: Database) -> None:
    save_record(db.sessions, "leads", None, None, {"person_name": "Li Na"})
    adopt_locale_defaults(db.sessions, GERMANY)
    assert load_settings(db.sessions).currency == "USD"
