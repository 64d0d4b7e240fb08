"""The lead form: a business card's person, plus "Convert…" once it is qualified."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from crm_desktop.models import LeadStatus
from crm_desktop.services.listing import Kind
from crm_desktop.views.forms.base import RecordForm
from crm_desktop.views.forms.fields import tr


class LeadForm(RecordForm):
    KIND: ClassVar[Kind] = "leads"
    NEW_TITLE = "New lead"

    convert_requested = Signal(object)  # the lead's id

    def extra_buttons(self) -> list[QPushButton]:
        self.convert_button = QPushButton(tr("Convert…"))
        self.convert_button.setObjectName("convert")
        self.convert_button.setToolTip(
            tr("Turn this lead into a company, a contact and optionally a deal")
        )
        self.convert_button.setEnabled(False)
        self.convert_button.clicked.connect(self._on_convert_button_clicked)
        return [self.convert_button]

    def _on_state_changed(self) -> None:
        detail = self.detail
        can_convert = (
            detail is not None
            and detail.id is not None
            and detail.fields.get("status") != LeadStatus.CONVERTED.value
            and not self.is_dirty()
            and not self.is_saving()
        )
        self.convert_button.setEnabled(can_convert)
        if detail is not None and detail.fields.get("status") == LeadStatus.CONVERTED.value:
            self.convert_button.setToolTip(tr("This lead has been converted"))
        elif self.is_dirty():
            self.convert_button.setToolTip(tr("Save the lead before converting it"))

    def _on_convert_button_clicked(self) -> None:
        if self.record_id is not None:
            self.convert_requested.emit(self.record_id)
