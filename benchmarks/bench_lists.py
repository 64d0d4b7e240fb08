"""How fast the record lists open, scroll and sort, and how fast the program starts.

    python benchmarks/bench_lists.py --db sqlite:////tmp/demo1m.sqlite3 [--kind contacts]

Make the database first with `crm-desktop demo --size N --db URL`. Prints one table:
- start-up: wall time from launching `crm-desktop` (a fresh Python process) until the
  main window shows the first page of the Leads list (median of 3 launches);
- through the real table model in a QTableView (offscreen): first page visible, row count
  known, jump to the middle and to the end (the scroll bar dragged), and re-sorting by each
  sortable column until the first page is back;
- the same queries at the service level (no Qt), to separate database time from the GUI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView

from crm_desktop.models.database import open_database
from crm_desktop.services.listing import ListQuery, columns, count_rows, fetch_page
from crm_desktop.views.table_model import PLACEHOLDER, RecordTableModel

STARTUP_PROBE = Path(__file__).with_name("startup_probe.py")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _wait_until(app: QApplication, done: Callable[[], bool], timeout: float = 120.0) -> float:
    """Run the event loop until done() holds; return the elapsed seconds."""
    start = time.perf_counter()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    timer.start()
    while not done():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the list did not load in time")
        loop.exec()
    timer.stop()
    return time.perf_counter() - start


def bench_startup(url: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(STARTUP_PROBE), "--db", url],
            check=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_gui(app: QApplication, url: str, kind: str) -> list[tuple[str, float]]:
    db = open_database(url)
    results: list[tuple[str, float]] = []
    view = QTableView()
    view.resize(1200, 800)
    start = time.perf_counter()
    model = RecordTableModel(db.sessions, ListQuery(kind=kind))  # type: ignore[arg-type]
    view.setModel(model)
    view.show()

    def loaded(row: int) -> bool:
        return model.rowCount() > row and model.data(model.index(row, 0)) != PLACEHOLDER

    _wait_until(app, lambda: loaded(0))
    results.append(("GUI: first page visible", time.perf_counter() - start))
    _wait_until(app, lambda: model.count_known)
    results.append(("GUI: row count known", time.perf_counter() - start))
    total = model.rowCount()
    for label, row in (("middle", total // 2), ("end", total - 1)):
        t0 = time.perf_counter()
        view.scrollTo(model.index(row, 0))
        _wait_until(app, lambda r=row: loaded(r))
        results.append((f"GUI: jump to the {label} (row {row:,})", time.perf_counter() - t0))
    view.scrollToTop()
    for number, column in enumerate(columns(kind)):
        if not column.sortable:
            continue
        for order_name, order in (
            ("asc", Qt.SortOrder.AscendingOrder),
            ("desc", Qt.SortOrder.DescendingOrder),
        ):
            t0 = time.perf_counter()
            model.sort(number, order)
            _wait_until(app, lambda: not model.busy and loaded(0))
            results.append((f"GUI: sort by {column.key} {order_name}", time.perf_counter() - t0))
    db.dispose()
    return results


def bench_services(url: str, kind: str) -> list[tuple[str, float]]:
    db = open_database(url)
    q = ListQuery(kind=kind)  # type: ignore[arg-type]
    results = [("service: count", _timed(lambda: count_rows(db.sessions, q)))]
    total = count_rows(db.sessions, q)
    results.append(("service: first page", _timed(lambda: fetch_page(db.sessions, q, 0, 200))))
    for label, offset in (("middle", total // 2), ("end", max(total - 200, 0))):
        results.append(
            (
                f"service: page by OFFSET at the {label}",
                _timed(lambda o=offset: fetch_page(db.sessions, q, o, 200)),
            )
        )
    results.append(
        (
            "service: name filter 'wang'",
            _timed(lambda: fetch_page(db.sessions, ListQuery(kind=kind, text="wang"), 0, 200)),  # type: ignore[arg-type]
        )
    )
    db.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--kind", default="contacts")
    parser.add_argument("--no-startup", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(args.db)
    with db.sessions() as _session:
        total = count_rows(db.sessions, ListQuery(kind=args.kind))
    db.dispose()
    print(f"database: {args.db}  ({total:,} {args.kind})")
    rows: list[tuple[str, float]] = []
    if not args.no_startup:
        rows.append(("start-up to first page of Leads (median of 3)", bench_startup(args.db)))
    rows += bench_gui(app, args.db, args.kind)
    rows += bench_services(args.db, args.kind)
    for label, seconds in rows:
        print(f"{label:<48} {_ms(seconds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
