"""Card entry's phone country: which country the card's numbers are read in, and why.

The country is guessed from the card as it is typed (its address, a "+" number, the
e-mail domain, the company's legal form, else the setting: services/phone_country.py),
shown beside the phones, and changed with one key: F4 puts the cursor in the country box,
type a name or code, Enter takes it and returns to where you were (Esc leaves it as it
was). Numbers that are no valid number of that country are named while you type; they
are saved as typed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm_desktop.services.phone_country import RegionGuess, country_code, guess_region
from crm_desktop.services.phones import read_phone
from crm_desktop.views.region_combo import RegionCombo

CHANGE_KEY = Qt.Key.Key_F4  # no other shortcut of the window or the page uses it
WARNING_STYLE = "color: #8a5300;"


@dataclass(frozen=True)
class _Card:
    country: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    company: str = ""


class CardCountry(QWidget):
    """The country box, the reason it was chosen, and warnings about the typed numbers."""

    changed = Signal()  # the user chose another country

    def __init__(self, phones_edit: QWidget, page: QWidget) -> None:
        super().__init__(page)
        self._phones_edit = phones_edit
        self._default = "CN"
        self._chosen: str | None = None  # the user's choice for this card
        self._guess = RegionGuess("CN", "setting")
        self._card = _Card()
        self._return_to: QWidget | None = None
        self.caption = QLabel(self.tr("Numbers from:"))
        self.combo = RegionCombo()
        self.combo.setObjectName("cardCountry")
        self.combo.setMinimumContentsLength(18)
        # Not in the Tab chain: typing a card stays name, company, title, phones, e-mail.
        self.combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            edit.returnPressed.connect(self._on_combo_return_pressed)
        self.combo.activated.connect(self._on_combo_activated)
        self.hint = QLabel()
        self.hint.setObjectName("cardCountryHint")
        self.warning = QLabel()
        self.warning.setObjectName("phoneWarning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo)
        row.addWidget(self.hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        shortcut = QShortcut(QKeySequence(CHANGE_KEY), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.start_choosing)
        self._show()

    @property
    def region(self) -> str:
        """The country the card's numbers are read in now."""
        return self._chosen or self._guess.region

    @property
    def guess(self) -> RegionGuess:
        return RegionGuess(self._chosen, "chosen") if self._chosen else self._guess

    def set_default(self, region: str) -> None:
        """The database's setting changed (or was loaded)."""
        self._default = region
        self._refresh()

    def update_card(
        self, *, country: str, phones: Sequence[str], emails: Sequence[str], company: str
    ) -> None:
        """The card as typed so far: guess its country again and check its numbers."""
        self._card = _Card(country, tuple(phones), tuple(emails), company)
        self._refresh()

    def clear_card(self) -> None:
        """A new card: no choice, no clues."""
        self._chosen = None
        self._card = _Card()
        self._refresh()

    # ---- choosing with the keyboard ----------------------------------------------------------

    def start_choosing(self) -> None:
        """F4: into the country box with its text selected, ready for a name or code."""
        focus = QApplication.focusWidget()
        if focus is not None and not self._in_combo(focus):
            self._return_to = focus
        self.combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.selectAll()

    def cancel_choosing(self) -> bool:
        """Esc in the country box: leave it unchanged. False when the box had no focus."""
        focus = QApplication.focusWidget()
        if focus is None or not self._in_combo(focus):
            return False
        self.combo.set_region(self.region)
        self._go_back()
        return True

    def _on_combo_return_pressed(self) -> None:
        """Enter on a typed code or name ("us", "Deutschland", "德国") takes that country."""
        code = country_code(self.combo.currentText())
        if code is not None:
            self._choose(code)

    def _on_combo_activated(self, _index: int) -> None:
        self._choose(self.combo.region())

    def _choose(self, code: str) -> None:
        if not code:
            return
        # Show it at once: the combo's own Enter handling then finds this very item.
        self.combo.set_region(code)
        if code != self._chosen:
            self._chosen = code
            self._refresh()
            self.changed.emit()
        if self._in_combo(QApplication.focusWidget() or self):
            self._go_back()

    def _go_back(self) -> None:
        target = self._return_to or self._phones_edit
        self._return_to = None
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _in_combo(self, widget: QWidget) -> bool:
        return widget is self.combo or self.combo.isAncestorOf(widget)

    # ---- showing ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        card = self._card
        self._guess = guess_region(
            self._default,
            country=card.country,
            phones=card.phones,
            emails=card.emails,
            company=card.company,
        )
        self._show()

    def _show(self) -> None:
        guess = self.guess
        if not self.combo.hasFocus():
            self.combo.set_region(guess.region)
        reason = {
            "country": self.tr("from the card's address: %1"),
            "number": self.tr("from the number's %1"),
            "e-mail": self.tr("from the e-mail domain %1"),
            "company": self.tr("from the company form %1"),
            "setting": self.tr("the setting for numbers without +code"),
            "chosen": self.tr("chosen by you"),
        }[guess.source].replace("%1", guess.clue)
        self.hint.setText(
            self.tr("%1 · %2 to change")
            .replace("%1", reason)
            .replace(
                "%2", QKeySequence(CHANGE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        problems = []
        for text in self._card.phones:
            number = read_phone(text, guess.region)
            if number.problem:
                problems.append(f"{text}: {number.problem}")
        self.warning.setText("\n".join(problems))
        self.warning.setVisible(bool(problems))
        self.warning.setToolTip(html.escape("\n".join(problems)))
