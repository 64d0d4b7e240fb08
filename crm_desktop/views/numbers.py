"""Numbers as the window shows them: one form for money and counts everywhere.

Money has thousands separators and two decimals ("76,710.00") in lists, forms, the board
and the dashboard alike; forms read the separators back when saving.
"""

from __future__ import annotations

from decimal import Decimal


def money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def count_text(count: int) -> str:
    """A count with thousands separators ("1,000,000"), as the rest of the window shows it."""
    return f"{count:,}"
