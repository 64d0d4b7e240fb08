"""The pipeline board: a pipeline's open deals by stage, with column totals and markers.

One SQL query reads every open deal of the pipeline that passes the filters, joined to
its company's and owner's names; the stages and two settings are small reads beside it.
Everything else (days in stage, stale and large markers, totals per currency) is worked
out here in Python, so the view only lays out what it gets.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Company,
    Deal,
    Event,
    LeadSource,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
)
from crm_desktop.services.deal_alerts import is_large, large_deal_threshold
from crm_desktop.services.listing import Option
from crm_desktop.services.settings import lost_reasons

__all__ = [
    "Board",
    "BoardCard",
    "BoardColumn",
    "BoardFilter",
    "BoardOptions",
    "ColumnTotals",
    "PipelineInfo",
    "StageInfo",
    "board_options",
    "board_statement",
    "column_totals",
    "days_in_stage",
    "effective_probability",
    "load_board",
    "owner_initials",
    "sort_cards",
]

ZERO = Decimal(0)


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: a pipeline (None: the default one) and the filter bar."""

    pipeline_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    source_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    tag_id: uuid.UUID | None = None
    close_from: dt.date | None = None  # expected close on or after
    close_to: dt.date | None = None  # expected close on or before
    text: str = ""  # part of the title or the company's name


@dataclass(frozen=True)
class PipelineInfo:
    id: uuid.UUID
    name: str
    is_default: bool = False


@dataclass(frozen=True)
class StageInfo:
    id: uuid.UUID
    pipeline_id: uuid.UUID
    name: str
    position: int
    probability: int  # percent
    stale_days: int | None  # None: never stale
    is_won: bool = False
    is_lost: bool = False

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)


@dataclass(frozen=True, slots=True)
class BoardCard:
    """One open deal as its card shows it."""

    id: uuid.UUID
    version: int
    stage_id: uuid.UUID
    title: str
    company: str | None
    amount: Decimal | None
    currency: str
    probability: int | None  # the deal's own; None: its stage's
    expected_close: dt.date | None
    owner: str | None
    owner_initials: str
    entered_at: dt.datetime | None  # when it came into its stage
    days_in_stage: int
    stale: bool  # in its stage longer than the stage allows
    large: bool  # amount at or above the large-deal setting


@dataclass(frozen=True)
class ColumnTotals:
    """A column's count and sums, one sum per currency (largest first).

    Amounts in different currencies are never added together: a column whose deals share
    one currency has one entry; exchange rates are the reports' business.
    """

    count: int = 0
    totals: tuple[tuple[str, Decimal], ...] = ()
    weighted: tuple[tuple[str, Decimal], ...] = ()
    stale: int = 0
    large: int = 0


@dataclass(frozen=True)
class BoardColumn:
    stage: StageInfo
    cards: tuple[BoardCard, ...]
    totals: ColumnTotals


@dataclass(frozen=True)
class Board:
    pipeline: PipelineInfo
    stages: tuple[StageInfo, ...]  # every stage of the pipeline, in order
    columns: tuple[BoardColumn, ...]  # the open stages, in order
    filter: BoardFilter
    today: dt.date
    large_deal_amount: Decimal | None

    @property
    def won_stage(self) -> StageInfo | None:
        return next((s for s in self.stages if s.is_won), None)

    @property
    def lost_stage(self) -> StageInfo | None:
        return next((s for s in self.stages if s.is_lost), None)

    @property
    def card_count(self) -> int:
        return sum(column.totals.count for column in self.columns)


@dataclass(frozen=True)
class BoardOptions:
    """Choices for the board's switcher and filter bar."""

    pipelines: tuple[PipelineInfo, ...]
    owners: tuple[Option, ...]
    sources: tuple[Option, ...]
    events: tuple[Option, ...]
    tags: tuple[Option, ...]
    lost_reasons: tuple[str, ...] = ()


class PipelineNotFoundError(LookupError):
    """There is no such pipeline (or none at all)."""


# ---- small pure helpers (the view uses them after a move too) -----------------------------


