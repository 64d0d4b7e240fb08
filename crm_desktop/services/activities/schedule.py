"""When things are due, in the user's own time zone.

Times are stored in UTC; "today", "tomorrow" and "next week" are days on the user's
wall clock. A task due at 09:00 and moved to tomorrow is due at 09:00 tomorrow even
when a daylight-saving change falls in between (its UTC instant moves by 23 or 25
hours). Every function takes `now` and the zone, so tests can stand anywhere in time.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

UTC = dt.UTC


class Bucket(enum.StrEnum):
    """The Tasks page's sections."""

    OVERDUE = "overdue"  # open, and its due time has passed
    TODAY = "today"  # open, due later today
    UPCOMING = "upcoming"  # open, due after today
    DONE = "done"


def local_zone() -> ZoneInfo:
    """The machine's time zone by its IANA name (so DST rules apply), else UTC."""
    try:
        import tzlocal

        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        log.warning("local time zone unknown (%s); using UTC", exc)
        return ZoneInfo("UTC")


def at_local(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of `time` on `day` on the zone's wall clock.

    A wall time that does not exist (inside a spring-forward gap) resolves the way
    zoneinfo reads it, with the offset from before the change, i.e. an hour later.
    """
    local = dt.datetime.combine(day, time.replace(tzinfo=None), tzinfo=zone)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class DayWindow:
    """Today on the user's wall clock, as UTC instants."""

    today: dt.date
    start: dt.datetime  # local midnight starting today
    end: dt.datetime  # local midnight starting tomorrow


def day_window(now: dt.datetime, zone: dt.tzinfo) -> DayWindow:
    today = now.astimezone(zone).date()
    start = at_local(today, dt.time(0, 0), zone)
    end = at_local(today + dt.timedelta(days=1), dt.time(0, 0), zone)
    return DayWindow(today, start, end)


def bucket_of(due: dt.datetime, done: bool, now: dt.datetime, zone: dt.tzinfo) -> Bucket:
    if done:
        return Bucket.DONE
    if due < now:
        return Bucket.OVERDUE
    if due < day_window(now, zone).end:
        return Bucket.TODAY
    return Bucket.UPCOMING


def tomorrow(due: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Tomorrow (the user's tomorrow), at the same wall-clock time the task had."""
    day = now.astimezone(zone).date() + dt.timedelta(days=1)
    return at_local(day, due.astimezone(zone).time(), zone)


def next_week(due: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Monday of next week, at the same wall-clock time the task had."""
    today = now.astimezone(zone).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return at_local(monday, due.astimezone(zone).time(), zone)


def on_day(due: dt.datetime, day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The chosen day, at the same wall-clock time the task had."""
    return at_local(day, due.astimezone(zone).time(), zone)


def next_step_default(now: dt.datetime, zone: dt.tzinfo, hour: int = 9) -> dt.datetime:
    """When a follow-up is proposed after a call: the next working day at 09:00."""
    day = now.astimezone(zone).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return at_local(day, dt.time(hour, 0), zone)
