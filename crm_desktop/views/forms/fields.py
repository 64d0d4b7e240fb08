"""Editors for one field each, built from the services' FieldSpec."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.listing import Option
from crm_desktop.services.records import FieldSpec, find_records
from crm_desktop.views.fitting import fit_to_text
from crm_desktop.views.numbers import money_text
from crm_desktop.views.worker import run_in_background


def tr(text: str) -> str:
    return QCoreApplication.translate("RecordForm", text)


class UnresolvedError(ValueError):
    """The text of a reference field names no record."""


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class FieldEditor:
    """A widget editing one field: value(), set_value() and a change callback."""

    def __init__(self, spec: FieldSpec, widget: QWidget):
        self.spec = spec
        self.widget = widget
        self.widget.setObjectName(f"field_{spec.key}")

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any, label: str = "") -> None:
        raise NotImplementedError

    def state(self) -> Any:
        """What the user sees, for telling whether the form is dirty."""
        return self.value()

    def on_change(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError


class LineEditor(FieldEditor):
    def __init__(self, spec: FieldSpec):
        self.edit = QLineEdit()
        super().__init__(spec, self.edit)
        if spec.max_length:
            self.edit.setMaxLength(spec.max_length)
        if spec.type == "date":
            self.edit.setPlaceholderText(tr("YYYY-MM-DD"))
        elif spec.type == "currency":
            self.edit.setMaxLength(3)
            self.edit.setPlaceholderText("USD")
        elif spec.type in ("decimal", "percent"):
            self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        if spec.type == "percent":
            self.edit.setPlaceholderText(tr("the stage's probability"))

    def value(self) -> Any:
        return self.edit.text().strip() or None

    def state(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any, label: str = "") -> None:
        if self.spec.type == "decimal" and isinstance(value, Decimal):
            text = money_text(value)  # as lists show it; saving reads the separators back
        else:
            text = _text_of(value)
        self.edit.setText(text)
        fit_to_text(self.edit)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)


class NoteEditor(FieldEditor):
    def __init__(self, spec: FieldSpec):
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(64)
        super().__init__(spec, self.edit)

    def value(self) -> Any:
        return self.edit.toPlainText().strip() or None

    def state(self) -> Any:
        return self.edit.toPlainText()

    def set_value(self, value: Any, label: str = "") -> None:
        self.edit.setPlainText(_text_of(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)


class ChoiceEditor(FieldEditor):
    """A fixed list: owners, events, sources, stages or lead statuses."""

    def __init__(self, spec: FieldSpec):
        self.combo = QComboBox()
        super().__init__(spec, self.combo)
        self._pending: Any = None

    def set_options(self, options: Sequence[Option], allow_empty: bool) -> None:
        current = self.value() if self.combo.count() else self._pending
        self.combo.blockSignals(True)
        self.combo.clear()
        if allow_empty:
            self.combo.addItem("—", None)
        for option in options:
            text = option.label
            if self.spec.type == "status":
                from crm_desktop.views.table_model import status_text

                text = status_text(option.id)
            self.combo.addItem(text, option.id)
        self.combo.blockSignals(False)
        self._select(current)

    def value(self) -> Any:
        data = self.combo.currentData()
        return data if data is not None else None

    def set_value(self, value: Any, label: str = "") -> None:
        self._pending = None if value is None else str(value)
        if self.combo.findData(self._pending) < 0 and self._pending is not None:
            # Not among the options (e.g. a deleted owner): show it anyway.
            self.combo.addItem(label or self._pending, self._pending)
        self._select(self._pending)

    def _select(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0) if self.combo.count() else -1)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _i: callback())


class RecordPicker(FieldEditor):
    """A company or contact, typed by name with completion from the database."""

    def __init__(self, spec: FieldSpec, sessions: sessionmaker[Session]):
        self.edit = QLineEdit()
        super().__init__(spec, self.edit)
        self._sessions = sessions
        self._kind = spec.ref or "companies"
        self._id: uuid.UUID | None = None
        self._label = ""
        self._found: dict[str, str] = {}
        self._names = QStringListModel()
        self._completer = QCompleter(self._names, self.edit)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(self._completer)
        self.edit.setPlaceholderText(tr("Type to search…"))
        self._timer = QTimer(self.edit)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(lambda _t: self._timer.start())

    def _search(self) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        run_in_background(
            find_records,
            parent=self.edit,
            on_done=self._on_found,
            sessions=self._sessions,
            kind=self._kind,
            text=text,
        )

    def _on_found(self, options: list[Option]) -> None:
        self._found = {o.label: o.id for o in reversed(options)}
        self._names.setStringList([o.label for o in options])
        if self.edit.hasFocus():
            self._completer.complete()

    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        if self._id is not None and text == self._label:
            return self._id
        if text in self._found:
            return uuid.UUID(self._found[text])
        raise UnresolvedError(
            tr("no record named '%1' (pick one from the list)").replace("%1", text)
        )

    def state(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any, label: str = "") -> None:
        self._id = value if isinstance(value, uuid.UUID) or value is None else uuid.UUID(value)
        self._label = label if value is not None else ""
        self.edit.setText(self._label)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)


def make_editor(spec: FieldSpec, sessions: sessionmaker[Session]) -> FieldEditor:
    if spec.type == "multiline":
        return NoteEditor(spec)
    if spec.type == "status" or (spec.type == "ref" and spec.ref not in ("companies", "contacts")):
        return ChoiceEditor(spec)
    if spec.type == "ref":
        return RecordPicker(spec, sessions)
    return LineEditor(spec)
