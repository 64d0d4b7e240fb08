"""Command line entry point. No Qt import here: the GUI is loaded only when started."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crm_desktop import __version__
from crm_desktop.models.database import DatabaseError, open_database


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm-desktop", description="A desktop CRM for small sales teams."
    )
    parser.add_argument("--version", action="version", version=f"crm-desktop {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="database URL (sqlite:///file or postgresql+psycopg://...)"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="start the window (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "gui"):
            from crm_desktop.app import run_gui

            return run_gui(args.db)
        parser.error(f"unknown command {args.command}")
    except (DatabaseError, UsageError) as exc:
        print(f"crm-desktop: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
