"""The pipeline board: a pipeline's open deals by stage, with column totals and markers.

One SQL query reads every open deal of the pipeline that passes the filters, joined to
its company's and owner's names; the stages and two settings are small reads beside it.
Everything else (days in stage, stale and large markers, totals per currency) is worked
out here in Python, so the view only lays out what it gets.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar, overload

from sqlalchemy import Select, String, cast, exists, func, or_, select, type_coerce
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
from crm_desktop.services.deal_alerts import LargeDealTest, large_deal_test
from crm_desktop.services.listing import Option
from crm_desktop.services.query_text import clean_query, escape_like
from crm_desktop.services.settings import lost_reasons

__all__ = [
    "Board",
    "BoardCard",
    "BoardColumn",
    "BoardFilter",
    "BoardOptions",
    "CardList",
    "ColumnTotals",
    "PipelineInfo",
    "StageInfo",
    "adjust_totals",
    "board_options",
    "board_statement",
    "column_totals",
    "effective_probability",
    "load_board",
    "owner_initials",
    "sort_cards",
]

ZERO = Decimal(0)
FETCH_SLICE = 2000  # rows read at a time


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


class BoardCard(NamedTuple):
    """One open deal as its card shows it.

    A NamedTuple, not a frozen dataclass like the rest: a board can hold 100,000 cards,
    and a tuple is built four times faster. A board keeps its cards as plain tuples of
    plain values (see CardList), hence the ids as integers; `id` and `stage_id` make
    UUIDs of them.
    """

    deal: int  # the deal's UUID as an integer
    version: int
    stage: int  # its stage's UUID as an integer
    title: str
    company: str | None
    amount: Decimal | None
    currency: str
    probability: int | None  # the deal's own; None: its stage's
    expected_close: dt.date | None
    owner: str | None
    owner_initials: str
    days_in_stage: int
    stale: bool  # in its stage longer than the stage allows
    large: bool  # amount at or above the large-deal setting

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.deal)

    @property
    def stage_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.stage)


Row = tuple[Any, ...]  # a card's values as a plain tuple, in BoardCard's field order
_FIELD = {name: index for index, name in enumerate(BoardCard._fields)}
_DEAL, _STAGE, _TITLE = _FIELD["deal"], _FIELD["stage"], _FIELD["title"]
_AMOUNT, _CURRENCY, _PROBABILITY = _FIELD["amount"], _FIELD["currency"], _FIELD["probability"]
_CLOSE, _DAYS, _STALE, _LARGE = (
    _FIELD["expected_close"],
    _FIELD["days_in_stage"],
    _FIELD["stale"],
    _FIELD["large"],
)
_make_card = BoardCard._make


class CardList(Sequence[BoardCard]):
    """A column's cards, kept as plain tuples and handed out as BoardCards.

    The cyclic garbage collector stops watching a plain tuple of numbers, text and dates
    at its first pass, but never a NamedTuple (a subclass): 100,000 cards kept as
    BoardCards made every full sweep of the collector walk them all, freezing the program
    for up to half a second. `rows` are the plain tuples, for the board's own views.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: Sequence[Row] = ()) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> BoardCard: ...

    @overload
    def __getitem__(self, index: slice) -> list[BoardCard]: ...

    def __getitem__(self, index: int | slice) -> BoardCard | list[BoardCard]:
        if isinstance(index, slice):
            return [_make_card(row) for row in self.rows[index]]
        return _make_card(self.rows[index])

    def __iter__(self) -> Iterator[BoardCard]:
        return map(_make_card, self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CardList) and tuple(self.rows) == tuple(other.rows)

    def __hash__(self) -> int:
        return hash(tuple(self.rows))

    def __repr__(self) -> str:
        return f"CardList({len(self.rows)} cards)"


@dataclass(frozen=True)
class ColumnTotals:
    """A column's count and sums, one sum per currency (the most used currency first).

    Amounts in different currencies are never added together: a column whose deals share
    one currency has one entry; exchange rates are the reports' business.
    """

    count: int = 0
    totals: tuple[tuple[str, Decimal], ...] = ()
    weighted: tuple[tuple[str, Decimal], ...] = ()
    stale: int = 0
    large: int = 0
    deals: tuple[tuple[str, int], ...] = ()  # deals with an amount, per currency


@dataclass(frozen=True)
class BoardColumn:
    stage: StageInfo
    cards: CardList
    totals: ColumnTotals


