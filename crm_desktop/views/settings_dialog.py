"""Settings shared by everyone on this database: phone region and currency of new records."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
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
from crm_desktop.views.worker import run_in_background


def region_name(code: str) -> str:
    """'DE' -> 'Germany (DE)' in the UI language; codes Qt has no name for stay as they are."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return f"{QLocale.territoryToString(territory)} ({code})"


class SettingsDialog(QDialog):
    """Edit ▸ Settings: loads and saves off the GUI thread; errors show in the dialog."""

    saved = Signal(object)  # Changes

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
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        run_in_background(
            load_settings,
            parent=self,
            sessions=self._sessions,
            on_done=self._on_loaded,
            on_error=self._on_failed,
        )

    def _on_loaded(self, settings: AppSettings) -> None:
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
            on_done=self._on_saved,
            on_error=self._on_failed,
        )

    def _on_saved(self, changes: Changes) -> None:
        self.saved.emit(changes)
        self.accept()

    def _on_failed(self, message: str, _details: str) -> None:
        self.error_label.setText(message)
        self.save_button.setEnabled(self.loaded)
