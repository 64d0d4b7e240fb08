"""A record's activity tab: customer facts, next steps and the timeline, newest first.

Everything is read in the background (`record_timeline`, `customer_facts`) and shown as
rich text in a QTextBrowser. Links in it open the records an entry concerns, check a
next step off, or edit an activity. Buttons (and the window's Record menu) log a
call, add a note or schedule a task for the record shown.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import logging
import uuid
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ActivityKind, utcnow
from crm_desktop.services.activities.facts import CustomerFacts, customer_facts
from crm_desktop.services.activities.schedule import local_zone
from crm_desktop.services.activities.store import RecordRef, SavedActivity, set_done
from crm_desktop.services.activities.timeline import Timeline, TimelineEntry, record_timeline
from crm_desktop.services.changes import Changes
from crm_desktop.services.records import RecordNotFoundError
from crm_desktop.services.reports.money import Money
from crm_desktop.views.activities.activity_dialog import ActivityDialog, kind_text, offer_next_step
from crm_desktop.views.contact_links import open_contact_url
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)

KIND_COLOURS = {
    "call": "#1565c0",
    "meeting": "#6a1b9a",
    "email": "#00838f",
    "note": "#5d4037",
    "task": "#ef6c00",
    "stage": "#2e7d32",
    "converted": "#ad1457",
    "converted_from": "#ad1457",
    "imported": "#546e7a",
    "import_update": "#546e7a",
    "created": "#546e7a",
}
TEXT_LIMIT = 600  # characters of a long e-mail body shown in the timeline


def tr(text: str) -> str:
    return QCoreApplication.translate("Timeline", text)


def _load(
    sessions: sessionmaker[Session], kind: str, record_id: uuid.UUID
) -> tuple[Timeline, CustomerFacts | None] | RecordNotFoundError:
    try:
        timeline = record_timeline(sessions, kind, record_id)  # type: ignore[arg-type]
    except RecordNotFoundError as exc:
        return exc
    facts = customer_facts(sessions, kind, record_id) if kind in ("contacts", "companies") else None
    return timeline, facts


def _money(value: Money, currency: str) -> str:
    text = f"{value.amount:,.2f} {currency}"
    for other, amount in value.unconverted:
        text += " + " + tr("%1 %2 without a rate").replace("%1", f"{amount:,.2f}").replace(
            "%2", other
        )
    return text


def _mail_links(addresses: str | None) -> str:
    """ "Anna <anna@x.de>, bo@y.cn" with each address a mailto: link."""
    if not addresses:
        return "?"
    parts = []
    for name, address in email.utils.getaddresses([addresses]):
        if "@" not in address:
            parts.append(html.escape(name or address))
            continue
        link = f"<a href='mailto:{html.escape(address, quote=True)}'>{html.escape(address)}</a>"
        parts.append(f"{html.escape(name)} &lt;{link}&gt;" if name else link)
    return ", ".join(parts)


class TimelinePanel(QWidget):
    open_requested = Signal(str, object)  # page kind, record id
    changes_made = Signal(object)  # Changes
    loaded = Signal()

    def __init__(
        self,
        sessions: sessionmaker[Session],
        prompts: Prompts | None = None,
        zone: dt.tzinfo | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._sessions = sessions
        self._prompts: Prompts = prompts or QtPrompts()
        self._zone = zone or local_zone()
        self._kind: str | None = None
        self._record_id: uuid.UUID | None = None
        self._label = ""
        self._generation = 0
        self.timeline: Timeline | None = None
        self.facts: CustomerFacts | None = None
        self.dialog: ActivityDialog | None = None

        self.call_button = QPushButton(tr("Log call"))
        self.call_button.setObjectName("logCall")
        self.call_button.setToolTip(tr("Log a call with this record (Ctrl+L)"))
        self.call_button.clicked.connect(self.log_call)
        self.note_button = QPushButton(tr("Add note"))
        self.note_button.setObjectName("addNote")
        self.note_button.setToolTip(tr("Add a note (Ctrl+Shift+L)"))
        self.note_button.clicked.connect(self.add_note)
        self.task_button = QPushButton(tr("New task"))
        self.task_button.setObjectName("newTask")
        self.task_button.setToolTip(tr("Schedule a task or meeting (Ctrl+Shift+T)"))
        self.task_button.clicked.connect(self.new_task)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.call_button, self.note_button, self.task_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("facts")
        self.facts_label.setWordWrap(True)
        self.facts_label.hide()
        self.browser = QTextBrowser()
        self.browser.setObjectName("timeline")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        self.status = QLabel()
        self.status.setObjectName("timelineStatus")
        self.status.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.status)
        self._set_enabled(False)

    # ---- public API ------------------------------------------------------------------------

    @property
    def record(self) -> tuple[str, uuid.UUID] | None:
        if self._kind is None or self._record_id is None:
            return None
        return self._kind, self._record_id

    def set_record(self, kind: str, record_id: uuid.UUID | None, label: str = "") -> None:
        changed = (kind, record_id) != (self._kind, self._record_id)
        self._kind, self._record_id, self._label = kind, record_id, label
        self._set_enabled(record_id is not None)
        if record_id is None:
            self.clear()
        elif changed:
            self.browser.setHtml(f"<p style='color:#666'>{html.escape(tr('Loading…'))}</p>")
            self.reload()

    def clear(self) -> None:
        self._generation += 1
        self.timeline = None
        self.facts = None
        self.browser.clear()
        self.facts_label.clear()
        self.facts_label.hide()
        self.status.clear()

    def reload(self) -> None:
        if self._kind is None or self._record_id is None:
            return
        self._generation += 1
        generation = self._generation
        run_in_background(
            _load,
            parent=self,
            on_done=lambda result: self._on_loaded(generation, result),
            on_error=self._on_failed,
            sessions=self._sessions,
            kind=self._kind,
            record_id=self._record_id,
        )

    def apply_changes(self, changes: Changes) -> None:
        if changes.activities or changes.deals or changes.leads:
            self.reload()

    def log_call(self) -> ActivityDialog | None:
        return self._open_dialog(
            ActivityKind.CALL.value, tr("Call with %1").replace("%1", self._label)
        )

    def add_note(self) -> ActivityDialog | None:
        return self._open_dialog(ActivityKind.NOTE.value, tr("Note"))

    def new_task(self) -> ActivityDialog | None:
        return self._open_dialog(
            ActivityKind.TASK.value, tr("Follow up with %1").replace("%1", self._label)
        )

    def edit_activity(self, activity_id: uuid.UUID) -> ActivityDialog:
        dialog = ActivityDialog(self._sessions, self, activity_id=activity_id, zone=self._zone)
        return self._show_dialog(dialog)

    # ---- dialogs ---------------------------------------------------------------------------

    def _open_dialog(self, kind: str, subject: str) -> ActivityDialog | None:
        if self._kind is None or self._record_id is None:
            return None
        dialog = ActivityDialog(
            self._sessions,
            self,
            kind=kind,
            links={self._kind: self._record_id},
            link_label=self._label,
            subject=subject,
            zone=self._zone,
        )
        return self._show_dialog(dialog)

    def _show_dialog(self, dialog: ActivityDialog) -> ActivityDialog:
        dialog.saved.connect(self._on_dialog_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_saved(self, saved: SavedActivity) -> None:
        self.changes_made.emit(saved.changes)
        follow_up = offer_next_step(self, self._sessions, saved, self._prompts, self._zone)
        if follow_up is not None:
            self.dialog = follow_up
            follow_up.saved.connect(lambda s: self.changes_made.emit(s.changes))

    # ---- loading ---------------------------------------------------------------------------

    def _on_loaded(self, generation: int, result: Any) -> None:
        if generation != self._generation:
            return
        if isinstance(result, RecordNotFoundError):
            self.clear()
            self.status.setText(tr("This record was deleted."))
            return
        timeline, facts = result
        self.timeline, self.facts = timeline, facts
        self._show_facts(facts)
        self.browser.setHtml(self._timeline_html(timeline))
        count = len(timeline.entries) + len(timeline.upcoming)
        note = QCoreApplication.translate("TimelinePanel", "%n entry(ies)", None, count)
        if timeline.truncated:
            note += " · " + tr("only the newest are shown")
        self.status.setText(note)
        self.loaded.emit()

    def _on_failed(self, message: str, trace: str) -> None:
        log.error("timeline: %s\n%s", message, trace)
        self.status.setText(tr("Could not read the timeline: %1").replace("%1", message))

    # ---- rendering -------------------------------------------------------------------------

    def _local(self, moment: dt.datetime, with_time: bool = True) -> str:
        local = moment.astimezone(self._zone)
        return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")

    def _show_facts(self, facts: CustomerFacts | None) -> None:
        if facts is None:
            self.facts_label.hide()
            return
        rows: list[tuple[str, str]] = []
        now = utcnow()
        if facts.last_contact_at is not None:
            days = (now - facts.last_contact_at).days
            last = tr("%1 (%2, %3 days ago)").replace(
                "%1", self._local(facts.last_contact_at, False)
            )
            last = last.replace("%2", kind_text(facts.last_contact_kind or "")).replace(
                "%3", str(days)
            )
        else:
            last = tr("never")
        rows.append((tr("Last contact"), html.escape(last)))
        if facts.next_step is not None:
            step = facts.next_step
            when = self._local(step.at)
            style = " style='color:#b00020'" if step.at < now else ""
            rows.append(
                (
                    tr("Next step"),
                    f"<span{style}>{html.escape(when)}</span> · "
                    f"{html.escape(kind_text(step.kind))}: {html.escape(step.subject)}",
                )
            )
        else:
            rows.append(
                (tr("Next step"), f"<span style='color:#b00020'>{html.escape(tr('none'))}</span>")
            )
        rows.append(
            (
                tr("Open deals"),
                html.escape(
                    tr("%1 · %2")
                    .replace("%1", f"{facts.open_deals:,}")
                    .replace("%2", _money(facts.open_value, facts.currency))
                ),
            )
        )
        purchases = facts.purchases
        rows.append(
            (
                tr("Won"),
                html.escape(
                    QCoreApplication.translate(
                        "TimelinePanel", "%1 in %n purchase(s)", None, purchases
                    ).replace("%1", _money(facts.won_value, facts.currency))
                ),
            )
        )
        if facts.typical_interval_days is not None and facts.next_purchase_due is not None:
            rhythm = (
                tr("every %1 days · last %2 · next due about %3")
                .replace("%1", str(facts.typical_interval_days))
                .replace("%2", facts.last_purchase.isoformat() if facts.last_purchase else "")
                .replace("%3", facts.next_purchase_due.isoformat())
            )
            rows.append((tr("Buys"), html.escape(rhythm)))
        cells = "".join(
            f"<tr><td style='color:#666; padding-right:10px'>{html.escape(name)}</td>"
            f"<td>{value}</td></tr>"
            for name, value in rows
        )
        self.facts_label.setText(f"<table>{cells}</table>")
        self.facts_label.show()

    def _timeline_html(self, timeline: Timeline) -> str:
        now = utcnow()
        parts = ["<html><body style='margin:0'>"]
        if timeline.upcoming:
            parts.append(f"<h4 style='margin:4px 0'>{html.escape(tr('Next steps'))}</h4>")
            for entry in timeline.upcoming:
                parts.append(self._entry_html(entry, now, upcoming=True))
        parts.append(f"<h4 style='margin:8px 0 4px 0'>{html.escape(tr('History'))}</h4>")
        if not timeline.entries:
            parts.append(f"<p style='color:#666'>{html.escape(tr('Nothing yet.'))}</p>")
        for entry in timeline.entries:
            parts.append(self._entry_html(entry, now, upcoming=False))
        parts.append("</body></html>")
        return "".join(parts)

    def _entry_html(self, entry: TimelineEntry, now: dt.datetime, upcoming: bool) -> str:
        colour = KIND_COLOURS.get(entry.kind, "#444")
        when = self._local(entry.at)
        when_style = (
            "color:#b00020; font-weight:bold" if upcoming and entry.at < now else "color:#666"
        )
        badge = html.escape(self._badge(entry))
        head = (
            f"<span style='{when_style}'>{html.escape(when)}</span> "
            f"<span style='color:{colour}; font-weight:bold'>{badge}</span> "
            f"{self._title_html(entry)}"
        )
        meta: list[str] = []
        if entry.outcome:
            meta.append(html.escape(entry.outcome))
        if entry.duration_minutes:
            meta.append(html.escape(tr("%1 min").replace("%1", str(entry.duration_minutes))))
        if entry.who:
            meta.append(html.escape(entry.who))
        meta += [self._link_html(ref) for ref in entry.links]
        if entry.activity_id is not None:
            if upcoming:
                meta.append(f"<a href='done:{entry.activity_id}'>{html.escape(tr('Done'))}</a>")
            meta.append(f"<a href='edit:{entry.activity_id}'>{html.escape(tr('Edit'))}</a>")
        lines = [head]
        if entry.email_from or entry.email_to:
            lines.append(
                "<span style='color:#666'>"
                + tr("From %1 to %2")
                .replace("%1", _mail_links(entry.email_from))
                .replace("%2", _mail_links(entry.email_to))
                + "</span>"
            )
        if entry.text:
            text = entry.text if len(entry.text) <= TEXT_LIMIT else entry.text[:TEXT_LIMIT] + "…"
            lines.append(html.escape(text).replace("\n", "<br>"))
        if entry.attachment_names:
            lines.append(
                "<span style='color:#666'>📎 "
                + html.escape(", ".join(entry.attachment_names))
                + "</span>"
            )
        if meta:
            lines.append("<span style='color:#666'>" + " · ".join(meta) + "</span>")
        return (
            "<p style='margin:0 0 8px 0; border-left:3px solid "
            + colour
            + "; padding-left:6px'>"
            + "<br>".join(lines)
            + "</p>"
        )

    def _badge(self, entry: TimelineEntry) -> str:
        if entry.activity_id is not None:
            return kind_text(entry.kind)
        return {
            "stage": tr("Stage"),
            "converted": tr("Converted"),
            "converted_from": tr("Converted"),
            "imported": tr("Imported"),
            "import_update": tr("Import"),
            "created": tr("Created"),
        }.get(entry.kind, entry.kind)

    def _title_html(self, entry: TimelineEntry) -> str:
        if entry.kind == "stage":
            if entry.from_stage:
                moved = tr("%1 → %2").replace("%1", entry.from_stage)
                moved = moved.replace("%2", entry.to_stage or "")
            else:
                moved = tr("created in %1").replace("%1", entry.to_stage or "")
            if self._kind == "deals":  # the deal's own history: its title is the heading
                return html.escape(moved)
            return f"<b>{html.escape(entry.title)}</b>: {html.escape(moved)}"
        if entry.kind == "converted":
            return html.escape(tr("Lead converted into:"))
        if entry.kind == "converted_from":
            return html.escape(tr("Created by converting a lead"))
        if entry.kind == "imported":
            return html.escape(tr("Created by the import of %1").replace("%1", entry.title))
        if entry.kind == "import_update":
            text = tr("Updated by the import of %1").replace("%1", entry.title)
            if entry.undone:
                text += " " + tr("(undone)")
            return html.escape(text)
        if entry.kind == "created":
            return html.escape(tr("Record created"))
        return f"<b>{html.escape(entry.title)}</b>"

    @staticmethod
    def _link_html(ref: RecordRef) -> str:
        return f"<a href='open:{ref.kind}:{ref.id}'>{html.escape(ref.label)}</a>"

    # ---- slots -----------------------------------------------------------------------------

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("mailto", "tel"):
            open_contact_url(url)
            return
        target = url.toString()
        action, _, rest = target.partition(":")
        try:
            if action == "open":
                kind, _, raw = rest.partition(":")
                self.open_requested.emit(kind, uuid.UUID(raw))
            elif action == "edit":
                self.edit_activity(uuid.UUID(rest))
            elif action == "done":
                self.check_off(uuid.UUID(rest))
        except ValueError:
            log.warning("timeline: bad link %s", target)

    def check_off(self, activity_id: uuid.UUID) -> None:
        run_in_background(
            set_done,
            parent=self,
            on_done=self.changes_made.emit,
            on_error=self._on_failed,
            sessions=self._sessions,
            activity_ids=[activity_id],
            done=True,
        )

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.call_button, self.note_button, self.task_button):
            button.setEnabled(enabled)