def owner_initials(name: str | None) -> str:
    """ "Anna Müller" -> "AM"; "王小明" -> "小明" (a Chinese given name is what colleagues use)."""
    if not name:
        return ""
    text = name.strip()
    if any(_is_cjk(ch) for ch in text):
        compact = "".join(text.split())
        return compact[-2:] if len(compact) >= 3 else compact
    words = [w for w in text.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return text[:2].upper()
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def days_in_stage(entered_at: dt.datetime | None, today: dt.date) -> int:
    """Whole days since the deal entered its stage (local calendar days, never negative)."""
    if entered_at is None:
        return 0
    return max((today - entered_at.astimezone().date()).days, 0)


def effective_probability(card: BoardCard, stage: StageInfo) -> int:
    """The deal's own probability when it has one, else its stage's."""
    return card.probability if card.probability is not None else stage.probability


def column_totals(cards: Iterable[BoardCard], stage: StageInfo) -> ColumnTotals:
    """Count, totals and weighted totals (amount × probability) per currency."""
    totals: dict[str, Decimal] = {}
    weighted: dict[str, Decimal] = {}
    count = stale = large = 0
    hundred = Decimal(100)
    for card in cards:
        count += 1
        stale += card.stale
        large += card.large
        if card.amount is None:
            continue
        totals[card.currency] = totals.get(card.currency, ZERO) + card.amount
        share = card.amount * effective_probability(card, stage) / hundred
        weighted[card.currency] = weighted.get(card.currency, ZERO) + share
    return ColumnTotals(
        count=count,
        totals=_by_size(totals),
        weighted=_by_size({k: v.quantize(Decimal("0.01")) for k, v in weighted.items()}),
        stale=stale,
        large=large,
    )


def _by_size(sums: dict[str, Decimal]) -> tuple[tuple[str, Decimal], ...]:
    return tuple(sorted(sums.items(), key=lambda item: (-item[1], item[0])))


def card_sort_key(card: BoardCard) -> tuple[Any, ...]:
    """Soonest expected close first, deals without a date last, then by title."""
    return (card.expected_close is None, card.expected_close or dt.date.min, card.title.lower())


# How a column can be ordered; the first is the board's default. Amounts are compared as
# plain numbers whatever their currency.
CARD_ORDERS: dict[str, Callable[[BoardCard], Any]] = {
    "close": card_sort_key,
    "amount": lambda c: (c.amount is None, -(c.amount or ZERO), c.title.lower()),
    "age": lambda c: (-c.days_in_stage, c.title.lower()),
    "title": lambda c: (c.title.lower(), c.id),
}


def sort_cards(cards: Iterable[BoardCard], order: str = "close") -> list[BoardCard]:
    return sorted(cards, key=CARD_ORDERS.get(order, card_sort_key))


# ---- loading ---------------------------------------------------------------------------------


def _pipeline(session: Session, pipeline_id: uuid.UUID | None) -> PipelineInfo:
    stmt = select(Pipeline.id, Pipeline.name, Pipeline.is_default).where(
        Pipeline.deleted_at.is_(None)
    )
    if pipeline_id is not None:
        stmt = stmt.where(Pipeline.id == pipeline_id)
    row = session.execute(
        stmt.order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.name).limit(1)
    ).first()
    if row is None:
        raise PipelineNotFoundError(
            "This pipeline was removed." if pipeline_id else "There is no sales pipeline yet."
        )
    return PipelineInfo(row[0], row[1], row[2])


def pipeline_stages(session: Session, pipeline_id: uuid.UUID) -> tuple[StageInfo, ...]:
    """A pipeline's live stages: open ones in their order, then Won, then Lost."""
    rows = session.execute(
        select(
            Stage.id,
            Stage.pipeline_id,
            Stage.name,
            Stage.position,
            Stage.probability,
            Stage.stale_days,
            Stage.is_won,
            Stage.is_lost,
        )
        .where(Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None))
        .order_by(Stage.position, Stage.name)
    ).all()
    stages = [StageInfo(*row) for row in rows]
    return tuple(sorted(stages, key=lambda s: (s.is_won + 2 * s.is_lost, s.position)))


