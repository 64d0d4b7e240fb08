"""Creates the QApplication, opens the database and shows the main window.

Everything is logged to a file in the user's log folder; an uncaught exception
is logged and shown in a message box, and the window keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from crm_desktop.models.database import APP_NAME, DatabaseError, open_database

log = logging.getLogger(__name__)


def log_file_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "crm-desktop.log"


def setup_logging(path: Path | None = None) -> Path | None:
    """Log INFO and up to a rotating file; returns its path (None if it cannot be written)."""
    target = path or log_file_path()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        logging.basicConfig(level=logging.INFO)
        log.warning("cannot write the log file %s: %s", target, exc)
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    return target


class ExceptionReporter:
    """sys.excepthook: log the error and show it; the event loop carries on."""

    def __init__(self, log_path: Path | None):
        self._log_path = log_path
        self._showing = False

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        # Show it from the event loop: the hook may run inside a paint or a slot.
        QTimer.singleShot(0, lambda: self._show(f"{exc_type.__name__}: {exc}", details))

    def _show(self, summary: str, details: str) -> None:
        if self._showing:  # one box at a time; the rest are in the log
            return
        self._showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, summary)
            tr = QCoreApplication.translate
            info = tr("App", "Something went wrong. Your data is safe; you can keep working.")
            if self._log_path is not None:
                info += "\n" + tr("App", "Details were written to %1.").replace(
                    "%1", str(self._log_path)
                )
            box.setInformativeText(info)
            box.setDetailedText(details)
            box.exec()
        finally:
            self._showing = False


def run_gui(db_url: str | None) -> int:
    log_path = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    sys.excepthook = ExceptionReporter(log_path)
    log.info("starting")
    try:
        db = open_database(db_url)
    except DatabaseError as exc:
        log.error("cannot open the database: %s", exc)
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    from crm_desktop.views.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    code = app.exec()
    db.dispose()
    return int(code)
