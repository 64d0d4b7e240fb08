"""Creates the QApplication, opens the database and shows the main window.

Everything is logged to a file in the user's log folder; an uncaught exception
is logged and shown in a message box, and the window keeps running.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog

from crm_desktop.models.database import APP_NAME, Database, DatabaseError, open_database
from crm_desktop.services.db_errors import database_sentence

log = logging.getLogger(__name__)

# Opening takes milliseconds, unless a new version updates a big database first (minutes at a
# million contacts): after this long a window says what is going on.
OPEN_NOTICE_AFTER_S = 0.3


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
        summary = f"{exc_type.__name__}: {exc}"
        sentence = database_sentence(exc)
        if sentence is not None:  # a database error's text and traceback carry SQL: log only
            summary, details = sentence, ""
        # Show it from the event loop: the hook may run inside a paint or a slot.
        QTimer.singleShot(0, lambda: self._show(summary, details))

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
            if details:
                box.setDetailedText(details)
            box.exec()
        finally:
            self._showing = False


def open_database_in_background(app: QCoreApplication, db_url: str | None) -> Database:
    """open_database (which may migrate) on a thread, with a busy window if it takes long.

    The migration is one transaction: it is not offered for cancelling, since stopping it
    half-way would only roll it back, and this version cannot use the database without it.
    """
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["db"] = open_database(db_url)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread below
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="open-database", daemon=True)
    thread.start()
    thread.join(OPEN_NOTICE_AFTER_S)
    if thread.is_alive():
        tr = QCoreApplication.translate
        dialog = QProgressDialog("", "", 0, 0)
        label = QLabel(
            tr(
                "App",
                "<b>Opening the database…</b><br>If this version of crm-desktop is new, it is "
                "updating the database (a copy of a database file is kept first). A large "
                "database can take a few minutes.",
            )
        )
        label.setWordWrap(True)
        dialog.setLabel(label)
        dialog.setMinimumWidth(460)
        dialog.setWindowTitle(APP_NAME)
        dialog.setCancelButton(None)
        dialog.show()
        while thread.is_alive():
            app.processEvents()
            thread.join(0.05)
        dialog.close()
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    db = outcome["db"]
    assert isinstance(db, Database)
    return db


def run_gui(db_url: str | None) -> int:
    log_path = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    from crm_desktop.views.wheel_guard import install_wheel_guard

    install_wheel_guard(app)  # the wheel scrolls; values change only in the focused field
    sys.excepthook = ExceptionReporter(log_path)
    log.info("starting")
    try:
        db = open_database_in_background(app, db_url)
    except DatabaseError as exc:
        log.error("cannot open the database: %s", exc)
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    from crm_desktop.views.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    window.start_alerts()
    code = app.exec()
    db.dispose()
    return int(code)
