"""One cell of an imported sheet as text, as a date, and which day-month order a column uses.

Workbook readers give floats for every number, so a phone typed as a number
arrives as 13800138000.0; cell_text shows it as a person reads it. Text is
never turned into a number here: "0123" stays "0123".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Literal

CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | None
DateOrder = Literal["DMY", "MDY", "YMD"]
Flag = tuple[int | None, str]  # (0-based column, or None for the whole row; the reason)


class FlaggedRow(list[CellValue]):
    """A row the reader could not read as it is: the cells it could read, and `flags`,
    why the row must not be imported (a cell past the size limit, bytes no encoding reads).

    Readers yield it in place of a plain list, so row numbers stay right; the transform
    turns each flag into a problem naming the row's column.
    """

    __slots__ = ("flags",)

    def __init__(self, cells: Iterable[CellValue], flags: tuple[Flag, ...]) -> None:
        super().__init__(cells)
        self.flags = flags


ALL_ORDERS: frozenset[DateOrder] = frozenset(("DMY", "MDY", "YMD"))
_EXCEL_1900 = dt.date(1899, 12, 30)  # serial 0 counting Excel's phantom 29 Feb 1900
_EXCEL_1904 = dt.date(1904, 1, 1)
_MAX_SERIAL = (dt.date(9999, 12, 31) - _EXCEL_1900).days

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\S.*)?")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?(?:\s.*)?")
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?(?:[T ]\S.*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WORDS = re.compile(r"[A-Za-z]+\.?|\d+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def cell_text(value: CellValue) -> str:
    """The cell as a person reads it: 13800138000.0 -> "13800138000", dates ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return format(value, ".15g")  # Excel shows 15 significant digits, so 0.1+0.2 is 0.3
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, dt.date):
        return value.isoformat()
    spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
    return value.isoformat(timespec=spec)


def cell_date(
    value: CellValue, order: DateOrder | None = None, date1904: bool = False
) -> dt.date | None:
    """The cell as a date; None when empty. Raises ValueError with a short reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        raise ValueError(f"not a date: a time of day ({cell_text(value)})")
    if isinstance(value, bool):
        raise ValueError(f"not a date: {cell_text(value)}")
    if isinstance(value, int | float):
        return _from_number(value, date1904)
    return _from_text(value.strip(), order)


def excel_serial_date(serial: float, date1904: bool = False) -> dt.date:
    """An Excel day number as a date (the fraction, a time of day, is dropped)."""
    if not math.isfinite(serial) or serial < (0 if date1904 else 1):
        raise ValueError(f"not a date: {cell_text(serial)}")
    days = math.floor(serial)
    if date1904:
        if days > _MAX_SERIAL - (_EXCEL_1904 - _EXCEL_1900).days:
            raise ValueError(f"not a date: {cell_text(serial)}")
        return _EXCEL_1904 + dt.timedelta(days=days)
    if days == 60:
        raise ValueError("60 is 29 February 1900, a day Excel invents")
    if days > _MAX_SERIAL:
        raise ValueError(f"not a date: {cell_text(serial)}")
    # Before the phantom 29 Feb 1900 Excel's numbering is one day ahead.
    return _EXCEL_1900 + dt.timedelta(days=days + 1 if days < 60 else days)


def _from_number(value: float, date1904: bool) -> dt.date:
    if isinstance(value, int) or value.is_integer():
        digits = str(int(value))
        if len(digits) == 8 and digits[0] in "12":
            return _from_text(digits, None)  # 20140102: a date typed without separators
    return excel_serial_date(float(value), date1904)


def _from_text(text: str, order: DateOrder | None) -> dt.date:
    match = _ISO.fullmatch(text) or _CJK.fullmatch(text) or _COMPACT.fullmatch(text)
    if match:
        return _make(text, int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC.fullmatch(text)
    if match:
        return _from_parts(text, match[1], match[3], match[4], order)
    named = _from_month_name(text)
    if named is not None:
        return named
    raise ValueError(f"not a date: {text!r}")


def _from_parts(text: str, first: str, middle: str, last: str, order: DateOrder | None) -> dt.date:
    fits = _orders_for(first, middle, last)
    if len(first) == 4:
        return _make(text, int(first), int(middle), _day(last, text))
    if order is not None and order in fits:
        return _by_order(text, first, middle, last, order)
    if order is None or order == "YMD":
        # No order given (or YMD given for a text whose year is last): take the only fit.
        possible = {_by_order_or_none(first, middle, last, o) for o in fits} - {None}
        if len(possible) == 1:
            return possible.pop()  # type: ignore[return-value]
        if len(possible) > 1:
            raise ValueError(f"{text} is ambiguous: day-month or month-day?")
    if order is not None:
        return _by_order(text, first, middle, last, order)
    raise ValueError(f"{text} is no day")


def _day(part: str, text: str) -> int:
    if len(part) > 2:
        raise ValueError(f"not a date: {text!r}")
    return int(part)


def _year(part: str) -> int:
    year = int(part)
    if len(part) <= 2:
        return 2000 + year if year < 30 else 1900 + year  # Excel's two-digit-year pivot
    return year


def _by_order(text: str, first: str, middle: str, last: str, order: DateOrder) -> dt.date:
    if order == "YMD":
        if len(last) > 2:
            raise ValueError(f"not a date: {text!r}")
        return _make(text, _year(first), int(middle), int(last))
    if len(first) > 2:
        raise ValueError(f"not a date: {text!r}")
    day, month = (first, middle) if order == "DMY" else (middle, first)
    return _make(text, _year(last), int(month), int(day))


def _by_order_or_none(first: str, middle: str, last: str, order: DateOrder) -> dt.date | None:
    try:
        return _by_order("", first, middle, last, order)
    except ValueError:
        return None


def _orders_for(first: str, middle: str, last: str) -> frozenset[DateOrder]:
    if len(first) == 4:
        return frozenset(("YMD",)) if len(last) <= 2 else frozenset()
    return frozenset(o for o in ALL_ORDERS if _by_order_or_none(first, middle, last, o))


def _from_month_name(text: str) -> dt.date | None:
    tokens = _WORDS.findall(text)
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    if len(words) != 1 or len(numbers) != 2:
        return None
    month = _MONTHS.get(words[0].rstrip(".").lower())
    if month is None:
        return None
    if len(numbers[0]) == 4:
        year, day = numbers
    elif len(numbers[1]) >= 3 or len(numbers[0]) <= 2:
        day, year = numbers
    else:
        return None
    if len(day) > 2:
        return None
    return _make(text, _year(year), month, int(day))


def _make(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} is no day") from None


def date_orders(values: Iterable[CellValue]) -> frozenset[DateOrder]:
    """The day-month orders that fit every slash/dot/dash date of a column.

    Values whose reading does not depend on the order (year-first text such
    as 2021/03/04, 2021年3月4日, month names, real date cells, non-dates) are
    left out. The result is empty when no value depends on the order, or when
    no single order fits them all: either way there is nothing to ask the user.
    More than one order means the column really is ambiguous.
    """
    fits: frozenset[DateOrder] | None = None
    for value in values:
        if not isinstance(value, str):
            continue
        match = _NUMERIC.fullmatch(value.strip())
        if not match or len(match[1]) == 4:
            continue  # year-first dates read one way only
        orders = _orders_for(match[1], match[3], match[4])
        fits = orders if fits is None else fits & orders
        if not fits:
            return frozenset()
    return fits or frozenset()
