"""Time the demo data generator: `generate_demo` for a size and a backend, rows per second.

    python benchmarks/make_demo_db.py --size 100000 --db sqlite:////tmp/demo100k.sqlite3
    python benchmarks/make_demo_db.py --size 1000000 \
        --db postgresql+psycopg://crm:crm@localhost/crm_d_bench

A SQLite file is replaced (with --replace); a PostgreSQL database that already holds
contacts is refused unless --force, so a benchmark never mixes two runs by accident.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm_desktop.models.database import open_database, remove_sqlite_files
from crm_desktop.services.demo import existing_contacts, generate_demo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="contacts (default 100000)")
    parser.add_argument("--db", required=True, help="sqlite:///file or postgresql+psycopg://...")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--replace", action="store_true", help="delete the SQLite file first")
    parser.add_argument("--force", action="store_true", help="add to a database with contacts")
    args = parser.parse_args()

    if args.replace and args.db.startswith("sqlite:///"):
        remove_sqlite_files(Path(args.db.removeprefix("sqlite:///")))
    started = time.monotonic()
    db = open_database(args.db)
    opened = time.monotonic()
    if existing_contacts(db.sessions) and not args.force:
        print("the database already holds contacts: use --replace (SQLite) or --force")
        return 2

    phases: list[tuple[str, float]] = []
    last = [""]

    def progress(fraction: float, message: str = "") -> None:
        phase = message.split(" ")[0] if message else ""
        if phase != last[0]:
            phases.append((message, time.monotonic()))
            last[0] = phase
        print(f"\r{fraction:6.1%} {message:<40}", end="", file=sys.stderr, flush=True)

    report = generate_demo(db.sessions, args.size, progress, seed=args.seed)
    finished = time.monotonic()
    print(file=sys.stderr)
    db.dispose()
    seconds = finished - opened
    print(f"backend      {db.url.get_backend_name()}  ({db.describe()})")
    print(f"size         {args.size:,} contacts")
    print(
        f"rows         {report.rows:,} (companies {report.companies:,}, contacts "
        f"{report.contacts:,}, leads {report.leads:,}, deals {report.deals:,}, contact methods "
        f"{report.contact_methods:,}, taggings {report.taggings:,}, activities "
        f"{report.activities:,} of which open {report.open_activities:,})"
    )
    print(f"open+migrate {opened - started:8.1f} s")
    marks = [*phases, ("end", finished)]
    for (message, at), (_next, until) in itertools.pairwise(marks):
        print(f"  {message.split(' ')[0]:<22} {until - at:8.1f} s")
    print(f"generate     {seconds:8.1f} s  ({report.rows / seconds:,.0f} rows/s overall)")
    print(f"search index {'built' if report.search_indexed else 'NOT built'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
