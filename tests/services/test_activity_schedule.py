"""Due times on the user's wall clock: buckets at their edges, two zones, both DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crm_desktop.services.activities.schedule import (
    Bucket,
    bucket_of,
    day_window,
    next_week,
    on_day,
    tomorrow,
)

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone).astimezone(UTC)


def test_due_exactly_now_is_today_and_a_moment_before_is_overdue() -> None:
    now = local(BERLIN, 2026, 6, 15, 10, 0)
    assert bucket_of(now, False, now, BERLIN) is Bucket.TODAY
    assert bucket_of(now - dt.timedelta(microseconds=1), False, now, BERLIN) is Bucket.OVERDUE
    assert bucket_of(now - dt.timedelta(days=30), True, now, BERLIN) is Bucket.DONE


def test_local_midnight_starts_upcoming() -> None:
    now = local(BERLIN, 2026, 6, 15, 23, 59)
    midnight = local(BERLIN, 2026, 6, 16, 0, 0)
    assert day_window(now, BERLIN).end == midnight
    assert bucket_of(midnight - dt.timedelta(seconds=1), False, now, BERLIN) is Bucket.TODAY
    assert bucket_of(midnight, False, now, BERLIN) is Bucket.UPCOMING


def test_the_same_instant_is_a_different_today_in_shanghai_and_new_york() -> None:
    now = dt.datetime(2026, 6, 15, 20, 0, tzinfo=UTC)  # Shanghai 04:00 on the 16th, NY 16:00
    assert day_window(now, SHANGHAI).today == dt.date(2026, 6, 16)
    assert day_window(now, NEW_YORK).today == dt.date(2026, 6, 15)
    due = dt.datetime(
        2026, 6, 16, 2, 0, tzinfo=UTC
    )  # Shanghai 10:00 on the 16th, NY 22:00 the 15th
    assert bucket_of(due, False, now, SHANGHAI) is Bucket.TODAY
    assert bucket_of(due, False, now, NEW_YORK) is Bucket.TODAY
    later = dt.datetime(2026, 6, 16, 5, 0, tzinfo=UTC)  # Shanghai 13:00 on the 16th, NY 01:00 16th
    assert bucket_of(later, False, now, SHANGHAI) is Bucket.TODAY
    assert bucket_of(later, False, now, NEW_YORK) is Bucket.UPCOMING


def test_tomorrow_from_shanghai_and_new_york_differs_for_the_same_instant() -> None:
    now = dt.datetime(2026, 6, 15, 20, 0, tzinfo=UTC)
    due = dt.datetime(2026, 6, 15, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, 21:00 NY (the 14th)
    assert tomorrow(due, now, SHANGHAI).astimezone(SHANGHAI) == dt.datetime(
        2026, 6, 17, 9, 0, tzinfo=SHANGHAI
    )
    assert tomorrow(due, now, NEW_YORK).astimezone(NEW_YORK) == dt.datetime(
        2026, 6, 16, 21, 0, tzinfo=NEW_YORK
    )


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 3, 28), 23),  # spring forward on the 29th: the day has 23 hours
        (dt.date(2026, 10, 24), 25),  # fall back on the 25th: 25 hours
    ],
)
def test_tomorrow_keeps_nine_oclock_across_dst(day: dt.date, hours: int) -> None:
    due = local(BERLIN, day.year, day.month, day.day, 9, 0)
    now = due - dt.timedelta(hours=1)
    moved = tomorrow(due, now, BERLIN)
    assert moved.astimezone(BERLIN).time() == dt.time(9, 0)
    assert moved.astimezone(BERLIN).date() == day + dt.timedelta(days=1)
    assert moved - due == dt.timedelta(hours=hours)


def test_day_window_on_dst_days_is_23_and_25_hours_long() -> None:
    spring = day_window(local(BERLIN, 2026, 3, 29, 12, 0), BERLIN)
    autumn = day_window(local(BERLIN, 2026, 10, 25, 12, 0), BERLIN)
    assert spring.end - spring.start == dt.timedelta(hours=23)
    assert autumn.end - autumn.start == dt.timedelta(hours=25)


def test_a_task_at_0230_on_the_spring_forward_day() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29 (clocks jump 02:00 -> 03:00).
    due = on_day(local(BERLIN, 2026, 3, 20, 2, 30), dt.date(2026, 3, 29), BERLIN)
    # It lands an hour later on the wall clock (03:30 CEST), still on that day.
    assert due == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due.astimezone(BERLIN).date() == dt.date(2026, 3, 29)
    # Early that morning it is due today; after 03:30 it is overdue.
    assert bucket_of(due, False, local(BERLIN, 2026, 3, 29, 1, 0), BERLIN) is Bucket.TODAY
    assert bucket_of(due, False, local(BERLIN, 2026, 3, 29, 4, 0), BERLIN) is Bucket.OVERDUE
    # Moved on, it keeps the 03:30 it now has on the wall clock.
    moved = tomorrow(due, local(BERLIN, 2026, 3, 29, 4, 0), BERLIN)
    assert moved.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 3, 30, 3, 30)


def test_the_repeated_hour_on_the_fall_back_day_is_the_first_one() -> None:
    due = on_day(local(BERLIN, 2026, 10, 1, 2, 30), dt.date(2026, 10, 25), BERLIN)
    assert due == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first pass


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (dt.date(2026, 6, 14), dt.date(2026, 6, 15)),  # Sunday: the next day
        (dt.date(2026, 6, 15), dt.date(2026, 6, 22)),  # Monday: a week later, not today
        (dt.date(2026, 6, 19), dt.date(2026, 6, 22)),  # Friday
    ],
)
def test_next_week_is_next_monday_at_the_same_time(today: dt.date, monday: dt.date) -> None:
    due = local(NEW_YORK, 2026, 6, 1, 14, 15)
    now = local(NEW_YORK, today.year, today.month, today.day, 8, 0)
    moved = next_week(due, now, NEW_YORK).astimezone(NEW_YORK)
    assert moved.date() == monday
    assert moved.time() == dt.time(14, 15)


def test_next_week_across_the_autumn_change_keeps_the_wall_time() -> None:
    due = local(BERLIN, 2026, 10, 23, 9, 0)  # Friday before the change
    moved = next_week(due, due, BERLIN)
    assert moved.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 10, 26, 9, 0)
    assert moved - due == dt.timedelta(days=3, hours=1)