def board_statement(flt: BoardFilter, stage_ids: Sequence[uuid.UUID]) -> Select[Any]:
    """The board's one query: open deals in these stages with their company and owner names.

    Public so the benchmark can EXPLAIN it.
    """
    columns: tuple[Any, ...] = (
        Deal.id,
        Deal.version,
        Deal.stage_id,
        Deal.title,
        Company.name,
        Deal.amount,
        Deal.currency,
        Deal.probability,
        Deal.expected_close,
        User.name,
        Deal.stage_entered_at,
        Deal.created_at,
    )
    stmt: Select[Any] = (
        select(*columns)
        .select_from(Deal)
        .outerjoin(Company, Company.id == Deal.company_id)
        .outerjoin(User, User.id == Deal.owner_id)
        .where(Deal.stage_id.in_(stage_ids), Deal.deleted_at.is_(None))
    )
    if flt.owner_id is not None:
        stmt = stmt.where(Deal.owner_id == flt.owner_id)
    if flt.source_id is not None:
        stmt = stmt.where(Deal.source_id == flt.source_id)
    if flt.event_id is not None:
        stmt = stmt.where(Deal.event_id == flt.event_id)
    if flt.tag_id is not None:
        stmt = stmt.where(
            exists().where(
                Tagging.deal_id == Deal.id,
                Tagging.tag_id == flt.tag_id,
                Tagging.deleted_at.is_(None),
            )
        )
    if flt.close_from is not None:
        stmt = stmt.where(Deal.expected_close >= flt.close_from)
    if flt.close_to is not None:
        stmt = stmt.where(Deal.expected_close <= flt.close_to)
    text = flt.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Deal.title.ilike(pattern, escape="\\"),
                Company.name.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def load_board(
    sessions: sessionmaker[Session], flt: BoardFilter, today: dt.date | None = None
) -> Board:
    """The board of `flt.pipeline_id` (the default pipeline when None) as it is now.

    `today` decides days in stage and staleness (tests pass a fixed day).
    """
    day = today or dt.date.today()
    threshold = large_deal_threshold(sessions)
    with sessions() as session:
        pipeline = _pipeline(session, flt.pipeline_id)
        stages = pipeline_stages(session, pipeline.id)
        open_stages = [s for s in stages if s.is_open]
        rows = session.execute(board_statement(flt, [s.id for s in open_stages])).all()
    stale_limit = {s.id: s.stale_days for s in open_stages}
    by_stage: dict[uuid.UUID, list[BoardCard]] = {s.id: [] for s in open_stages}
    initials: dict[str | None, str] = {}
    for row in rows:
        (deal_id, version, stage_id, title, company, amount, currency) = row[:7]
        (probability, expected, owner, entered, created) = row[7:]
        if owner not in initials:
            initials[owner] = owner_initials(owner)
        entered = entered or created
        days = days_in_stage(entered, day)
        limit = stale_limit[stage_id]
        by_stage[stage_id].append(
            BoardCard(
                id=deal_id,
                version=version,
                stage_id=stage_id,
                title=title,
                company=company,
                amount=amount,
                currency=currency,
                probability=probability,
                expected_close=expected,
                owner=owner,
                owner_initials=initials[owner],
                entered_at=entered,
                days_in_stage=days,
                stale=limit is not None and days > limit,
                # A plain comparison of numbers, as the large-deal alerts make it: the amount
                # in the deal's own currency against the setting, no exchange rate.
                large=is_large(amount, threshold),
            )
        )
    columns = []
    for stage in open_stages:
        cards = by_stage[stage.id]
        cards.sort(key=card_sort_key)
        columns.append(BoardColumn(stage, tuple(cards), column_totals(cards, stage)))
    return Board(pipeline, stages, tuple(columns), flt, day, threshold)


def board_options(sessions: sessionmaker[Session]) -> BoardOptions:
    """The pipelines to switch between and the choices of the filter bar."""
    reasons = lost_reasons(sessions)
    with sessions() as session:
        pipelines = session.execute(
            select(Pipeline.id, Pipeline.name, Pipeline.is_default)
            .where(Pipeline.deleted_at.is_(None))
            .order_by(Pipeline.position, Pipeline.name)
        ).all()

        def options(entity: Any, *order: Any) -> tuple[Option, ...]:
            rows = session.execute(
                select(entity.id, entity.name).where(entity.deleted_at.is_(None)).order_by(*order)
            )
            return tuple(Option(str(i), name) for i, name in rows)

        return BoardOptions(
            pipelines=tuple(PipelineInfo(*row) for row in pipelines),
            owners=options(User, User.name),
            sources=options(LeadSource, LeadSource.name),
            events=options(Event, Event.starts_on.desc(), Event.name),
            tags=options(Tag, Tag.name),
            lost_reasons=reasons,
        )
