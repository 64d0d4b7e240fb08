"""The detail form every record kind shares: fields, contact methods, tags, links, Save/Revert.

Loading and saving run in the background. A save that finds the record changed
by someone else asks (through the injected prompts) whether to reload it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.db_errors import retry_once_if_locked
from crm_desktop.services.email_files import EMAIL_SUFFIXES
from crm_desktop.services.listing import Kind
from crm_desktop.services.phone_country import record_region
from crm_desktop.services.records import (
    FIELDS,
    FormOptions,
    RecordDetail,
    RecordNotFoundError,
    SaveResult,
    StaleRecordError,
    ValidationError,
    blank_record,
    field_problem,
    form_options,
    load_record,
    method_problem,
    save_record,
)
from crm_desktop.views.activities.timeline_panel import TimelinePanel
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.drop import dropped_paths
from crm_desktop.views.email_drop import EmailDropper
from crm_desktop.views.fitting import fit_scroll_width
from crm_desktop.views.forms.fields import (
    ChoiceEditor,
    FieldEditor,
    UnresolvedError,
    make_editor,
    tr,
)
from crm_desktop.views.forms.methods_editor import MethodsEditor
from crm_desktop.views.worker import run_in_background

_EXPECTED = (ValidationError, StaleRecordError, RecordNotFoundError)

# Marked for lupdate: the field labels and link roles the services name in English.
_LABELS = (
    tr("Name"),
    tr("Company"),
    tr("Title"),
    tr("Status"),
    tr("Event"),
    tr("Source"),
    tr("Owner"),
    tr("Street"),
    tr("City"),
    tr("Region"),
    tr("Postal code"),
    tr("Country"),
    tr("Notes"),
    tr("Full name"),
    tr("Given name"),
    tr("Family name"),
    tr("Phonetic name"),
    tr("Birthday"),
    tr("Website"),
    tr("Industry"),
    tr("Contact"),
    tr("Amount"),
    tr("Currency"),
    tr("Stage"),
    tr("Probability %"),
    tr("Expected close"),
    tr("Lost reason"),
    tr("New lead"),
    tr("New contact"),
    tr("New company"),
    tr("New deal"),
)


def _role_text(role: str) -> str:
    """How a linked record relates to the one shown, for the links list."""
    texts = {
        "contact": tr("Contact"),
        "deal": tr("Deal"),
        "event": tr("Event"),
        "company": tr("Company"),
        "lead": tr("Lead"),
        "converted to": tr("Converted to"),
    }
    return texts.get(role, role)


def _attempt(call: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service call in the worker; expected failures come back as values."""
    try:
        return call(**kwargs)
    except _EXPECTED as exc:
        return exc


def _save_retrying(**kwargs: Any) -> SaveResult:
    """save_record, once more after a moment if another program held the write lock."""
    return retry_once_if_locked(save_record, **kwargs)


