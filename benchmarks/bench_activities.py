"""Time what activities cost on a user action: timelines, customer facts, follow-up lists, tasks.

    python benchmarks/bench_activities.py --db sqlite:////tmp/bench/demo1000000.sqlite3
    python benchmarks/bench_activities.py --db postgresql+psycopg://crm:crm@localhost/crm_bench_act

Make the database first (`benchmarks/make_demo_db.py --size N --db URL`; the demo has
activities for about 40% of its contacts). Each step runs once cold, then --repeat times;
the table shows the first run, the median and the slowest of the repeats, in
milliseconds. The records are picked from the data: the contact with the most
activities, the company with the most contacts, the company with the most activities,
the deal with the most activities, and the owner with the most open to-dos.

With --explain, every statement of a step whose median is over --slow ms is printed with
its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select

from crm_desktop.models import Activity, Contact
from crm_desktop.models.database import Database, open_database
from crm_desktop.services.activities.facts import customer_facts
from crm_desktop.services.activities.schedule import Bucket, local_zone
from crm_desktop.services.activities.timeline import record_timeline
from crm_desktop.services.listing import FOLLOW_UPS, ListQuery, count_rows, fetch_page

try:  # added while these benchmarks were written; timed when present
    from crm_desktop.services.activities.tasks import list_tasks
except ImportError:  # pragma: no cover
    list_tasks = None  # type: ignore[assignment]
try:
    from crm_desktop.services.activities.reminders import due_reminders
except ImportError:  # pragma: no cover
    due_reminders = None  # type: ignore[assignment]

PAGE = 200


class Recorder:
    """The SQL statements a step sends, for EXPLAIN."""

    def __init__(self, db: Database) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.on and not statement.lstrip().upper().startswith(("EXPLAIN", "PRAGMA")):
            self.statements.append((statement, params))


def pick_records(db: Database) -> dict[str, Any]:
    """The busiest records of each kind (read once, not timed)."""
    with db.sessions() as session:

        def busiest(column: Any, where: Any = None) -> Any:
            stmt = select(column).where(column.is_not(None))
            if where is not None:
                stmt = stmt.where(where)
            stmt = stmt.group_by(column).order_by(func.count().desc()).limit(1)
            return session.scalar(stmt)

        return {
            "contact": busiest(Activity.contact_id),
            "company_many_contacts": busiest(Contact.company_id),
            "company_busy": busiest(Activity.company_id),
            "deal": busiest(Activity.deal_id),
            "owner": busiest(Activity.owner_id, Activity.done.is_(False)),
            "activities": session.scalar(select(func.count()).select_from(Activity)),
            "contacts": session.scalar(select(func.count()).select_from(Contact)),
        }


def steps(db: Database, picked: dict[str, Any]) -> list[tuple[str, Callable[[], object]]]:
    s = db.sessions
    out: list[tuple[str, Callable[[], object]]] = [
        ("timeline: busiest contact", lambda: record_timeline(s, "contacts", picked["contact"])),
        (
            "timeline: company with most contacts",
            lambda: record_timeline(s, "companies", picked["company_many_contacts"]),
        ),
        (
            "timeline: busiest company",
            lambda: record_timeline(s, "companies", picked["company_busy"]),
        ),
        ("timeline: busiest deal", lambda: record_timeline(s, "deals", picked["deal"])),
        ("facts: busiest contact", lambda: customer_facts(s, "contacts", picked["contact"])),
        ("facts: busiest company", lambda: customer_facts(s, "companies", picked["company_busy"])),
        (
            "facts: company with most contacts",
            lambda: customer_facts(s, "companies", picked["company_many_contacts"]),
        ),
    ]
    for kind in ("contacts", "companies"):
        for follow_up in (None, *FOLLOW_UPS):
            q = ListQuery(kind=kind, follow_up=follow_up)  # type: ignore[arg-type]
            name = f"{kind} {follow_up or 'all'}"
            out.append((f"list {name}: count", lambda q=q: count_rows(s, q)))
            out.append((f"list {name}: first page", lambda q=q: fetch_page(s, q, 0, PAGE)))
    zone = local_zone()
    if list_tasks is not None:
        for who, owner in (("one owner", picked["owner"]), ("everyone", None)):
            for bucket in Bucket:
                out.append(
                    (
                        f"tasks {bucket.value}: {who}",
                        lambda b=bucket, o=owner: list_tasks(
                            s, b, owner_id=o, now=dt.datetime.now(dt.UTC), zone=zone
                        ),
                    )
                )
    if due_reminders is not None:
        out.append(
            (
                "due reminders: one owner",
                lambda: due_reminders(s, picked["owner"], dt.datetime.now(dt.UTC)),
            )
        )
    return out


def explain(db: Database, statements: list[tuple[str, Any]]) -> None:
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    seen: set[str] = set()
    with db.engine.connect() as conn:
        for statement, params in statements:
            if statement in seen:
                continue
            seen.add(statement)
            print("    SQL: " + " ".join(statement.split()))
            rows = conn.exec_driver_sql(prefix + statement, params).all()
            for row in rows:
                print("      " + (str(row[-1]) if db.is_sqlite else str(row[0])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///file or postgresql+psycopg://...")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run only steps whose name contains this")
    parser.add_argument("--explain", action="store_true", help="print plans of slow steps")
    parser.add_argument("--slow", type=float, default=100.0, help="ms (default 100)")
    args = parser.parse_args()

    db = open_database(args.db)
    picked = pick_records(db)
    if not picked["activities"]:
        print("the database has no activities: make it with benchmarks/make_demo_db.py")
        return 2
    with db.sessions() as session:
        busy = session.scalar(select(func.count()).where(Activity.contact_id == picked["contact"]))
        company_busy = session.scalar(
            select(func.count()).where(Activity.company_id == picked["company_busy"])
        )
        deal_busy = session.scalar(select(func.count()).where(Activity.deal_id == picked["deal"]))
    print(
        f"database: {db.describe()}  ({picked['contacts']:,} contacts, "
        f"{picked['activities']:,} activities; busiest contact {busy}, company {company_busy}, "
        f"deal {deal_busy} activities)"
    )
    recorder = Recorder(db)
    print(f"{'step':<44} {'first':>9} {'median':>9} {'max':>9}  (ms)")
    for name, fn in steps(db, picked):
        if args.only and args.only not in name:
            continue
        recorder.statements.clear()
        recorder.on = True
        start = time.perf_counter()
        fn()
        first = time.perf_counter() - start
        recorder.on = False
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
        median = statistics.median(runs)
        flag = "  <- slow" if median * 1000 > args.slow else ""
        print(
            f"{name:<44} {first * 1000:9.1f} {median * 1000:9.1f} {max(runs) * 1000:9.1f}{flag}",
            flush=True,
        )
        if flag and args.explain:
            explain(db, recorder.statements)
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
