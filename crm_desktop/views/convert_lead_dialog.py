"""Converting a lead: choose the company and contact it becomes, and maybe a deal.

The duplicate check offers existing companies and contacts to link instead of
creating new ones. OK runs the conversion in the background; an error keeps the
dialog open with the reason shown (no message box, so tests never block).
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.database import Database
from crm_desktop.services.conversion import (
    ConversionError,
    ConversionRequest,
    ConversionResult,
    DealStage,
    convert_lead,
    first_deal_stage,
)
from crm_desktop.services.duplicates import DuplicateMatch, find_duplicates
from crm_desktop.services.leads import LeadDetail, get_lead
from crm_desktop.services.settings import COMMON_CURRENCIES, default_currency, default_region
from crm_desktop.views.worker import run_in_background

LINK_SCORE = 95  # matches this close are chosen for linking by default


@dataclass(frozen=True)
class _Loaded:
    lead: LeadDetail | None
    matches: list[DuplicateMatch]
    stage: DealStage | None
    stage_error: str
    currency: str


def _load(sessions: sessionmaker[Session], lead_id: uuid.UUID) -> _Loaded:
    lead = get_lead(sessions, lead_id)
    matches: list[DuplicateMatch] = []
    if lead is not None:
        matches = find_duplicates(
            sessions,
            lead.person_name,
            lead.company_name,
            lead.emails,
            lead.phones,
            default_region(sessions),
            exclude_id=lead_id,
        )
    try:
        stage: DealStage | None = first_deal_stage(sessions)
        stage_error = ""
    except ConversionError as exc:
        stage, stage_error = None, str(exc)
    return _Loaded(lead, matches, stage, stage_error, default_currency(sessions))


class ConvertLeadDialog(QDialog):
    converted = Signal(object, object)  # Changes, ConversionResult

    def __init__(self, db: Database, lead_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = db.sessions
        self._lead_id = lead_id
        self._lead: LeadDetail | None = None
        self.loaded = False
        self.setWindowTitle(self.tr("Convert lead"))
        self._build()
        run_in_background(
            _load,
            sessions=self._sessions,
            lead_id=lead_id,
            on_done=self._on_loaded,
            on_error=self._on_failed,
        )

    def _build(self) -> None:
        self.lead_label = QLabel(self.tr("Loading the lead…"))
        self.lead_label.setTextFormat(Qt.TextFormat.RichText)
        lead_box = QGroupBox(self.tr("Lead"))
        QVBoxLayout(lead_box).addWidget(self.lead_label)

        self.company_combo = QComboBox()
        self.contact_combo = QComboBox()
        target_box = QGroupBox(self.tr("Becomes"))
        target_form = QFormLayout(target_box)
        target_form.addRow(self.tr("&Company:"), self.company_combo)
        target_form.addRow(self.tr("C&ontact:"), self.contact_combo)

        self.deal_box = QGroupBox(self.tr("Create a &deal"))
        self.deal_box.setCheckable(True)
        self.deal_box.setChecked(False)
        self.deal_title_edit = QLineEdit()
        self.amount_edit = QLineEdit()
        self.amount_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,15}([.,]\d{0,2})?"), self)
        )
        self.amount_edit.setPlaceholderText("0.00")
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.stage_label = QLabel()
        deal_form = QFormLayout(self.deal_box)
        deal_form.addRow(self.tr("&Title:"), self.deal_title_edit)
        deal_form.addRow(self.tr("&Amount:"), self.amount_edit)
        deal_form.addRow(self.tr("C&urrency:"), self.currency_combo)
        deal_form.addRow(self.tr("Starts in:"), self.stage_label)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Convert"))
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(lead_box)
        layout.addWidget(target_box)
        layout.addWidget(self.deal_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(680)

    # ------------------------------------------------------------------ loading

    def _on_loaded(self, loaded: _Loaded) -> None:
        self.loaded = True
        lead = loaded.lead
        if lead is None:
            self.lead_label.setText(self.tr("This lead no longer exists."))
            return
        self._lead = lead
        self.lead_label.setText(self._describe(lead))
        self._fill_companies(lead, [m for m in loaded.matches if m.company_id])
        self._fill_contacts(lead, [m for m in loaded.matches if m.kind == "contact"])
        self.deal_title_edit.setPlaceholderText(
            f"{lead.company_name}: {lead.person_name}" if lead.company_name else lead.person_name
        )
        index = self.currency_combo.findText(loaded.currency)
        if index < 0:
            self.currency_combo.insertItem(0, loaded.currency)
            index = 0
        self.currency_combo.setCurrentIndex(index)
        if loaded.stage is not None:
            self.stage_label.setText(f"{loaded.stage.pipeline_name} › {loaded.stage.stage_name}")
        else:
            self.stage_label.setText(loaded.stage_error)
        if lead.converted_at is not None or lead.status == "converted":
            self.error_label.setText(
                self.tr("{name} was already converted; it cannot be converted again.").format(
                    name=lead.person_name
                )
            )
            self.adjustSize()
            return
        self.ok_button.setEnabled(True)
        self.adjustSize()

    def _describe(self, lead: LeadDetail) -> str:
        lines = [f"<b>{html.escape(lead.person_name)}</b>"]
        if lead.title or lead.company_name:
            at = (
                self.tr("{title} at {company}")
                if lead.title and lead.company_name
                else "{title}{company}"
            )
            lines.append(html.escape(at.format(title=lead.title, company=lead.company_name)))
        contact = ", ".join(lead.emails + lead.phones)
        if contact:
            lines.append(html.escape(contact))
        if lead.event_name:
            lines.append(html.escape(self.tr("Met at {event}").format(event=lead.event_name)))
        return "<br>".join(lines)

    def _fill_companies(self, lead: LeadDetail, matches: list[DuplicateMatch]) -> None:
        combo = self.company_combo
        combo.clear()
        if lead.company_name:
            combo.addItem(
                self.tr("Create a new company “{name}”").format(name=lead.company_name), None
            )
        seen: set[uuid.UUID] = set()
        best: tuple[int, int] | None = None
        # Company matches first: they carry the company's own similarity score.
        for match in sorted(matches, key=lambda m: (m.kind != "company", -m.score)):
            assert match.company_id is not None
            if match.company_id in seen or not match.company:
                continue
            seen.add(match.company_id)
            combo.addItem(
                self.tr("Link to “{name}” — {reason}").format(
                    name=match.company, reason=match.reason
                ),
                match.company_id,
            )
            self._tooltip_last(combo)
            if match.kind == "company" and match.score >= LINK_SCORE and best is None:
                best = (combo.count() - 1, match.score)
        combo.addItem(self.tr("No company"), "none")
        combo.setCurrentIndex(best[0] if best else 0)

    def _fill_contacts(self, lead: LeadDetail, matches: list[DuplicateMatch]) -> None:
        combo = self.contact_combo
        combo.clear()
        combo.addItem(self.tr("Create a new contact “{name}”").format(name=lead.person_name), None)
        chosen = 0
        # Only contacts can be linked; only a duplicate (the same e-mail or mobile) is
        # chosen for the user, a possible one (a similar name) is offered.
        for match in (m for m in matches if m.kind == "contact"):
            where = f", {match.company}" if match.company else ""
            combo.addItem(
                self.tr("Link to “{name}”{where} — {reason}").format(
                    name=match.name, where=where, reason=match.reason
                ),
                match.id,
            )
            self._tooltip_last(combo)
            if match.score >= LINK_SCORE and not match.possible and chosen == 0:
                chosen = combo.count() - 1
        combo.setCurrentIndex(chosen)

    @staticmethod
    def _tooltip_last(combo: QComboBox) -> None:
        """The full text of the last item as its tooltip, for when the combo cuts it off."""
        last = combo.count() - 1
        combo.setItemData(last, combo.itemText(last), Qt.ItemDataRole.ToolTipRole)

    # ------------------------------------------------------------------ converting

    def request(self) -> ConversionRequest:
        """What the dialog's choices ask for (ValueError on an amount that is not a number)."""
        company = self.company_combo.currentData()
        amount_text = self.amount_edit.text().strip().replace(",", ".")
        try:
            amount = Decimal(amount_text) if amount_text else None
        except InvalidOperation:
            raise ValueError(self.tr("The amount is not a number.")) from None
        return ConversionRequest(
            company_id=company if isinstance(company, uuid.UUID) else None,
            create_company=company != "none",
            contact_id=self.contact_combo.currentData(),
            create_deal=self.deal_box.isChecked(),
            deal_title=self.deal_title_edit.text(),
            amount=amount,
            currency=self.currency_combo.currentText().strip().upper(),
        )

    def _on_buttons_accepted(self) -> None:
        try:
            request = self.request()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            return
        self.ok_button.setEnabled(False)
        self.error_label.clear()
        run_in_background(
            convert_lead,
            sessions=self._sessions,
            lead_id=self._lead_id,
            request=request,
            on_done=self._on_converted,
            on_error=self._on_convert_failed,
        )

    def _on_converted(self, result: ConversionResult) -> None:
        self.converted.emit(result.changes, result)
        self.accept()

    def _on_convert_failed(self, message: str, _details: str) -> None:
        self.error_label.setText(
            self.tr("The lead was not converted: {reason}").format(reason=message)
        )
        self.ok_button.setEnabled(True)

    def _on_failed(self, message: str, _details: str) -> None:
        self.loaded = True
        self.error_label.setText(message)
