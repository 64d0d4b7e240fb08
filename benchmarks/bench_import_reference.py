"""Reference timings for importing an xlsx of contacts: the same file read and stored without us.

    python benchmarks/bench_import_reference.py /tmp/bench-import/contacts-100000.xlsx
    python benchmarks/bench_import_reference.py /tmp/bench-import/contacts-1048575.xlsx \
        --pg postgresql+psycopg://crm_ci:crm_ci@localhost/crm_bench_import --json ref-1m.json

Make the files first with `benchmarks/make_import_files.py`. Every step runs in a fresh
Python process, so its peak memory (the child's ru_maxrss from os.wait4) is its own:
- calamine to_python(): python-calamine reads the first sheet into lists, the floor;
- calamine iter_rows(): the same sheet consumed row by row;
- pandas -> SQLite: pandas.read_excel(engine="calamine"), then DataFrame.to_sql("contacts",
  index=False) into a new SQLite file, the script a user would write;
- pandas -> PostgreSQL (with --pg URL): the same to_sql into that database, with pandas's
  default method (one executemany) and, with --pg-multi, method="multi" in chunks of
  5,000 rows (60,000 parameters, under PostgreSQL's 65,535). The table is replaced;
- crm-desktop import: `time_crm_import`, the real importer (mapping, normalization,
  duplicate checks with the default rule "skip", undo records, search index) into a new
  SQLite file, and with --crm-pg URL into that PostgreSQL database, emptied first
  (every table of its public schema is dropped: give it a database of its own).
  Its peak RSS is the whole command's; its seconds are the wall time of the command
  minus its start-up (measured with --version), so they compare with the children above.
"Seconds" is measured inside the child around the work alone (no interpreter start-up or
imports); "RSS at start" is the child's memory after its imports, before the work.
pandas is needed only here: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRM_DESKTOP = ROOT / ".venv" / "bin" / "crm-desktop"
MULTI_CHUNK = 5000  # rows per INSERT with method="multi": 12 columns x 5,000 = 60,000 params


@dataclass
class StepResult:
    step: str
    rows: int | None = None
    seconds: float | None = None  # the work alone, timed in the child
    wall: float = 0.0  # the child process, start-up and imports included
    peak_rss_mb: float = 0.0
    start_rss_mb: float | None = None
    phases: dict[str, float] = field(default_factory=dict)
    note: str = ""
    ok: bool = True

    @property
    def rows_per_second(self) -> float | None:
        timed = self.seconds if self.seconds is not None else self.wall
        return self.rows / timed if self.rows and timed else None


# --- what runs in the child -------------------------------------------------------------


def _vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child_calamine_to_python(path: str, _target: str) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    start_rss = _vm_rss_mb()
    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - t0
    return {"rows": len(rows) - 1, "seconds": seconds, "start_rss_mb": start_rss}


def _child_calamine_iter_rows(path: str, _target: str) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    start_rss = _vm_rss_mb()
    t0 = time.perf_counter()
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    opened = time.perf_counter()
    count = sum(1 for _row in sheet.iter_rows())
    done = time.perf_counter()
    return {
        "rows": count - 1,
        "seconds": done - t0,
        "start_rss_mb": start_rss,
        "phases": {"open sheet": opened - t0, "iterate": done - opened},
    }


def _child_pandas_to_sql(path: str, target: str, method: str | None) -> dict[str, object]:
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(target)
    start_rss = _vm_rss_mb()
    t0 = time.perf_counter()
    frame = pd.read_excel(path, engine="calamine")
    read = time.perf_counter()
    frame.to_sql(
        "contacts",
        engine,
        index=False,
        if_exists="replace",
        method=method,
        chunksize=MULTI_CHUNK if method == "multi" else None,
    )
    done = time.perf_counter()
    engine.dispose()
    return {
        "rows": len(frame),
        "seconds": done - t0,
        "start_rss_mb": start_rss,
        "phases": {"read_excel": read - t0, "to_sql": done - read},
    }


CHILD_STEPS: dict[str, Callable[[str, str], dict[str, object]]] = {
    "calamine-to-python": _child_calamine_to_python,
    "calamine-iter-rows": _child_calamine_iter_rows,
    "pandas-default": lambda path, target: _child_pandas_to_sql(path, target, None),
    "pandas-multi": lambda path, target: _child_pandas_to_sql(path, target, "multi"),
}


def child_main(step: str, path: str, target: str, out: str) -> int:
    result = CHILD_STEPS[step](path, target)
    Path(out).write_text(json.dumps(result))
    return 0


# --- the parent: run each step in its own process ---------------------------------------


def run_measured(argv: list[str], timeout: float) -> tuple[int, float, float, str]:
    """Run argv; return (exit code, wall seconds, peak RSS in MB, the tail of its stderr).

    The child is reaped with os.wait4, whose rusage covers that child alone.
    """
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        errors.seek(0)
        tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return child.returncode, wall, usage.ru_maxrss / 1024, " | ".join(tail)


def run_step(label: str, step: str, path: Path, target: str, timeout: float) -> StepResult:
    print(f"  {label} ...", file=sys.stderr, flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = [sys.executable, __file__, "--child", step, str(path), target, out.name]
        code, wall, peak, tail = run_measured(argv, timeout)
        if code != 0:
            return StepResult(label, wall=wall, peak_rss_mb=peak, note=tail, ok=False)
        data = json.loads(Path(out.name).read_text())
    return StepResult(label, wall=wall, peak_rss_mb=peak, **data)


def time_crm_import(
    path: Path, db_url: str, rows: int | None = None, timeout: float = 3600.0, label: str = ""
) -> StepResult:
    """The real importer: `crm-desktop import PATH --target contacts` (duplicates skipped).

    Seconds are the command's wall time minus its start-up without work (`--version` and
    opening the database, measured once); peak RSS is the whole command's.
    """
    label = label or "crm-desktop import"
    if not CRM_DESKTOP.exists():
        return StepResult(label, note=f"{CRM_DESKTOP} missing: pip install -e .", ok=False)
    start_up = _crm_start_up(db_url, timeout)
    argv = [str(CRM_DESKTOP), "import", str(path), "--target", "contacts", "--db", db_url]
    print(f"  {label} ...", file=sys.stderr, flush=True)
    code, wall, peak, tail = run_measured(argv, timeout)
    if code != 0:
        note = f"exit {code}: {tail[:300]}"
        return StepResult(label, wall=wall, peak_rss_mb=peak, note=note, ok=False)
    return StepResult(
        label,
        rows=rows,
        seconds=max(wall - start_up, 0.0),
        wall=wall,
        peak_rss_mb=peak,
        note=f"wall {wall:.1f} s, of which {start_up:.1f} s start-up",
    )


def time_crm_undo(db_url: str, rows: int | None, timeout: float, label: str) -> StepResult:
    """`crm-desktop undo-import ID --yes` of the newest import of the database."""
    listing = subprocess.run(
        [str(CRM_DESKTOP), "imports", "--db", db_url], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0 or not listing.stdout.strip():
        return StepResult(label, note=f"no import to undo: {listing.stderr[:200]}", ok=False)
    batch_id = listing.stdout.split()[0]
    start_up = _crm_start_up(db_url, timeout)
    argv = [str(CRM_DESKTOP), "undo-import", batch_id, "--yes", "--db", db_url]
    print(f"  {label} ...", file=sys.stderr, flush=True)
    code, wall, peak, tail = run_measured(argv, timeout)
    if code != 0:
        return StepResult(label, wall=wall, peak_rss_mb=peak, note=f"exit {code}: {tail}", ok=False)
    return StepResult(
        label,
        rows=rows,
        seconds=max(wall - start_up, 0.0),
        wall=wall,
        peak_rss_mb=peak,
        note=f"wall {wall:.1f} s, of which {start_up:.1f} s start-up",
    )


def _crm_start_up(db_url: str, timeout: float) -> float:
    """Seconds the command takes to start and open the database, doing nothing else."""
    argv = [str(CRM_DESKTOP), "imports", "--db", db_url]
    code, wall, _peak, _tail = run_measured(argv, timeout)
    return wall if code == 0 else 0.0


def _empty_pg(url: str) -> str:
    """Drop every table of the database's public schema (it must be the benchmark's own)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _fresh_sqlite(file: Path) -> str:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{file}{extra}").unlink(missing_ok=True)
    return f"sqlite:///{file}"


