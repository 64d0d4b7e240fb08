"""Creates the QApplication, opens the database and shows the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from crm_desktop.models.database import DatabaseError, open_database

log = logging.getLogger(__name__)


def run_gui(db_url: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("crm-desktop")
    app.setOrganizationName("crm-desktop")
    try:
        db = open_database(db_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, "crm-desktop", str(exc))
        return 2
    from crm_desktop.views.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    return app.exec()
