"""Exchange rates the team keeps: list, add or change, delete. Reports convert with them.

A rate says one `currency` is worth `rate` `base` from `valid_from` on, until a later
rate for the same pair. Reports convert into the default currency and use a rate in
either direction (EUR→USD 1.08 also converts USD amounts into EUR).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ExchangeRate, utcnow
from crm_desktop.services.changes import Changes

_CODE = re.compile(r"^[A-Z]{3}$")
_PLACES = Decimal("1e-10")  # the column keeps 10 decimals
_LIMIT = Decimal("1e10")  # and 10 digits before the point


class ExchangeRateError(ValueError):
    """A rate that cannot be saved; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RateInfo:
    id: uuid.UUID
    currency: str
    base: str
    rate: Decimal  # one `currency` is worth `rate` `base`
    valid_from: dt.date


@dataclass(frozen=True)
class RateSaved:
    id: uuid.UUID
    changes: Changes


def list_rates(sessions: sessionmaker[Session], currency: str | None = None) -> list[RateInfo]:
    """Live rates by pair, the newest first within a pair; optionally of one currency."""
    query = select(
        ExchangeRate.id,
        ExchangeRate.currency,
        ExchangeRate.base,
        ExchangeRate.rate,
        ExchangeRate.valid_from,
    ).where(ExchangeRate.deleted_at.is_(None))
    if currency:
        code = currency.strip().upper()
        query = query.where((ExchangeRate.currency == code) | (ExchangeRate.base == code))
    query = query.order_by(ExchangeRate.currency, ExchangeRate.base, ExchangeRate.valid_from.desc())
    with sessions() as session:
        return [
            RateInfo(id_, cur, base, Decimal(rate), day)
            for id_, cur, base, rate, day in session.execute(query)
        ]


def check_rate(
    currency: str, base: str, rate: Decimal | str | int | float, valid_from: dt.date | str
) -> tuple[str, str, Decimal, dt.date]:
    """The values cleaned (codes upper-case, the rate to 10 decimals), or ExchangeRateError."""
    cur = _code("currency", currency)
    base_code = _code("base", base)
    if cur == base_code:
        raise ExchangeRateError("base", "A rate needs two different currencies.")
    return cur, base_code, _rate(rate), _day(valid_from)


def save_rate(
    sessions: sessionmaker[Session],
    currency: str,
    base: str,
    rate: Decimal | str | int | float,
    valid_from: dt.date | str,
    *,
    rate_id: uuid.UUID | None = None,
) -> RateSaved:
    """Add a rate, or change one (`rate_id`).

    Adding a rate for a pair and day that already has one replaces its value. Changing a
    rate onto the pair and day of another live rate is refused.
    """
    cur, base_code, value, day = check_rate(currency, base, rate, valid_from)
    with sessions.begin() as session:
        same_key = session.scalar(
            select(ExchangeRate).where(
                ExchangeRate.currency == cur,
                ExchangeRate.base == base_code,
                ExchangeRate.valid_from == day,
            )
        )
        if rate_id is None or (same_key is not None and same_key.id == rate_id):
            row = same_key
        else:
            row = _editable(session, rate_id)
            if same_key is not None:
                if same_key.deleted_at is None:
                    raise ExchangeRateError(
                        "valid_from",
                        f"There is already a {cur}→{base_code} rate from {day.isoformat()}.",
                    )
                row.deleted_at = utcnow()  # the deleted row at that key takes the values
                row = same_key
        if row is None:
            row = ExchangeRate(currency=cur, base=base_code, rate=value, valid_from=day)
            session.add(row)
        else:
            row.currency, row.base, row.rate, row.valid_from = cur, base_code, value, day
            row.deleted_at = None
        session.flush()
        saved = row.id
    return RateSaved(saved, Changes(settings=True))


def delete_rate(sessions: sessionmaker[Session], rate_id: uuid.UUID) -> Changes:
    with sessions.begin() as session:
        row = _editable(session, rate_id)
        row.deleted_at = utcnow()
    return Changes(settings=True)


def _editable(session: Session, rate_id: uuid.UUID) -> ExchangeRate:
    row = session.get(ExchangeRate, rate_id)
    if row is None or row.deleted_at is not None:
        raise ExchangeRateError("id", "That exchange rate no longer exists.")
    return row


def _code(field: str, value: str) -> str:
    code = (value or "").strip().upper()
    if not _CODE.match(code):
        raise ExchangeRateError(
            field, f"“{value}” is not a currency code (three letters, such as EUR)."
        )
    return code


def _rate(value: Decimal | str | int | float) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(" ", "")) if value is not None else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ExchangeRateError("rate", f"“{value}” is not a number.")
    if number <= 0:
        raise ExchangeRateError("rate", "A rate must be more than zero.")
    if number >= _LIMIT:
        raise ExchangeRateError("rate", "That rate is too large.")
    rounded = number.quantize(_PLACES)
    if rounded == 0:
        raise ExchangeRateError("rate", "That rate is too small (10 decimals at most).")
    return rounded


def _day(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ExchangeRateError(
            "valid_from", f"“{value}” is not a date (year-month-day, such as 2026-01-31)."
        ) from None
