"""How fast the lists' first page comes back sorted by name, both ways, and in what order.

    python benchmarks/bench_sorting.py --db sqlite:////tmp/sorting-1m.sqlite3
    python benchmarks/bench_sorting.py --db postgresql+psycopg://crm_ci:crm_ci@localhost/crm_x

For each list (leads, contacts, companies, deals) and each direction: the first page of 200
rows at the service level (`fetch_page`, what the list model calls on a worker thread), the
next page by keyset seek from its last row, the page at offset 10,000, the plan of the
first page's query, and the first names, to see the order. Each timing is the median of
5 runs after one warm-up run (the database's cache warm, as in a window already open).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from crm_desktop.models.database import Database, open_database
from crm_desktop.services.listing import (
    KINDS,
    Cursor,
    ListQuery,
    count_rows,
    fetch_page,
    page_ids_statement,
)

PAGE = 200


def _median(fn: Callable[[], Any], runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _plan(db: Database, q: ListQuery) -> str:
    stmt = page_ids_statement(q, 0, PAGE).compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        rows = conn.execute(text(prefix + str(stmt))).all()
    return " / ".join(str(row[-1]).strip() for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    db = open_database(args.db)
    print(f"database: {args.db}")
    print(f"{'list':<10} {'order':<5} {'rows':>10} {'first page':>11} {'next (seek)':>12}"
          f" {'offset 10k':>11}  first names")  # fmt: skip
    for kind in args.kinds.split(","):
        for descending in (False, True):
            q = ListQuery(kind, descending=descending)  # type: ignore[arg-type]
            total = count_rows(db.sessions, q)
            first = _median(lambda q=q: fetch_page(db.sessions, q, 0, PAGE))
            rows = fetch_page(db.sessions, q, 0, PAGE)
            cursor = Cursor(rows[-1].sort_value, rows[-1].id) if rows else None
            seek = _median(lambda q=q, c=cursor: fetch_page(db.sessions, q, 0, PAGE, c))
            deep = _median(lambda q=q: fetch_page(db.sessions, q, 10_000, PAGE), runs=3)
            names = ", ".join(str(r.values[0]) for r in rows[:4])
            print(
                f"{kind:<10} {'desc' if descending else 'asc':<5} {total:>10,}"
                f" {first * 1000:>8.1f} ms {seek * 1000:>9.1f} ms {deep * 1000:>8.1f} ms  {names}"
            )
        print(f"{'':<10} plan: {_plan(db, ListQuery(kind))}")  # type: ignore[arg-type]
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