def _versions() -> dict[str, str]:
    names = ("python-calamine", "pandas", "SQLAlchemy", "psycopg", "openpyxl")
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def _table(results: list[StepResult]) -> None:
    print(
        f"{'step':<42} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'peak RSS':>10} {'at start':>9}"
    )
    for r in results:
        if not r.ok:
            print(f"{r.step:<42} {r.note}")
            continue
        seconds = r.seconds if r.seconds is not None else r.wall
        rate = f"{r.rows_per_second:,.0f}" if r.rows_per_second else "-"
        start = f"{r.start_rss_mb:,.0f} MB" if r.start_rss_mb is not None else "-"
        rows = f"{r.rows:,}" if r.rows is not None else "-"
        print(
            f"{r.step:<42} {rows:>10} {seconds:9.2f} {rate:>10} {r.peak_rss_mb:7,.0f} MB {start:>9}"
        )
        for phase, took in r.phases.items():
            print(f"    {phase:<38} {'':>10} {took:9.2f}")
        if r.note:
            print(f"    ({r.note})")


def _count_cards(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.lstrip()[:11].lower() == b"begin:vcard")


def _ratios(results: list[StepResult]) -> None:
    """crm-desktop against pandas on the same database kind: time and peak memory."""
    by_step = {r.step: r for r in results if r.ok}
    pairs = (
        ("crm-desktop -> SQLite", "pandas read_excel + to_sql -> SQLite"),
        ("crm-desktop -> PostgreSQL", "pandas ... to_sql -> PostgreSQL (default)"),
    )
    for ours, theirs in pairs:
        a, b = by_step.get(ours), by_step.get(theirs)
        if a and b and a.seconds and b.seconds:
            a.phases["ratio to pandas (time)"] = round(a.seconds / b.seconds, 2)
            a.phases["ratio to pandas (peak RSS)"] = round(a.peak_rss_mb / b.peak_rss_mb, 2)


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        return child_main(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xlsx", type=Path)
    parser.add_argument("--pg", help="postgresql+psycopg://... for the pandas PostgreSQL step")
    parser.add_argument("--pg-multi", action="store_true", help="also to_sql(method='multi')")
    parser.add_argument("--workdir", type=Path, help="for the SQLite files (default: the xlsx's)")
    parser.add_argument("--crm-db", help="database for crm-desktop import (default: new SQLite)")
    parser.add_argument("--no-crm", action="store_true", help="skip crm-desktop import")
    parser.add_argument(
        "--crm-pg", help="also import into this PostgreSQL database (emptied first!)"
    )
    parser.add_argument("--undo", action="store_true", help="then time undoing each import")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per step")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    path = args.xlsx.resolve()
    workdir = args.workdir or path.parent
    stem = path.stem
    print(f"file: {path}  ({path.stat().st_size / 1e6:,.1f} MB)", file=sys.stderr)

    results: list[StepResult] = []
    vcf = path.suffix.lower() == ".vcf"  # no sheet to read: the importer alone
    if not vcf:
        results += [
            run_step("calamine to_python()", "calamine-to-python", path, "", args.timeout),
            run_step("calamine iter_rows()", "calamine-iter-rows", path, "", args.timeout),
        ]
        sqlite = _fresh_sqlite(workdir / f"pandas-{stem}.sqlite3")
        results.append(
            run_step(
                "pandas read_excel + to_sql -> SQLite", "pandas-default", path, sqlite, args.timeout
            )
        )
    if args.pg and not vcf:
        results.append(
            run_step(
                "pandas ... to_sql -> PostgreSQL (default)",
                "pandas-default",
                path,
                args.pg,
                args.timeout,
            )
        )
        if args.pg_multi:
            results.append(
                run_step(
                    "pandas ... to_sql -> PostgreSQL (multi)",
                    "pandas-multi",
                    path,
                    args.pg,
                    args.timeout,
                )
            )
    rows = results[0].rows if results else _count_cards(path)
    if not args.no_crm:
        crm_db = args.crm_db or _fresh_sqlite(workdir / f"crm-import-{stem}.sqlite3")
        targets = [("SQLite", crm_db)]
        if args.crm_pg:
            targets.append(("PostgreSQL", _empty_pg(args.crm_pg)))
        for name, url in targets:
            results.append(time_crm_import(path, url, rows, args.timeout, f"crm-desktop -> {name}"))
            if args.undo:
                label = f"crm-desktop undo-import ({name})"
                results.append(time_crm_undo(url, rows, args.timeout, label))
    _ratios(results)

    print(f"file: {path.name}, {rows or 0:,} rows, {path.stat().st_size / 1e6:,.1f} MB")
    _table(results)
    if args.json:
        payload = {
            "file": str(path),
            "bytes": path.stat().st_size,
            "rows": rows,
            "versions": _versions(),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "steps": [asdict(r) | {"rows_per_second": r.rows_per_second} for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"written: {args.json}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
