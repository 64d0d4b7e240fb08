"""'Reschedule to a date…': a calendar and a time, starting from the task's own due time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.activities.schedule import at_local
from crm_desktop.views.date_edits import TimeEdit


class RescheduleDialog(QDialog):
    def __init__(self, due: dt.datetime, zone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reschedule"))
        self._zone = zone
        local = due.astimezone(zone)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("rescheduleCalendar")
        self.calendar.setGridVisible(True)
        self.calendar.setSelectedDate(QDate(local.year, local.month, local.day))
        self.time_edit = TimeEdit(QTime(local.hour, local.minute))
        self.time_edit.setObjectName("rescheduleTime")
        self.time_edit.setDisplayFormat("HH:mm")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Time:"), self.time_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.calendar.activated.connect(lambda _d: self.accept())  # double-click or Enter

    def chosen(self) -> dt.datetime:
        """The chosen day and time on the user's wall clock, as a UTC instant."""
        day = self.calendar.selectedDate().toPython()
        time = self.time_edit.time().toPython()
        assert isinstance(day, dt.date) and isinstance(time, dt.time)
        return at_local(day, time.replace(second=0, microsecond=0), self._zone)


def ask_reschedule_date(
    parent: QWidget | None, due: dt.datetime, zone: dt.tzinfo
) -> dt.datetime | None:
    """The new due time, or None if the user cancelled."""
    dialog = RescheduleDialog(due, zone, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
