"""Cells as text and dates: numbers stored by Excel, serial dates, day-month order."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_desktop.services.imports.cells import (
    cell_date,
    cell_text,
    date_orders,
    excel_serial_date,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (13800138000.0, "13800138000"),
        (3.0, "3"),
        (1.5, "1.5"),
        (0.1 + 0.2, "0.3"),
        (-100, "-100"),
        (1234.567, "1234.567"),
        (True, "TRUE"),
        ("  0123 ", "0123"),
        (" two\r\nlines ", "two\nlines"),
        ("\u00a0Anna\u00a0", "Anna"),
        (dt.date(2021, 3, 4), "2021-03-04"),
        (dt.datetime(2021, 3, 4), "2021-03-04"),
        (dt.datetime(2021, 3, 4, 12, 22), "2021-03-04 12:22"),
        (dt.datetime(2021, 3, 4, 12, 22, 5), "2021-03-04 12:22:05"),
        (dt.time(4, 39), "04:39"),
        (dt.time(17, 47, 13), "17:47:13"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text  # type: ignore[arg-type]


def test_text_is_never_turned_into_a_number() -> None:
    assert cell_text("007") == "007"
    assert cell_text("1.50") == "1.50"
    assert cell_text("1e5") == "1e5"


def test_serial_dates_in_both_systems() -> None:
    assert cell_date(44197.0) == dt.date(2021, 1, 1)
    assert cell_date(44197.75) == dt.date(2021, 1, 1)
    assert cell_date(44197, date1904=True) == dt.date(2025, 1, 2)
    assert cell_date(0, date1904=True) == dt.date(1904, 1, 1)
    # Excel counts a 29 Feb 1900 that never was: serials before it are one day ahead.
    assert excel_serial_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_date(61) == dt.date(1900, 3, 1)
    with pytest.raises(ValueError, match="29 February 1900"):
        excel_serial_date(60)
    with pytest.raises(ValueError, match="not a date"):
        cell_date(-3.0)
    with pytest.raises(ValueError, match="not a date"):
        cell_date(1e12)


def test_date_objects_and_times() -> None:
    assert cell_date(dt.datetime(2020, 5, 17, 8, 0)) == dt.date(2020, 5, 17)
    assert cell_date(dt.date(2020, 5, 17)) == dt.date(2020, 5, 17)
    assert cell_date(None) is None
    assert cell_date("  ") is None
    with pytest.raises(ValueError, match="time of day"):
        cell_date(dt.time(12, 30))
    with pytest.raises(ValueError, match="not a date"):
        cell_date(True)


@pytest.mark.parametrize(
    ("text", "order", "day"),
    [
        ("2021-03-04", None, dt.date(2021, 3, 4)),
        ("2021-03-04T10:30:00", None, dt.date(2021, 3, 4)),
        ("2021-3-4 10:30", None, dt.date(2021, 3, 4)),
        ("2021年3月4日", None, dt.date(2021, 3, 4)),
        ("2021 年 03 月 04 日", None, dt.date(2021, 3, 4)),
        ("2021.3.4", None, dt.date(2021, 3, 4)),
        ("2021/03/04", None, dt.date(2021, 3, 4)),
        ("2021/03/04", "DMY", dt.date(2021, 3, 4)),
        ("03/04/2021", "DMY", dt.date(2021, 4, 3)),
        ("03/04/2021", "MDY", dt.date(2021, 3, 4)),
        ("03.04.2021", "DMY", dt.date(2021, 4, 3)),
        ("31/12/2012", None, dt.date(2012, 12, 31)),
        ("12/31/2012", None, dt.date(2012, 12, 31)),
        ("04/04/2021", None, dt.date(2021, 4, 4)),
        ("05-06-2019", "DMY", dt.date(2019, 6, 5)),
        ("21/03/04", "YMD", dt.date(2021, 3, 4)),
        ("04/03/21", "DMY", dt.date(2021, 3, 4)),
        ("04/03/85", "DMY", dt.date(1985, 3, 4)),
        ("20140102", None, dt.date(2014, 1, 2)),
        ("12 Mar 2021", None, dt.date(2021, 3, 12)),
        ("12-Mar-2021", None, dt.date(2021, 3, 12)),
        ("March 12, 2021", None, dt.date(2021, 3, 12)),
        ("15 Jan 2023", None, dt.date(2023, 1, 15)),
        ("Sept. 5 2020", None, dt.date(2020, 9, 5)),
        ("2021 Dec 1", None, dt.date(2021, 12, 1)),
    ],
)
def test_text_dates(text: str, order: str | None, day: dt.date) -> None:
    assert cell_date(text, order) == day  # type: ignore[arg-type]


def test_a_number_typed_as_yyyymmdd() -> None:
    assert cell_date(20140102.0) == dt.date(2014, 1, 2)


@pytest.mark.parametrize(
    ("text", "order", "reason"),
    [
        ("abc", None, "not a date: 'abc'"),
        ("31/02/2020", None, "31/02/2020 is no day"),
        ("31/02/2020", "DMY", "31/02/2020 is no day"),
        ("13/01/2020", "MDY", "13/01/2020 is no day"),
        ("2021-02-30", None, "2021-02-30 is no day"),
        ("03/04/2021", None, "ambiguous"),
        ("32 Mar 2021", None, "is no day"),
        ("Mar 2021", None, "not a date"),
    ],
)
def test_bad_dates_say_why(text: str, order: str | None, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        cell_date(text, order)  # type: ignore[arg-type]


def test_date_orders_of_a_column() -> None:
    assert date_orders(["03/04/2021", "05/06/2021"]) == {"DMY", "MDY"}
    assert date_orders(["03/04/2021", "13/06/2021", None, ""]) == {"DMY"}
    assert date_orders(["03/04/2021", "06/13/2021"]) == {"MDY"}
    assert date_orders(["2021/03/04", "03/04/2021"]) == {"DMY", "MDY"}
    assert date_orders(["03/04/05"]) == {"DMY", "MDY", "YMD"}


def test_date_orders_empty_when_there_is_nothing_to_ask() -> None:
    assert date_orders([]) == frozenset()
    unordered = ["2021-03-04", "2021/03/04", dt.date(2021, 3, 4), 44197.0, "12 Mar 2021"]
    assert date_orders(unordered) == frozenset()
    # No single order fits both: each value is read alone, so no question either.
    assert date_orders(["13/01/2020", "01/13/2020"]) == frozenset()
