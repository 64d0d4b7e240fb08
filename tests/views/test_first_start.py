"""The first start of a new database shows its currency and region, from the locale."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from crm_desktop.models.database import Database
from crm_desktop.services.locale_defaults import locale_defaults
from crm_desktop.services.settings import first_start_pending, load_settings
from crm_desktop.views.first_start import FirstStartDialog, prepare_first_start


@pytest.mark.parametrize(
    ("locale", "currency", "region"),
    [("zh_CN.UTF-8", "CNY", "CN"), ("en_US.UTF-8", "USD", "US"), ("de_DE.UTF-8", "EUR", "DE")],
)
def test_the_first_start_shows_the_locale_values_and_saves_what_is_chosen(
    qtbot, sqlite_db: Database, locale: str, currency: str, region: str
) -> None:
    start = prepare_first_start(sqlite_db.sessions, locale_defaults(locale))
    assert start.pending
    dialog = FirstStartDialog(sqlite_db, start)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.currency_combo.currentText() == currency
    assert dialog.region_combo.region() == region
    assert locale in dialog.intro.text()
    dialog.currency_combo.setCurrentText("HKD")  # the user changes one
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    settings = load_settings(sqlite_db.sessions)
    assert (settings.currency, settings.region) == ("HKD", region)
    assert not first_start_pending(sqlite_db.sessions)
    # The next start asks nothing, whatever the locale.
    assert not prepare_first_start(sqlite_db.sessions, locale_defaults("ja_JP.UTF-8")).pending


def test_a_database_filled_before_its_first_start_shows_its_own_values(
    qtbot, sqlite_db: Database
) -> None:
    """A command-line import into a new database came first: nothing is taken from the
    locale, and the dialog does not claim it was."""
    from crm_desktop.services.records import save_record

    save_record(sqlite_db.sessions, "leads", None, None, {"person_name": "Li Na"})
    start = prepare_first_start(sqlite_db.sessions, locale_defaults("de_DE.UTF-8"))
    assert start.pending and not start.from_locale
    dialog = FirstStartDialog(sqlite_db, start)
    qtbot.addWidget(dialog)
    assert dialog.currency_combo.currentText() == "USD"  # as seeded
    assert "de_DE" not in dialog.intro.text()
