"""Money, dates and totals as the board shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


def money(currency: str, amount: Decimal | None) -> str:
    """ "EUR 12,500" on a card; cents only when there are some."""
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"{currency} {amount:,.0f}"
    return f"{currency} {amount:,.2f}"


_UNITS = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))


def compact(amount: Decimal) -> str:
    """12,500 as is; 930,554 as 931K; 1,234,567 as 1.23M; 2.5e9 as 2.5B (header totals)."""
    value = abs(amount)
    sign = "-" if amount < 0 else ""
    if value < 100_000:
        return f"{sign}{value:,.0f}"
    for position, (unit, suffix) in enumerate(_UNITS):
        if value < unit:
            continue
        scaled = value / unit
        digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
        rounded = round(scaled, digits)
        if rounded >= 1000 and position > 0:  # 999,999 is 1M, not 1000K
            unit, suffix = _UNITS[position - 1]
            rounded, digits = round(value / unit, 2), 2
        text = f"{rounded:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{sign}{text}{suffix}"
    return f"{sign}{value:,.0f}"


def totals_text(sums: Sequence[tuple[str, Decimal]], *, exact: bool = False) -> str:
    """ "USD 120,000 · EUR 30,000": one sum per currency, never added across currencies."""
    if not sums:
        return "–"
    parts = [f"{cur} {money_value(total) if exact else compact(total)}" for cur, total in sums]
    return " · ".join(parts)


def money_value(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


def short_date(day: dt.date, today: dt.date) -> str:
    """ "Jun 20" this year, "Jun 20, 2027" another year."""
    month = day.strftime("%b")
    if day.year == today.year:
        return f"{month} {day.day}"
    return f"{month} {day.day}, {day.year}"


def days_text(days: int) -> str:
    return _tr("%1 d").replace("%1", str(days))
