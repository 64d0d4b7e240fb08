"""An empty database opens on a welcome page with three working ways to start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from crm_desktop.models.database import Database
from crm_desktop.services.listing import ListQuery, count_rows
from crm_desktop.services.records import save_record
from crm_desktop.views.main_window import MainWindow
from crm_desktop.views.welcome import WelcomePage, show_welcome_if_empty


class _Prompts:
    def ask_yes_no(self, parent, title: str, text: str) -> bool:  # type: ignore[no-untyped-def]
        raise AssertionError(text)

    def show_error(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        raise AssertionError(text)

    def show_info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        pass


def _window(qtbot, db: Database, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, prompts=_Prompts(), settings=settings)
    qtbot.addWidget(window)
    return window


def test_an_empty_database_opens_on_the_welcome_page(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = _window(qtbot, sqlite_db, tmp_path)
    welcome = show_welcome_if_empty(window, "Database: here")
    assert welcome is not None
    window.show()
    assert isinstance(window.stack.currentWidget(), WelcomePage)
    assert window.current_list_page() is None
    assert window.count_label.text() == ""  # no "0 records" under the welcome
    assert welcome.page.footer.text() == "Database: here"

    # Import a file: the import wizard opens.
    qtbot.mouseClick(welcome.page.import_button, Qt.MouseButton.LeftButton)
    assert window.import_wizard is not None and window.import_wizard.isVisible()
    window.import_wizard.reject()
    # Enter cards: card entry shows, and the welcome page is gone.
    qtbot.mouseClick(welcome.page.cards_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "cards"
    assert window.stack.currentWidget() is window.card_entry
    assert not welcome.active and window.stack.indexOf(welcome.page) == -1


def test_sample_data_loads_in_the_background_then_the_leads_show(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = _window(qtbot, sqlite_db, tmp_path)
    welcome = show_welcome_if_empty(window)
    assert welcome is not None
    window.show()
    progress: list[int] = []
    welcome.page.progress.valueChanged.connect(progress.append)
    with qtbot.waitSignal(welcome.finished, timeout=60000):
        qtbot.mouseClick(welcome.page.sample_button, Qt.MouseButton.LeftButton)
        assert not welcome.page.sample_button.isEnabled()  # busy, not blocked
    assert progress and progress[-1] > 0
    assert window.current_key() == "leads"
    assert window.stack.currentWidget() is window.list_pages["leads"]
    assert count_rows(sqlite_db.sessions, ListQuery("leads")) == 200
    assert show_welcome_if_empty(window) is None  # the next start: the normal pages


def test_a_database_with_records_opens_on_the_normal_pages(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    save_record(sqlite_db.sessions, "leads", None, None, {"person_name": "Li Na"})
    window = _window(qtbot, sqlite_db, tmp_path)
    assert show_welcome_if_empty(window) is None
    assert window.stack.currentWidget() is window.list_pages["leads"]


def test_choosing_the_current_page_by_its_shortcut_leaves_the_welcome(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = _window(qtbot, sqlite_db, tmp_path)
    welcome = show_welcome_if_empty(window)
    assert welcome is not None and window.current_key() == "leads"
    window._page_actions[0].trigger()  # Ctrl+1, Leads: the sidebar's row already
    assert not welcome.active
    assert window.stack.currentWidget() is window.list_pages["leads"]
