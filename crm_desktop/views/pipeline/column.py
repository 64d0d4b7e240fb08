"""A stage's column (header with totals over a list of cards) and the Won / Lost drop zones."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QListView,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.pipeline.board import ColumnTotals, StageInfo
from crm_desktop.views.pipeline.card_delegate import DealCardDelegate, blend, signal_color
from crm_desktop.views.pipeline.card_model import StageCardModel
from crm_desktop.views.pipeline.format import totals_text

COLUMN_WIDTH = 250
COLUMN_MAX_WIDTH = 380
LAYOUT_BATCH = 500


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("PipelineBoard", text, None, n)


class ColumnHeader(QWidget):
    """Stage name and count; total and weighted total per currency; stale count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage: StageInfo | None = None
        self.totals = ColumnTotals()
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().Policy.Fixed)

    def set_totals(self, stage: StageInfo, totals: ColumnTotals) -> None:
        self.stage = stage
        self.totals = totals
        self.setToolTip(self._tooltip())
        self.setAccessibleName(self.lines()[0])
        self.update()

    def lines(self) -> tuple[str, str, str]:
        """The three lines as text (for tests and screen readers)."""
        name = self.stage.name if self.stage else ""
        return (
            f"{name}  {self.totals.count:,}",
            totals_text(self.totals.totals),
            _tr("Weighted %1").replace("%1", totals_text(self.totals.weighted)),
        )

    def _tooltip(self) -> str:
        if self.stage is None:
            return ""
        stage, totals = self.stage, self.totals
        count, stale_days = totals.count, stage.stale_days or 0
        lines = [
            stage.name,
            QCoreApplication.translate("PipelineBoard", "%n open deal(s)", None, count),
            _tr("Total: %1").replace("%1", totals_text(totals.totals, exact=True)),
            _tr("Weighted: %1").replace("%1", totals_text(totals.weighted, exact=True)),
            _tr("Each deal's own probability, else the stage's %1 %").replace(
                "%1", str(stage.probability)
            ),
        ]
        if stage.stale_days:
            lines.append(
                QCoreApplication.translate(
                    "PipelineBoard", "Stale after %n day(s) in this stage", None, stale_days
                )
                + (f": {totals.stale:,}" if totals.stale else "")
            )
        if totals.large:
            lines.append(_tr("Large deals: %1").replace("%1", f"{totals.large:,}"))
        if len(totals.totals) > 1:
            lines.append(_tr("Currencies are summed apart, never converted."))
        return "\n".join(lines)

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(COLUMN_WIDTH, 3 * line + 22)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))  # the column's
        painter.fillRect(0, 0, self.width(), 3, highlight)
        _first, second, third = self.lines()
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        bold = QFont(font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        left, right = 10, self.width() - 10
        y = 9 + bold_metrics.ascent()
        count = f"{self.totals.count:,}"
        painter.setFont(bold)
        painter.setPen(muted)
        x_right = right - bold_metrics.horizontalAdvance(count)
        painter.drawText(x_right, y, count)
        stale = _tr("%1 stale").replace("%1", f"{self.totals.stale:,}") if self.totals.stale else ""
        painter.setFont(font)
        if stale:  # before the count, in the stale colour
            x_right -= metrics.horizontalAdvance(stale) + 10
            painter.setPen(signal_color("stale", palette))
            painter.drawText(x_right, y, stale)
        name = self.stage.name if self.stage else ""
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            left,
            y,
            bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, x_right - left - 8),
        )
        y += metrics.height() + 2
        painter.setFont(font)
        painter.drawText(
            left, y, metrics.elidedText(second, Qt.TextElideMode.ElideRight, right - left)
        )
        y += metrics.height()
        painter.setPen(muted)
        painter.drawText(
            left, y, metrics.elidedText(third, Qt.TextElideMode.ElideRight, right - left)
        )
        painter.end()


class CardListView(QListView):
    """The cards of a column; Left and Right hand the keyboard to the next column."""

    step_requested = Signal(int)  # -1: the column on the left, +1: on the right

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_requested.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            event.accept()
            return
        super().keyPressEvent(event)


def column_color(palette: QPalette) -> QColor:
    """A column's background: the window's colour, a shade towards the text colour."""
    return blend(
        palette.color(QPalette.ColorRole.Window),
        palette.color(QPalette.ColorRole.WindowText),
        0.045,
    )


class StageColumn(QFrame):
    """One open stage: its header and its list of cards."""

    def __init__(self, model: StageCardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("stageColumn")
        self.setMinimumWidth(COLUMN_WIDTH)
        self.setMaximumWidth(COLUMN_MAX_WIDTH)
        self.setAutoFillBackground(True)
        self.header = ColumnHeader(self)
        self.view = CardListView(self)
        self.view.setObjectName("cardList")
        self.view.setModel(model)
        self.delegate = DealCardDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        view = self.view
        view.setUniformItemSizes(True)  # 5,000 cards: the view never measures them one by one
        # Laying out a column asks the model about every row: done in slices between events,
        # so 40,000 cards never hold the window for more than a few milliseconds.
        view.setLayoutMode(QListView.LayoutMode.Batched)
        view.setBatchSize(LAYOUT_BATCH)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.verticalScrollBar().setSingleStep(24)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setDragEnabled(True)
        view.setAcceptDrops(True)
        view.setDropIndicatorShown(False)  # a column has no manual order: drop anywhere
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        view.setDefaultDropAction(Qt.DropAction.MoveAction)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setMouseTracking(True)
        view.viewport().setAutoFillBackground(False)  # the column's shade shows through
        view.setAccessibleName(model.stage.name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(view, 1)
        self._apply_shade()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_shade()

    def _apply_shade(self) -> None:
        """Paint the column a shade off the window, from the current palette (light or dark)."""
        shade = column_color(QApplication.palette(self))
        palette = self.palette()
        if palette.color(QPalette.ColorRole.Window) != shade:
            palette.setColor(QPalette.ColorRole.Window, shade)
            self.setPalette(palette)

    @property
    def stage(self) -> StageInfo:
        return self.model.stage

    def refresh_header(self, totals: ColumnTotals) -> None:
        self.header.set_totals(self.model.stage, totals)
        self.view.setAccessibleName(self.model.stage.name)
