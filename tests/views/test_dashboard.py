"""The dashboard page: plots the reports' numbers, lists a bar's deals, saves PNG and xlsx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from crm_desktop.models import Company, Deal, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.exchange_rates import save_rate
from crm_desktop.views.dashboard import DashboardPage
from crm_desktop.views.dashboard.dashboard_page import period_range


class ScriptedChooser:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None:
        return None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> Path | None:
        self.asked.append(suggested)
        return self.folder / suggested


class FakePrompts:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def ask_yes_no(self, parent, title: str, text: str) -> bool:  # type: ignore[no-untyped-def]
        return True

    def show_error(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.errors.append(text)

    def show_info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _seed(db: Database) -> None:
    """Proposal (50 %): 5,000 USD and 1,000 EUR at 1.10 = 6,100 USD; Negotiation (75 %): 2,000 USD
    with its own 10 %; one deleted Proposal deal that must not count."""
    save_rate(db.sessions, "EUR", "USD", "1.10", dt.date(2020, 1, 1))
    with db.sessions.begin() as session:
        stages = {s.name: s for s in session.scalars(select(Stage))}
        acme = Company(name="Acme GmbH")
        session.add(acme)
        session.flush()

        def deal(title: str, amount: str, currency: str, stage: str, **extra: object) -> None:
            session.add(
                Deal(
                    title=title,
                    company_id=acme.id,
                    amount=Decimal(amount),
                    currency=currency,
                    pipeline_id=stages[stage].pipeline_id,
                    stage_id=stages[stage].id,
                    expected_close=dt.date.today(),
                    **extra,
                )
            )

        deal("Press line", "5000", "USD", "Proposal")
        deal("Spare parts", "1000", "EUR", "Proposal")
        deal("Service plan", "2000", "USD", "Negotiation", probability=10)
        deal("Deleted", "99999", "USD", "Proposal", deleted_at=dt.datetime.now(dt.UTC))


def _page(qtbot, db: Database, tmp_path: Path) -> DashboardPage:  # type: ignore[no-untyped-def]
    page = DashboardPage(db, FakePrompts(), ScriptedChooser(tmp_path))
    qtbot.addWidget(page)
    page.resize(1400, 1000)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    return page


def test_period_ranges() -> None:
    today = dt.date(2026, 12, 3)
    assert period_range("all", today) == (None, None)
    assert period_range("this_month", today) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_range("this_quarter", today) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_range("last_quarter", today) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert period_range("last_quarter", dt.date(2026, 2, 1)) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    assert period_range("this_year", today) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period_range("last_year", today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert period_range("last_12", today) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_pipeline_chart_plots_converted_weighted_values(
    qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    page = _page(qtbot, db, tmp_path)
    plotted = {
        (category.splitlines()[0], series): value
        for category, series, value in page.cards["pipeline"].chart.plotted()
    }
    assert plotted[("Proposal", "Total")] == pytest.approx(6100.0)
    assert plotted[("Proposal", "Weighted")] == pytest.approx(3050.0)
    assert plotted[("Negotiation", "Total")] == pytest.approx(2000.0)
    assert plotted[("Negotiation", "Weighted")] == pytest.approx(200.0)  # its own 10 %
    assert plotted[("Qualification", "Total")] == 0.0
    assert "(USD)" in page.cards["pipeline"].chart.title_label.text()
    assert "Amounts in USD" in page.status_label.text()
    assert not page.cards["pipeline"].note_label.isVisible()


def test_amounts_without_a_rate_are_named_not_counted(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _seed(sqlite_db)
    with sqlite_db.sessions.begin() as session:
        stage = session.scalars(select(Stage).where(Stage.name == "Proposal")).one()
        session.add(
            Deal(
                title="Yen deal",
                amount=Decimal("300000"),
                currency="JPY",
                pipeline_id=stage.pipeline_id,
                stage_id=stage.id,
            )
        )
    page = _page(qtbot, sqlite_db, tmp_path)
    card = page.cards["pipeline"]
    assert "Total 300,000.00 JPY; Weighted 150,000.00 JPY" in card.note_label.text()
    assert dict(((c.splitlines()[0], s), v) for c, s, v in card.chart.plotted())[
        ("Proposal", "Total")
    ] == pytest.approx(6100.0)


def test_a_bar_lists_its_deals_and_a_deal_opens(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(sqlite_db)
    page = _page(qtbot, sqlite_db, tmp_path)
    opened: list[object] = []
    page.open_deal_requested.connect(opened.append)
    card = page.cards["pipeline"]
    proposal = next(i for i, c in enumerate(card.data.categories) if c.startswith("Proposal"))  # type: ignore[union-attr]
    card._on_chart_bar_clicked(proposal, 0)
    qtbot.waitUntil(lambda: bool(page.dialogs), timeout=5000)
    dialog = page.dialogs[0]
    titles = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert titles == ["Press line", "Spare parts"]  # biggest first, the deleted one left out
    assert dialog.table.item(1, 2).text() == "1,000.00 EUR"
    dialog._open(0)
    assert opened == [dialog.deal_ids()[0]]


def test_saves_a_chart_as_png_and_its_table_as_xlsx(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _seed(sqlite_db)
    page = _page(qtbot, sqlite_db, tmp_path)
    page.cards["pipeline"].png_button.click()
    assert (tmp_path / "pipeline.png").stat().st_size > 1000
    page.cards["pipeline"].table_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "pipeline.xlsx").exists(), timeout=5000)
    qtbot.waitUntil(lambda: "Saved pipeline.xlsx" in page.status_label.text(), timeout=5000)
    sheet = openpyxl.load_workbook(tmp_path / "pipeline.xlsx").active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row if v is not None]
    assert "Proposal" in flat and "Negotiation" in flat


def test_filters_and_changes_reload(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(sqlite_db)
    page = _page(qtbot, sqlite_db, tmp_path)
    qtbot.waitUntil(lambda: page.owner_combo.count() > 1, timeout=5000)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.period_combo.setCurrentIndex(page.period_combo.findData("last_year"))
    assert page.filters().date_from == period_range("last_year", dt.date.today())[0]
    totals = [v for c, s, v in page.cards["pipeline"].chart.plotted() if s == "Total"]
    assert sum(totals) == 0.0  # every seeded deal closes this year
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.period_combo.setCurrentIndex(page.period_combo.findData("all"))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.apply_changes(Changes(deals=True))
    page.period_combo.setCurrentIndex(page.period_combo.findData("custom"))
    assert page.from_edit.isVisible() and page.to_edit.isVisible()


def test_the_window_opens_the_dashboard_and_a_listed_deal(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from crm_desktop.views.main_window import MainWindow

    _seed(sqlite_db)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.dashboard.loaded, timeout=10000):
        window.show_page("dashboard")
    assert window.current_key() == "dashboard"
    card = window.dashboard.cards["pipeline"]
    proposal = next(i for i, c in enumerate(card.data.categories) if c.startswith("Proposal"))  # type: ignore[union-attr]
    card._on_chart_bar_clicked(proposal, 0)
    qtbot.waitUntil(lambda: bool(window.dashboard.dialogs), timeout=5000)
    dialog = window.dashboard.dialogs[0]
    dialog._open(0)
    assert window.current_key() == "deals"
    qtbot.waitUntil(lambda: window.list_pages["deals"].form.target_id == dialog.deal_ids()[0])