@dataclass(frozen=True)
class Board:
    pipeline: PipelineInfo
    stages: tuple[StageInfo, ...]  # every stage of the pipeline, in order
    columns: tuple[BoardColumn, ...]  # the open stages, in order
    filter: BoardFilter
    today: dt.date
    large_deal_amount: Decimal | None
    order: str = "close"  # how each column's cards are sorted

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


def effective_probability(card: BoardCard, stage: StageInfo) -> int:
    """The deal's own probability when it has one, else its stage's."""
    return card.probability if card.probability is not None else stage.probability


def column_totals(cards: Iterable[Row], stage: StageInfo) -> ColumnTotals:
    """Count, totals and weighted totals (amount × probability) per currency.

    `cards` are BoardCards or their plain tuples (`CardList.rows`).
    """
    # Sums by (currency, probability) first: one Decimal addition per card, and the
    # weighting once per group.
    sums: dict[tuple[str, int], Decimal] = {}
    deals: dict[str, int] = {}
    count = stale = large = 0
    for card in cards:
        count += 1
        stale += card[_STALE]
        large += card[_LARGE]
        amount = card[_AMOUNT]
        if amount is None:
            continue
        currency, own = card[_CURRENCY], card[_PROBABILITY]
        key = (currency, stage.probability if own is None else own)
        sums[key] = sums.get(key, ZERO) + amount
        deals[currency] = deals.get(currency, 0) + 1
    totals = dict.fromkeys(deals, ZERO)
    weighted = dict.fromkeys(deals, ZERO)
    for (currency, probability), amount in sums.items():
        totals[currency] += amount
        weighted[currency] += amount * probability / 100
    return _totals(count, stale, large, deals, totals, weighted)


def _totals(
    count: int,
    stale: int,
    large: int,
    deals: dict[str, int],
    totals: dict[str, Decimal],
    weighted: dict[str, Decimal],
) -> ColumnTotals:
    # Most deals first: sums in different currencies have no size to compare.
    order = sorted((c for c in deals if deals[c]), key=lambda c: (-deals[c], c))
    cent = Decimal("0.01")
    return ColumnTotals(
        count=count,
        totals=tuple((c, totals[c]) for c in order),
        weighted=tuple((c, weighted[c].quantize(cent)) for c in order),
        stale=stale,
        large=large,
        deals=tuple((c, deals[c]) for c in order),
    )


def adjust_totals(
    totals: ColumnTotals, card: BoardCard, stage: StageInfo, sign: int
) -> ColumnTotals:
    """The totals with one card added (sign 1) or taken out (sign -1), in constant time.

    A move on a 40,000-card board updates two headers without summing the columns again.
    """
    deals = dict(totals.deals)
    sums = dict(totals.totals)
    weighted = dict(totals.weighted)
    if card.amount is not None:
        currency = card.currency
        deals[currency] = deals.get(currency, 0) + sign
        sums[currency] = sums.get(currency, ZERO) + sign * card.amount
        share = card.amount * effective_probability(card, stage) / 100
        weighted[currency] = weighted.get(currency, ZERO) + sign * share
    return _totals(
        totals.count + sign,
        totals.stale + sign * card.stale,
        totals.large + sign * card.large,
        deals,
        sums,
        weighted,
    )


def card_sort_key(card: Row) -> tuple[Any, ...]:
    """Soonest expected close first, deals without a date last, then by title."""
    return (card[_CLOSE] or _NO_DATE, card[_TITLE].lower())


_NO_DATE = dt.date.max

# How a column can be ordered; the first is the board's default. Amounts are compared as
# plain numbers whatever their currency. The keys take BoardCards or their plain tuples.
CARD_ORDERS: dict[str, Callable[[Row], Any]] = {
    "close": card_sort_key,
    "amount": lambda c: (-(c[_AMOUNT] or ZERO), c[_AMOUNT] is None, c[_TITLE].lower()),
    "age": lambda c: (-c[_DAYS], c[_TITLE].lower()),
    "title": lambda c: (c[_TITLE].lower(), c[_DEAL]),
}

_R = TypeVar("_R", bound=Row)


