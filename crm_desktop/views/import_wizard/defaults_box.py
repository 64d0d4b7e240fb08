"""Values for every row: event, lead source, owner and tags, used where a cell is empty."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from crm_desktop.services.imports.fields import fields_of
from crm_desktop.views.import_wizard.state import Choices

DEFAULT_FIELDS = ("event", "source", "owner", "tags")


def _editable_combo(placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumContentsLength(24)
    edit = combo.lineEdit()
    assert edit is not None  # an editable combo always has one
    edit.setPlaceholderText(placeholder)
    completer = combo.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return combo


class DefaultsBox(QGroupBox):
    """The defaults of the plan (plan.defaults) for the fields the target has."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Values for every row"), parent)
        self.setObjectName("defaultsBox")
        self.event_combo = _editable_combo(self.tr("None, or type a new event"))
        self.event_combo.setObjectName("defaultEvent")
        self.source_combo = _editable_combo(self.tr("None, or type a new source"))
        self.source_combo.setObjectName("defaultSource")
        self.owner_combo = QComboBox()
        self.owner_combo.setObjectName("defaultOwner")
        self.owner_combo.addItem(self.tr("As in the file, else me"), "")
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("defaultTags")
        self.tags_edit.setPlaceholderText(self.tr("e.g. 2015 list; separate tags with ;"))
        self.form = QFormLayout(self)
        self._rows: dict[str, QWidget] = {
            "event": self.event_combo,
            "source": self.source_combo,
            "owner": self.owner_combo,
            "tags": self.tags_edit,
        }
        labels = {
            "event": self.tr("&Event:"),
            "source": self.tr("Lead &source:"),
            "owner": self.tr("O&wner:"),
            "tags": self.tr("&Tags:"),
        }
        for key, widget in self._rows.items():
            label = QLabel(labels[key])
            label.setBuddy(widget)
            self.form.addRow(label, widget)
        note = QLabel(
            self.tr(
                "Used where a row's own cell is empty. An event or source that does not "
                "exist yet is created by the import."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("defaultsNote")
        self.form.addRow(note)
        self.event_combo.currentTextChanged.connect(lambda _t: self.edited.emit())
        self.source_combo.currentTextChanged.connect(lambda _t: self.edited.emit())
        self.owner_combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.tags_edit.textChanged.connect(lambda _t: self.edited.emit())
        self._target = "contacts"

    def set_choices(self, choices: Choices) -> None:
        for combo, names in (
            (self.event_combo, choices.events),
            (self.source_combo, choices.sources),
        ):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("")
            combo.addItems(names)
            combo.setCurrentText(text)
            combo.blockSignals(False)
        owner = self.owner_combo.currentData()
        self.owner_combo.blockSignals(True)
        while self.owner_combo.count() > 1:
            self.owner_combo.removeItem(1)
        for name in choices.users:
            self.owner_combo.addItem(name, name)
        index = self.owner_combo.findData(owner)
        self.owner_combo.setCurrentIndex(max(index, 0))
        self.owner_combo.blockSignals(False)

    def set_target(self, target: str) -> None:
        """Show only the values the target has (companies have no event)."""
        self._target = target
        known = fields_of(target)  # type: ignore[arg-type]
        for key, widget in self._rows.items():
            self.form.setRowVisible(widget, key in known)

    def set_defaults(self, defaults: Mapping[str, str]) -> None:
        self.event_combo.setCurrentText(defaults.get("event", ""))
        self.source_combo.setCurrentText(defaults.get("source", ""))
        owner = defaults.get("owner", "")
        index = self.owner_combo.findData(owner)
        if index < 0 and owner:
            self.owner_combo.addItem(owner, owner)
            index = self.owner_combo.count() - 1
        self.owner_combo.setCurrentIndex(max(index, 0))
        self.tags_edit.setText(defaults.get("tags", ""))

    def defaults(self) -> dict[str, str]:
        """The non-empty values of the fields the target has."""
        known = fields_of(self._target)  # type: ignore[arg-type]
        values = {
            "event": self.event_combo.currentText(),
            "source": self.source_combo.currentText(),
            "owner": str(self.owner_combo.currentData() or ""),
            "tags": self.tags_edit.text(),
        }
        return {k: " ".join(v.split()) for k, v in values.items() if v.strip() and k in known}
