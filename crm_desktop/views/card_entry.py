"""Business-card entry: type a stack of cards as leads at typing speed.

Choose the event, source and owner once; then type name, company, title,
phones, e-mail and note with Tab between them and Enter to save. The form
clears for the next card while the event, source and owner stay. While you
type, a duplicate check runs in the background and lists existing records
that are the same person (the same e-mail or mobile), those that may be (a close name
at the company, nothing conflicting), and the company, each a link to open it. Phone
numbers are read in the card's own country, which the form shows (card_country.py).
"""

from __future__ import annotations

import html
import itertools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.database import Database
from crm_desktop.services.card_data import CardData
from crm_desktop.services.changes import Changes
from crm_desktop.services.duplicates import DuplicateMatch, find_duplicates
from crm_desktop.services.events import (
    EventInfo,
    SourceInfo,
    UserInfo,
    ensure_event,
    list_events,
    list_sources,
    list_users,
)
from crm_desktop.services.leads import LeadInput, LeadValidationError, create_lead, validate_lead
from crm_desktop.services.settings import default_region
from crm_desktop.views.card_country import CardCountry
from crm_desktop.views.worker import run_in_background

DEBOUNCE_MS = 300
DEFAULT_SOURCE = "Trade show"
_SPLIT_PHONES = re.compile(r"[;,]+")
_SPLIT_EMAILS = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class _Choices:
    events: list[EventInfo]
    sources: list[SourceInfo]
    users: list[UserInfo]
    region: str


@dataclass(frozen=True)
class _Saved:
    lead_id: uuid.UUID
    event_id: uuid.UUID | None
    person_name: str
    changes: Changes


def _load_choices(sessions: sessionmaker[Session]) -> _Choices:
    return _Choices(
        list_events(sessions),
        list_sources(sessions),
        list_users(sessions),
        default_region(sessions),
    )


def _save_card(sessions: sessionmaker[Session], data: LeadInput, event_name: str) -> _Saved:
    """Create the event on its first card, then the lead (runs off the GUI thread)."""
    changes = Changes()
    if data.event_id is None and event_name:
        event = ensure_event(sessions, event_name, data.owner_id)
        data = replace(data, event_id=event.id)
        changes |= event.changes
    created = create_lead(sessions, data)
    return _Saved(created.id, data.event_id, data.person_name, changes | created.changes)


def _find(generation: int, **kwargs: Any) -> tuple[int, list[DuplicateMatch]]:
    return generation, find_duplicates(**kwargs)


def split_phones(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT_PHONES.split(text) if p.strip()]


def split_emails(text: str) -> list[str]:
    return [e for e in _SPLIT_EMAILS.split(text) if e]


