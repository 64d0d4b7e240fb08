"""Creates the QApplication, opens the database and shows the main window.

Everything is logged to a file in the user's log folder; an uncaught exception
is logged and shown in a message box, and the window keeps running.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import threading
import traceback
from functools import partial
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog

from crm_desktop.models.database import APP_NAME, Database, DatabaseError, open_database
from crm_desktop.models.db_url import mask_password
from crm_desktop.services.db_errors import database_sentence
from crm_desktop.services.locale_defaults import (
    LocaleDefaults,
    locale_defaults,
    system_locale_name,
)

log = logging.getLogger(__name__)

# Opening takes milliseconds, unless a new version updates a big database first (minutes at a
# million contacts): after this long a window says what is going on.
OPEN_NOTICE_AFTER_S = 0.3


def log_file_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "crm-desktop.log"


class _MaskingFormatter(logging.Formatter):
    """Log lines (and tracebacks) with every database password in them as ***."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_password(super().format(record))


class _PrivateLogHandler(RotatingFileHandler):
    """A rotating log readable by its owner only: it holds names, e-mails and paths."""

    def _open(self):  # type: ignore[no-untyped-def]
        opener = partial(os.open, mode=0o600)
        stream = open(self.baseFilename, self.mode, encoding=self.encoding, opener=opener)  # noqa: SIM115
        os.chmod(self.baseFilename, 0o600)  # a file made by an older version was 0644
        return stream


def setup_logging(path: Path | None = None) -> Path | None:
    """Log INFO and up to a rotating file; returns its path (None if it cannot be written)."""
    target = path or log_file_path()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(mode=0o700, parents=True)
        for old in target.parent.glob(target.name + ".*"):  # the rotated ones
            if old.is_file():
                old.chmod(0o600)
        handler = _PrivateLogHandler(target, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        logging.basicConfig(level=logging.INFO)
        log.warning("cannot write the log file %s: %s", target, exc)
        return None
    handler.setFormatter(
        _MaskingFormatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
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
        details = mask_password("".join(traceback.format_exception(exc_type, exc, tb)))
        summary = mask_password(f"{exc_type.__name__}: {exc}")
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

    The update is not offered for cancelling: this version cannot use the database without
    it (each of its steps is a transaction, so a killed start goes on where it stopped).
    When the start waits for another window updating the same database, the notice says so.
    """
    outcome: dict[str, object] = {}
    waiting: list[str] = []  # notices from the thread, shown by the GUI thread

    def work() -> None:
        try:
            outcome["db"] = open_database(db_url, notice=waiting.append)
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
        shown = 0
        while thread.is_alive():
            if len(waiting) > shown:
                shown = len(waiting)
                label.setText(label.text() + "<br><br>" + html.escape(waiting[-1]))
            app.processEvents()
            thread.join(0.05)
        dialog.close()
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    db = outcome["db"]
    assert isinstance(db, Database)
    return db


def system_locale_defaults() -> LocaleDefaults:
    """The locale the session names (LANG and co.), else Qt's reading of the system's
    (Windows and macOS set no LANG)."""
    from PySide6.QtCore import QLocale

    name = system_locale_name() or QLocale.system().name()
    return locale_defaults(name)


def confirm_first_start_if_new(db: Database) -> None:
    """A database made just now takes the locale's currency and region, shown for
    confirming before the window opens; any other database keeps its settings."""
    from crm_desktop.views.first_start import FirstStartDialog, prepare_first_start

    start = prepare_first_start(db.sessions, system_locale_defaults())
    if start.pending:
        FirstStartDialog(db, start).exec()


def where_things_are(db: Database, log_path: Path | None) -> str:
    """One line for the welcome page: the database, this computer's settings, the log."""
    from PySide6.QtCore import QSettings

    tr = QCoreApplication.translate
    parts = [tr("App", "Database: %1").replace("%1", str(db.sqlite_path or db.describe()))]
    parts.append(tr("App", "Window settings: %1").replace("%1", QSettings().fileName()))
    if log_path is not None:
        parts.append(tr("App", "Log: %1").replace("%1", str(log_path)))
    return "\n".join(parts)


def run_gui(db_url: str | None) -> int:
    log_path = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    from crm_desktop.views.wheel_guard import install_wheel_guard

    install_wheel_guard(app)  # the wheel scrolls; values change only in the focused field
    from crm_desktop.views.fitting import install_clip_tips
    from crm_desktop.views.translations import install_translations

    install_translations(app)  # plural forms ("1 record", "2 records") and translations

    install_clip_tips(app)  # a field too narrow for its text shows all of it as a tooltip
    sys.excepthook = ExceptionReporter(log_path)
    log.info("starting")
    try:
        db = open_database_in_background(app, db_url)
    except DatabaseError as exc:
        log.error("cannot open the database: %s", exc)
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.welcome import show_welcome_if_empty

    confirm_first_start_if_new(db)
    window = MainWindow(db)
    welcome = show_welcome_if_empty(window, where_things_are(db, log_path))  # noqa: F841
    window.show()
    window.start_alerts()
    code = app.exec()
    db.dispose()
    return int(code)
