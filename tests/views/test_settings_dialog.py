"""The settings dialog: shows the database's settings, saves them, refuses bad ones in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from crm_desktop.models.database import Database
from crm_desktop.services.settings import load_settings
from crm_desktop.views.settings_dialog import SettingsDialog, region_name


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _open(qtbot, db: Database) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def test_region_names_are_readable() -> None:
    assert region_name("DE") == "Germany (DE)"
    assert region_name("CN") == "China (CN)"


def test_shows_and_saves_region_and_currency(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, sqlite_db)
    assert dialog.region_combo.currentData() == "CN"
    assert dialog.currency_combo.currentText() == "USD"
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("DE"))
    dialog.currency_combo.setCurrentText("eur")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.click()
    assert saved.args[0].settings
    settings = load_settings(sqlite_db.sessions)
    assert (settings.region, settings.currency) == ("DE", "EUR")


def test_a_typed_country_name_or_code_is_understood(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, sqlite_db)
    dialog.region_combo.setEditText("france (fr)")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert load_settings(sqlite_db.sessions).region == "FR"


def test_bad_values_are_refused_with_the_reason(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, sqlite_db)
    dialog.region_combo.setEditText("Atlantis")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()))
    assert "ATLANTIS" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("JP"))
    dialog.currency_combo.setCurrentText("Euro")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "currency code" in dialog.error_label.text())
    assert load_settings(sqlite_db.sessions).region == "CN"  # nothing saved by half


def test_deal_settings_are_shown_and_saved(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, sqlite_db)
    assert dialog.large_amount_edit.text() == "100000"
    assert dialog.lost_reasons_edit.toPlainText().splitlines()[0] == "Price too high"
    dialog.large_amount_edit.setText("250,000")
    dialog.lost_reasons_edit.setPlainText("预算不足\n\nChose a competitor\n")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    settings = load_settings(sqlite_db.sessions)
    assert settings.large_deal_amount == "250000"
    assert settings.lost_reasons == ("预算不足", "Chose a competitor")


def test_a_bad_large_deal_amount_is_refused(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, sqlite_db)
    dialog.large_amount_edit.setText("a lot")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "large deals" in dialog.error_label.text())
    assert load_settings(sqlite_db.sessions).large_deal_amount == "100000"


def test_exchange_rates_are_added_listed_and_deleted(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from PySide6.QtCore import QDate

    from crm_desktop.services.exchange_rates import list_rates

    dialog = _open(qtbot, sqlite_db)
    tab = dialog.rates_tab
    qtbot.waitUntil(lambda: tab.loaded)
    assert tab.base_label.text() == "USD"
    changes: list[object] = []
    dialog.rates_changed.connect(changes.append)
    tab.currency_combo.setCurrentText("eur")
    tab.rate_edit.setText("1,0850")  # a decimal comma is understood
    tab.date_edit.setDate(QDate(2026, 1, 1))
    tab.add_button.click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert [tab.table.item(0, c).text() for c in range(4)] == ["EUR", "1.085", "USD", "2026-01-01"]
    [rate] = list_rates(sqlite_db.sessions)
    assert (rate.currency, rate.base, rate.rate, rate.valid_from) == (
        "EUR",
        "USD",
        Decimal("1.085"),
        dt.date(2026, 1, 1),
    )
    assert changes and changes[0].settings  # type: ignore[attr-defined]

    tab.rate_edit.setText("-2")
    tab.add_button.click()
    qtbot.waitUntil(lambda: bool(tab.error_label.text()))
    assert tab.table.rowCount() == 1

    tab.table.selectRow(0)
    tab.delete_button.click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0)
    assert list_rates(sqlite_db.sessions) == []
