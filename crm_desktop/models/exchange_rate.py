"""Exchange rates the team keeps, so reports can add amounts in several currencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity


class ExchangeRate(Entity):
    """One unit of `currency` is worth `rate` units of `base`, from `valid_from` on.

    A rate holds until a later row for the same pair replaces it; reports use the rate
    in force on the day they convert for.
    """

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "base", "valid_from"),)

    currency: Mapped[str] = mapped_column(String(3))
    base: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    valid_from: Mapped[dt.date] = mapped_column()
