"""Chart widgets on pyqtgraph: they plot what a report service computed, nothing more."""

from crm_desktop.views.charts.bar_chart import BarChart, BarSeries, short_number

__all__ = ["BarChart", "BarSeries", "short_number"]
