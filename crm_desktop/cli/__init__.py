"""Command line entry point. No Qt import here: the GUI is loaded only when started.

    crm-desktop [--db URL]                      start the window
    crm-desktop demo [--size N] [--db URL]      fill a database with sample data
    crm-desktop export KIND --format FMT -o FILE [--db URL]

Exit status: 0 on success, 1 when the work fails, 2 with a one-line message on
bad input or usage (including a database that cannot be opened), 130 on Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

from sqlalchemy.exc import SQLAlchemyError

from crm_desktop import __version__
from crm_desktop.models.database import DatabaseError, open_database
from crm_desktop.services.demo import DEFAULT_SIZE
from crm_desktop.services.export import FORMATS, KINDS, ExportError


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and where to find help, no usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


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
    db_help = "database URL (sqlite:///file or postgresql+psycopg://...)"
    parser.add_argument("--db", metavar="URL", help=db_help)
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
    demo.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    demo.add_argument(
        "--force", action="store_true", help="add demo data even if the database has contacts"
    )
    demo.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)

    export = sub.add_parser(
        "export",
        help="write contacts, companies, leads or deals to a file",
        description="Export live records to CSV (UTF-8), Excel (xlsx) or vCard 3.0 (people).",
    )
    export.add_argument("kind", choices=KINDS, help="what to export")
    export.add_argument(
        "--format",
        "-f",
        dest="fmt",
        choices=FORMATS,
        help="file format (default: from the file name's extension)",
    )
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    export.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "gui"):
            from crm_desktop.app import run_gui

            return run_gui(args.db)
        if args.command == "demo":
            return _demo(args)
        if args.command == "export":
            return _export(args)
        parser.error(f"unknown command {args.command}")
    except (DatabaseError, UsageError, ExportError) as exc:
        print(f"crm-desktop: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [repr(exc)]
        print(f"crm-desktop: database error: {one_line(reason[0])}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncrm-desktop: cancelled", file=sys.stderr)
        return 130
    return 0


class ProgressLine:
    """A progress line on stderr: rewritten in place on a terminal, one line per phase in a log."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 0.2) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._interval = interval
        self._last = 0.0
        self._phase = ""
        self._width = 0

    def __call__(self, fraction: float, message: str = "") -> None:
        phase = message.split(" ")[0] if message else ""
        now = time.monotonic()
        if self._tty:
            if now - self._last < self._interval and fraction < 1.0:
                return
            text = f"\r{fraction:6.1%}  {message}"
            self._stream.write(text.ljust(self._width))
            self._width = len(text)
        elif phase != self._phase:
            self._stream.write(f"{fraction:6.1%}  {message}\n")
        else:
            return
        self._phase = phase
        self._last = now
        self._stream.flush()

    def finish(self) -> None:
        if self._tty and self._width:
            self._stream.write("\n")
            self._stream.flush()


def _demo(args: argparse.Namespace) -> int:
    from crm_desktop.services.demo import existing_contacts, generate_demo

    db = open_database(args.db)
    try:
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
        f"{report.leads:,} leads, {report.deals:,} deals and {report.events:,} events "
        f"({report.rows:,} rows) to {db.describe()} in {report.seconds:.1f} s."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from crm_desktop.services.export import check_request, export_records

    output = Path(args.output).expanduser()
    fmt = args.fmt or output.suffix.lower().lstrip(".")
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
