"""Money in one currency: exchange rates by day, and what could not be converted.

Reports add amounts kept in several currencies. SQL sums them per currency (and per
month where the rate may change); these few sums are converted here with Decimal.
An amount in a currency with no rate in force on its day is never dropped and never
counted one to one: it stays in `Money.unconverted`, so the screen can say so.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm_desktop.models import ExchangeRate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

Number = Decimal | float | int


def to_decimal(value: Number | None) -> Decimal:
    """A SQL sum as Decimal: SQLite returns floats, PostgreSQL Decimals, COUNT ints."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    """An amount in the report's currency, and the amounts that have no rate into it.

    `unconverted` holds (currency, amount) pairs sorted by currency; `amount` leaves them
    out. Both are rounded to cents.
    """

    amount: Decimal = ZERO
    unconverted: tuple[tuple[str, Decimal], ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unconverted

    def __add__(self, other: Money) -> Money:
        parts: dict[str, Decimal] = dict(self.unconverted)
        for currency, amount in other.unconverted:
            parts[currency] = parts.get(currency, ZERO) + amount
        return Money(self.amount + other.amount, tuple(sorted(parts.items())))


def total(values: Iterable[Money]) -> Money:
    result = Money()
    for value in values:
        result = result + value
    return result


class RateBook:
    """The exchange rates into one currency, by day.

    A row says one `currency` is worth `rate` `base` from `valid_from` on. Rows into the
    target are used as they are, rows out of it inverted; on a day the rate in force is
    the one with the latest `valid_from` on or before it (a direct row wins a tie). Rates
    between two other currencies are not chained.
    """

    def __init__(self, target: str, rows: Iterable[tuple[str, str, Decimal, dt.date]]) -> None:
        self.target = target
        # currency -> [(valid_from, direct?, rate into target)], sorted
        table: dict[str, list[tuple[dt.date, bool, Decimal]]] = defaultdict(list)
        for currency, base, rate, valid_from in rows:
            if rate <= 0 or currency == base:
                continue
            if base == target:
                table[currency].append((valid_from, True, rate))
            elif currency == target:
                table[base].append((valid_from, False, Decimal(1) / rate))
        self._table = {currency: sorted(entries) for currency, entries in table.items()}
        self._days = {c: [entry[0] for entry in e] for c, e in self._table.items()}

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        """What one `currency` is worth in the target on `day`, or None if no rate is known."""
        if currency == self.target:
            return Decimal(1)
        days = self._days.get(currency)
        if not days:
            return None
        at = bisect.bisect_right(days, day)
        if at == 0:
            return None
        return self._table[currency][at - 1][2]

    def rates_on(self, day: dt.date) -> dict[str, Decimal]:
        """Every currency with a rate on `day` (the target included)."""
        found = {self.target: Decimal(1)}
        for currency in self._table:
            rate = self.rate(currency, day)
            if rate is not None:
                found[currency] = rate
        return found

    def convert(self, currency: str, amount: Decimal, day: dt.date) -> Money:
        rate = self.rate(currency, day)
        if rate is None:
            return Money(ZERO, ((currency, cents(amount)),))
        return Money(cents(amount * rate))


@dataclass
class MoneySum:
    """Adds amounts in any currency on any day, converting once at the end."""

    book: RateBook
    parts: dict[tuple[str, dt.date], Decimal] = field(default_factory=dict)

    def add(self, currency: str, amount: Number | None, day: dt.date) -> None:
        if amount is None:
            return
        key = (currency, day)
        self.parts[key] = self.parts.get(key, ZERO) + to_decimal(amount)

    def merge(self, other: MoneySum) -> None:
        for (currency, day), amount in other.parts.items():
            self.add(currency, amount, day)

    def money(self) -> Money:
        converted = ZERO
        missing: dict[str, Decimal] = {}
        for (currency, day), amount in self.parts.items():
            rate = self.book.rate(currency, day)
            if rate is None:
                missing[currency] = missing.get(currency, ZERO) + amount
            else:
                converted += amount * rate
        unconverted = tuple(
            (currency, cents(amount)) for currency, amount in sorted(missing.items()) if amount
        )
        return Money(cents(converted), unconverted)


def load_rates(session: Session, target: str) -> RateBook:
    """The live exchange rates into or out of `target`."""
    rows = session.execute(
        select(
            ExchangeRate.currency, ExchangeRate.base, ExchangeRate.rate, ExchangeRate.valid_from
        ).where(
            ExchangeRate.deleted_at.is_(None),
            or_(ExchangeRate.base == target, ExchangeRate.currency == target),
        )
    )
    return RateBook(
        target,
        ((c.upper(), b.upper(), to_decimal(r), day) for c, b, r, day in rows),
    )
