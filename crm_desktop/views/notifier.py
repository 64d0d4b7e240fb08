"""Desktop notifications: the system tray's balloon, or the status bar where there is no tray.

Large-deal alerts use it now; reminders will too. Tests read `shown` instead of
looking for a balloon.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QStyle, QSystemTrayIcon


class TrayNotifier(QObject):
    shown = Signal(str, str)  # title, text: every notification, whichever way it went out
    SHOW_MS = 10000

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._on_click: Callable[[], None] | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.windowIcon()
            if icon.isNull():
                icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(window.windowTitle())
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
            self.tray.show()

    def notify(self, title: str, text: str, on_click: Callable[[], None] | None = None) -> None:
        """Show `text` under `title`; a click on the balloon calls `on_click`."""
        self._on_click = on_click
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(
                title, text, QSystemTrayIcon.MessageIcon.Information, self.SHOW_MS
            )
        else:
            first_line = text.splitlines()[0] if text else ""
            self._window.statusBar().showMessage(f"{title}: {first_line}", 2 * self.SHOW_MS)
        self.shown.emit(title, text)

    def _on_tray_message_clicked(self) -> None:
        if self._on_click is not None:
            self._window.showNormal()
            self._window.raise_()
            self._window.activateWindow()
            self._on_click()