class RecordForm(QWidget):
    """Edits one record of KIND. Subclasses set KIND and may add buttons."""

    KIND: ClassVar[Kind]
    NEW_TITLE: ClassVar[str] = "New record"
    HAS_METHODS: ClassVar[bool] = True

    saved = Signal(object)  # Changes
    edit_saved = Signal(object)  # SaveResult of a change to a saved record (for undo)
    open_requested = Signal(str, object)  # kind, record id
    event_requested = Signal(object)  # event id: show the leads of that event
    loaded = Signal()  # a record (or a blank one) is on screen
    dirty_changed = Signal(bool)
    # `target_id` changed: a load began, ended or failed, a new record got its id, the form
    # was cleared. The list moves its highlight to follow, so the two never disagree.
    target_changed = Signal()

    def __init__(
        self,
        sessions: sessionmaker[Session],
        prompts: Prompts | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._sessions = sessions
        self._prompts: Prompts = prompts or QtPrompts()
        self._detail: RecordDetail | None = None
        self._baseline: Any = None
        self._generation = 0
        self._loading_id: uuid.UUID | None = None
        self._saving = False
        self._was_dirty = False
        self._last_target: uuid.UUID | None = None
        self._options: FormOptions | None = None
        self._email_dropper: EmailDropper | None = None
        self._build()
        self._set_enabled(False)
        self.heading.setText(tr("No record selected"))
        self._update_dirty()
        self.refresh_options()

    # ---- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()

        self.editors: dict[str, FieldEditor] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in FIELDS[self.KIND]:
            editor = make_editor(spec, self._sessions)
            editor.on_change(self._update_dirty)
            editor.on_change(partial(self._recheck_field, spec.key))
            error = QLabel()
            error.setObjectName(f"error_{spec.key}")
            error.setStyleSheet("color: #b00020;")
            error.setWordWrap(True)
            error.hide()
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(editor.widget)
            column.addWidget(error)
            label = tr(spec.label) + (" *" if spec.required else "")
            form.addRow(label, cell)
            self.editors[spec.key] = editor
            self.errors[spec.key] = error

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        self.methods = MethodsEditor()
        self.methods.changed.connect(self._update_dirty)
        self.methods.changed.connect(self._recheck_methods)
        if self.HAS_METHODS:
            group = QGroupBox(tr("E-mail, phone, web and IM"))
            QVBoxLayout(group).addWidget(self.methods)
            body_layout.addWidget(group)
        else:
            self.methods.hide()
        self.tags = QLineEdit()
        self.tags.setObjectName("tags")
        self.tags.setPlaceholderText(tr("Tags, separated by commas"))
        self.tags.textChanged.connect(self._update_dirty)
        tags_row = QFormLayout()
        tags_row.addRow(tr("Tags"), self.tags)
        body_layout.addLayout(tags_row)
        links_box = QGroupBox(tr("Linked records"))
        self.links = QListWidget()
        self.links.setObjectName("links")
        self.links.setMaximumHeight(140)
        self.links.itemActivated.connect(self._on_links_item_activated)
        QVBoxLayout(links_box).addWidget(self.links)
        body_layout.addWidget(links_box)
        body_layout.addStretch(1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Activities, stage changes, conversion and imports; facts above the tabs.
        self.timeline = TimelinePanel(self._sessions, self._prompts)
        self.timeline.setObjectName("timelinePanel")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("formTabs")
        self.tabs.addTab(scroll, tr("Details"))
        self.tabs.addTab(self.timeline, tr("Activity"))

        self.save_button = QPushButton(tr("Save"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip(tr("Save the changes (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(tr("Revert"))
        self.revert_button.setObjectName("revert")
        self.revert_button.setToolTip(tr("Undo the changes made since the last save"))
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        for button in self.extra_buttons():
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.timeline.facts_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def set_email_dropper(self, dropper: EmailDropper) -> None:
        """E-mails (.eml/.msg) dropped on this form are filed under the record shown."""
        self._email_dropper = dropper
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._email_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._email_paths(event.mimeData())
        if paths and self.record_id is not None and self._email_dropper is not None:
            event.acceptProposedAction()  # accepted here, so the window does not take it too
            self._email_dropper.drop(paths, (self.KIND, self.record_id))
        else:
            event.ignore()

    def _email_paths(self, mime: QMimeData) -> list[Path]:
        if self._email_dropper is None or self.record_id is None:
            return []
        return [p for p in dropped_paths(mime) if p.suffix.lower() in EMAIL_SUFFIXES]

    def extra_buttons(self) -> list[QPushButton]:
        """Buttons a kind adds left of Revert/Save."""
        return []

    # ---- public API ------------------------------------------------------------------------

    @property
    def detail(self) -> RecordDetail | None:
        return self._detail

    @property
    def record_id(self) -> uuid.UUID | None:
        return self._detail.id if self._detail else None

    @property
    def target_id(self) -> uuid.UUID | None:
        """The record this form is about: the one being loaded, else the one shown.

        A list keeps its highlight on this record; `record_id` lags until the load arrives.
        """
        return self._loading_id if self._loading_id is not None else self.record_id

    def is_loading(self) -> bool:
        """A record was asked for and is not on screen yet (the old one still is)."""
        return self._loading_id is not None

    def record_label(self) -> str:
        """The record shown, as a person names it: "王伟, 上海华东电子" (saved values)."""
        detail = self._detail
        if detail is None or detail.id is None:
            return ""
        name = str(detail.fields.get(FIELDS[self.KIND][0].key) or "")
        company = detail.fields.get("company_name") or detail.labels.get("company_id")
        return f"{name}, {company}" if company else name

    def is_dirty(self) -> bool:
        return self._detail is not None and self._state() != self._baseline

    def is_saving(self) -> bool:
        return self._saving

    def set_options(self, options: FormOptions) -> None:
        was_clean = self._detail is not None and not self.is_dirty()
        self._options = options
        for spec in FIELDS[self.KIND]:
            editor = self.editors[spec.key]
            if isinstance(editor, ChoiceEditor):
                choices = {
                    "owners": options.owners,
                    "events": options.events,
                    "sources": options.sources,
                    "stages": options.stages,
                }.get(spec.ref or "", options.statuses)
                editor.set_options(
                    choices, allow_empty=spec.type != "status" and spec.ref != "stages"
                )
        if was_clean:  # new choices are no edit of the user's
            self._baseline = self._state()
            self._update_dirty()

    def refresh_options(self) -> None:
        run_in_background(
            form_options,
            parent=QCoreApplication.instance(),
            on_done=self.set_options,
            on_error=self._on_background_error,
            sessions=self._sessions,
        )

    def load(self, record_id: uuid.UUID) -> None:
        """Show a saved record (read in the background)."""
        self._load(record_id, refresh=False)

    def refresh(self) -> None:
        """Re-read the record shown, unless the user is editing it meanwhile."""
        if self._loading_id is not None:
            # A record the user chose is on its way: read it again rather than drop it.
            self._load(self._loading_id, refresh=False)
        elif self.record_id is not None and not self.is_dirty() and not self._saving:
            self._load(self.record_id, refresh=True)

    def _load(self, record_id: uuid.UUID, refresh: bool) -> None:
        self._generation += 1
        generation = self._generation
        if not refresh:
            self._loading_id = record_id
            self._note_target()
        run_in_background(
            _attempt,
            parent=QCoreApplication.instance(),
            on_done=lambda result: self._on_loaded(generation, result, refresh=refresh),
            on_error=self._on_background_error,
            call=load_record,
            sessions=self._sessions,
            kind=self.KIND,
            record_id=record_id,
        )

    def new_record(self) -> None:
        """Show a blank record with defaults, ready for typing."""
        self._generation += 1
        self._loading_id = None
        self._note_target()
        generation = self._generation
        run_in_background(
            blank_record,
            parent=QCoreApplication.instance(),
            on_done=lambda detail: self._on_loaded(generation, detail, focus=True),
            on_error=self._on_background_error,
            sessions=self._sessions,
            kind=self.KIND,
        )

    def clear(self) -> None:
        self._generation += 1
        self._loading_id = None
        self._detail = None
        self._baseline = None
        self.heading.setText(tr("No record selected"))
        for editor in self.editors.values():
            editor.set_value(None)
        self.methods.set_methods([])
        self.tags.clear()
        self.links.clear()
        self.timeline.set_record(self.KIND, None)
        self._clear_errors()
        self._set_enabled(False)
        self._update_dirty()
        self._note_target()

    def revert(self) -> None:
        if self._detail is not None:
            self.set_detail(self._detail)

    def save(self) -> None:
        if self._detail is None or self._saving or not self.is_dirty():
            return
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key, editor in self.editors.items():
            try:
                values[key] = editor.value()
            except UnresolvedError as exc:
                errors[key] = str(exc)
        if errors:
            self._show_errors(errors)
            return
        tags = [t.strip() for t in self.tags.text().replace("，", ",").split(",")]
        self._saving = True
        self._update_dirty()
        run_in_background(
            _attempt,
            parent=QCoreApplication.instance(),
            on_done=self._on_saved,
            on_error=self._on_save_failed,
            # Another program holding the write lock usually lets go soon: one more try.
            call=_save_retrying,
            sessions=self._sessions,
            kind=self.KIND,
            record_id=self._detail.id,
            expected_version=self._detail.version if self._detail.id else None,
            values=values,
            methods=self.methods.methods() if self.HAS_METHODS else None,
            tags=[t for t in tags if t],
        )

    def set_detail(self, detail: RecordDetail) -> None:
        self._detail = detail
        for key, editor in self.editors.items():
            editor.set_value(detail.fields.get(key), detail.labels.get(key, ""))
        self.methods.set_region(detail.phone_region or detail.default_region)
        self.methods.set_methods(detail.methods)
        self.tags.setText(", ".join(detail.tags))
        self.links.clear()
        for link in detail.links:
            item = QListWidgetItem(f"{_role_text(link.role)}: {link.label}")
            item.setData(Qt.ItemDataRole.UserRole, (link.kind, link.id, link.role))
            self.links.addItem(item)
        self._clear_errors()
        self._update_heading()
        self._set_enabled(True)
        fit_scroll_width(self._scroll)  # the form widens (up to a limit) for long values
        self._baseline = self._state()
        self._update_dirty()
        self.timeline.set_record(self.KIND, detail.id, self.heading.text())
        self._note_target()

    # ---- internals -------------------------------------------------------------------------

    def _note_target(self) -> None:
        if self.target_id != self._last_target:
            self._last_target = self.target_id
            self.target_changed.emit()

    def _state(self) -> Any:
        return (
            tuple(editor.state() for editor in self.editors.values()),
            self.methods.state(),
            self.tags.text(),
        )

    def _update_heading(self) -> None:
        detail = self._detail
        if detail is None:
            self.heading.setText("")
        elif detail.id is None:
            self.heading.setText(tr(self.NEW_TITLE))
        else:
            first = FIELDS[self.KIND][0].key
            self.heading.setText(str(detail.fields.get(first) or ""))

    def _set_enabled(self, enabled: bool) -> None:
        for editor in self.editors.values():
            editor.widget.setEnabled(enabled)
        self.methods.setEnabled(enabled)
        self.tags.setEnabled(enabled)

    def _update_phone_region(self) -> None:
        """The record's numbers are read in its country as typed now (its Country field, a
        "+" number), as save_record will read them; the editor warns by that country."""
        if self._detail is None or not self.HAS_METHODS:
            return
        country = self.editors.get("country")
        typed = str(country.state() or "") if country is not None else ""
        methods = [(m.kind, m.value) for m in self.methods.methods()]
        self.methods.set_region(record_region(self._detail.default_region, typed, methods).region)

    def _update_dirty(self) -> None:
        self._update_phone_region()
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty and not self._saving)
        self.revert_button.setEnabled(dirty and not self._saving)
        self._on_state_changed()
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def _on_state_changed(self) -> None:
        """Hook for subclasses whose buttons depend on the record's state."""

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.methods.show_errors({})
        self.message.hide()

    def _recheck_field(self, key: str, *_signal_args: object) -> None:
        """A field marked red is checked again as the user types: fixed, the mark goes."""
        label = self.errors[key]
        if label.isHidden():
            return
        try:
            problem = field_problem(self.KIND, key, self.editors[key].value())
        except UnresolvedError as exc:
            problem = str(exc)
        if problem is None:
            label.hide()
        else:
            label.setText(problem)
        self._recheck_message()

    def _recheck_methods(self) -> None:
        errors: dict[int, str] = {}
        for index in range(self.methods.row_count()):
            row = self.methods.row_widgets(index)
            if row.error.isHidden():
                continue
            method = row.to_input()
            problem = method_problem(method.kind, method.value, self.methods.region)
            if problem is not None:
                errors[index] = problem
        self.methods.show_errors(errors)
        self._recheck_message()

    def _recheck_message(self) -> None:
        """ "Please correct the marked fields" goes with the last mark."""
        rows = (self.methods.row_widgets(i) for i in range(self.methods.row_count()))
        marked = any(not label.isHidden() for label in self.errors.values()) or any(
            not row.error.isHidden() for row in rows
        )
        if not marked:
            self.message.hide()

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._clear_errors()
        method_errors: dict[int, str] = {}
        for key, text in errors.items():
            if key.startswith("methods."):
                method_errors[int(key.split(".", 1)[1])] = text
            elif key in self.errors:
                self.errors[key].setText(text)
                self.errors[key].show()
        self.methods.show_errors(method_errors)
        self.message.setText(tr("Please correct the marked fields."))
        self.message.show()
        first = next((k for k in self.editors if k in errors), None)
        if first is not None:
            self.editors[first].widget.setFocus()

    def _on_loaded(
        self, generation: int, result: Any, focus: bool = False, refresh: bool = False
    ) -> None:
        if generation != self._generation:
            return  # the user moved on to another record meanwhile
        self._loading_id = None
        if refresh and (self.is_dirty() or self._saving):
            return  # never overwrite what the user typed since the refresh started
        if isinstance(result, RecordNotFoundError):
            self.clear()
            self._prompts.show_error(
                self, tr("Record not found"), tr("This record was deleted meanwhile.")
            )
            return
        self.set_detail(result)
        if focus:
            next(iter(self.editors.values())).widget.setFocus()
        self.loaded.emit()

    def _on_saved(self, result: Any) -> None:
        self._saving = False
        if isinstance(result, SaveResult):
            self.set_detail(result.detail)
            self.saved.emit(result.changes)
            if result.previous is not None:
                self.edit_saved.emit(result)
        elif isinstance(result, ValidationError):
            self._show_errors(result.errors)
        elif isinstance(result, StaleRecordError):
            self._on_stale()
        elif isinstance(result, RecordNotFoundError):
            self._prompts.show_error(
                self,
                tr("Record deleted"),
                tr("Someone deleted this record; your changes were not saved."),
            )
        self._update_dirty()

    def _on_stale(self) -> None:
        record_id = self.record_id
        reload = self._prompts.ask_yes_no(
            self,
            tr("Record changed"),
            tr(
                "Someone else changed this record after you opened it, so your changes "
                "were not saved.\n\nReload it now to see their changes? "
                "(Your unsaved changes will be lost.)"
            ),
        )
        if reload and record_id is not None:
            self.load(record_id)

    def _on_save_failed(self, message: str, _traceback: str) -> None:
        self._saving = False
        self._update_dirty()
        self._prompts.show_error(self, tr("Could not save"), message)

    def _on_background_error(self, message: str, _traceback: str) -> None:
        self._loading_id = None
        self._note_target()
        self._prompts.show_error(self, tr("Database error"), message)

    def _on_links_item_activated(self, item: QListWidgetItem) -> None:
        kind, record_id, role = item.data(Qt.ItemDataRole.UserRole)
        if role == "event":
            self.event_requested.emit(record_id)
        else:
            self.open_requested.emit(kind, record_id)
