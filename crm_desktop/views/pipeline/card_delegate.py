"""A deal card painted by a delegate: thousands of cards, no widget per card.

Colours come from the view's palette (cards on Base, text in Text, secondary text in
PlaceholderText, selection in Highlight), so the board follows light and dark themes;
the few signal colours (stale, large, overdue) are toned to the palette's lightness.
"""

from __future__ import annotations

import datetime as dt
import zlib

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crm_desktop.services.pipeline.board import BoardCard
from crm_desktop.views.pipeline.card_model import CARD_ROLE
from crm_desktop.views.pipeline.format import days_text, money, short_date

_Index = QModelIndex | QPersistentModelIndex

MARGIN_X = 6  # between the card and the column's edge
MARGIN_Y = 3  # half the gap between two cards
PAD = 8  # inside the card
RADIUS = 6.0
STRIPE = 4  # the stale marker on the card's left edge


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def blend(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0..1) of the way to `b`."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def signal_color(name: str, palette: QPalette) -> QColor:
    """The stale / large / overdue / won / lost colours, readable on light and dark Base."""
    light, dark = {
        "stale": ("#c25e00", "#ffa657"),
        "large": ("#8a6d00", "#e3b341"),
        "overdue": ("#c62828", "#ff7b72"),
        "won": ("#1a7f37", "#56d364"),
        "lost": ("#b42318", "#ff7b72"),
    }[name]
    return QColor(dark if is_dark(palette) else light)


def owner_color(name: str, palette: QPalette) -> QColor:
    """A steady colour per owner, so a rep's cards are spotted at a glance."""
    hue = zlib.crc32(name.encode()) % 360
    return QColor.fromHsl(hue, 110, 95 if is_dark(palette) else 120)


class DealCardDelegate(QStyledItemDelegate):
    """Title and owner initials; company; amount, expected close and days in stage."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(220, 2 * MARGIN_Y + 2 * PAD + 3 * line + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, BoardCard):
            return
        painter.save()
        try:
            self._paint_card(painter, option, card)
        finally:
            painter.restore()

    def _paint_card(self, painter: QPainter, option: QStyleOptionViewItem, card: BoardCard) -> None:
        palette = option.palette
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        focused = bool(state & QStyle.StateFlag.State_HasFocus)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        rect = QRectF(option.rect).adjusted(MARGIN_X + 0.5, MARGIN_Y + 0.5, -MARGIN_X, -MARGIN_Y)
        path = QPainterPath()
        path.addRoundedRect(rect, RADIUS, RADIUS)
        fill = blend(base, highlight, 0.10) if selected else base
        if hovered and not selected:
            fill = blend(base, highlight, 0.05)
        painter.fillPath(path, fill)
        if selected:
            painter.setPen(QPen(highlight, 2.0 if focused else 1.5))
        else:
            painter.setPen(QPen(blend(base, text, 0.18), 1.0))
        painter.drawPath(path)
        if card.stale:  # over the border, so a selected card shows it too
            painter.save()
            painter.setClipPath(path)
            painter.fillRect(
                QRectF(rect.left(), rect.top(), STRIPE, rect.height()),
                signal_color("stale", palette),
            )
            painter.restore()

        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        left = rect.left() + PAD + (STRIPE if card.stale else 0)
        right = rect.right() - PAD
        top = rect.top() + PAD

        # Owner initials in a coloured pill, top right (a circle for two Latin letters).
        badge = 0.0
        if card.owner_initials:
            small = QFont(font)
            small.setPointSizeF(max(font.pointSizeF() * 0.78, 6.0))
            small.setBold(True)
            height = float(line + 2)
            width = max(height, QFontMetrics(small).horizontalAdvance(card.owner_initials) + 10.0)
            pill = QRectF(right - width, top - 1, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(owner_color(card.owner or "", palette))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setFont(small)
            painter.setPen(QColor("white"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, card.owner_initials)
            badge = width + 6

        # Title, bold; a star first when the deal is large.
        bold = QFont(font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        x = left
        if card.large:
            star = "★"
            painter.setFont(bold)
            painter.setPen(signal_color("large", palette))
            painter.drawText(int(x), int(top + bold_metrics.ascent()), star)
            x += bold_metrics.horizontalAdvance(star + " ")
        painter.setFont(bold)
        painter.setPen(text)
        title = bold_metrics.elidedText(
            card.title, Qt.TextElideMode.ElideRight, int(right - badge - x)
        )
        painter.drawText(int(x), int(top + bold_metrics.ascent()), title)

        # Company, muted.
        painter.setFont(font)
        painter.setPen(muted)
        company = metrics.elidedText(
            card.company or _tr("no company"), Qt.TextElideMode.ElideRight, int(right - left)
        )
        second = top + line + 2
        painter.drawText(int(left), int(second + metrics.ascent()), company)

        # Amount on the left; expected close and days in stage on the right.
        third = second + line + 6
        baseline = int(third + metrics.ascent())
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.9)
        small_metrics = QFontMetrics(small)
        x_right = right
        days = days_text(card.days_in_stage)
        painter.setFont(small)
        painter.setPen(signal_color("stale", palette) if card.stale else muted)
        x_right -= small_metrics.horizontalAdvance(days)
        painter.drawText(int(x_right), baseline, days)
        if card.expected_close is not None:
            when = short_date(card.expected_close, self.today) + "  ·  "
            overdue = card.expected_close < self.today
            painter.setPen(signal_color("overdue", palette) if overdue else muted)
            x_right -= small_metrics.horizontalAdvance(when)
            painter.drawText(int(x_right), baseline, when)
        amount = money(card.currency, card.amount) or _tr("no amount")
        painter.setFont(bold if card.large else font)
        amount_metrics = bold_metrics if card.large else metrics
        if card.amount is None:
            painter.setPen(muted)
        else:
            painter.setPen(signal_color("large", palette) if card.large else text)
        amount = amount_metrics.elidedText(
            amount, Qt.TextElideMode.ElideRight, int(x_right - left - 8)
        )
        painter.drawText(int(left), baseline, amount)