def sort_cards(cards: Iterable[_R], order: str = "close") -> list[_R]:
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

    The ids come back as text and the time the deal entered its stage as the driver reads
    it (text on SQLite, a datetime on PostgreSQL); `load_board` converts them: at 100,000
    cards the per-value type processing cost more than the query itself.
    Public so the benchmark can EXPLAIN it.
    """
    columns: tuple[Any, ...] = (
        cast(Deal.id, String),  # text on both: PostgreSQL's driver makes no UUID objects
        Deal.version,
        cast(Deal.stage_id, String),
        Deal.title,
        Company.name,
        Deal.amount,
        Deal.currency,
        Deal.probability,
        Deal.expected_close,
        User.name,
        type_coerce(func.coalesce(Deal.stage_entered_at, Deal.created_at), String),
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
    text = clean_query(flt.text).strip()
    if text:
        pattern = f"%{escape_like(text)}%"
        stmt = stmt.where(
            or_(
                Deal.title.ilike(pattern, escape="\\"),
                Company.name.ilike(pattern, escape="\\"),
            )
        )
    return stmt


class _DaysSince:
    """Days from the moment a deal entered its stage to `today`, in local calendar days.

    SQLite gives the moment as UTC text: the local date is worked out once per hour of
    text ("2026-03-04 12"), not once per deal. PostgreSQL gives aware datetimes.
    """

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.offset = dt.datetime.now().astimezone().utcoffset() or dt.timedelta(0)
        self.by_hour: dict[str, int] = {}

    def __call__(self, moment: Any) -> int:
        if moment is None:
            return 0
        if isinstance(moment, dt.datetime):
            return max((self.today - moment.astimezone().date()).days, 0)
        hour = moment[:13]
        days = self.by_hour.get(hour)
        if days is None:
            utc = dt.datetime.fromisoformat(hour + ":00")
            days = max((self.today - (utc + self.offset).date()).days, 0)
            self.by_hour[hour] = days
        return days


def load_board(
    sessions: sessionmaker[Session],
    flt: BoardFilter,
    today: dt.date | None = None,
    order: str = "close",
) -> Board:
    """The board of `flt.pipeline_id` (the default pipeline when None) as it is now.

    `today` decides days in stage and staleness (tests pass a fixed day); `order` is how
    each column's cards are sorted (a key of CARD_ORDERS).
    """
    day = today or dt.date.today()
    large = large_deal_test(sessions, day)
    with sessions() as session:
        pipeline = _pipeline(session, flt.pipeline_id)
        stages = pipeline_stages(session, pipeline.id)
        open_stages = [s for s in stages if s.is_open]
        statement = board_statement(flt, [s.id for s in open_stages])
        maker = _CardMaker(stages, day, large)
        # In slices, each made into cards before the next is read: one fetch of 100,000
        # rows is a single long call that keeps the interpreter lock from the GUI thread,
        # and so is freeing them all at once.
        for part in session.connection().execute(statement).partitions(FETCH_SLICE):
            maker.add(part)
    return maker.board(pipeline, flt, order)


class _CardMaker:
    """Rows of the board query made into cards, by stage."""

    def __init__(
        self, stages: tuple[StageInfo, ...], day: dt.date, large: LargeDealTest | None
    ) -> None:
        self.stages = stages
        self.day = day
        self.large = large
        self.threshold = large.threshold if large is not None else None
        self.open = [s for s in stages if s.is_open]
        self.stage_of: dict[Any, StageInfo] = {}
        for stage in self.open:
            for key in (stage.id, stage.id.hex, str(stage.id)):
                self.stage_of[key] = stage
        self.cards: dict[uuid.UUID, list[Row]] = {s.id: [] for s in self.open}
        self.initials: dict[str | None, str] = {}
        self.days_since = _DaysSince(day)

    def add(self, rows: Sequence[Any]) -> None:
        large, initials, days_since = self.large, self.initials, self.days_since
        for row in rows:
            (raw_id, version, raw_stage, title, company, amount, currency) = row[:7]
            (probability, expected, owner, entered) = row[7:]
            if owner not in initials:
                initials[owner] = owner_initials(owner)
            stage = self.stage_of[raw_stage]
            days = days_since(entered)
            limit = stage.stale_days
            self.cards[stage.id].append(
                (  # a plain tuple in BoardCard's order: see CardList
                    int(raw_id.replace("-", ""), 16),
                    version,
                    stage.id.int,
                    title,
                    company,
                    amount,
                    currency,
                    probability,
                    expected,
                    owner,
                    initials[owner],
                    days,
                    limit is not None and days > limit,
                    # Converted into the default currency first, as the alerts do.
                    large is not None and large(amount, currency),
                )
            )

    def board(self, pipeline: PipelineInfo, flt: BoardFilter, order: str) -> Board:
        columns = []
        for stage in self.open:
            rows = self.cards[stage.id]
            rows.sort(key=CARD_ORDERS.get(order, card_sort_key))
            columns.append(BoardColumn(stage, CardList(tuple(rows)), column_totals(rows, stage)))
        return Board(pipeline, self.stages, tuple(columns), flt, self.day, self.threshold, order)


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
