"""File ▸ Import…: a QWizard over the import services, the same core the CLI runs.

Pages: file (pick or drop, how to read it) → mapping (not for vCards) → check (every
row, fix or leave out) → duplicates (rule, dry run, review pairs; a commit page) →
run (background, progress, Stop) → summary (counts, problem rows, undo).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.import_wizard.check_page import CheckPage
from crm_desktop.views.import_wizard.duplicates_page import DuplicatesPage
from crm_desktop.views.import_wizard.file_page import FilePage
from crm_desktop.views.import_wizard.mapping_page import MappingPage
from crm_desktop.views.import_wizard.run_page import RunPage
from crm_desktop.views.import_wizard.state import (
    CHECK_PAGE,
    DUPLICATES_PAGE,
    FILE_PAGE,
    MAPPING_PAGE,
    RUN_PAGE,
    SUMMARY_PAGE,
    Choices,
    FileChooser,
    QtFileChooser,
    WizardState,
    load_choices,
)
from crm_desktop.views.import_wizard.summary_page import SummaryPage
from crm_desktop.views.worker import run_in_background


class ImportWizard(QWizard):
    changes_made = Signal(object)  # Changes: records the import (or its undo) wrote
    import_finished = Signal(object)  # ImportReport, or None when the import failed

    def __init__(
        self,
        sessions: sessionmaker[Session],
        prompts: Prompts | None = None,
        files: FileChooser | None = None,
        parent: QWidget | None = None,
        path: Path | None = None,
        target: str = "",
    ) -> None:
        """target: the page the wizard was opened from ("leads", ...), what "Into" starts at."""
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.DisabledBackButtonOnLastPage, True)
        self.state = WizardState(sessions, prompts or QtPrompts(), files or QtFileChooser())
        self._close_when_stopped = False
        self.file_page = FilePage(self.state)
        self.mapping_page = MappingPage(self.state)
        self.check_page = CheckPage(self.state)
        self.duplicates_page = DuplicatesPage(self.state)
        self.run_page = RunPage(self.state)
        self.summary_page = SummaryPage(self.state)
        for number, page in (
            (FILE_PAGE, self.file_page),
            (MAPPING_PAGE, self.mapping_page),
            (CHECK_PAGE, self.check_page),
            (DUPLICATES_PAGE, self.duplicates_page),
            (RUN_PAGE, self.run_page),
            (SUMMARY_PAGE, self.summary_page),
        ):
            self.setPage(number, page)
        self.run_page.changes_made.connect(self.changes_made)
        self.run_page.import_finished.connect(self._on_run_page_import_finished)
        self.summary_page.changes_made.connect(self.changes_made)
        self.resize(980, 720)
        run_in_background(
            load_choices,
            parent=self,
            on_done=self._on_choices_loaded,
            on_error=lambda message, _trace: self.state.show_error(
                self, self.tr("Import"), message
            ),
            sessions=sessions,
        )
        self.file_page.set_target(target)
        if path is not None:
            self.file_page.set_path(path)

    def open_file(self, path: Path) -> None:
        """Start over with this file (a file dropped on the main window)."""
        if self.currentId() in (FILE_PAGE, -1):
            self.file_page.set_path(path)

    def _on_choices_loaded(self, choices: Choices) -> None:
        self.state.choices = choices
        self.mapping_page.defaults_box.set_choices(choices)
        self.file_page.set_choices(choices)

    def _on_run_page_import_finished(self, report: object) -> None:
        self.import_finished.emit(report)
        if self._close_when_stopped:
            super().reject()
        elif report is not None and self.currentId() == RUN_PAGE:
            self.next()

    @property
    def busy(self) -> bool:
        """An import is running: closing stops it first."""
        return self.run_page.running

    def reject(self) -> None:
        """Cancel or Esc: stop any background work; a running import ends its batch first."""
        self.check_page.progress.cancel()
        self.duplicates_page.progress.cancel()
        if self.run_page.running:
            self._close_when_stopped = True
            self.run_page.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.run_page.running:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
