"""A progress bar, its message and a Cancel button, for one background task at a time."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class ProgressRow(QWidget):
    cancel_clicked = Signal()

    def __init__(self, cancel_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("progressMessage")
        self.cancel_button = QPushButton(cancel_text or self.tr("&Stop"))
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        self._cancel: threading.Event | None = None
        self.setVisible(False)

    def start(self, cancel: threading.Event, message: str = "") -> None:
        self._cancel = cancel
        self.bar.setValue(0)
        self.message_label.setText(message)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    def update_progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.message_label.setText(message)

    def finish(self, keep_visible: bool = False) -> None:
        self._cancel = None
        self.cancel_button.setEnabled(False)
        self.setVisible(keep_visible)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.message_label.setText(self.tr("Stopping…"))

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()
        self.cancel_clicked.emit()
