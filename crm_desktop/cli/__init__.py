"""Command line entry point. No Qt import here: the GUI is loaded only when started.

    crm-desktop [--db URL]                      start the window
    crm-desktop demo [--size N] [--db URL]      fill a database with sample data
    crm-desktop export KIND --format FMT -o FILE [--db URL]
                                                contacts, companies, leads, deals: csv, xlsx, vcf
    crm-desktop export activities --format ics -o FILE [--owner N] [--from D] [--to D]
        [--include-done] [--tz ZONE]            tasks and meetings as a calendar file
    crm-desktop import FILE [--target T] [--sheet S] [--mapping M.json] [--on-duplicate R]
                       [--on-possible-duplicate R] ...
    crm-desktop imports                         list imports, newest first
    crm-desktop undo-import ID [--yes]          take an import back out
    crm-desktop report KIND [--from D] [--to D] [--owner N] [--pipeline N] [--format F] [-o FILE]
                                                pipeline, forecast, funnel, reps, sources, events

Exit status: 0 on success, 1 when the work fails (or the window cannot start: missing system
libraries or no display are named, see gui_libraries.py), 2 with a one-line message on
bad input or usage (including a database that cannot be opened), 130 on Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from crm_desktop import __version__
from crm_desktop.cli import calendar_export
from crm_desktop.cli.common import ProgressLine, UsageError, _Parser, one_line
from crm_desktop.models.database import DatabaseError, open_database
from crm_desktop.models.db_url import mask_password
from crm_desktop.services.demo import DEFAULT_SIZE
from crm_desktop.services.export import FORMATS, KINDS, ExportError


def _size(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the size must be at least 1 contact")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="crm-desktop", description="A desktop CRM for small sales teams.")
    parser.add_argument("--version", action="version", version=f"crm-desktop {__version__}")
    db_help = (
        "the database: a SQLite file's path (~/crm.sqlite3) or a URL "
        "(sqlite:////absolute/path.sqlite3, postgresql://user@host/dbname)"
    )
    parser.add_argument("--db", metavar="FILE|URL", help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="start the window (the default)")

    demo = sub.add_parser(
        "demo",
        help="fill a database with realistic sample data",
        description="Add sample leads, contacts, companies, deals and events to a database.",
    )
    demo.add_argument(
        "--size",
        type=_size,
        default=DEFAULT_SIZE,
        metavar="N",
        help=f"number of contacts (default {DEFAULT_SIZE}; 1000000 makes a scale-test database)",
    )
    demo.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)
    demo.add_argument(
        "--force", action="store_true", help="add demo data even if the database has contacts"
    )
    demo.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)

    export = sub.add_parser(
        "export",
        help="write contacts, companies, leads, deals or activities to a file",
        description=(
            "Export live records to CSV (UTF-8), Excel (xlsx) or vCard 3.0 (people); "
            "activities (tasks and meetings) to an iCalendar file (ics) for calendar programs."
        ),
    )
    export.add_argument("kind", choices=(*KINDS, calendar_export.KIND), help="what to export")
    export.add_argument(
        "--format",
        "-f",
        dest="fmt",
        choices=(*FORMATS, calendar_export.FORMAT),
        help="file format (default: from the file name's extension)",
    )
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    export.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)
    calendar_export.add_options(export)
    _add_import_commands(sub, db_help)
    from crm_desktop.cli.reports import add_report_command

    add_report_command(sub, db_help)
    return parser


def _add_import_commands(sub: Any, db_help: str) -> None:
    from crm_desktop.services.imports.fields import TARGETS

    imp = sub.add_parser(
        "import",
        help="import leads, contacts, companies or deals from xlsx, xls, ods, csv or vcf",
        description=(
            "Import a spreadsheet, text table or vCard file. Progress goes to stderr and a "
            "summary to stdout; every row is created, updated, merged, skipped or reported "
            "failed with its row number and reason. Exit status 2 when the file cannot be read."
        ),
    )
    imp.add_argument("file", nargs="?", help="the file to import")
    imp.add_argument(
        "--target",
        "-t",
        choices=TARGETS,
        default="contacts",
        help="what the rows are (default contacts)",
    )
    imp.add_argument("--sheet", help="the sheet of a workbook (default: the first with data)")
    imp.add_argument("--mapping", metavar="FILE.json", help="column -> field mapping to use")
    imp.add_argument(
        "--on-duplicate",
        choices=("skip", "fill", "overwrite", "create"),
        default="skip",
        help="a row with the same e-mail or mobile as a record: skip it, fill the record's "
        "empty fields, overwrite them, or create a new record anyway (default skip)",
    )
    imp.add_argument(
        "--on-possible-duplicate",
        choices=("create", "skip", "merge"),
        default="create",
        help="a row that only may be a record's person (a close name at the same company and "
        "no conflicting e-mail or mobile, or one shared and one conflicting): create it "
        "(default), skip it, or merge it (fills the record's empty fields)",
    )
    imp.add_argument(
        "--threshold",
        type=int,
        default=None,
        metavar="PERCENT",
        help="how alike two names at one company must be to be a possible duplicate (default 85)",
    )
    imp.add_argument(
        "--region",
        metavar="CC",
        help="country phone numbers without +code are read in, for rows that name no country "
        "of their own (a code or a name: US, Germany; default: the database setting)",
    )
    imp.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help="the row number of the column names (default: found)",
    )
    imp.add_argument("--encoding", help="text file encoding (default: detected)")
    imp.add_argument("--delimiter", help="text file delimiter (default: detected)")
    imp.add_argument(
        "--date-order", choices=("DMY", "MDY", "YMD"), help="how to read dates like 03/04/2021"
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would happen; change nothing"
    )
    imp.add_argument("--resume", metavar="ID", help="go on with a cancelled or interrupted import")
    imp.add_argument("--save-mapping", metavar="FILE.json", help="write the mapping used to a file")
    imp.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)

    imports = sub.add_parser("imports", help="list imports, newest first")
    imports.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)

    undo = sub.add_parser(
        "undo-import", help="undo an import: remove what it created, restore what it changed"
    )
    undo.add_argument("id", help="the import's id (or its first characters)")
    undo.add_argument("--yes", "-y", action="store_true", help="answer yes to every question")
    undo.add_argument("--db", metavar="FILE|URL", default=argparse.SUPPRESS, help=db_help)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "gui"):
            return _gui(args)
        if args.command == "demo":
            return _demo(args)
        if args.command == "export":
            return _export(args)
        if args.command in ("import", "imports", "undo-import"):
            from crm_desktop.cli import imports

            return imports.run(args)
        if args.command == "report":
            from crm_desktop.cli import reports

            return reports.run(args)
        parser.error(f"unknown command {args.command}")
    except (DatabaseError, UsageError, ExportError) as exc:
        print(f"crm-desktop: {mask_password(one_line(str(exc)))}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        from crm_desktop.services.db_errors import describe

        print(f"crm-desktop: {mask_password(describe(exc))}", file=sys.stderr)  # never the SQL
        return 1
    except BrokenPipeError:  # the output went to `head` or a closed pager
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("\ncrm-desktop: cancelled", file=sys.stderr)
        return 130
    return 0


def _gui(args: argparse.Namespace) -> int:
    # Qt aborts the process when its platform plugin cannot load: look before loading it.
    from crm_desktop.gui_libraries import check_gui_environment

    problem = check_gui_environment()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    from crm_desktop.app import run_gui

    return run_gui(args.db)


def _demo(args: argparse.Namespace) -> int:
    from crm_desktop.services.demo import existing_contacts, generate_demo
    from crm_desktop.services.locale_defaults import locale_defaults, system_locale_name
    from crm_desktop.services.settings import adopt_locale_defaults

    db = open_database(args.db)
    try:
        # A database made just now takes the locale's currency first: the demo's exchange
        # rates go into it. The window's first start still shows it for confirming.
        adopt_locale_defaults(db.sessions, locale_defaults(system_locale_name()))
        existing = existing_contacts(db.sessions)
        if existing and not args.force:
            raise UsageError(
                f"{db.describe()} already holds {existing:,} contacts; demo data is meant for an "
                "empty database: add --force to add it anyway"
            )
        progress = ProgressLine()
        try:
            report = generate_demo(db.sessions, args.size, progress, seed=args.seed)
        finally:
            progress.finish()
    finally:
        db.dispose()
    print(
        f"Added {report.contacts:,} contacts, {report.companies:,} companies, "
        f"{report.leads:,} leads, {report.deals:,} deals, {report.activities:,} activities "
        f"({report.open_activities:,} of them open tasks and plans) and {report.events:,} "
        f"events ({report.rows:,} rows) to {db.describe()} in {report.seconds:.1f} s."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from crm_desktop.services.export import check_request, export_records

    output = Path(args.output).expanduser()
    fmt = args.fmt or output.suffix.lower().lstrip(".")
    if calendar_export.wants_calendar(args, fmt):
        return calendar_export.run(args, output, fmt)
    calendar_export.reject_options(args)
    if not args.fmt and fmt not in FORMATS:
        raise UsageError(
            f"cannot tell the format from '{output.name}': add --format {'|'.join(FORMATS)}"
        )
    kind, fmt = check_request(args.kind, fmt)
    _check_writable(output)
    db = open_database(args.db)
    try:
        progress = ProgressLine()
        try:
            report = export_records(db.sessions, kind, fmt, output, progress)
        finally:
            progress.finish()
    finally:
        db.dispose()
    print(f"Exported {report.rows:,} {kind} to {output} in {report.seconds:.1f} s.")
    return 0


def _check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written before the database is opened."""
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")


if __name__ == "__main__":
    sys.exit(main())
