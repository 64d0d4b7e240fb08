"""Guard against PySide6 6.12.0's lost reference to None on Python paint/data overrides.

On Python 3.11, PySide6 6.12.0 drops one reference to None on every call of a Python
`paintEvent` override (and in some `data()` calls); the interpreter aborts with "deallocating
None" after a few thousand paints. We pin below 6.12; this test fails if a release (or our own
code) brings the leak back: it paints our widgets thousands of times and checks that
`sys.getrefcount(None)` does not fall.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

from crm_desktop.models.database import Database

PAINTS = 3000


def _paint_many(widget: QWidget, times: int) -> None:
    for _ in range(times):
        widget.repaint()
        QApplication.processEvents()


def _assert_no_none_drift(widget: QWidget, paints: int = PAINTS) -> None:
    _paint_many(widget, 50)  # warm-up: caches, lazy imports
    before = sys.getrefcount(None)
    _paint_many(widget, paints)
    after = sys.getrefcount(None)
    # A leak loses at least one reference per paint; small positive noise is harmless.
    assert after >= before - 10, f"None lost {before - after} references in {paints} paints"


def test_main_window_paints_without_losing_none(qtbot, sqlite_db: Database) -> None:
    from crm_desktop.views.main_window import MainWindow

    window = MainWindow(sqlite_db)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    _assert_no_none_drift(window)


def test_search_hits_paint_without_losing_none(qtbot, sqlite_db: Database) -> None:
    """SearchHitDelegate.paint is a Python override called for every visible hit."""
    from crm_desktop.services.records import save_record
    from crm_desktop.views.search_dialog import SearchDialog

    for family in "王李张刘陈杨赵黄":
        save_record(sqlite_db.sessions, "contacts", None, None, {"full_name": f"{family}小明"})
    dialog = SearchDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.line_edit.insert("小明")
    qtbot.waitUntil(lambda: dialog.model.hit_count() == 8)
    _assert_no_none_drift(dialog.list_view.viewport())


def test_report_charts_paint_without_losing_none(qtbot) -> None:
    """pyqtgraph draws through Python paint overrides: under 6.12.0 a plot lost 11 per repaint."""
    from crm_desktop.views.charts import BarChart, BarSeries

    chart = BarChart("Pipeline value per stage")
    qtbot.addWidget(chart)
    chart.resize(400, 260)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_data(["Proposal", "Won"], [BarSeries("Value", [5, 7]), BarSeries("Weighted", [2, 7])])
    # The plot paints in its view's viewport; repainting the chart alone would not reach it.
    # 1,000 plot paints (about 10 ms each) would lose 11,000 references under 6.12.0.
    _assert_no_none_drift(chart.plot.viewport(), paints=1000)


def test_pipeline_board_cards_paint_without_losing_none(
    qtbot, sqlite_db: Database, tmp_path
) -> None:
    """DealCardDelegate.paint and the column header's paintEvent run for every card shown."""
    import datetime as dt
    from decimal import Decimal

    from PySide6.QtCore import QSettings
    from sqlalchemy import select

    from crm_desktop.models import Deal, Pipeline, Stage
    from crm_desktop.views.pipeline import PipelineBoardPage

    with sqlite_db.sessions.begin() as session:
        stage = session.scalar(select(Stage).order_by(Stage.position).limit(1))
        pipeline = session.scalar(select(Pipeline))
        assert stage is not None and pipeline is not None
        stage.stale_days = 5
        for n in range(40):
            session.add(
                Deal(
                    title=f"Deal {n}",
                    pipeline_id=pipeline.id,
                    stage_id=stage.id,
                    amount=Decimal(50_000 * n),
                    currency="EUR" if n % 2 else "USD",
                    expected_close=dt.date(2026, 1, 1) + dt.timedelta(days=n * 9),
                    stage_entered_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
            )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    page = PipelineBoardPage(sqlite_db.sessions, settings)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.board is not None and not page.is_busy())
    column = page.columns[0]
    column.view.setCurrentIndex(column.model.index(1))  # a selected card paints too
    _assert_no_none_drift(column.view.viewport())
    _assert_no_none_drift(column.header)


def test_tasks_table_paints_without_losing_none(qtbot, sqlite_db: Database, tmp_path) -> None:
    """TaskTableModel.data is a Python override called for every visible cell."""
    import datetime as dt

    from PySide6.QtCore import QSettings

    from crm_desktop.models import utcnow
    from crm_desktop.services.activities.store import ActivityInput, save_activity
    from crm_desktop.views.tasks.tasks_page import TasksPage

    for number in range(12):
        save_activity(
            sqlite_db.sessions,
            ActivityInput("task", f"跟进 {number}", utcnow() + dt.timedelta(days=2, hours=number)),
        )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = TasksPage(sqlite_db.sessions, settings)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    from crm_desktop.services.activities.schedule import Bucket

    with qtbot.waitSignal(page.loaded):
        page.set_bucket(Bucket.UPCOMING)
    assert page.table.model().rowCount() == 12
    _assert_no_none_drift(page.table.viewport())
