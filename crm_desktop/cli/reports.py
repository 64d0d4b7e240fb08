"""crm-desktop report: the dashboard's numbers as a table, CSV or xlsx.

    crm-desktop report pipeline|forecast|funnel|reps|sources|events
        [--from DATE] [--to DATE] [--owner NAME] [--pipeline NAME]
        [--format table|csv|xlsx] [-o FILE] [--db URL]

The same services the dashboard shows. A table starts with a title line naming the
filters and the currency; amounts with no exchange rate are named in notes at the end
(on stderr for CSV, so the data stays clean). Bad input (an unknown owner or pipeline,
a bad date) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from crm_desktop.cli.common import UsageError
from crm_desktop.models.database import open_database
from crm_desktop.models.sqlite_files import DatabaseFileInUse, database_in_use

FORMATS = ("table", "csv", "xlsx")
DESCRIPTIONS = {
    "pipeline": "open deals per stage, raw and weighted (range: expected close)",
    "forecast": "won and lost per month (range: closed), open deals by expected close month",
    "funnel": "leads, qualified, deals, won, and stage to stage (range: created)",
    "reps": "per owner: open pipeline, won value, win rate, days to close (range: closed)",
    "sources": "per lead source: leads, deals, won value (range: created)",
    "events": "per event: leads, deals, won value, cost per lead, return (range: created)",
}
REPORT_KINDS = tuple(DESCRIPTIONS)  # the services are imported when a report runs


def add_report_command(sub: Any, db_help: str) -> None:
    kinds = "\n".join(f"  {kind:<9} {text}" for kind, text in DESCRIPTIONS.items())
    report = sub.add_parser(
        "report",
        help="print a sales report: " + ", ".join(REPORT_KINDS),
        description=(
            "Print a report of the default pipeline (or --pipeline), every amount in\n"
            f"the database's default currency.\n\n{kinds}\n\nDates are YYYY-MM-DD (or YYYY-MM "
            "for a whole month), UTC days,\nboth ends included; open deals count at their "
            "expected close."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("report", choices=REPORT_KINDS, help="which report")
    report.add_argument("--from", dest="date_from", type=_start, metavar="DATE", help="first day")
    report.add_argument("--to", dest="date_to", type=_end, metavar="DATE", help="last day")
    report.add_argument("--owner", metavar="NAME", help="only this user's leads and deals")
    report.add_argument("--pipeline", metavar="NAME", help="the pipeline (default: the default)")
    report.add_argument(
        "--format",
        "-f",
        dest="fmt",
        choices=FORMATS,
        help="table (default), csv or xlsx (xlsx needs -o); default from -o's extension",
    )
    report.add_argument("-o", "--output", metavar="FILE", help="write to a file, not stdout")
    # The day open deals are converted for (default today): for reproducible output.
    report.add_argument("--today", type=_start, default=None, help=argparse.SUPPRESS)
    report.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)


def _start(text: str) -> dt.date:
    return _date(text, end=False)


def _end(text: str) -> dt.date:
    return _date(text, end=True)


def _date(text: str, *, end: bool) -> dt.date:
    value = text.strip()
    try:
        if len(value) == 7:  # YYYY-MM: the whole month
            year, month = int(value[:4]), int(value[5:])
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (use YYYY-MM-DD, or YYYY-MM for a month)"
        ) from None


def run(args: argparse.Namespace) -> int:
    from crm_desktop.services.reports import ReportError, resolve_filters, run_report
    from crm_desktop.services.reports.output import (
        format_text,
        title_line,
        write_csv,
        write_xlsx,
    )

    fmt, output = _target(args)
    db = open_database(args.db)
    if output is not None and (database := database_in_use(output)) is not None:
        db.dispose()
        raise UsageError(f"cannot write {output}: {DatabaseFileInUse(output, database).strerror}")
    try:
        with db.sessions() as session:
            filters = resolve_filters(
                session,
                date_from=args.date_from,
                date_to=args.date_to,
                owner=args.owner,
                pipeline=args.pipeline,
                today=args.today,
            )
        report = run_report(db.sessions, args.report, filters)
    except ReportError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        db.dispose()
    table = report.table()
    if fmt == "xlsx":
        assert output is not None
        write_xlsx(table, output)
    elif fmt == "csv":
        if output is None:
            write_csv(table, sys.stdout)
        else:
            with output.open("w", encoding="utf-8-sig", newline="") as stream:
                write_csv(table, stream)
    elif output is None:
        sys.stdout.write(format_text(table))
    else:
        output.write_text(format_text(table), encoding="utf-8")
    if output is not None or fmt == "csv":
        for note in table.all_notes():
            print(f"crm-desktop: note: {note}", file=sys.stderr)
    if output is not None:
        print(f"Wrote {title_line(table)} to {output}.")
    return 0


def _target(args: argparse.Namespace) -> tuple[str, Path | None]:
    output = Path(args.output).expanduser() if args.output else None
    fmt = args.fmt
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in ("csv", "xlsx") else "table"
    if fmt == "xlsx" and output is None:
        raise UsageError("xlsx is written to a file: add -o FILE.xlsx")
    if output is not None:
        _check_writable(output)
    return fmt, output


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")
