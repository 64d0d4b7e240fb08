"""Pipeline board timings on a filled database: the board query, filters, moves, the GUI.

    python benchmarks/bench_board.py --db sqlite:////tmp/bench/demo1000000.sqlite3
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_board.py --db URL --gui

The database is expected to hold demo data (`crm-desktop demo --size N --db URL`): per
1,000 contacts 200 deals, 60 % of them open, all in the default pipeline. Each step runs
`--repeat` times after one warm-up; the median and the fastest are printed.

- "query": the board's one SQL statement, executed and fetched, nothing else;
- "board": `load_board` as the page calls it in the background (query, cards, totals);
- "owner" / "text": the board filtered by the busiest owner, and by a word of a title;
- "move": `move_deal` of one deal to the next stage and back (two history rows each time:
  the benchmark leaves its moves in the demo data's history);
- with --gui: the real page offscreen, from `reload()` until the cards are on screen,
  and the longest the GUI thread was busy applying a board or a move.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text

from crm_desktop.models import Deal, User
from crm_desktop.models.database import Database, open_database
from crm_desktop.services.pipeline.board import (
    BoardFilter,
    _pipeline,
    board_statement,
    load_board,
    pipeline_stages,
)
from crm_desktop.services.pipeline.moves import move_deal


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median, fastest) seconds of `repeat` runs after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def query_only(db: Database, flt: BoardFilter) -> int:
    with db.sessions() as session:
        pipeline = _pipeline(session, flt.pipeline_id)
        stages = [s.id for s in pipeline_stages(session, pipeline.id) if s.is_open]
        return len(session.connection().execute(board_statement(flt, stages)).all())


def explain(db: Database, flt: BoardFilter) -> str:
    with db.sessions() as session:
        pipeline = _pipeline(session, flt.pipeline_id)
        stages = [s.id for s in pipeline_stages(session, pipeline.id) if s.is_open]
        compiled = board_statement(flt, stages).compile(
            db.engine, compile_kwargs={"literal_binds": True}
        )
        prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        rows = session.execute(text(prefix + str(compiled))).all()
    return "\n".join("    " + " ".join(str(v) for v in row[-1:]) for row in rows)


def busiest_owner(db: Database) -> Any:
    with db.sessions() as session:
        return session.execute(
            select(User.id, User.name, func.count())
            .join(Deal, Deal.owner_id == User.id)
            .group_by(User.id, User.name)
            .order_by(func.count().desc())
            .limit(1)
        ).first()


def bench_moves(db: Database, repeat: int) -> tuple[float, float]:
    board = load_board(db.sessions, BoardFilter())
    first, second = board.columns[0], board.columns[1]
    card = first.cards[len(first.cards) // 2]
    times = []
    for _ in range(repeat):
        for stage in (second.stage, first.stage):
            started = time.perf_counter()
            move_deal(db.sessions, card.id, stage.id)
            times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def bench_gui(db: Database, repeat: int) -> dict[str, float]:
    """The page offscreen: reload until the cards are shown, and how long the GUI froze.

    A 2 ms heartbeat timer runs throughout; the longest gap between two beats is the
    longest time the window could not have answered the user (the GUI thread busy, or
    waiting for the interpreter lock a worker held).
    """
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from crm_desktop.views.pipeline import PipelineBoardPage

    _app = QApplication.instance() or QApplication([])  # kept alive while timing
    folder = tempfile.mkdtemp()
    page = PipelineBoardPage(
        db.sessions, QSettings(f"{folder}/settings.ini", QSettings.Format.IniFormat)
    )
    page.resize(1500, 900)
    page.show()
    beats: list[float] = [time.perf_counter()]
    gaps: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(2)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))

    def wait() -> None:
        """Run the event loop (idle between events, as in the app) until the page is done."""
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: None if page.board is None or page.is_busy() else loop.quit())
        poll.start()
        loop.exec()
        poll.stop()
        QTimer.singleShot(300, loop.quit)  # the batched layout and the paint
        loop.exec()

    def longest_gap() -> float:
        gap = max(b - a for a, b in itertools.pairwise(beats))
        beats[:] = [time.perf_counter()]
        return gap

    wait()
    heartbeat.start()
    loads = []
    for _ in range(repeat):
        beats[:] = [time.perf_counter()]
        started = time.perf_counter()
        page.reload()
        wait()
        loads.append(time.perf_counter() - started - 0.3)
        gaps.append(longest_gap())
    load_gap = max(gaps)
    gaps.clear()
    column = page.columns[0]
    for _ in range(repeat):
        card = column.model.card_at(column.model.rowCount() // 2)
        assert card is not None
        beats[:] = [time.perf_counter()]
        page.move_deal(card.id, page.columns[1].stage.id)
        wait()
        gaps.append(longest_gap())
    heartbeat.stop()
    page.close()
    return {
        "reload until the cards are shown": statistics.median(loads),
        "longest freeze during a reload": load_gap,
        "longest freeze during a move": max(gaps),
    }


def line(label: str, median: float, fastest: float) -> None:
    print(f"  {label:<38} median {median:7.3f} s   fastest {fastest:7.3f} s")


def bench_database(url: str, repeat: int, gui: bool, moves: bool) -> None:
    db = open_database(url)
    with db.sessions() as session:
        deals = session.scalar(select(func.count()).select_from(Deal)) or 0
    owner = busiest_owner(db)
    print(f"\n{db.describe()}: {deals:,} deals")
    print(explain(db, BoardFilter()))
    median, fastest, count = timed(lambda: query_only(db, BoardFilter()), repeat)
    line(f"query ({count:,} open deals)", median, fastest)
    filters = {
        "board": BoardFilter(),
        f"owner {owner[1]}": BoardFilter(owner_id=owner[0]),
        "text 'pilot'": BoardFilter(text="pilot"),
    }
    for label, flt in filters.items():
        median, fastest, board = timed(partial(load_board, db.sessions, flt), repeat)
        line(f"{label} ({board.card_count:,} cards)", median, fastest)
    if moves:
        median, slowest = bench_moves(db, repeat)
        label = "move one deal"
        print(f"  {label:<38} median {median * 1e3:7.1f} ms  slowest {slowest * 1e3:.1f} ms")
    if gui:
        for name, seconds in bench_gui(db, repeat).items():
            print(f"  GUI: {name:<33} {seconds * 1000:9,.0f} ms")
    db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="database URL (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--gui", action="store_true", help="also time the page offscreen")
    parser.add_argument("--no-moves", action="store_true", help="leave the data as it is")
    args = parser.parse_args()
    for url in args.db:
        bench_database(url, args.repeat, args.gui, not args.no_moves)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
