"""One chart of the dashboard with its title, a note on what it leaves out, PNG and xlsx."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from crm_desktop.services.reports import BarKey
from crm_desktop.views.charts import BarChart, BarSeries
from crm_desktop.views.dashboard.chart_data import ChartData, ChartSpec


class ChartCard(QFrame):
    bar_chosen = Signal(str, object, str)  # report kind, BarKey, what the bar is (for a title)
    save_png_requested = Signal(str)  # the chart's key
    save_table_requested = Signal(str)

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.data: ChartData | None = None
        self._currency = ""
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"chart_{spec.key}")
        self.chart = BarChart(self.tr(spec.title), horizontal=spec.horizontal)
        self.chart.setMinimumHeight(260)
        self.chart.bar_clicked.connect(self._on_chart_bar_clicked)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setObjectName("chartNote")
        self.note_label.hide()
        self.png_button = QToolButton()
        self.png_button.setText(self.tr("PNG…"))
        self.png_button.setToolTip(self.tr("Save this chart as a picture"))
        self.png_button.clicked.connect(lambda: self.save_png_requested.emit(spec.key))
        self.table_button = QToolButton()
        self.table_button.setText(self.tr("Table…"))
        self.table_button.setToolTip(self.tr("Save the numbers behind this chart as xlsx"))
        self.table_button.clicked.connect(lambda: self.save_table_requested.emit(spec.key))
        buttons = QHBoxLayout()
        hint = QLabel(self.tr("Click a bar to list its deals"))
        hint.setEnabled(False)
        buttons.addWidget(hint)
        buttons.addStretch(1)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.table_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note_label)
        layout.addLayout(buttons)

    def set_data(self, data: ChartData, currency: str) -> None:
        self.data = data
        self._currency = currency
        unit = currency if data.value_kind == "money" else self.tr("count")
        self.chart.set_title(f"{self.tr(self.spec.title)} ({unit})")
        if data.value_kind == "money":
            self.chart.set_value_text(lambda v: f"{v:,.2f} {currency}")
        else:
            self.chart.set_value_text(lambda v: f"{v:,.0f}")
        self.chart.set_data(
            list(data.categories), [BarSeries(s.name, list(s.values)) for s in data.series]
        )
        if data.unconverted:
            parts = "; ".join(
                f"{name} " + ", ".join(f"{amount:,.2f} {code}" for code, amount in amounts)
                for name, amounts in data.unconverted
            )
            self.note_label.setText(
                self.tr("Left out, no exchange rate into %1: %2. Add rates in Settings.")
                .replace("%1", currency)
                .replace("%2", parts)
            )
            self.note_label.show()
        else:
            self.note_label.hide()

    def _on_chart_bar_clicked(self, category: int, series: int) -> None:
        if self.data is None:
            return
        key: BarKey | None = self.data.series[series].keys[category]
        if key is None:
            return  # leads or costs: no deals behind this bar
        label = f"{self.data.categories[category]} · {self.data.series[series].name}"
        self.bar_chosen.emit(self.data.report, key, label)
