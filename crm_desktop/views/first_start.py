"""The first start of a new database: confirm its currency and phone region before any data.

Both come from the system's locale (a Chinese desktop: CNY and CN; services/
locale_defaults.py) and every record uses them: deals are entered in the currency and
reports convert into it; phone numbers without a country code are read as the region's.
Closing the dialog keeps the values it shows; both stay editable in Edit ▸ Settings.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
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
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.database import Database
from crm_desktop.services.locale_defaults import LocaleDefaults
from crm_desktop.services.settings import (
    COMMON_CURRENCIES,
    AppSettings,
    adopt_locale_defaults,
    confirm_first_start,
    first_start_pending,
    load_settings,
)
from crm_desktop.views.region_combo import RegionCombo
from crm_desktop.views.worker import run_in_background


@dataclass(frozen=True)
class FirstStart:
    """What the start-up found: whether to ask, and the values to show."""

    pending: bool
    settings: AppSettings
    locale_name: str | None  # the locale the values came from; None: not from a locale
    from_locale: bool  # False: the database had records (a command-line import) first


def prepare_first_start(sessions: sessionmaker[Session], defaults: LocaleDefaults) -> FirstStart:
    """A new database takes the locale's values; says whether they still need confirming."""
    adopt_locale_defaults(sessions, defaults)
    settings = load_settings(sessions)
    same = (settings.region, settings.currency) == (defaults.region, defaults.currency)
    return FirstStart(first_start_pending(sessions), settings, defaults.locale_name, same)


class FirstStartDialog(QDialog):
    """Shows the currency and region of a new database, editable; Start saves them."""

    def __init__(self, db: Database, start: FirstStart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = db.sessions
        self._saving = False
        self.confirmed = False
        self.setWindowTitle(self.tr("Welcome to crm-desktop"))
        self.setMinimumWidth(640)

        heading = QLabel("<h3>" + html.escape(self.tr("A new database")) + "</h3>")
        if not start.from_locale:
            origin = ""  # the database had records before its first start: its own values
        elif start.locale_name:
            origin = self.tr(
                "They were taken from your computer's language and region (%1)."
            ).replace("%1", start.locale_name)
        else:
            origin = self.tr(
                "Your computer's locale names no country, so these are the usual defaults."
            )
        self.intro = intro = QLabel(
            self.tr(
                "Before anything goes in, check the two settings every record uses: the "
                "currency deals are entered in and reports add up in, and the country of "
                "phone numbers typed without a country code."
            )
            + (" " + origin if origin else "")
        )
        intro.setWordWrap(True)

        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)  # any ISO code; the service checks it
        currencies = [start.settings.currency] + [
            c for c in COMMON_CURRENCIES if c != start.settings.currency
        ]
        self.currency_combo.addItems(currencies)
        self.currency_combo.setCurrentText(start.settings.currency)
        self.region_combo = RegionCombo()
        self.region_combo.set_region(start.settings.region)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        currency_label = QLabel(self.tr("&Currency of deals and reports:"))
        currency_label.setBuddy(self.currency_combo)
        form.addRow(currency_label, self.currency_combo)
        region_label = QLabel(self.tr("&Phone numbers without a country code are from:"))
        region_label.setBuddy(self.region_combo)
        form.addRow(region_label, self.region_combo)

        where = db.sqlite_path
        later = self.tr("You can change both later in Edit ▸ Settings.")
        if where is not None:
            later += " " + self.tr("This database is the file %1.").replace("%1", str(where))
        note = QLabel(later)
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")

        buttons = QDialogButtonBox()
        self.start_button = QPushButton(self.tr("&Start"))
        self.start_button.setDefault(True)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _chosen_region(self) -> str:
        text = self.region_combo.currentText().strip()
        index = self.region_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.region_combo.itemData(index))
        return text  # a typed code such as "de"; the service checks it

    def save(self) -> None:
        """Store the values shown (off the GUI thread); the dialog closes once they are."""
        if self._saving:
            return
        self._saving = True
        self.start_button.setEnabled(False)
        self.error_label.clear()
        run_in_background(
            confirm_first_start,
            parent=self,
            sessions=self._sessions,
            region=self._chosen_region(),
            currency=self.currency_combo.currentText(),
            on_done=self._on_saved,
            on_error=self._on_failed,
        )

    def reject(self) -> None:
        # Escape or the close button: the values shown are the ones the database uses.
        # After a failed save it closes as it is; the next start asks again.
        if self.error_label.text():
            super().reject()
        else:
            self.save()

    def _on_saved(self, _changes: object) -> None:
        self._saving = False
        self.confirmed = True
        self.accept()

    def _on_failed(self, message: str, _details: str) -> None:
        self._saving = False
        self.error_label.setText(message)
        self.start_button.setEnabled(True)
