"""The welcome page an empty database opens on: import a file, enter cards, or sample data.

A new user's first look should not be an empty list saying "0 records". The page sits
in the window's page stack without a sidebar entry; `show_welcome_if_empty` puts it
there at start-up when the database holds no lead, contact, company or deal. Choosing a
page in the sidebar, or the first records arriving (from any import, card or the sample
data), takes it away and the normal pages show.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.changes import Changes
from crm_desktop.services.demo import DemoReport
from crm_desktop.services.welcome import has_records, load_sample_data
from crm_desktop.views.worker import Task, run_in_background

if TYPE_CHECKING:
    from crm_desktop.views.main_window import MainWindow


class WelcomePage(QWidget):
    """Three ways to start, and the progress of the sample data while it loads."""

    import_requested = Signal()
    cards_requested = Signal()
    sample_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        title = QLabel("<h1>" + html.escape(self.tr("Welcome to crm-desktop")) + "</h1>")
        intro = QLabel(self.tr("This database is empty. Start in one of three ways:"))
        self.import_button = QCommandLinkButton(
            self.tr("Import a file"),
            self.tr(
                "Contacts or leads from an Excel, OpenDocument or CSV sheet, or vCards "
                "(.vcf) from a phone or Outlook. Duplicates are found, and an import can "
                "be undone. (Ctrl+I; you can also drop a file on this window.)"
            ),
        )
        self.cards_button = QCommandLinkButton(
            self.tr("Enter business cards"),
            self.tr(
                "Type the cards from a trade show one after another, with the event and "
                "a warning about duplicates as you type."
            ),
        )
        self.sample_button = QCommandLinkButton(
            self.tr("Load sample data"),
            self.tr(
                "About 200 made-up leads with their companies, contacts, deals and tasks, "
                "to look around. They go into this database: use a new database for real "
                "work afterwards."
            ),
        )
        self.import_button.clicked.connect(self.import_requested)
        self.cards_button.clicked.connect(self.cards_requested)
        self.sample_button.clicked.connect(self.sample_requested)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.footer = QLabel()
        self.footer.setWordWrap(True)
        self.footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.footer.setStyleSheet("color: palette(mid);")

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(8)
        for button in (self.import_button, self.cards_button, self.sample_button):
            column.addWidget(button)
        column.addSpacing(8)
        column.addLayout(progress_row)
        column.addWidget(self.progress_label)
        column.addStretch(1)
        column.addWidget(self.footer)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 3)
        outer.addStretch(1)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While the sample data loads: the buttons wait, the progress shows."""
        for button in (self.import_button, self.cards_button, self.sample_button):
            button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress.setValue(0)
            self.progress_label.setText(self.tr("Making sample data…"))

    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.progress_label.setText(message)


