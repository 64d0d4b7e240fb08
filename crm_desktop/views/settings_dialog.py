"""Settings shared by everyone on this database: phone region, currency, deals, lost reasons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.settings import (
    COMMON_CURRENCIES,
    AppSettings,
    load_settings,
    phone_regions,
    save_settings,
)
from crm_desktop.views.exchange_rates_tab import ExchangeRatesTab
from crm_desktop.views.region_combo import region_name
from crm_desktop.views.worker import run_in_background


class SettingsDialog(QDialog):
    """Edit ▸ Settings: loads and saves off the GUI thread; errors show in the dialog."""

    saved = Signal(object)  # Changes
    rates_changed = Signal(object)  # Changes: exchange rates are saved as they are edited

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = db.sessions
        self.loaded = False
        self.setWindowTitle(self.tr("Settings"))
        self.region_combo = QComboBox()
        self.region_combo.setEditable(True)  # type a country's name or code to find it
        self.region_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.region_combo.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        for code in sorted(phone_regions(), key=region_name):
            self.region_combo.addItem(region_name(code), code)
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(COMMON_CURRENCIES)

        form = QFormLayout()
        region_label = QLabel(self.tr("&Phone numbers without a country code are from:"))
        region_label.setBuddy(self.region_combo)
        form.addRow(region_label, self.region_combo)
        currency_label = QLabel(self.tr("&Currency of new deals:"))
        currency_label.setBuddy(self.currency_combo)
        form.addRow(currency_label, self.currency_combo)
        note = QLabel(
            self.tr(
                "These settings are shared by everyone who uses this database. Numbers "
                "already saved keep the country they were read with."
            )
        )
        note.setWordWrap(True)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addLayout(form)
        general_layout.addWidget(note)
        general_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("&General"))
        self.tabs.addTab(self._deals_tab(), self.tr("&Deals"))
        self.rates_tab = ExchangeRatesTab(db)
        self.rates_tab.changed.connect(self.rates_changed)
        self.tabs.addTab(self.rates_tab, self.tr("E&xchange rates"))
        self.error_label = QLabel()
        self.error_label.setObjectName("settingsError")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        assert isinstance(save_button, QPushButton)
        self.save_button = save_button
        self.save_button.setEnabled(False)  # until the current values are on screen
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        run_in_background(
            load_settings,
            parent=self,
            sessions=self._sessions,
            on_done=self._on_loaded,
            on_error=self._on_failed,
        )

    def _deals_tab(self) -> QWidget:
        self.large_amount_edit = QLineEdit()
        self.large_amount_edit.setPlaceholderText(self.tr("empty: no alerts"))
        self.lost_reasons_edit = QPlainTextEdit()
        self.lost_reasons_edit.setTabChangesFocus(True)
        self.lost_reasons_edit.setPlaceholderText(self.tr("One reason per line"))
        form = QFormLayout()
        amount_label = QLabel(self.tr("&Large deals from:"))
        amount_label.setBuddy(self.large_amount_edit)
        form.addRow(amount_label, self.large_amount_edit)
        amount_note = QLabel(
            self.tr(
                "Deals worth this amount or more in the default currency (converted with "
                "the exchange rates) get a marker on the board, and managers are notified "
                "when one is created or moves on."
            )
        )
        amount_note.setWordWrap(True)
        form.addRow(amount_note)
        reasons_label = QLabel(self.tr("L&ost reasons, one per line:"))
        reasons_label.setBuddy(self.lost_reasons_edit)
        form.addRow(reasons_label)
        form.addRow(self.lost_reasons_edit)
        page = QWidget()
        page.setLayout(form)
        return page

    def _on_loaded(self, settings: AppSettings) -> None:
        self.rates_tab.set_base(settings.currency)
        self.rates_tab.reload()
        self.large_amount_edit.setText(settings.large_deal_amount)
        self.lost_reasons_edit.setPlainText("\n".join(settings.lost_reasons))
        index = self.region_combo.findData(settings.region)
        if index < 0:
            self.region_combo.insertItem(0, settings.region, settings.region)
            index = 0
        self.region_combo.setCurrentIndex(index)
        self.currency_combo.setCurrentText(settings.currency)
        self.save_button.setEnabled(True)
        self.loaded = True

    def _chosen_region(self) -> str:
        text = self.region_combo.currentText().strip()
        index = self.region_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.region_combo.itemData(index))
        return text  # a typed code such as "de"; the service checks it

    def _on_buttons_accepted(self) -> None:
        self.save_button.setEnabled(False)
        self.error_label.clear()
        run_in_background(
            save_settings,
            parent=self,
            sessions=self._sessions,
            region=self._chosen_region(),
            currency=self.currency_combo.currentText(),
            large_deal_amount=self.large_amount_edit.text(),
            lost_reasons=self.lost_reasons_edit.toPlainText().splitlines(),
            on_done=self._on_saved,
            on_error=self._on_failed,
        )

    def _on_saved(self, changes: Changes) -> None:
        self.saved.emit(changes)
        self.accept()

    def _on_failed(self, message: str, _details: str) -> None:
        self.error_label.setText(message)
        self.save_button.setEnabled(self.loaded)
