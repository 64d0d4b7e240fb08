"""Start the real main window and exit as soon as the first page of its list is on screen.

bench_lists.py times this whole process, from launch to exit: interpreter start, imports,
opening (and checking the schema of) the database, building the window and the first page.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableView

from crm_desktop.models.database import open_database
from crm_desktop.views.main_window import MainWindow
from crm_desktop.views.table_model import PLACEHOLDER


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    app = QApplication(sys.argv)
    window = MainWindow(open_database(args.db))
    window.show()

    def check() -> None:
        for view in window.findChildren(QTableView):
            model = view.model()
            if (
                view.isVisible()
                and model is not None
                and model.rowCount() > 0
                and model.data(model.index(0, 0)) != PLACEHOLDER
            ):
                app.quit()
                return

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(1)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