class WelcomeController(QObject):
    """Puts the welcome page in a main window and takes it away once there is data."""

    finished = Signal()  # the page is gone; the normal pages show

    def __init__(self, window: MainWindow, footer: str = "") -> None:
        super().__init__(window)
        self.window = window
        self.page = WelcomePage()
        self.page.footer.setText(footer)
        self.page.import_requested.connect(self._on_import_requested)
        self.page.cards_requested.connect(lambda: window.show_page("cards"))
        self.page.sample_requested.connect(self.load_sample)
        self.page.cancel_requested.connect(self._on_cancel_requested)
        self.sample_task: Task | None = None
        self.active = True
        window.stack.addWidget(self.page)
        window.stack.setCurrentWidget(self.page)
        # No "0 records" under a welcome (the list pages count only while they show).
        window.count_label.clear()
        window.sidebar.clearSelection()  # Leads stays the current row, but is not shown chosen
        # Any page chosen in the sidebar takes the welcome away: a click (even on the
        # row already current; a sidebar never stays without one, focus picks the
        # first) or another row (keys, Ctrl+1..9, show_page).
        window.sidebar.itemClicked.connect(self._on_sidebar_chosen)
        window.sidebar.currentRowChanged.connect(self._on_sidebar_chosen)
        # Ctrl+1 (Leads) chooses the row that is current already: no signal above.
        self._page_actions = list(window._page_actions)
        for action in self._page_actions:
            action.triggered.connect(self._on_sidebar_chosen)
        window.changes_applied.connect(self._on_changes_applied)

    def _on_import_requested(self) -> None:
        self.window.open_import_wizard()

    def load_sample(self) -> None:
        """The demo generator at a first-look size, off the GUI thread, with progress."""
        if self.sample_task is not None:
            return
        self.page.set_busy(True)
        self.sample_task = run_in_background(
            load_sample_data,
            parent=self,
            with_progress=True,
            on_progress=self._on_sample_progress,
            on_done=self._on_sample_loaded,
            on_error=self._on_sample_failed,
            sessions=self.window.db.sessions,
        )

    def _on_sample_progress(self, fraction: float, message: str) -> None:
        if self.active:  # the page may be gone: the user chose another page meanwhile
            self.page.show_progress(fraction, message)

    def _on_cancel_requested(self) -> None:
        if self.sample_task is not None:
            self.sample_task.cancel.set()
            self.page.cancel_button.setEnabled(False)
            self.page.progress_label.setText(self.tr("Cancelling…"))

    def _on_sample_loaded(self, report: DemoReport) -> None:
        self.sample_task = None
        if self.active:
            self.page.set_busy(False)
        if report.cancelled and not report.leads:
            if self.active:
                self.page.progress_label.setText(self.tr("Cancelled: nothing was added."))
            return
        self.window.statusBar().showMessage(
            self.tr("Sample data: %1 leads, %2 contacts, %3 companies and %4 deals added.")
            .replace("%1", f"{report.leads:,}")
            .replace("%2", f"{report.contacts:,}")
            .replace("%3", f"{report.companies:,}")
            .replace("%4", f"{report.deals:,}"),
            10000,
        )
        self.window.apply_changes(Changes.everything())  # leaves the page (below)

    def _on_sample_failed(self, message: str, _details: str) -> None:
        self.sample_task = None
        text = self.tr("The sample data was not added: %1").replace("%1", message)
        if self.active:
            self.page.set_busy(False)
            self.page.progress_label.setText(text)
        else:
            self.window.statusBar().showMessage(text, 10000)

    def _on_changes_applied(self, changes: Changes) -> None:
        if not self.active:
            return
        if changes.leads or changes.contacts or changes.companies or changes.deals:
            run_in_background(
                has_records,
                parent=self,
                on_done=self._on_records_checked,
                sessions=self.window.db.sessions,
            )

    def _on_records_checked(self, found: bool) -> None:
        if found and self.active:
            self.leave(show="leads")

    def _on_sidebar_chosen(self, *_chosen: object) -> None:
        if self.active:
            self.leave()

    def leave(self, show: str | None = None) -> None:
        """Take the page away; `show` a page if the welcome page was the one showing."""
        if not self.active:
            return
        self.active = False
        window = self.window
        showing = window.stack.currentWidget() is self.page
        window.sidebar.itemClicked.disconnect(self._on_sidebar_chosen)
        window.sidebar.currentRowChanged.disconnect(self._on_sidebar_chosen)
        for action in self._page_actions:
            action.triggered.disconnect(self._on_sidebar_chosen)
        window.changes_applied.disconnect(self._on_changes_applied)
        window.stack.removeWidget(self.page)
        self.page.deleteLater()
        # The stack shows the sidebar's page again (its index is the sidebar's row).
        key = show if showing and show is not None else window.current_key()
        if key:
            window.show_page(key)  # no signal when it is the current row already, so:
            window._on_sidebar_current_row_changed(window.sidebar.currentRow())  # page, count
        self.finished.emit()


def show_welcome_if_empty(window: MainWindow, footer: str = "") -> WelcomeController | None:
    """At start-up: the welcome page when the database holds no records, else nothing."""
    if has_records(window.db.sessions):
        return None
    return WelcomeController(window, footer)
