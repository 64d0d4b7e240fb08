"""Exchange rates by day, inverted rates, and amounts that have no rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crm_desktop.services.reports.money import Money, MoneySum, RateBook, to_decimal, total

D = Decimal
JAN, MAY = dt.date(2026, 1, 1), dt.date(2026, 5, 1)


def _book() -> RateBook:
    return RateBook(
        "USD",
        [
            ("EUR", "USD", D("1.10"), JAN),
            ("EUR", "USD", D("1.20"), MAY),
            ("USD", "CNY", D("8"), JAN),  # the other way round: 1 CNY = 0.125 USD
            ("USD", "JPY", D("150"), MAY),
            ("JPY", "USD", D("0.0070"), MAY),  # both ways on one day: the direct row wins
            ("CHF", "EUR", D("1.05"), JAN),  # neither side is USD: not chained
            ("SEK", "USD", D("0"), JAN),  # not a rate
        ],
    )


def test_the_rate_in_force_is_the_latest_on_or_before_the_day() -> None:
    book = _book()
    assert book.rate("EUR", dt.date(2025, 12, 31)) is None
    assert book.rate("EUR", JAN) == D("1.10")
    assert book.rate("EUR", dt.date(2026, 4, 30)) == D("1.10")
    assert book.rate("EUR", MAY) == D("1.20")
    assert book.rate("EUR", dt.date(2030, 1, 1)) == D("1.20")
    assert book.rate("USD", dt.date(1999, 1, 1)) == 1


def test_rates_the_other_way_round_are_inverted_and_a_direct_one_wins_a_tie() -> None:
    book = _book()
    assert book.rate("CNY", dt.date(2026, 3, 1)) == D("0.125")
    assert book.rate("JPY", MAY) == D("0.0070")
    assert book.rate("CHF", MAY) is None
    assert book.rate("SEK", MAY) is None
    assert book.rates_on(dt.date(2026, 3, 1)) == {
        "USD": 1,
        "EUR": D("1.10"),
        "CNY": D("0.125"),
    }


def test_a_sum_converts_each_day_at_its_rate_and_keeps_what_has_none() -> None:
    parts = MoneySum(_book())
    parts.add("EUR", D("100"), dt.date(2026, 2, 1))  # 110.00
    parts.add("EUR", 100.0, dt.date(2026, 6, 1))  # 120.00 (a float, as SQLite sums)
    parts.add("CNY", 80, dt.date(2026, 6, 1))  # 10.00
    parts.add("GBP", D("5.005"), dt.date(2026, 6, 1))
    parts.add("GBP", D("1"), dt.date(2026, 1, 1))
    parts.add("EUR", D("7"), dt.date(2025, 6, 1))  # before the first EUR rate
    parts.add("USD", None, dt.date(2026, 6, 1))
    money = parts.money()
    assert money == Money(D("240.00"), (("EUR", D("7.00")), ("GBP", D("6.01"))))
    assert not money.complete
    assert str(money.amount) == "240.00"


def test_money_adds_up_per_currency() -> None:
    a = Money(D("1.50"), (("GBP", D("2.00")),))
    b = Money(D("2.25"), (("EUR", D("1.00")), ("GBP", D("3.00"))))
    assert a + b == Money(D("3.75"), (("EUR", D("1.00")), ("GBP", D("5.00"))))
    assert total([a, b, Money()]) == a + b
    assert Money().complete


def test_sql_sums_become_exact_decimals() -> None:
    assert to_decimal(None) == 0
    assert to_decimal(0.1 + 0.2) == D("0.30000000000000004")
    assert to_decimal(7) == D(7)
