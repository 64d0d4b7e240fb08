"""One column of the board as a list model: the cards of one stage, dragged as deal ids."""

from __future__ import annotations

import bisect
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from crm_desktop.services.pipeline.board import (
    CARD_ORDERS,
    BoardCard,
    CardList,
    Row,
    StageInfo,
    card_sort_key,
    sort_cards,
)
from crm_desktop.views.pipeline.format import money

CARD_ROLE = Qt.ItemDataRole.UserRole + 1  # the BoardCard
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the deal's uuid.UUID
MIME_TYPE = "application/x-crm-deal-ids"
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("PipelineBoard", text, None, n)


def encode_deals(cards: Sequence[BoardCard]) -> QMimeData:
    """Deal ids and their stages as JSON under our own type (and the titles as text)."""
    mime = QMimeData()
    payload = [{"id": str(c.id), "stage": str(c.stage_id)} for c in cards]
    mime.setData(MIME_TYPE, QByteArray(json.dumps(payload).encode()))
    mime.setText("\n".join(c.title for c in cards))
    return mime


def decode_deals(mime: QMimeData | None) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(deal id, stage id) pairs from a drag; empty when it is not ours or is damaged."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        return [(uuid.UUID(item["id"]), uuid.UUID(item["stage"])) for item in payload]
    except (ValueError, KeyError, TypeError):
        return []


class StageCardModel(QAbstractListModel):
    """The cards of one stage, in the board's order; a drop asks the board to move deals."""

    deals_dropped = Signal(object, object)  # [(deal id, its stage id)], the target stage id

    def __init__(self, stage: StageInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.order = "close"
        # Plain tuples, BoardCards made as they are asked for (see CardList: tuples of
        # plain values cost the cyclic garbage collector nothing).
        self._cards: list[Row] = []
        self._rows: dict[int, int] | None = {}
        self.tooltip_hint: Callable[[], str] = lambda: ""

    # ---- contents ----------------------------------------------------------------------

    def set_cards(
        self,
        cards: CardList | Sequence[BoardCard],
        stage: StageInfo | None = None,
        order: str | None = None,
    ) -> list[Row]:
        """Show these cards; `order` says how they are sorted already (the service sorts).

        Returns the cards shown before, for the caller to free off the GUI thread.
        """
        rows = list(cards.rows) if isinstance(cards, CardList) else [tuple(c) for c in cards]
        self.beginResetModel()
        if stage is not None:
            self.stage = stage
        previous = self._cards
        self._cards = rows if order == self.order else sort_cards(rows, self.order)
        self._reindex()
        self.endResetModel()
        return previous

    def set_order(self, order: str) -> None:
        """Re-sort the column ("close", "amount", "age", "title"); selection stays put."""
        if order == self.order:
            return
        self.layoutAboutToBeChanged.emit()
        before = self._cards
        self.order = order
        self._cards = sort_cards(before, order)
        self._reindex()
        sources = self.persistentIndexList()
        targets = [
            self.index(self._row_of_deal(before[i.row()][0]) or 0)
            if 0 <= i.row() < len(before)
            else QModelIndex()
            for i in sources
        ]
        self.changePersistentIndexList(sources, targets)
        self.layoutChanged.emit()

    def cards(self) -> list[BoardCard]:
        return [BoardCard._make(row) for row in self._cards]

    def card_at(self, row: int) -> BoardCard | None:
        return BoardCard._make(self._cards[row]) if 0 <= row < len(self._cards) else None

    def row_of(self, deal_id: uuid.UUID) -> int | None:
        return self._row_of_deal(deal_id.int)

    def _row_of_deal(self, deal: int) -> int | None:
        if self._rows is None:
            # Built on demand, keyed by the id's integer: 40,000 cards take milliseconds.
            self._rows = {row[0]: number for number, row in enumerate(self._cards)}
        return self._rows.get(deal)

    def find(self, card: BoardCard) -> int | None:
        """The row of this card, found by its place in the column's order (a binary search).

        Falls back on the id index when the card's sort fields changed since it was shown.
        """
        key: Callable[[Row], Any] = CARD_ORDERS.get(self.order, card_sort_key)
        wanted = key(card)
        row = bisect.bisect_left(self._cards, wanted, key=key)
        while row < len(self._cards) and key(self._cards[row]) == wanted:
            if self._cards[row][0] == card.deal:
                return row
            row += 1
        return self._row_of_deal(card.deal)

    def take(self, card: BoardCard) -> int | None:
        """Remove a card (it moved elsewhere); the row it had."""
        row = self.find(card)
        if row is None:
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._cards[row]
        self._reindex()
        self.endRemoveRows()
        return row

    def put(self, card: BoardCard) -> int:
        """Insert a card where the column's order puts it; its row."""
        key: Callable[[Row], Any] = CARD_ORDERS.get(self.order, card_sort_key)
        row = bisect.bisect_right(self._cards, key(card), key=key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._cards.insert(row, tuple(card))
        self._reindex()
        self.endInsertRows()
        return row

    def _reindex(self) -> None:
        self._rows = None  # rows moved: row_of builds the index again when asked

    # ---- the model interface -----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = BoardCard._make(self._cards[index.row()])
        if role == CARD_ROLE:
            return card
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == ID_ROLE:
            return card.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ", ".join(
                part
                for part in (card.title, card.company, money(card.currency, card.amount))
                if part
            )
        return None

    def _tooltip(self, card: BoardCard) -> str:
        lines = [card.title]
        if card.company:
            lines.append(card.company)
        if card.amount is not None:
            amount = money(card.currency, card.amount)
            if card.probability is not None:
                amount += " " + _tr("at %1 % (its own probability)").replace(
                    "%1", str(card.probability)
                )
            lines.append(amount)
        if card.owner:
            lines.append(_tr("Owner: %1").replace("%1", card.owner))
        if card.expected_close:
            lines.append(_tr("Expected close: %1").replace("%1", card.expected_close.isoformat()))
        in_stage = card.days_in_stage
        days = QCoreApplication.translate("PipelineBoard", "%n day(s) in %1", None, in_stage)
        days = days.replace("%1", self.stage.name)
        if card.stale:
            limit = self.stage.stale_days or 0
            days += " — " + QCoreApplication.translate(
                "PipelineBoard", "stale (limit %n day(s))", None, limit
            )
        lines.append(days)
        if card.large:
            lines.append(_tr("Large deal"))
        hint = self.tooltip_hint()
        if hint:
            lines.append("")
            lines.append(hint)
        return "\n".join(lines)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_deals(
            [BoardCard._make(self._cards[r]) for r in rows if 0 <= r < len(self._cards)]
        )

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        deals = decode_deals(data)
        return any(stage != self.stage.id for _deal, stage in deals)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        """A card dropped here: the board moves it (after the drag has ended).

        Nothing is removed by the drag itself: the model has no removeRows, and the board
        moves the card between models when it takes the move.
        """
        if action == Qt.DropAction.IgnoreAction:
            return True
        moving = [(deal, stage) for deal, stage in decode_deals(data) if stage != self.stage.id]
        if not moving:
            return False
        self.deals_dropped.emit(moving, self.stage.id)
        return True