class CardEntryPage(QWidget):
    """The card-entry mode: one card after another, no mouse needed."""

    lead_saved = Signal(object)  # Changes
    open_record_requested = Signal(str, object)  # kind ("lead", "contact", "company"), UUID

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = db.sessions
        self._region = "CN"
        self._cards_entered = 0
        self._generation = 0
        self._saving = False
        self._events: list[EventInfo] = []
        self.duplicates: list[DuplicateMatch] = []  # what the warning shows now
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._card_extras: CardData | None = None  # card fields the form has no box for
        self._pending_cards: list[CardData] = []  # scanned cards waiting for review
        self._build()
        self.event_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reload_choices()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.event_combo = QComboBox()
        self.event_combo.setEditable(True)
        self.event_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.event_combo.setMinimumContentsLength(28)
        event_edit = self.event_combo.lineEdit()
        assert event_edit is not None  # an editable combo always has one
        event_edit.setPlaceholderText(self.tr("Type an event name or pick one"))
        event_edit.returnPressed.connect(self._on_event_return_pressed)
        completer = QCompleter(self.event_combo.model(), self.event_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.event_combo.setCompleter(completer)
        self.event_combo.currentTextChanged.connect(self._on_event_text_changed)
        self.event_hint = QLabel()
        self.event_hint.setObjectName("eventHint")
        self.source_combo = QComboBox()
        self.owner_combo = QComboBox()

        session_box = QGroupBox(self.tr("This session"))
        session_form = QFormLayout(session_box)
        event_row = QHBoxLayout()
        event_row.addWidget(self.event_combo, 1)
        event_row.addWidget(self.event_hint)
        session_form.addRow(self._buddy(self.tr("&Event:"), self.event_combo), event_row)
        session_form.addRow(self._buddy(self.tr("&Source:"), self.source_combo), self.source_combo)
        session_form.addRow(self._buddy(self.tr("O&wner:"), self.owner_combo), self.owner_combo)

        self.name_edit = QLineEdit()
        self.company_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.phones_edit = QLineEdit()
        self.phones_edit.setPlaceholderText(self.tr("Several numbers: separate with ;"))
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(self.tr("Several addresses: separate with ;"))
        self.note_edit = QLineEdit()
        card_box = QGroupBox(self.tr("Card"))
        card_form = QFormLayout(card_box)
        for label, edit in (
            (self.tr("&Name:"), self.name_edit),
            (self.tr("&Company:"), self.company_edit),
            (self.tr("&Title:"), self.title_edit),
            (self.tr("&Phones:"), self.phones_edit),
            (self.tr("E-&mail:"), self.email_edit),
            (self.tr("N&ote:"), self.note_edit),
        ):
            card_form.addRow(self._buddy(label, edit), edit)
            edit.returnPressed.connect(self.save)
            if edit is self.phones_edit:
                self.country = CardCountry(self.phones_edit, self)
                card_form.addRow(self.country.caption, self.country)
        for edit in self._checked_edits():
            edit.textEdited.connect(self._on_card_text_edited)
        self.country.changed.connect(self._on_country_changed)

        self.save_button = QPushButton(self.tr("Save and next card (Enter)"))
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton(self.tr("Clear (Esc)"))
        self.clear_button.clicked.connect(self.discard_card)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._on_escape_activated)
        self.counter_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.counter_label)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.duplicates_label = QLabel()
        self.duplicates_label.setObjectName("duplicateWarning")
        self.duplicates_label.setWordWrap(True)
        self.duplicates_label.setTextFormat(Qt.TextFormat.RichText)
        self.duplicates_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.duplicates_label.setStyleSheet(
            "#duplicateWarning { background: #fff4d6; border: 1px solid #e0b84c;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.duplicates_label.linkActivated.connect(self._on_duplicates_link_activated)
        self.duplicates_label.hide()

        title = QLabel(self.tr("<b>Business-card entry</b> — Tab to the next field, Enter saves."))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(session_box)
        layout.addWidget(card_box)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.duplicates_label)
        layout.addStretch(1)

        order: Sequence[QWidget] = (
            self.event_combo,
            self.source_combo,
            self.owner_combo,
            *self._card_edits(),
            self.save_button,
            self.clear_button,
            self.duplicates_label,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._update_counter()

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _card_edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.name_edit,
            self.company_edit,
            self.title_edit,
            self.phones_edit,
            self.email_edit,
            self.note_edit,
        )

    def _checked_edits(self) -> tuple[QLineEdit, ...]:
        return (self.name_edit, self.company_edit, self.phones_edit, self.email_edit)

    # ------------------------------------------------------------------ choices

    def reload_choices(self) -> None:
        """Reload events, sources and users (after another window changed them)."""
        run_in_background(
            _load_choices,
            sessions=self._sessions,
            on_done=self._on_choices_loaded,
            on_error=self._on_task_failed,
        )

    def _on_choices_loaded(self, choices: _Choices) -> None:
        self._region = choices.region
        self.country.set_default(choices.region)
        self._events = choices.events
        typed = self.event_combo.currentText()
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for event in choices.events:
            self.event_combo.addItem(event.name, event.id)
        self.event_combo.setCurrentIndex(-1)
        self.event_combo.setEditText(typed)
        self.event_combo.blockSignals(False)
        self._on_event_text_changed(typed)
        source_id = self.source_combo.currentData()
        self.source_combo.clear()
        self.source_combo.addItem(self.tr("(no source)"), None)
        for source in choices.sources:
            self.source_combo.addItem(source.name, source.id)
        wanted = self.source_combo.findData(source_id) if source_id else -1
        if wanted < 0:
            wanted = max(0, self.source_combo.findText(DEFAULT_SOURCE))
        self.source_combo.setCurrentIndex(wanted)
        owner_id = self.owner_combo.currentData()
        self.owner_combo.clear()
        for user in choices.users:
            self.owner_combo.addItem(user.name, user.id)
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(owner_id)))

    def apply_changes(self, changes: Changes) -> None:
        """Events, users or the phone region changed elsewhere: refresh the session choices."""
        if changes.events or changes.users or changes.settings:
            self.reload_choices()

    def drop_context(self) -> tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]:
        """(event, source, owner) chosen for this session, for leads from dropped files.

        An event that is typed but not created yet is left out: a drop never creates one.
        """
        event_text = self.event_combo.currentText().strip()
        event_id = self._event_id_for(event_text) if event_text else None
        return event_id, self.source_combo.currentData(), self.owner_combo.currentData()

    def _event_id_for(self, name: str) -> uuid.UUID | None:
        folded = name.strip().casefold()
        return next((e.id for e in self._events if e.name.casefold() == folded), None)

    def _on_event_text_changed(self, text: str) -> None:
        new = bool(text.strip()) and self._event_id_for(text) is None
        self.event_hint.setText(self.tr("new event: created with the first card") if new else "")

    def _on_event_return_pressed(self) -> None:
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ entry

    def current_input(self) -> LeadInput:
        event_text = self.event_combo.currentText().strip()
        extras = self._card_extras or CardData()
        return LeadInput(
            person_name=self.name_edit.text(),
            company_name=self.company_edit.text(),
            title=self.title_edit.text(),
            phones=split_phones(self.phones_edit.text()),
            emails=split_emails(self.email_edit.text()),
            note=self.note_edit.text(),
            event_id=self._event_id_for(event_text) if event_text else None,
            source_id=self.source_combo.currentData(),
            owner_id=self.owner_combo.currentData(),
            faxes=extras.faxes,
            websites=extras.websites,
            street=extras.street,
            city=extras.city,
            region=extras.region,
            postal_code=extras.postal_code,
            country=extras.country,
            phone_region=self.country.region,
        )

    def save(self) -> None:
        """Validate and save the card; on success the form clears for the next one."""
        if self._saving:
            return
        data = self.current_input()
        try:
            validate_lead(data, self._region)
        except LeadValidationError as exc:
            self._show_error(exc.message)
            self._field_widget(exc.field).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        for edit in self._card_edits():
            edit.setReadOnly(True)
        run_in_background(
            _save_card,
            sessions=self._sessions,
            data=data,
            event_name=self.event_combo.currentText().strip(),
            on_done=self._on_card_saved,
            on_error=self._on_save_failed,
        )

    def _field_widget(self, field: str) -> QLineEdit:
        return {
            "person_name": self.name_edit,
            "company_name": self.company_edit,
            "title": self.title_edit,
            "phones": self.phones_edit,
            "faxes": self.phones_edit,
            "emails": self.email_edit,
        }.get(field, self.name_edit)

    def _end_saving(self) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        for edit in self._card_edits():
            edit.setReadOnly(False)

    def _on_card_saved(self, saved: _Saved) -> None:
        self._end_saving()
        self._cards_entered += 1
        self._update_counter()
        if saved.changes.events:
            self.reload_choices()
        self.clear_card()
        self.status_label.setStyleSheet("color: #2e7d32;")
        self.status_label.setText(
            self.tr("Saved {name}. Next card.").format(name=saved.person_name.strip())
        )
        self.lead_saved.emit(saved.changes)
        self._review_next_card()

    def _on_save_failed(self, message: str, _details: str) -> None:
        self._end_saving()
        self._show_error(self.tr("The card was not saved: {reason}").format(reason=message))

    def _on_task_failed(self, message: str, _details: str) -> None:
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.status_label.setStyleSheet("color: #c62828;")
        self.status_label.setText(message)

    def clear_card(self) -> None:
        """Empty the card fields (the event, source and owner stay) and start again at Name."""
        for edit in self._card_edits():
            edit.clear()
        self._card_extras = None
        self.country.clear_card()
        self.status_label.clear()
        self._debounce.stop()
        self._generation += 1  # results of a check still running are now stale
        self._show_duplicates([])
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_escape_activated(self) -> None:
        if self.country.cancel_choosing():
            return  # Esc leaves the country box; the card stays
        self.discard_card()

    def discard_card(self) -> None:
        """Esc: throw away what is in the form; a scanned card waiting for review comes next."""
        self.clear_card()
        self._review_next_card()

    def review_cards(self, cards: Sequence[CardData]) -> None:
        """Queue scanned cards: the first fills the form, each save brings up the next."""
        self._pending_cards.extend(cards)
        if not self._has_typed_card():
            self._review_next_card()

    @property
    def pending_cards(self) -> int:
        return len(self._pending_cards)

    def _has_typed_card(self) -> bool:
        return any(edit.text().strip() for edit in self._card_edits())

    def _review_next_card(self) -> None:
        if self._pending_cards:
            self.fill_from_card(self._pending_cards.pop(0))

    def fill_from_card(self, card: CardData) -> None:
        """Pre-fill the form from a scanned or dropped card, for review before Enter."""
        self.name_edit.setText(card.full_name)
        self.company_edit.setText(card.company)
        self.title_edit.setText(card.title)
        self.phones_edit.setText("; ".join(card.all_phones))
        self.email_edit.setText("; ".join(card.emails))
        self.note_edit.setText(" ".join(card.note.split()))
        self._card_extras = card
        self._update_country()
        extras = [
            text
            for text, present in (
                (self.tr("fax"), card.faxes),
                (self.tr("website"), card.websites),
                (self.tr("address"), card.street or card.city or card.country),
            )
            if present
        ]
        message = self.tr("Check the card and press Enter to save it.")
        if extras:
            message += " " + self.tr("Saved with it from the card: {fields}.").format(
                fields=", ".join(extras)
            )
        if self._pending_cards:
            pending = len(self._pending_cards)
            message += " " + self.tr("%n more scanned card(s) after this one.", "", pending)
        self.status_label.setStyleSheet("")
        self.status_label.setText(message)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._debounce.start()

    @property
    def cards_entered(self) -> int:
        return self._cards_entered

    def _update_counter(self) -> None:
        self.counter_label.setText(
            self.tr("Cards entered this session: {count}").format(count=self._cards_entered)
        )

    # ------------------------------------------------------------------ duplicates

    def _on_card_text_edited(self, _text: str) -> None:
        self._update_country()
        self._debounce.start()

    def _update_country(self) -> None:
        """The card's country as typed so far, and what its numbers look like in it."""
        self.country.update_card(
            country=(self._card_extras or CardData()).country,
            phones=split_phones(self.phones_edit.text()),
            emails=split_emails(self.email_edit.text()),
            company=self.company_edit.text(),
        )

    def _on_country_changed(self) -> None:
        """The user chose another country: read the numbers again, check duplicates again."""
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        self.check_duplicates()

    def check_duplicates(self) -> None:
        """Look for existing records like the card typed so far (in the background)."""
        self._generation += 1
        name = self.name_edit.text().strip()
        company = self.company_edit.text().strip()
        phones = split_phones(self.phones_edit.text())
        emails = split_emails(self.email_edit.text())
        if not (name or company or phones or emails):
            self._show_duplicates([])
            return
        run_in_background(
            _find,
            generation=self._generation,
            sessions=self._sessions,
            name=name,
            company=company,
            emails=emails,
            phones=phones,
            region=self.country.region,
            on_done=self._on_duplicates_found,
            on_error=self._on_task_failed,
        )

    def _on_duplicates_found(self, payload: tuple[int, list[DuplicateMatch]]) -> None:
        generation, matches = payload
        if generation == self._generation:
            self._show_duplicates(matches)

    def _kind_text(self, kind: str) -> str:
        return {
            "lead": self.tr("lead"),
            "contact": self.tr("contact"),
            "company": self.tr("company"),
        }.get(kind, kind)

    def _show_duplicates(self, matches: Sequence[DuplicateMatch]) -> None:
        """Duplicates (the same e-mail or mobile), possible duplicates (a close name at the
        company, or one shared detail and one that differs), then companies, each listed
        apart: a person with another e-mail or mobile is not listed at all."""
        self.duplicates = list(matches)
        if not matches:
            self.duplicates_label.clear()
            self.duplicates_label.hide()
            return
        people = [m for m in matches if m.kind != "company"]
        groups = (
            (
                "⚠ " + self.tr("Duplicate: already in the CRM — click to open:"),
                [m for m in people if not m.possible],
            ),
            (
                self.tr("Possible duplicate: check before saving — click to open:"),
                [m for m in people if m.possible],
            ),
            (
                self.tr("Company already in the CRM:"),
                [m for m in matches if m.kind == "company"],
            ),
        )
        parts = []
        for heading, found in groups:
            if found:
                items = "".join(self._duplicate_item(match) for match in found)
                parts.append(f"<b>{html.escape(heading)}</b><ul style='margin:0'>{items}</ul>")
        self.duplicates_label.setText("".join(parts))
        self.duplicates_label.show()

    def _duplicate_item(self, match: DuplicateMatch) -> str:
        where = (
            f", {html.escape(match.company)}" if match.company and match.kind != "company" else ""
        )
        return (
            f'<li><a href="{match.kind}:{match.id}">{html.escape(match.name)}</a>'
            f" ({self._kind_text(match.kind)}{where}) — {html.escape(match.reason)}</li>"
        )

    def _on_duplicates_link_activated(self, link: str) -> None:
        kind, _, text = link.partition(":")
        self.open_record_requested.emit(kind, uuid.UUID(text))
