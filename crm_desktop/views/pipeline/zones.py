"""Won and Lost at the foot of the board: drop a card there to close the deal."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QFrame, QWidget

from crm_desktop.services.pipeline.board import StageInfo
from crm_desktop.views.pipeline.card_delegate import blend, signal_color
from crm_desktop.views.pipeline.card_model import decode_deals


def _tr(text: str) -> str:
    return QCoreApplication.translate("PipelineBoard", text)


class DropZone(QFrame):
    """Won or Lost at the foot of the board: drop a card here to close the deal."""

    deals_dropped = Signal(object, object)  # [(deal id, its stage id)], the target stage id

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind  # "won" | "lost"
        self.stage: StageInfo | None = None
        self.hint = ""
        self._hovering = False
        self.setObjectName(f"{kind}Zone")
        self.setAcceptDrops(True)
        self.setMinimumHeight(QFontMetrics(self.font()).height() + 22)

    def set_stage(self, stage: StageInfo | None, hint: str) -> None:
        self.stage = stage
        self.hint = hint
        self.setEnabled(stage is not None)
        self.setToolTip(hint)
        self.setAccessibleName(self.title())
        self.update()

    def title(self) -> str:
        name = self.stage.name if self.stage else ("Won" if self.kind == "won" else "Lost")
        return _tr("Drop here: %1").replace("%1", name)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.stage is not None and decode_deals(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self._hovering = True
            self.update()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._hovering = False
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._hovering = False
        self.update()
        deals = decode_deals(event.mimeData())
        if self.stage is None or not deals:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.deals_dropped.emit(deals, self.stage.id)

    def drop(self, deals: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
        """What a drop does: (deal id, its stage id) pairs (for tests and scripts)."""
        if self.stage is not None and deals:
            self.deals_dropped.emit(deals, self.stage.id)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        palette = self.palette()
        color = signal_color(self.kind, palette)
        base = palette.color(QPalette.ColorRole.Window)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        path = QPainterPath()
        path.addRoundedRect(rect, 6, 6)
        painter.fillPath(path, blend(base, color, 0.22 if self._hovering else 0.08))
        pen = QPen(color, 1.5, Qt.PenStyle.SolidLine if self._hovering else Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawPath(path)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(
            color if self.isEnabled() else palette.color(QPalette.ColorRole.PlaceholderText)
        )
        label = self.title()
        key = "W" if self.kind == "won" else "L"
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{label}   ({key})")
        painter.end()
