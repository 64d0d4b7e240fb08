"""Ctrl+K: a search box that finds any lead, contact, company or deal as you type.

Each pause in typing (a short debounce) runs one query in the background; an
answer to an older query than the one on screen is dropped. Up/Down move among
the hits (group headers are skipped), Enter opens one, Esc closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.models.database import Database
from crm_desktop.services.search import SearchHit, search
from crm_desktop.views.worker import Task, run_in_background

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "lead" | "contact" | "company" | "deal"
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the record's uuid.UUID
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 3
HEADER_ROLE = Qt.ItemDataRole.UserRole + 4  # True on a group header row

DEBOUNCE_MS = 150
RESULT_LIMIT = 50
_Index = QModelIndex | QPersistentModelIndex


def kind_label(kind: str) -> str:
    labels = {
        "contact": QCoreApplication.translate("SearchDialog", "Contacts"),
        "lead": QCoreApplication.translate("SearchDialog", "Leads"),
        "company": QCoreApplication.translate("SearchDialog", "Companies"),
        "deal": QCoreApplication.translate("SearchDialog", "Deals"),
    }
    return labels.get(kind, kind)


class SearchResultModel(QAbstractListModel):
    """Hits grouped by kind, each group under a header row that cannot be selected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, SearchHit | None]] = []  # (kind, hit); None = header

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Group by kind, groups in the order of their best hit, hits in ranked order."""
        groups: dict[str, list[SearchHit]] = {}
        for hit in hits:
            groups.setdefault(hit.kind, []).append(hit)
        self.beginResetModel()
        self._rows = []
        for kind, members in groups.items():
            self._rows.append((kind, None))
            self._rows.extend((kind, hit) for hit in members)
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits([])

    def hit_count(self) -> int:
        return sum(1 for _, hit in self._rows if hit is not None)

    def hit_at(self, row: int) -> SearchHit | None:
        if 0 <= row < len(self._rows):
            return self._rows[row][1]
        return None

    def next_hit_row(self, row: int, step: int) -> int:
        """The hit row `step` hits away from `row` (clamped), skipping headers; -1 if none."""
        hit_rows = [n for n, (_, hit) in enumerate(self._rows) if hit is not None]
        if not hit_rows:
            return -1
        if row not in hit_rows:
            return hit_rows[0] if step >= 0 else hit_rows[-1]
        position = hit_rows.index(row) + step
        return hit_rows[max(0, min(len(hit_rows) - 1, position))]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind, hit = self._rows[index.row()]
        if hit is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return kind_label(kind)
            if role == HEADER_ROLE:
                return True
            if role == KIND_ROLE:
                return kind
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.title}\n{hit.subtitle}" if hit.subtitle else hit.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{kind_label(kind)}: {hit.title}, {hit.subtitle}"
        if role == SUBTITLE_ROLE:
            return hit.subtitle
        if role == KIND_ROLE:
            return hit.kind
        if role == ID_ROLE:
            return hit.id
        if role == HEADER_ROLE:
            return False
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()][1] is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SearchHitDelegate(QStyledItemDelegate):
    """A hit as its title over a grey subtitle; a group header as a small bold caption."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = QFontMetrics(option.font)
        if index.data(HEADER_ROLE):
            return QSize(200, metrics.height() + self.PAD * 2)
        return QSize(200, metrics.height() * 2 + self.PAD * 3)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        painter.save()
        if index.data(HEADER_ROLE):
            font = QFont(opt.font)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            text_rect = rect.adjusted(self.PAD, self.PAD, -self.PAD, 0)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft, str(index.data()).upper())
            painter.restore()
            return
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        metrics = QFontMetrics(opt.font)
        left = rect.left() + self.PAD * 3
        width = rect.width() - self.PAD * 4
        title_font = QFont(opt.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        title = QFontMetrics(title_font).elidedText(
            str(index.data()), Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(left, rect.top() + self.PAD + metrics.ascent(), title)
        painter.setFont(opt.font)
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        subtitle = metrics.elidedText(
            str(index.data(SUBTITLE_ROLE) or ""), Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(
            left, rect.top() + self.PAD * 2 + metrics.height() + metrics.ascent(), subtitle
        )
        painter.restore()


class SearchDialog(QDialog):
    """The global search popup; emits result_chosen(kind, id) and closes."""

    result_chosen = Signal(str, object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._generation = 0  # the query on screen; older answers are dropped
        self._task: Task | None = None
        self.setWindowTitle(self.tr("Search"))
        self.setMinimumSize(560, 420)

        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText(
            self.tr("Name, company, e-mail or phone of a lead, contact, company or deal")
        )
        self.line_edit.setClearButtonEnabled(True)
        self.model = SearchResultModel(self)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(SearchHitDelegate(self.list_view))
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.setUniformItemSizes(False)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the box
        self.status_label = QLabel(self)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        status_font = QFont(self.status_label.font())
        status_font.setPointSizeF(status_font.pointSizeF() * 1.25)
        self.status_label.setFont(status_font)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.status_label)
        self._stack.addWidget(self.list_view)
        hint = QLabel(self.tr("↑ ↓ to move · Enter to open · Esc to close"), self)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addWidget(self.line_edit)
        layout.addWidget(self._stack, 1)
        layout.addWidget(hint)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.line_edit.textChanged.connect(self._on_line_edit_text_changed)
        self.line_edit.returnPressed.connect(self._choose_current)
        self.line_edit.installEventFilter(self)
        self.list_view.clicked.connect(self._on_list_view_clicked)
        self._show_status(self.tr("Type part of a name, company, e-mail or phone number."))

    # --- querying ---------------------------------------------------------------------

    def _on_line_edit_text_changed(self, text: str) -> None:
        self._generation += 1  # whatever is running now answers an old question
        if not text.strip():
            self._debounce.stop()
            self.model.clear()
            self._show_status(self.tr("Type part of a name, company, e-mail or phone number."))
            return
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        text = self.line_edit.text()
        if not text.strip():
            return
        self.status_label.setText(self.tr("Searching…"))
        self._task = run_in_background(
            _run_query,
            parent=self,
            on_done=self._on_results,
            on_error=self._on_failed,
            sessions=self._db.sessions,
            text=text,
            generation=self._generation,
        )

    def _on_results(self, answer: tuple[int, str, list[SearchHit]]) -> None:
        generation, text, hits = answer
        if generation != self._generation:
            return  # typed on since: a newer query is coming
        self.model.set_hits(hits)
        if not hits:
            self._show_status(self.tr("No matches for “%1”.").replace("%1", text.strip()))
            return
        self._stack.setCurrentWidget(self.list_view)
        self._select_row(self.model.next_hit_row(-1, 1))

    def _on_failed(self, message: str, _details: str) -> None:
        self.model.clear()
        self._show_status(self.tr("Search failed: %1").replace("%1", message))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self._stack.setCurrentWidget(self.status_label)

    # --- choosing -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 8,
                Qt.Key.Key_PageUp: -8,
            }
            step = steps.get(Qt.Key(event.key()))
            if step is not None:
                self._select_row(self.model.next_hit_row(self.list_view.currentIndex().row(), step))
                return True
        return super().eventFilter(watched, event)

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)

    def _choose_current(self) -> None:
        if self._stack.currentWidget() is not self.list_view:
            return
        self._choose(self.list_view.currentIndex().row())

    def _on_list_view_clicked(self, index: QModelIndex) -> None:
        self._choose(index.row())

    def _choose(self, row: int) -> None:
        hit = self.model.hit_at(row)
        if hit is None:
            return
        self.result_chosen.emit(hit.kind, hit.id)
        self.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.line_edit.setFocus()
        self.line_edit.selectAll()


def _run_query(sessions: Any, text: str, generation: int) -> tuple[int, str, list[SearchHit]]:
    """In the worker: the hits, tagged with the query they answer."""
    return generation, text, search(sessions, text, limit=RESULT_LIMIT)


__all__ = ["SearchDialog", "SearchHitDelegate", "SearchResultModel", "kind_label"]
