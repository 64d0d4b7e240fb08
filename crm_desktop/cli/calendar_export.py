"""crm-desktop export activities: tasks and meetings as an .ics calendar file.

    crm-desktop export activities --format ics -o FILE.ics
        [--owner NAME] [--from DATE] [--to DATE] [--include-done] [--tz ZONE] [--db URL]

DATE is YYYY-MM-DD (or YYYY-MM for a whole month), a day on this computer's clock
(or --tz's), both ends included. Open tasks and meetings only, unless --include-done.
Bad input (an unknown owner, a bad date, another format) is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_desktop.cli.common import UsageError
from crm_desktop.cli.reports import _end, _start
from crm_desktop.models.database import open_database

KIND = "activities"
FORMAT = "ics"
OPTIONS = ("owner", "date_from", "date_to", "include_done", "tz")  # activities only

log = logging.getLogger(__name__)


def add_options(export: Any) -> None:
    """The activities-only options of `crm-desktop export`."""
    group = export.add_argument_group("activities (tasks and meetings, --format ics) only")
    group.add_argument("--owner", metavar="NAME", help="only this user's tasks and meetings")
    group.add_argument("--from", dest="date_from", type=_start, metavar="DATE", help="first day")
    group.add_argument("--to", dest="date_to", type=_end, metavar="DATE", help="last day")
    group.add_argument("--include-done", action="store_true", help="also the ones marked done")
    group.add_argument(
        "--tz", type=_zone, metavar="ZONE", help="time zone of the days (default: this computer's)"
    )


def wants_calendar(args: argparse.Namespace, fmt: str) -> bool:
    """Whether `export` goes here: activities, or an .ics asked for (to say what .ics is for)."""
    return bool(args.kind == KIND or fmt == FORMAT)


def reject_options(args: argparse.Namespace) -> None:
    """Other kinds take none of the activities' options: say so rather than ignore them."""
    given = [name for name in OPTIONS if getattr(args, name, None) not in (None, False)]
    if given:
        flags = ", ".join("--" + name.replace("date_", "").replace("_", "-") for name in given)
        raise UsageError(f"{flags}: only for export {KIND}, not {args.kind}")


def run(args: argparse.Namespace, output: Path, fmt: str) -> int:
    from crm_desktop.cli import _check_writable
    from crm_desktop.services.calendar_export import export_calendar
    from crm_desktop.services.reports import ReportError, resolve_filters

    if args.kind != KIND:
        raise UsageError(
            f"ics (a calendar) is for {KIND} (tasks and meetings), not {args.kind}: "
            "use csv, xlsx or vcf"
        )
    if fmt != FORMAT:
        if args.fmt:
            raise UsageError(f"{KIND} are exported as a calendar: --format ics, not {fmt}")
        raise UsageError(f"cannot tell the format from '{output.name}': add --format ics")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"the range ends ({args.date_to}) before it starts ({args.date_from})")
    zone = args.tz or local_zone()
    start = _midnight(args.date_from, zone) if args.date_from else None
    end = _midnight(args.date_to + dt.timedelta(days=1), zone) if args.date_to else None
    _check_writable(output)
    db = open_database(args.db)
    try:
        owner_id = None
        if args.owner is not None:
            with db.sessions() as session:
                try:
                    owner_id = resolve_filters(session, owner=args.owner).owner_id
                except ReportError as exc:
                    raise UsageError(str(exc)) from exc
        report = export_calendar(
            db.sessions,
            output,
            owner_id=owner_id,
            start=start,
            end=end,
            include_done=args.include_done,
        )
    finally:
        db.dispose()
    print(
        f"Exported {report.meetings:,} {_plural(report.meetings, 'meeting')} and "
        f"{report.tasks:,} {_plural(report.tasks, 'task')} to {output}."
    )
    return 0


def local_zone() -> dt.tzinfo:
    """This computer's time zone by its IANA name (so DST applies), else UTC."""
    try:
        import tzlocal

        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        log.warning("local time zone unknown (%s); using UTC", exc)
        return dt.UTC


def _zone(text: str) -> dt.tzinfo:
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a time zone (use a name like Europe/Berlin or UTC)"
        ) from None


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone).astimezone(dt.UTC)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"
