"""The dialog that logs a call, meeting, e-mail or note, or schedules a task.

Keyboard first: it opens with the subject selected, Ctrl+Enter saves. Times are
edited on the user's wall clock (`local_zone()`) and stored in UTC. After a call is
logged, `offer_next_step` asks whether to schedule the follow-up and opens a task
for the next working day at 09:00, linked to the same records.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ActivityKind, utcnow
from crm_desktop.services.activities.schedule import at_local, local_zone, next_step_default
from crm_desktop.services.activities.store import (
    ActivityDetail,
    ActivityInput,
    SavedActivity,
    load_activity,
    save_activity,
)
from crm_desktop.services.records import (
    FormOptions,
    RecordNotFoundError,
    StaleRecordError,
    ValidationError,
    form_options,
)
from crm_desktop.views.date_edits import DateTimeEdit
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("ActivityDialog", text)


def kind_text(kind: str) -> str:
    return {
        ActivityKind.CALL.value: tr("Call"),
        ActivityKind.MEETING.value: tr("Meeting"),
        ActivityKind.EMAIL.value: tr("E-mail"),
        ActivityKind.NOTE.value: tr("Note"),
        ActivityKind.TASK.value: tr("Task"),
    }.get(kind, kind)


# Reminder choices: minutes before the due time (None: no reminder).
REMINDERS: tuple[tuple[int | None, str], ...] = (
    (None, "No reminder"),
    (0, "At the due time"),
    (5, "5 minutes before"),
    (15, "15 minutes before"),
    (60, "1 hour before"),
    (24 * 60, "1 day before"),
)
CALL_OUTCOMES = ("Reached", "Left a voicemail", "No answer", "Call back later", "Wrong number")
# Logged right away (done) unless scheduled; tasks and meetings are planned.
_LOGGED = (ActivityKind.CALL.value, ActivityKind.EMAIL.value, ActivityKind.NOTE.value)
_EXPECTED = (ValidationError, StaleRecordError, RecordNotFoundError)


def _attempt(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except _EXPECTED as exc:
        return exc


def _load(sessions: sessionmaker[Session], activity_id: uuid.UUID | None) -> Any:
    options = form_options(sessions)
    detail = (
        _attempt(load_activity, sessions=sessions, activity_id=activity_id) if activity_id else None
    )
    return options, detail


class ActivityDialog(QDialog):
    """New or edit one activity. `links` maps "leads"/"contacts"/"companies"/"deals" to ids."""

    saved = Signal(object)  # SavedActivity

    def __init__(
        self,
        sessions: sessionmaker[Session],
        parent: QWidget | None = None,
        *,
        kind: str = ActivityKind.TASK.value,
        links: Mapping[str, uuid.UUID] | None = None,
        link_label: str = "",
        activity_id: uuid.UUID | None = None,
        subject: str = "",
        occurs_at: dt.datetime | None = None,
        zone: dt.tzinfo | None = None,
    ):
        super().__init__(parent)
        self._sessions = sessions
        self._links = dict(links or {})
        self._activity_id = activity_id
        self._version: int | None = None
        self._zone = zone or local_zone()
        self._saving = False
        self.result_detail: ActivityDetail | None = None
        self.setWindowTitle(tr("Edit activity") if activity_id else tr("New activity"))
        self.setMinimumWidth(460)

        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for value in (k.value for k in ActivityKind):
            self.kind.addItem(kind_text(value), value)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.subject = QLineEdit(subject)
        self.subject.setObjectName("subject")
        self.subject.setMaxLength(500)
        self.when = DateTimeEdit()
        self.when.setObjectName("when")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.duration = QSpinBox()
        self.duration.setObjectName("duration")
        self.duration.setRange(0, 7 * 24 * 60)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(tr(" min"))
        self.duration.setSpecialValueText(tr("—"))
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        self.outcome.setEditable(True)
        self.outcome.addItem("")
        for text in CALL_OUTCOMES:
            self.outcome.addItem(tr(text))
        self.done_box = QCheckBox(tr("Done"))
        self.done_box.setObjectName("done")
        self.reminder = QComboBox()
        self.reminder.setObjectName("reminder")
        for minutes, text in REMINDERS:
            self.reminder.addItem(tr(text), minutes)
        self.owner = QComboBox()
        self.owner.setObjectName("owner")
        self.body = QPlainTextEdit()
        self.body.setObjectName("body")
        self.body.setTabChangesFocus(True)  # Tab goes on to the buttons, as in every field
        self.body.setPlaceholderText(tr("What was said, what was agreed…"))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        self.message.hide()

        form = QFormLayout()
        if link_label:
            about = QLabel(link_label)
            about.setObjectName("about")
            about.setWordWrap(True)
            form.addRow(tr("About"), about)
        form.addRow(tr("Kind"), self.kind)
        form.addRow(tr("Subject *"), self.subject)
        form.addRow(tr("When"), self.when)
        form.addRow(tr("Duration"), self.duration)
        form.addRow(tr("Outcome"), self.outcome)
        form.addRow("", self.done_box)
        form.addRow(tr("Reminder"), self.reminder)
        form.addRow(tr("Owner"), self.owner)
        form.addRow(tr("Notes"), self.body)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)

        now = utcnow()
        start = occurs_at or (now if kind in _LOGGED else next_step_default(now, self._zone))
        self._set_when(start)
        self.done_box.setChecked(kind in _LOGGED and start <= now)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.subject.textChanged.connect(self._on_subject_text_changed)
        self._on_kind_changed()
        self.subject.setFocus()
        self.subject.selectAll()
        self._set_busy(True)
        run_in_background(
            _load,
            parent=self,
            on_done=self._on_loaded,
            on_error=self._on_failed,
            sessions=sessions,
            activity_id=activity_id,
        )

    # ---- values ----------------------------------------------------------------------------

    def _set_when(self, moment: dt.datetime) -> None:
        local = moment.astimezone(self._zone)
        self.when.setDateTime(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        )

    def when_utc(self) -> dt.datetime:
        value = self.when.dateTime()
        day = dt.date(value.date().year(), value.date().month(), value.date().day())
        time = dt.time(value.time().hour(), value.time().minute())
        return at_local(day, time, self._zone)

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def activity_input(self) -> ActivityInput:
        occurs_at = self.when_utc()
        minutes = self.reminder.currentData()
        owner = self.owner.currentData()
        return ActivityInput(
            kind=self.current_kind(),
            subject=self.subject.text(),
            occurs_at=occurs_at,
            body=self.body.toPlainText(),
            duration_minutes=self.duration.value() or None,
            outcome=self.outcome.currentText().strip() or None,
            done=self.done_box.isChecked(),
            lead_id=self._links.get("leads"),
            contact_id=self._links.get("contacts"),
            company_id=self._links.get("companies"),
            deal_id=self._links.get("deals"),
            owner_id=uuid.UUID(owner) if owner else None,
            remind_at=None if minutes is None else occurs_at - dt.timedelta(minutes=int(minutes)),
        )

    # ---- slots -----------------------------------------------------------------------------

    def _on_kind_changed(self) -> None:
        kind = self.current_kind()
        if self._activity_id is None:
            # A new activity's reminder follows its kind: tasks at the due time, meetings
            # 15 minutes before, logged calls, e-mails and notes none.
            minutes = {ActivityKind.TASK.value: 0, ActivityKind.MEETING.value: 15}.get(kind)
            self.reminder.setCurrentIndex(max(self.reminder.findData(minutes), 0))
        self.outcome.setEnabled(kind in (ActivityKind.CALL.value, ActivityKind.MEETING.value))
        self.duration.setEnabled(kind in (ActivityKind.CALL.value, ActivityKind.MEETING.value))

    def _on_subject_text_changed(self, text: str) -> None:
        # "A subject is required" goes as soon as there is one.
        if text.strip() and self.message.text() == tr("A subject is required."):
            self.message.hide()

    def _on_loaded(self, result: tuple[FormOptions, Any]) -> None:
        options, detail = result
        self.owner.clear()
        for option in options.owners:
            self.owner.addItem(option.label, option.id)
        self._set_busy(False)
        if isinstance(detail, RecordNotFoundError):
            self._show_message(tr("This activity was deleted meanwhile."))
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        if isinstance(detail, ActivityDetail):
            self._show_detail(detail)
        elif self.owner.count():
            # New activities belong to the current user: the first owner option is
            # sorted by name, so pick by the services' choice when saving (None).
            self.owner.insertItem(0, tr("Me"), None)
            self.owner.setCurrentIndex(0)

    def _show_detail(self, detail: ActivityDetail) -> None:
        self._version = detail.version
        self._links = {link.kind: link.id for link in detail.links}
        self.kind.setCurrentIndex(max(self.kind.findData(detail.kind), 0))
        self.subject.setText(detail.subject)
        self._set_when(detail.occurs_at)
        self.duration.setValue(detail.duration_minutes or 0)
        self.outcome.setEditText(detail.outcome or "")
        self.done_box.setChecked(detail.done)
        self.body.setPlainText(detail.body or "")
        lead = None
        if detail.remind_at is not None:
            lead = int((detail.occurs_at - detail.remind_at).total_seconds() // 60)
        index = self.reminder.findData(lead)
        if index < 0 and lead is not None:
            self.reminder.addItem(tr("%1 minutes before").replace("%1", str(lead)), lead)
            index = self.reminder.count() - 1
        self.reminder.setCurrentIndex(max(index, 0))
        owner_index = self.owner.findData(str(detail.owner_id)) if detail.owner_id else -1
        self.owner.setCurrentIndex(max(owner_index, 0))
        self.subject.selectAll()

    def save(self) -> None:
        if self._saving:
            return
        if not self.subject.text().strip():
            self._show_message(tr("A subject is required."))
            self.subject.setFocus()
            return
        self._set_busy(True)
        run_in_background(
            _attempt,
            parent=self,
            on_done=self._on_saved,
            on_error=self._on_failed,
            call=save_activity,
            sessions=self._sessions,
            data=self.activity_input(),
            activity_id=self._activity_id,
            expected_version=self._version,
        )

    def _on_saved(self, result: Any) -> None:
        self._set_busy(False)
        if isinstance(result, SavedActivity):
            self.result_detail = result.detail
            self.saved.emit(result)
            self.accept()
        elif isinstance(result, ValidationError):
            self._show_message("\n".join(result.errors.values()))
        elif isinstance(result, StaleRecordError):
            self._show_message(
                tr("Someone else changed this activity meanwhile; close and open it again.")
            )
        elif isinstance(result, RecordNotFoundError):
            self._show_message(tr("A linked record or this activity was deleted meanwhile."))

    def _on_failed(self, message: str, trace: str) -> None:
        log.error("activity dialog: %s\n%s", message, trace)
        self._set_busy(False)
        self._show_message(tr("Database error: %1").replace("%1", message))

    def _set_busy(self, busy: bool) -> None:
        self._saving = busy
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def offer_next_step(
    parent: QWidget,
    sessions: sessionmaker[Session],
    saved: SavedActivity,
    prompts: Prompts | None = None,
    zone: dt.tzinfo | None = None,
) -> ActivityDialog | None:
    """After a logged call: ask whether to schedule the next step; open its task dialog."""
    detail = saved.detail
    if detail.kind != ActivityKind.CALL.value or not detail.done:
        return None
    asker = prompts or QtPrompts()
    if not asker.ask_yes_no(
        parent, tr("Next step"), tr("Call logged. Schedule the next step now?")
    ):
        return None
    label = ", ".join(link.label for link in detail.links)
    dialog = ActivityDialog(
        sessions,
        parent,
        kind=ActivityKind.TASK.value,
        links={link.kind: link.id for link in detail.links},
        link_label=label,
        subject=tr("Follow up: %1").replace("%1", detail.subject),
        zone=zone,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
