"""A combo box of the countries phone numbers can be read in, found by name or code."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from crm_desktop.services.settings import phone_regions


def region_name(code: str) -> str:
    """'DE' -> 'Germany (DE)' in the UI language; codes Qt has no name for stay as they are."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return f"{QLocale.territoryToString(territory)} ({code})"


class RegionCombo(QComboBox):
    """Every region phonenumbers knows, by name; type a name or code to find one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.completer()
        if completer is not None:
            # A list to pick from: inline completion of a name that merely contains the
            # typed text turns "us" into "usstralia (AU)".
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        for code in sorted(phone_regions(), key=region_name):
            self.addItem(region_name(code), code)

    def region(self) -> str:
        return str(self.currentData() or "")

    def set_region(self, code: str) -> None:
        """Show `code` without telling anyone (no currentIndexChanged)."""
        index = self.findData(code)
        if index < 0 and code:
            self.insertItem(0, code, code)
            index = 0
        self.blockSignals(True)
        self.setCurrentIndex(index)
        self.blockSignals(False)
