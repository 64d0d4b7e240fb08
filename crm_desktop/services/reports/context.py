"""What every report query shares: the pipeline's stages, the rates, the deal conditions.

One `ReportContext` is loaded per run (a few small queries); the report queries then
filter deals by stage ids instead of joining the stage table. It also knows what
differs between SQLite and PostgreSQL: how SQL takes a month, how days between two
timestamps are counted, and how to group by ids (see `keys`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    SQLColumnExpression,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session

from crm_desktop.models import Deal, Setting, Stage
from crm_desktop.models.seed import DEFAULT_SETTINGS
from crm_desktop.services.reports.filters import (
    ReportFilters,
    ReportScope,
    day_start,
    month_end,
    owner_name,
    parse_month,
    resolve_pipeline,
)
from crm_desktop.services.reports.keys import GroupKeys
from crm_desktop.services.reports.money import Number, RateBook, load_rates, to_decimal


def month_key(value: str | dt.datetime | dt.date | None) -> dt.date | None:
    """A month from `ReportContext.month_of` ("YYYY-MM" text or a timestamp) as its first day."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_month(value)
    return dt.date(value.year, value.month, 1)


@dataclass(frozen=True)
class StageInfo:
    id: uuid.UUID
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool


@dataclass(frozen=True)
class PipelineStages:
    """The live stages of one pipeline in board order."""

    stages: tuple[StageInfo, ...]

    @property
    def open(self) -> tuple[StageInfo, ...]:
        return tuple(s for s in self.stages if not s.is_won and not s.is_lost)

    @property
    def won(self) -> tuple[StageInfo, ...]:
        return tuple(s for s in self.stages if s.is_won)

    @property
    def lost(self) -> tuple[StageInfo, ...]:
        return tuple(s for s in self.stages if s.is_lost)

    @property
    def ids(self) -> list[uuid.UUID]:
        return [s.id for s in self.stages]

    def by_id(self) -> dict[uuid.UUID, StageInfo]:
        return {s.id: s for s in self.stages}


@dataclass(frozen=True)
class ReportContext:
    scope: ReportScope
    stages: PipelineStages
    rates: RateBook
    dialect: str  # "sqlite" or "postgresql"

    @property
    def today(self) -> dt.date:
        return self.scope.today

    def closing_day(self, month: dt.date | None) -> dt.date:
        """The day a closed deal's amount is converted for: its month's last, at most today.

        Amounts are summed per month in SQL, so a rate that changes within a month applies
        to the whole month from the month's end on.
        """
        if month is None:
            return self.today
        return min(month_end(month), self.today)

    # ---- SQL building blocks -------------------------------------------------------------

    def deals(self, *, stages: Sequence[StageInfo] | None = None) -> list[ColumnElement[bool]]:
        """Conditions of the deals a report counts: live, this pipeline, a live stage, owner."""
        chosen = self.stages.stages if stages is None else stages
        conditions: list[ColumnElement[bool]] = [
            Deal.deleted_at.is_(None),
            Deal.pipeline_id == self.scope.pipeline_id,
            Deal.stage_id.in_([s.id for s in chosen]),
        ]
        if self.scope.owner_id is not None:
            conditions.append(Deal.owner_id == self.scope.owner_id)
        return conditions

    def in_range(self, column: SQLColumnExpression[Any]) -> list[ColumnElement[bool]]:
        """The report's date range on a timestamp column (UTC days, both ends included)."""
        conditions: list[ColumnElement[bool]] = []
        if self.scope.date_from is not None:
            conditions.append(column >= day_start(self.scope.date_from))
        if self.scope.date_to is not None:
            conditions.append(column < day_start(self.scope.date_to + dt.timedelta(days=1)))
        return conditions

    def dates_in_range(self, column: SQLColumnExpression[Any]) -> list[ColumnElement[bool]]:
        """The report's date range on a date column (both ends included)."""
        conditions: list[ColumnElement[bool]] = []
        if self.scope.date_from is not None:
            conditions.append(column >= self.scope.date_from)
        if self.scope.date_to is not None:
            conditions.append(column <= self.scope.date_to)
        return conditions

    def month_of(self, column: SQLColumnExpression[Any], *, is_date: bool = False) -> Any:
        """The month of a UTC timestamp (or of a date), computed in SQL; `month_key` reads it.

        SQLite keeps both as ISO text, so the month is the first 7 characters. PostgreSQL
        truncates a timestamp at UTC (a date without a time zone is much cheaper).
        """
        if self.dialect == "sqlite":
            return func.substr(column, 1, 7)
        if is_date:
            return func.date_trunc("month", cast(column, DateTime()))
        return func.date_trunc("month", func.timezone("UTC", column))

    def group_keys(self) -> GroupKeys:
        """GROUP BY keys the way this database groups fastest."""
        return GroupKeys(sqlite=self.dialect == "sqlite")

    def days_between(
        self, start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]
    ) -> ColumnElement[Any]:
        """Days from `start` to `end` (fractional), computed in SQL."""
        if self.dialect == "sqlite":
            return func.julianday(end) - func.julianday(start)
        return func.extract("epoch", end - start) / 86400.0


def default_currency(session: Session) -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == "default_currency"))
    return (value or DEFAULT_SETTINGS["default_currency"] or "USD").strip().upper()


def load_stages(session: Session, pipeline_id: uuid.UUID) -> PipelineStages:
    rows = session.execute(
        select(Stage.id, Stage.name, Stage.position, Stage.probability, Stage.is_won, Stage.is_lost)
        .where(Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None))
        .order_by(Stage.position, Stage.name)
    )
    return PipelineStages(tuple(StageInfo(*row) for row in rows))


WORK_MEM = "64MB"


def prepare_session(session: Session) -> None:
    """Let PostgreSQL group in memory for this transaction.

    With the default 4 MB it sorts the deals on disk to group them (it cannot know how
    few groups there are), which makes a report several times slower.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))


def load_context(session: Session, filters: ReportFilters) -> ReportContext:
    """The stages, rates and names a run needs; also prepares `session` for reports."""
    prepare_session(session)
    pipeline_id, pipeline_name = resolve_pipeline(session, filters.pipeline_id)
    currency = default_currency(session)
    scope = ReportScope(
        currency=currency,
        pipeline_id=pipeline_id,
        pipeline_name=pipeline_name,
        owner_id=filters.owner_id,
        owner_name=owner_name(session, filters.owner_id),
        date_from=filters.date_from,
        date_to=filters.date_to,
        today=filters.reference_day(),
    )
    bind = session.get_bind()
    return ReportContext(
        scope=scope,
        stages=load_stages(session, pipeline_id),
        rates=load_rates(session, currency),
        dialect=bind.dialect.name,
    )


def weighted_value(plain: Number | None, overridden: Number | None, probability: int) -> Decimal:
    """Σ amount × probability / 100 of a group of open deals.

    `plain` sums the amounts of deals without a probability of their own (they take
    the stage's), `overridden` sums amount × the deal's own probability; so SQL needs no
    join to the stage table.
    """
    return (to_decimal(plain) * probability + to_decimal(overridden)) / 100
