"""How long a start-up migration takes on a filled database: downgrade, then time the upgrade.

    python benchmarks/bench_migration.py --db sqlite:////tmp/bench/demo1000000.sqlite3 --from 0002
    python benchmarks/bench_migration.py --db postgresql+psycopg://crm:crm@localhost/crm_bench1m \
        --from 0002

The database is taken down to --from (not timed), then brought back to head the way the
program does at start (timed: one transaction per step, and for a SQLite file the copy kept
first, which is also timed on its own). The database ends at head, as it started.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic import command

from crm_desktop.models.database import backup_sqlite_file, create_db_engine, resolve_url
from crm_desktop.models.migrations import alembic_config, prepare_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///file or postgresql+psycopg://...")
    parser.add_argument("--from", dest="start", required=True, help="revision to upgrade from")
    args = parser.parse_args()
    url = resolve_url(args.db)
    engine = create_db_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, args.start)
    if url.get_backend_name() == "sqlite" and url.database:
        started = time.perf_counter()
        copy = backup_sqlite_file(Path(url.database))
        print(f"copy of the SQLite file    {time.perf_counter() - started:8.1f} s")
        if copy is not None:
            copy.unlink()
    started = time.perf_counter()
    prepare_database(engine, url, print)
    print(f"upgrade {args.start} -> head       {time.perf_counter() - started:8.1f} s")
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        for copy in path.parent.glob(f"{path.name}.*.bak"):
            if copy.stat().st_mtime >= started - 1:
                copy.unlink()
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
