"""Editing a record's e-mail addresses, phones, websites and IM handles as rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.models import MethodKind
from crm_desktop.services.phones import read_phone
from crm_desktop.services.records import MethodDetail, MethodInput
from crm_desktop.views.contact_links import action_text, contact_url, open_contact_url
from crm_desktop.views.fitting import fit_to_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("MethodsEditor", text)


_PHONE_KINDS = frozenset(
    (
        MethodKind.PHONE.value,
        MethodKind.MOBILE.value,
        MethodKind.FAX.value,
        MethodKind.WHATSAPP.value,
    )
)
WARNING_STYLE = "color: #8a5300;"


def kind_names() -> dict[str, str]:
    return {
        MethodKind.EMAIL.value: _tr("E-mail"),
        MethodKind.PHONE.value: _tr("Phone"),
        MethodKind.MOBILE.value: _tr("Mobile"),
        MethodKind.FAX.value: _tr("Fax"),
        MethodKind.WEBSITE.value: _tr("Website"),
        MethodKind.WECHAT.value: _tr("WeChat"),
        MethodKind.QQ.value: _tr("QQ"),
        MethodKind.WHATSAPP.value: _tr("WhatsApp"),
        MethodKind.IM.value: _tr("Other IM"),
    }


class _MethodRow:
    def __init__(self, editor: MethodsEditor, method: MethodDetail | None):
        self.id: uuid.UUID | None = method.id if method else None
        self.kind = QComboBox()
        for value, name in kind_names().items():
            self.kind.addItem(name, value)
        self.label = QLineEdit()
        self.label.setPlaceholderText(_tr("label"))
        self.label.setMaximumWidth(90)
        self.label.setMinimumWidth(64)  # "mobile", "office": never squeezed by a long value
        self.value = QLineEdit()
        self.value.setPlaceholderText(_tr("value"))
        self.formatted = QLabel()
        self.formatted.setObjectName("formatted")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        # A phone number that is no valid number of the record's country: saved as typed.
        self.warning = QLabel()
        self.warning.setObjectName("phoneWarning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        self._editor = editor
        self.open = QToolButton()
        self.open.setObjectName("openMethod")
        self.open.clicked.connect(self._on_open_clicked)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip(_tr("Remove this row"))
        # A saved phone shows formatted (phones.phone_display); the text as typed stays what
        # is stored unless the user edits the field (display only, never a rewrite).
        self._stored = method.value if method is not None else ""
        self._shown = method.display if method is not None else ""
        if method is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(method.kind), 0))
            self.label.setText(method.label)
            self.value.setText(method.display)
            fit_to_text(self.value)  # e-mails and numbers are seen whole, up to a limit
            if method.display != method.value:
                self.value.setToolTip(_tr("Typed as: %1").replace("%1", method.value))
        self.below = QWidget()
        below = QVBoxLayout(self.below)
        below.setContentsMargins(0, 0, 0, 0)
        below.setSpacing(0)
        below.addWidget(self.formatted)
        below.addWidget(self.warning)
        below.addWidget(self.error)
        if (
            not self.formatted.text()
        ):  # hide() only: showing a widget without a parent opens a window
            self.formatted.hide()
            self.below.hide()
        self._normalized = method.normalized if method is not None else None
        self._update_open()
        self.kind.currentIndexChanged.connect(lambda _i: editor.changed.emit())
        self.kind.currentIndexChanged.connect(lambda _i: self._update_open())
        self.kind.currentIndexChanged.connect(lambda _i: self.update_warning())
        self.label.textChanged.connect(lambda _t: editor.changed.emit())
        self.value.textChanged.connect(lambda _t: editor.changed.emit())
        self.value.textChanged.connect(lambda _t: self._on_value_edited())
        self.remove.clicked.connect(lambda: editor.remove_row(self))

    def widgets(self) -> list[QWidget]:
        return [self.kind, self.label, self.value, self.open, self.remove, self.below]

    def url(self) -> QUrl | None:
        return contact_url(str(self.kind.currentData()), self.value.text(), self._normalized)

    def _on_value_edited(self) -> None:
        if self.value.text() != self._shown:
            self._normalized = None  # the saved normal form no longer matches what is typed
            self.value.setToolTip("")
        self._update_open()
        self.update_warning()

    def update_warning(self) -> None:
        """Say so while typing when a phone number is no valid number of the record's
        country; a number saved as a valid one (its key is E.164) keeps its country."""
        kind = str(self.kind.currentData())
        text = self.value.text().strip()
        message = None
        if kind in _PHONE_KINDS and text and not (self._normalized or "").startswith("+"):
            number = read_phone(text, self._editor.region)
            message = number.problem if number.status == "kept" else None
        self.warning.setText(message or "")
        self.sync_below()

    def sync_below(self) -> None:
        """The line under the value: formatted number, warning and error, when there are."""
        shown = False
        for label in (self.formatted, self.warning, self.error):
            visible = bool(label.text()) and (label is not self.error or not label.isHidden())
            label.setVisible(visible)
            shown = shown or visible
        self.below.setVisible(shown)

    def _update_open(self) -> None:
        kind = str(self.kind.currentData())
        self.open.setText(
            {MethodKind.EMAIL.value: "✉", MethodKind.WEBSITE.value: "↗"}.get(kind, "☎")
        )
        self.open.setToolTip(action_text(kind))
        self.open.setEnabled(self.url() is not None)

    def _on_open_clicked(self) -> None:
        url = self.url()
        if url is not None:
            open_contact_url(url)

    def stored_value(self) -> str:
        """The value to save: as typed when first saved, unless the field was edited."""
        text = self.value.text()
        return self._stored if self.id is not None and text == self._shown else text

    def state(self) -> tuple[object, ...]:
        return (self.id, self.kind.currentData(), self.label.text(), self.stored_value())

    def to_input(self) -> MethodInput:
        return MethodInput(
            kind=str(self.kind.currentData()),
            value=self.stored_value(),
            label=self.label.text(),
            id=self.id,
        )


class MethodsEditor(QWidget):
    """Rows of kind / label / value; phones show their formatted form once saved."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.region = "CN"  # the country the record's numbers are read in
        self._rows: list[_MethodRow] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(2, 1)
        self.add_button = QPushButton(_tr("Add"))
        self.add_button.setObjectName("addMethod")
        self.add_button.setToolTip(_tr("Add an e-mail address, phone, website or IM handle"))
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addLayout(buttons)

    def set_methods(self, methods: Sequence[MethodDetail]) -> None:
        for row in list(self._rows):
            self._drop(row)
        for method in methods:
            self._append(_MethodRow(self, method))
        self._relayout()
        for row in self._rows:
            row.update_warning()

    def set_region(self, region: str) -> None:
        """Read the phone numbers in another country (the record's changed)."""
        if region != self.region:
            self.region = region
            for row in self._rows:
                row.update_warning()

    def add_row(self, kind: str | None = None, focus: bool = False) -> None:
        row = _MethodRow(self, None)
        if kind:
            row.kind.setCurrentIndex(max(row.kind.findData(kind), 0))
        self._append(row)
        self._relayout()
        if focus:
            row.value.setFocus()
        self.changed.emit()

    def remove_row(self, row: _MethodRow) -> None:
        self._drop(row)
        self._relayout()
        self.changed.emit()

    def row_count(self) -> int:
        return len(self._rows)

    def row_widgets(self, index: int) -> _MethodRow:
        return self._rows[index]

    def methods(self) -> list[MethodInput]:
        return [row.to_input() for row in self._rows]

    def state(self) -> tuple[object, ...]:
        return tuple(row.state() for row in self._rows)

    def show_errors(self, errors: Mapping[int, str]) -> None:
        for index, row in enumerate(self._rows):
            message = errors.get(index)
            row.error.setText(message or "")
            row.error.setVisible(bool(message))
            row.sync_below()

    def _append(self, row: _MethodRow) -> None:
        self._rows.append(row)

    def _drop(self, row: _MethodRow) -> None:
        self._rows.remove(row)
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.deleteLater()

    def _relayout(self) -> None:
        for index, row in enumerate(self._rows):
            base = index * 2
            self._grid.addWidget(row.kind, base, 0)
            self._grid.addWidget(row.label, base, 1)
            self._grid.addWidget(row.value, base, 2)
            self._grid.addWidget(row.open, base, 3)
            self._grid.addWidget(row.remove, base, 4)
            self._grid.addWidget(row.below, base + 1, 2)
