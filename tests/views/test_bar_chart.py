"""The report bar chart: what it plots, what hover and click say, palette, PNG."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPalette

from crm_desktop.views.charts import BarChart, BarSeries, short_number


def _chart(qtbot, horizontal: bool = False) -> BarChart:  # type: ignore[no-untyped-def]
    chart = BarChart("Pipeline", horizontal=horizontal)
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_data(
        ["Qualification", "Proposal", "Negotiation"],
        [BarSeries("Value", [1000, 5000, 2500]), BarSeries("Weighted", [100, 2500, 1875])],
    )
    return chart


def _scene_point(chart: BarChart, along: float, value: float) -> QPointF:
    view_box = chart.plot.getPlotItem().getViewBox()
    x, y = (value, along) if chart.horizontal else (along, value)
    return view_box.mapViewToScene(QPointF(x, y))


def test_short_numbers() -> None:
    assert [short_number(v) for v in (0, 12.5, 950, 45_000, 1_234_567, -2_000_000, 3e9)] == [
        "0",
        "12.5",
        "950",
        "45k",
        "1.23M",
        "-2M",
        "3B",
    ]


@pytest.mark.parametrize("horizontal", [False, True])
def test_plots_every_bar_and_names_the_one_under_the_mouse(qtbot, horizontal: bool) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(qtbot, horizontal)
    assert chart.plotted() == [
        ("Qualification", "Value", 1000.0),
        ("Proposal", "Value", 5000.0),
        ("Negotiation", "Value", 2500.0),
        ("Qualification", "Weighted", 100.0),
        ("Proposal", "Weighted", 2500.0),
        ("Negotiation", "Weighted", 1875.0),
    ]
    # Left half of the Proposal slot is "Value", right half "Weighted".
    assert chart.bar_at(_scene_point(chart, 0.8, 4000)) == (1, 0)
    assert chart.bar_at(_scene_point(chart, 1.2, 2000)) == (1, 1)
    assert chart.bar_at(_scene_point(chart, 1.2, 4000)) is None  # above the weighted bar
    assert chart.bar_text(1, 1) == "Proposal\nWeighted: 2,500.00"
    clicked: list[tuple[int, int]] = []
    chart.bar_clicked.connect(lambda c, s: clicked.append((c, s)))

    class _Click:
        def scenePos(self) -> QPointF:
            return _scene_point(chart, 2.2, 100)

    chart._on_scene_mouse_clicked(_Click())
    assert clicked == [(2, 1)]


def test_empty_data_says_so_and_mismatched_series_are_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(qtbot)
    chart.set_data([], [BarSeries("Value", [])])
    assert chart.plotted() == []
    assert chart.empty_label.isVisible() and not chart.plot.isVisible()
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        chart.set_data(["A"], [BarSeries("Value", [1, 2])])


def test_follows_a_dark_palette_and_saves_png(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = _chart(qtbot)
    dark = QPalette(chart.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    chart.setPalette(dark)
    assert chart.plot.backgroundBrush().color().name() == "#1e1e1e"
    path = tmp_path / "chart.png"
    assert chart.save_png(str(path))
    image = QImage(str(path))
    assert image.width() >= 600 and image.pixelColor(300, 200).name() != "#ffffff"


def test_upright_bars_thin_their_labels_to_fit(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = BarChart("Won per month")
    qtbot.addWidget(chart)
    months = [f"Month {n:02d} 2026" for n in range(24)]
    chart.set_data(months, [BarSeries("Won", list(range(24)))])
    chart.resize(500, 300)
    chart.show()
    qtbot.waitExposed(chart)
    narrow = chart.label_step()
    assert narrow > 1
    labels = chart.plot.getAxis("bottom")._tickLevels[0]
    assert [text for _, text in labels] == months[::narrow]
    chart.resize(4000, 300)
    qtbot.waitUntil(lambda: chart.label_step() == 1)
    assert len(chart.plot.getAxis("bottom")._tickLevels[0]) == 24


def test_all_zero_bars_show_no_negative_axis(qtbot) -> None:  # type: ignore[no-untyped-def]
    for horizontal in (False, True):
        chart = BarChart("Empty database", horizontal=horizontal)
        qtbot.addWidget(chart)
        chart.set_data(["Qualification", "Proposal"], [BarSeries("Total", [0, 0])])
        view_range = chart.plot.getPlotItem().getViewBox().viewRange()
        low, high = view_range[0] if horizontal else view_range[1]
        assert low >= -0.05 and high >= 0.95
