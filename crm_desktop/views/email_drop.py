"""Saved e-mails (.eml, .msg) dropped on a record or on the window: the Qt side.

The use case (reading the files, matching addresses to contacts, deciding the record,
logging) is `services/email_filing.py`. `EmailDropper.drop(paths, target)` runs it off the
GUI thread (`run_in_background`); when an e-mail matched several contacts or none, a
`ContactChooser` asks which contact (Cancel files nothing), one question at a time in the
order the files were dropped. Each file ends in one `message` or one `failed`; a bad file
does not stop the others.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.email_files import ContactMatch, EmailFile, LoggedEmail
from crm_desktop.services.email_filing import (
    FilingOutcome,
    Target,
    check_target,
    file_dropped_emails,
    file_email_under,
    match_text,
    search_contacts,
)
from crm_desktop.services.search import SearchHit
from crm_desktop.views.worker import run_in_background

SEARCH_DEBOUNCE_MS = 200


def tr(text: str) -> str:
    return QCoreApplication.translate("EmailDropper", text)


class ContactChooser(Protocol):
    def choose_contact(
        self, parent: QWidget | None, email: EmailFile, candidates: Sequence[ContactMatch]
    ) -> ContactMatch | None:
        """The contact to file `email` under (a candidate or any other), or None to cancel."""
        ...


def _subject(email: EmailFile) -> str:
    return email.subject or tr("(no subject)")


class EmailDropper(QObject):
    """Files dropped e-mails; the window and the record forms share one."""

    changes_made = Signal(object)  # Changes
    message = Signal(str)  # one line per e-mail filed, already logged, or not filed
    failed = Signal(str)  # "<file name>: <reason>"
    finished = Signal()  # every dropped file has been handled

    def __init__(
        self,
        sessions: sessionmaker[Session],
        chooser: ContactChooser | None = None,
        parent_widget: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._chooser: ContactChooser = chooser or QtContactChooser(sessions)
        self._parent_widget = parent_widget  # where the chooser dialog is centred
        self._questions: deque[FilingOutcome] = deque()
        self._asking = False
        self._running = 0  # background tasks not yet answered

    def is_busy(self) -> bool:
        return bool(self._running or self._questions or self._asking)

    def drop(self, paths: list[Path], target: Target | None) -> None:
        """File the e-mails in `paths` under `target`, or under the contacts they match."""
        check_target(target)
        if not paths:
            return
        self._start(file_dropped_emails, sessions=self._sessions, paths=list(paths), target=target)

    def _start(self, fn: Callable[..., object], **kwargs: Any) -> None:
        self._running += 1
        run_in_background(
            fn,
            parent=self,
            on_done=self._on_done,
            on_error=self._on_error,
            **kwargs,
        )

    def _on_done(self, result: list[FilingOutcome] | FilingOutcome) -> None:
        self._running -= 1
        for outcome in result if isinstance(result, list) else [result]:
            if outcome.error is not None:
                self.failed.emit(outcome.error)
            elif outcome.logged is not None and outcome.email is not None:
                self._report(outcome.email, outcome.logged)
            elif outcome.needs_contact:
                self._questions.append(outcome)
        self._ask_next()

    def _on_error(self, message: str, _details: str) -> None:
        self._running -= 1
        self.failed.emit(tr("E-mails not filed: {reason}").format(reason=message))
        self._ask_next()

    def _report(self, email: EmailFile, logged: LoggedEmail) -> None:
        if logged.duplicate:
            text = tr("E-mail “{subject}” was already logged under {name}.")
        else:
            text = tr("E-mail “{subject}” filed under {name}.")
        text = text.format(subject=_subject(email), name=logged.record_name)
        if email.notes and not logged.duplicate:
            text += " " + tr("It has no readable date; the file's time was used.")
        if logged.changes.any():
            self.changes_made.emit(logged.changes)
        self.message.emit(text)

    def _ask_next(self) -> None:
        """Ask about the next e-mail that matched several contacts or none, one at a time."""
        while not self._asking and self._questions:
            outcome = self._questions.popleft()
            assert outcome.email is not None
            self._asking = True
            try:
                choice = self._chooser.choose_contact(
                    self._parent_widget, outcome.email, outcome.candidates
                )
            finally:
                self._asking = False
            if choice is None:
                self.message.emit(
                    tr("E-mail “{subject}” was not filed.").format(subject=_subject(outcome.email))
                )
                continue
            self._start(
                file_email_under,
                sessions=self._sessions,
                path=outcome.path,
                email=outcome.email,
                contact_id=choice.contact_id,
            )
        if not self.is_busy():
            self.finished.emit()


class ContactChooserDialog(QDialog):
    """Which contact an e-mail goes under: the matching ones, or any other found by search."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        email: EmailFile,
        candidates: Sequence[ContactMatch],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._candidates = tuple(candidates)
        self._generation = 0
        self.setWindowTitle(tr("File e-mail"))
        self.setMinimumSize(480, 360)
        subject = _subject(email)
        sender = email.sender or tr("an unknown sender")
        if candidates:
            question = tr("Several contacts match “{subject}” from {sender}. File it under:")
        else:
            question = tr("No contact matches “{subject}” from {sender}. Find the contact:")
        prompt = QLabel(question.format(subject=subject, sender=sender), self)
        prompt.setWordWrap(True)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(tr("Search all contacts by name, company or e-mail"))
        self.search_edit.setClearButtonEnabled(True)
        self.list_widget = QListWidget(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("File here"))
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_widget, 1)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.list_widget.currentItemChanged.connect(lambda *_: self._update_ok())
        self.list_widget.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._show_matches([(match, match_text(match)) for match in candidates])

    def chosen(self) -> ContactMatch | None:
        item = self.list_widget.currentItem()
        match = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return match if isinstance(match, ContactMatch) else None

    def _show_matches(self, rows: Sequence[tuple[ContactMatch, str]]) -> None:
        self.list_widget.clear()
        for match, text in rows:
            item = QListWidgetItem(text, self.list_widget)
            item.setData(Qt.ItemDataRole.UserRole, match)
        if rows:
            self.list_widget.setCurrentRow(0)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.list_widget.currentItem() is not None)

    def _on_search_edit_text_changed(self, text: str) -> None:
        self._generation += 1
        if not text.strip():
            self._debounce.stop()
            self._show_matches([(match, match_text(match)) for match in self._candidates])
            return
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        run_in_background(
            _search_contacts,
            parent=self,
            on_done=self._on_search_done,
            sessions=self._sessions,
            text=self.search_edit.text(),
            generation=self._generation,
        )

    def _on_search_done(self, answer: tuple[int, list[SearchHit]]) -> None:
        generation, hits = answer
        if generation != self._generation:
            return  # typed on since
        self._show_matches(
            [
                (ContactMatch(hit.id, hit.title, None, ""), f"{hit.title} — {hit.subtitle}")
                for hit in hits
            ]
        )


def _search_contacts(
    sessions: sessionmaker[Session], text: str, generation: int
) -> tuple[int, list[SearchHit]]:
    """In the worker: the service's answer, tagged with the keystroke it answers."""
    return generation, search_contacts(sessions, text)


class QtContactChooser:
    """The real chooser: a modal `ContactChooserDialog`."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def choose_contact(
        self, parent: QWidget | None, email: EmailFile, candidates: Sequence[ContactMatch]
    ) -> ContactMatch | None:
        dialog = ContactChooserDialog(self._sessions, email, candidates, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen()
        finally:
            dialog.deleteLater()


__all__ = [
    "ContactChooser",
    "ContactChooserDialog",
    "EmailDropper",
    "QtContactChooser",
    "Target",
]
