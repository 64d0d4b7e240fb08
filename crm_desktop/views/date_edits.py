"""Date, time and date-time fields that Tab leaves, like every other field.

Qt's QDateTimeEdit (and so QDateEdit and QTimeEdit) uses Tab to walk through its own parts
(year, month, day, hour, minute) and lets go only after the last one: a user who typed a
subject, pressed Tab twice and typed a duration changed the date instead. These fields give
Tab and Shift+Tab back to the form. Inside the field, typing a part moves on to the next one
by itself, and the arrow keys or a typed separator ("-", ":", space) move between parts.
Every date or time field in views/ comes from here (tests/views/test_keyboard_tab.py
checks that none is made elsewhere).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QTimeEdit, QWidget


class DateTimeEdit(QDateTimeEdit):
    def focusNextPrevChild(self, next: bool) -> bool:
        # QWidget's own: the next field of the window, not the next part of the date.
        return QWidget.focusNextPrevChild(self, next)


class DateEdit(QDateEdit):
    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class TimeEdit(QTimeEdit):
    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)
