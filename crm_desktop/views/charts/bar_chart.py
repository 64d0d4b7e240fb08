"""A bar chart for reports: grouped bars, hover shows the exact value, a click names the bar.

pyqtgraph draws it; the widget follows the window's palette (light or dark), keeps
what it plots readable for tests (`plotted()`), and saves itself as PNG.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

# Distinguishable on light and dark backgrounds.
SERIES_COLORS = ("#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b")
BAR_SPAN = 0.8  # share of a category's slot the bars of all series take
LABEL_GAP = 16  # pixels between two category labels under upright bars


def short_number(value: float) -> str:
    """1234567 -> '1.23M', 45000 -> '45k', 12.5 -> '12.5': axis labels stay short."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            text = f"{value / limit:.2f}".rstrip("0").rstrip(".")
            return f"{sign}{text}{suffix}"
    return f"{sign}{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{sign}{value:.0f}"


@dataclass(frozen=True)
class BarSeries:
    name: str
    values: Sequence[float | Decimal | int]


class _ValueAxis(pg.AxisItem):  # type: ignore[misc]
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [short_number(v * scale) for v in values]


class BarChart(QWidget):
    bar_clicked = Signal(int, int)  # category index, series index

    def __init__(
        self,
        title: str,
        *,
        horizontal: bool = False,
        value_text: Callable[[float], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self._value_text = value_text or (lambda v: f"{v:,.2f}")
        self._categories: list[str] = []
        self._series: list[BarSeries] = []
        self._items: list[pg.BarGraphItem] = []
        self.title_label = QLabel(title)
        self.title_label.setObjectName("chartTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        value_axis = _ValueAxis("bottom" if horizontal else "left")
        axes = {"bottom": value_axis} if horizontal else {"left": value_axis}
        self.plot = pg.PlotWidget(axisItems=axes)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=horizontal, y=not horizontal, alpha=0.25)
        if horizontal:
            self.plot.getPlotItem().invertY(True)  # first category on top
        # The legend sits above the plot, where it never hides a bar.
        self.legend_label = QLabel()
        self.legend_label.setObjectName("chartLegend")
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.hide()
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.empty_label, 1)
        self._apply_palette()

    # ---- data --------------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def set_value_text(self, value_text: Callable[[float], str]) -> None:
        """How hover shows a value: e.g. with its currency."""
        self._value_text = value_text

    def set_data(self, categories: Sequence[str], series: Sequence[BarSeries]) -> None:
        values = [[float(v) for v in s.values] for s in series]
        for s, numbers in zip(series, values, strict=True):
            if len(numbers) != len(categories):
                raise ValueError(
                    f"series {s.name!r} has {len(numbers)} values for {len(categories)} categories"
                )
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self._categories = list(categories)
        self._series = [BarSeries(s.name, v) for s, v in zip(series, values, strict=True)]
        empty = not self._categories
        self.plot.setVisible(not empty)
        self.empty_label.setVisible(empty)
        self.empty_label.setText(self.tr("Nothing in this period.") if empty else "")
        width = BAR_SPAN / max(1, len(self._series))
        for index, s in enumerate(self._series):
            positions = [i + self._offset(index) for i in range(len(self._categories))]
            color = QColor(SERIES_COLORS[index % len(SERIES_COLORS)])
            options: dict[str, Any] = {"brush": color, "pen": pg.mkPen(color.darker(115))}
            if self.horizontal:
                item = pg.BarGraphItem(
                    x0=0, y=positions, height=width, width=list(s.values), **options
                )
            else:
                item = pg.BarGraphItem(x=positions, height=list(s.values), width=width, **options)
            item.setToolTip("")
            self.plot.addItem(item)
            self._items.append(item)
        self.legend_label.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f'<span style="color:{SERIES_COLORS[i % len(SERIES_COLORS)]}">■</span> '
                f"{html.escape(s.name)}"
                for i, s in enumerate(self._series)
            )
        )
        self.legend_label.setVisible(len(self._series) > 1)
        # Upright bars share the width: label every n-th when they would run together.
        self._update_ticks()
        self.plot.autoRange()
        if not any(v for s in self._series for v in s.values):
            # Nothing but zeros: show 0 to 1, not an axis running into negative numbers.
            if self.horizontal:
                self.plot.setXRange(0, 1)
            else:
                self.plot.setYRange(0, 1)

    def plotted(self) -> list[tuple[str, str, float]]:
        """(category, series, value) for every bar, as drawn."""
        return [
            (category, s.name, s.values[i])  # type: ignore[misc]
            for s in self._series
            for i, category in enumerate(self._categories)
        ]

    def save_png(self, path: str) -> bool:
        return bool(self.grab().save(path, "PNG"))

    # ---- hover and click ---------------------------------------------------------------

    def _offset(self, series_index: int) -> float:
        width = BAR_SPAN / max(1, len(self._series))
        return -BAR_SPAN / 2 + width * (series_index + 0.5)

    def bar_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """The (category, series) under a point of the plot's scene, if it is on a bar."""
        if not self._categories or not self._series:
            return None
        view = self.plot.getPlotItem().getViewBox().mapSceneToView(scene_pos)
        along, value = (view.y(), view.x()) if self.horizontal else (view.x(), view.y())
        category = round(along)
        if not 0 <= category < len(self._categories):
            return None
        width = BAR_SPAN / len(self._series)
        slot = (along - category + BAR_SPAN / 2) / width
        series = int(slot)
        if slot < 0 or series >= len(self._series):
            return None
        bar = float(self._series[series].values[category])
        low, high = min(0.0, bar), max(0.0, bar)
        # A bar too short to hit still answers in the lower part of its column.
        if not low <= value <= high and not (abs(bar) < 1e-9 or 0 <= value <= abs(bar) * 1.05):
            return None
        return category, series

    def bar_text(self, category: int, series: int) -> str:
        s = self._series[series]
        value = float(s.values[category])
        name = f"{s.name}: " if len(self._series) > 1 else ""
        return f"{self._categories[category]}\n{name}{self._value_text(value)}"

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        hit = self.bar_at(pos)
        if hit is None:
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos(), self.bar_text(*hit), self.plot)

    def _on_scene_mouse_clicked(self, event: Any) -> None:
        hit = self.bar_at(event.scenePos())
        if hit is not None:
            self.bar_clicked.emit(*hit)

    # ---- palette -----------------------------------------------------------------------

    def label_step(self) -> int:
        """Upright bars label every n-th category when the labels would run together."""
        if self.horizontal or not self._categories:
            return 1
        metrics = self.fontMetrics()
        longest = max(
            metrics.horizontalAdvance(line) for c in self._categories for line in c.splitlines()
        )
        room = max(1, self.plot.width() - 60)  # less the value axis
        fits = max(1, room // (longest + LABEL_GAP))
        return max(1, math.ceil(len(self._categories) / int(fits)))

    def _update_ticks(self) -> None:
        step = self.label_step()
        ticks = [[(i, label) for i, label in enumerate(self._categories) if i % step == 0]]
        axis = self.plot.getAxis("left" if self.horizontal else "bottom")
        axis.setTicks(ticks)
        if not self.horizontal:
            # Labels may have two lines ("Proposal" over "612 deals"): make room for them.
            lines = max((c.count("\n") + 1 for c in self._categories), default=1)
            axis.setHeight(self.fontMetrics().height() * lines + 16)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ticks()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.plot.setBackground(background)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
