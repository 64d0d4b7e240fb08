"""Fields and list columns sized to their content, up to a limit; a cut value shows in full
as a tooltip.

Lists hold up to millions of rows, so a column is sized from the rows on screen (the loaded
page), never by measuring every row: `fit_columns` asks the view for the visible rows only.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QLineEdit, QScrollArea, QStyle, QTableView, QToolTip

FIELD_LIMIT = 300  # a field grows to show its text up to this many pixels
FORM_LIMIT = 560  # a form grows to fit its fields up to this many pixels
COLUMN_LIMIT = 240  # a list column grows to its widest visible cell up to this many pixels
_PADDING = 18  # a line edit's frame and margins around its text


def text_width(edit: QLineEdit, text: str | None = None) -> int:
    """Pixels the edit needs to show `text` (default: its own) without cutting it."""
    shown = edit.text() if text is None else text
    return edit.fontMetrics().horizontalAdvance(shown) + _PADDING


def is_clipped(edit: QLineEdit) -> bool:
    return text_width(edit) > edit.width()


def fit_to_text(edit: QLineEdit, limit: int = FIELD_LIMIT) -> None:
    """Let the field grow to its text (a layout may give it more), never past `limit`;
    beyond that the full text shows as a tooltip (see ClipTips)."""
    edit.setMinimumWidth(min(max(text_width(edit), 0), limit) if edit.text() else 0)
    edit.setCursorPosition(0)  # a cut value shows its start (an e-mail's name), not its end


class ClipTips(QObject):
    """An application event filter: a line edit whose text is cut shows all of it as a tooltip
    (with its own tooltip, if it has one, below)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ToolTip
            and isinstance(watched, QLineEdit)
            and watched.echoMode() == QLineEdit.EchoMode.Normal
            and is_clipped(watched)
        ):
            own = watched.toolTip()
            text = watched.text() + (f"\n{own}" if own else "")
            QToolTip.showText(event.globalPos(), text, watched)  # type: ignore[attr-defined]
            return True
        return False


def fit_scroll_width(scroll: QScrollArea, limit: int = FORM_LIMIT) -> None:
    """Ask for the width a scroll area's content needs (its fitted fields), up to `limit`,
    so a splitter gives a form room before its fields are cut (then tooltips show them).

    Measured once the content's layout has taken its new widgets in (the next event loop
    turn): right after they are filled, its minimum size is still the old one.
    """

    def fit() -> None:
        content = scroll.widget()
        if content is None or not shiboken6.isValid(scroll):
            return
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(min(content.minimumSizeHint().width() + bar, limit))

    QTimer.singleShot(0, scroll, fit)


def install_clip_tips(app: QCoreApplication) -> ClipTips:
    tips = ClipTips(app)
    app.installEventFilter(tips)
    return tips


def fit_columns(
    table: QTableView, limit: int = COLUMN_LIMIT, skip: frozenset[int] = frozenset()
) -> None:
    """Widen columns that cut their visible cells (or header), up to `limit`; never narrow.

    Only the rows on screen are measured, so this costs the same at a million rows as at
    ten (Qt's own sizeHintForColumn measures every row of a hidden table). Cells still cut
    show their full text as a tooltip (the table model's ToolTipRole).
    """
    model = table.model()
    if model is None or model.rowCount() == 0:
        return
    header = table.horizontalHeader()
    top = max(table.rowAt(0), 0)
    bottom = table.rowAt(table.viewport().height() - 1)
    if bottom < 0:
        bottom = min(model.rowCount(), top + 60) - 1
    metrics = table.fontMetrics()
    margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
    last = model.columnCount() - 1
    for column in range(model.columnCount()):
        hidden = header.isSectionHidden(column) or column in skip
        if hidden or (column == last and header.stretchLastSection()):
            continue
        widest = header.sectionSizeHint(column)
        for row in range(top, bottom + 1):
            text = model.index(row, column).data()
            if text:
                widest = max(widest, metrics.horizontalAdvance(str(text)) + margin + 8)
        wanted = min(widest, limit)
        if wanted > header.sectionSize(column):
            header.resizeSection(column, wanted)


class ColumnFitter(QObject):
    """Keeps a table's columns fitted to the rows on screen as pages of rows arrive.

    A column the user resized by hand is left alone from then on.
    """

    def __init__(self, table: QTableView, limit: int = COLUMN_LIMIT):
        super().__init__(table)
        self._table = table
        self._limit = limit
        self._fitting = False
        self._by_hand: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)  # one pass after a burst of page arrivals
        self._timer.timeout.connect(self.fit)
        model = table.model()
        model.dataChanged.connect(lambda *_a: self._timer.start())
        model.rowsInserted.connect(lambda *_a: self._timer.start())
        model.modelReset.connect(lambda: self._timer.start())
        table.horizontalHeader().sectionResized.connect(self._on_section_resized)

    def fit(self) -> None:
        if not self._table.isVisible():
            return  # hidden: nothing on screen to measure; fitted when shown and filled
        self._fitting = True
        try:
            fit_columns(self._table, self._limit, frozenset(self._by_hand))
        finally:
            self._fitting = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self._by_hand.add(column)
