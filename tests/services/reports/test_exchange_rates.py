"""Keeping exchange rates: checked input, one rate per pair and day, soft deletes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm_desktop.models import ExchangeRate
from crm_desktop.models.database import Database
from crm_desktop.services.exchange_rates import (
    ExchangeRateError,
    check_rate,
    delete_rate,
    list_rates,
    save_rate,
)
from crm_desktop.services.reports import ReportFilters, pipeline_report

JAN = dt.date(2026, 1, 1)


def test_rates_are_listed_by_pair_newest_first(db: Database) -> None:
    save_rate(db.sessions, "eur", "usd", "1.10", "2026-01-01")
    saved = save_rate(db.sessions, " EUR ", "USD", Decimal("1.2"), dt.date(2026, 5, 1))
    save_rate(db.sessions, "USD", "CNY", 8, JAN)
    assert saved.changes.settings
    rates = [(r.currency, r.base, r.rate, r.valid_from) for r in list_rates(db.sessions)]
    assert rates == [
        ("EUR", "USD", Decimal("1.2000000000"), dt.date(2026, 5, 1)),
        ("EUR", "USD", Decimal("1.1000000000"), JAN),
        ("USD", "CNY", Decimal("8.0000000000"), JAN),
    ]
    assert [r.base for r in list_rates(db.sessions, "cny")] == ["CNY"]
    assert list_rates(db.sessions)[0].id == saved.id


def test_the_same_pair_and_day_replaces_the_rate(db: Database) -> None:
    first = save_rate(db.sessions, "EUR", "USD", "1.10", JAN)
    again = save_rate(db.sessions, "EUR", "USD", "1.15", JAN)
    assert again.id == first.id
    assert [r.rate for r in list_rates(db.sessions)] == [Decimal("1.15")]


def test_changing_a_rate_by_id_and_the_clash_with_another(db: Database) -> None:
    first = save_rate(db.sessions, "EUR", "USD", "1.10", JAN)
    other = save_rate(db.sessions, "EUR", "USD", "1.20", "2026-05-01")
    save_rate(db.sessions, "EUR", "USD", "1.12", "2026-02-01", rate_id=first.id)
    assert [(r.valid_from, r.rate) for r in list_rates(db.sessions)] == [
        (dt.date(2026, 5, 1), Decimal("1.2")),
        (dt.date(2026, 2, 1), Decimal("1.12")),
    ]
    with pytest.raises(ExchangeRateError, match="already a EUR→USD rate from 2026-05-01") as err:
        save_rate(db.sessions, "EUR", "USD", "1.3", "2026-05-01", rate_id=first.id)
    assert err.value.field == "valid_from"
    assert other.id in {r.id for r in list_rates(db.sessions)}


def test_deleting_hides_a_rate_and_adding_it_again_revives_the_row(db: Database) -> None:
    saved = save_rate(db.sessions, "GBP", "USD", "1.27", JAN)
    assert delete_rate(db.sessions, saved.id).settings
    assert list_rates(db.sessions) == []
    with pytest.raises(ExchangeRateError, match="no longer exists"):
        delete_rate(db.sessions, saved.id)
    again = save_rate(db.sessions, "GBP", "USD", "1.30", JAN)
    assert again.id == saved.id
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ExchangeRate)) == 1


def test_moving_a_rate_onto_a_deleted_one_takes_that_row(db: Database) -> None:
    gone = save_rate(db.sessions, "EUR", "USD", "1.05", "2026-03-01")
    delete_rate(db.sessions, gone.id)
    kept = save_rate(db.sessions, "EUR", "USD", "1.10", JAN)
    moved = save_rate(db.sessions, "EUR", "USD", "1.07", "2026-03-01", rate_id=kept.id)
    assert moved.id == gone.id
    assert [(r.id, r.valid_from, r.rate) for r in list_rates(db.sessions)] == [
        (gone.id, dt.date(2026, 3, 1), Decimal("1.07"))
    ]


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (("EU", "USD", "1", JAN), "currency", "not a currency code"),
        (("EUR", "US1", "1", JAN), "base", "not a currency code"),
        (("EUR", "eur", "1", JAN), "base", "two different currencies"),
        (("EUR", "USD", "0", JAN), "rate", "more than zero"),
        (("EUR", "USD", "-2", JAN), "rate", "more than zero"),
        (("EUR", "USD", "abc", JAN), "rate", "not a number"),
        (("EUR", "USD", "NaN", JAN), "rate", "not a number"),
        (("EUR", "USD", "1e12", JAN), "rate", "too large"),
        (("EUR", "USD", "0.00000000001", JAN), "rate", "too small"),
        (("EUR", "USD", "1", "2026-02-30"), "valid_from", "not a date"),
    ],
)
def test_bad_input_names_the_field(args: tuple, field: str, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ExchangeRateError, match=message) as err:
        check_rate(*args)
    assert err.value.field == field


def test_reports_convert_with_saved_rates(db: Database) -> None:
    from report_data import TODAY, build_crm

    build_crm(db)
    before = pipeline_report(db.sessions, ReportFilters(today=TODAY)).total
    assert before.unconverted == (("GBP", Decimal("300.00")),)
    save_rate(db.sessions, "GBP", "USD", "1.25", JAN)
    after = pipeline_report(db.sessions, ReportFilters(today=TODAY)).total
    assert after.complete
    assert after.amount == before.amount + Decimal("375.00")
