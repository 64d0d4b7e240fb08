"""A table model over a record list that loads pages from the database as they are shown.

Nothing is read on the GUI thread: the row count and each page of ~200 rows come
from `run_in_background`. A row whose page has not arrived shows "…"; when the
page arrives the model emits dataChanged. `reload()` keeps the cached rows on
screen (marked stale) until fresh ones replace them, so a list never flashes empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import OrderedDict
from decimal import Decimal
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.listing import (
    Cursor,
    ListQuery,
    ListRow,
    columns,
    count_rows,
    fetch_page,
    keyset_supported,
)
from crm_desktop.views.numbers import money_text
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's UUID as text
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the native value
VERSION_ROLE = Qt.ItemDataRole.UserRole + 3
PLACEHOLDER = "…"
_RIGHT = {"amount", "probability"}
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordTableModel", text)


# Marked for lupdate: the headers and statuses the services name in English.
_HEADER_TEXTS = (
    _tr("Name"),
    _tr("Company"),
    _tr("Title"),
    _tr("E-mail"),
    _tr("Phone"),
    _tr("Status"),
    _tr("Event"),
    _tr("Owner"),
    _tr("Created"),
    _tr("Updated"),
    _tr("Last contact"),
    _tr("Industry"),
    _tr("City"),
    _tr("Country"),
    _tr("Website"),
    _tr("Amount"),
    _tr("Currency"),
    _tr("Stage"),
    _tr("Probability %"),
    _tr("Expected close"),
)


def _task_owner() -> QObject | None:
    """The parent given to background tasks: the application, so answers always arrive.

    The callbacks hold the model, which thus lives until its answers arrive.
    """
    return QCoreApplication.instance()


def status_text(status: str) -> str:
    """A lead status as users read it ("qualified" -> "Qualified"), translated."""
    texts = {
        "new": QCoreApplication.translate("LeadStatus", "New"),
        "contacted": QCoreApplication.translate("LeadStatus", "Contacted"),
        "qualified": QCoreApplication.translate("LeadStatus", "Qualified"),
        "disqualified": QCoreApplication.translate("LeadStatus", "Disqualified"),
        "converted": QCoreApplication.translate("LeadStatus", "Converted"),
    }
    return texts.get(status, status)


def display_text(value: Any) -> str:
    """A list cell's text: dates in ISO form, amounts with two decimals, times local."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money_text(value)
    return str(value)


class RecordTableModel(QAbstractTableModel):
    """Shows one ListQuery; pages arrive in the background as rows become visible."""

    count_changed = Signal(int)  # the total number of rows, when it is known
    load_failed = Signal(str)
    idle = Signal()  # no count or page request is outstanding

    MAX_IN_FLIGHT = 2
    MAX_WANTED = 6  # pages asked for while others load; older ones were scrolled past
    MAX_CACHED_PAGES = 60

    def __init__(
        self,
        sessions: sessionmaker[Session],
        query: ListQuery,
        page_size: int = 200,
        parent: QObject | None = None,
        autostart: bool = True,
    ):
        super().__init__(parent)
        self._sessions = sessions
        self._query = query
        self._columns = columns(query.kind)
        self._page_size = page_size
        self._count = 0
        self.removing_rows = False  # True while rows past a shrunken count are removed
        self._count_known = False
        self._generation = 0
        # page number -> (generation it was loaded for, rows)
        self._pages: OrderedDict[int, tuple[int, list[ListRow]]] = OrderedDict()
        self._in_flight: set[tuple[int, int]] = set()
        self._wanted: list[int] = []
        self._count_pending = False
        self._started = False
        if autostart:
            self.start()

    # ---- public API ----------------------------------------------------------------------

    def start(self) -> None:
        """Begin loading (a page not shown yet need not read anything)."""
        if self._started:
            return
        self._started = True
        self._request_count()
        # Counting a million rows takes a while; the first page shows meanwhile.
        self._want(0)

    @property
    def started(self) -> bool:
        return self._started

    @property
    def query(self) -> ListQuery:
        return self._query

    @property
    def busy(self) -> bool:
        return self._count_pending or bool(self._in_flight) or bool(self._wanted)

    @property
    def count_known(self) -> bool:
        return self._count_known

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def set_query(self, query: ListQuery) -> None:
        """Show another filter or sort of the same kind (reloads, keeping rows until then)."""
        if query.kind != self._query.kind:
            raise ValueError("a model shows one kind of record")
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self) -> None:
        """Fetch the count and the visible pages again; old rows stay until replaced."""
        self._generation += 1
        self._wanted.clear()
        if not self._started:
            return  # start() loads the query as it is then
        self._request_count()
        self._touch_all()

    def row_id(self, row: int) -> uuid.UUID | None:
        found = self._row(row)
        return found.id if found is not None else None

    def row_of(self, record_id: uuid.UUID) -> int | None:
        """The row showing a record, if its page is loaded.

        After a reload a record can sit in a page read before it and in one read since;
        the fresh page says where it is now.
        """
        stale: int | None = None
        for number, (generation, rows) in self._pages.items():
            for offset, item in enumerate(rows):
                row = number * self._page_size + offset
                if item.id == record_id and row < self._count:
                    if generation == self._generation:
                        return row
                    stale = row if stale is None else stale
        return stale

    def loaded_row_count(self) -> int:
        return sum(len(rows) for _gen, rows in self._pages.values())

    # ---- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(self._columns[section].header)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].key in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        column = index.column()
        if not 0 <= column < len(self._columns):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._columns[column].key in _RIGHT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            ID_ROLE,
            SORT_ROLE,
            VERSION_ROLE,
        ):
            return None
        item = self._row(index.row())
        if item is None:  # its page is on the way
            if role == Qt.ItemDataRole.DisplayRole:
                return PLACEHOLDER if column == 0 else ""
            return None
        if role == ID_ROLE:
            return str(item.id)
        if role == VERSION_ROLE:
            return item.version
        value = item.values[column]
        if role == SORT_ROLE:
            return display_text(value) if isinstance(value, Decimal | dt.date) else value
        text = display_text(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if self._columns[column].key == "status":
            return status_text(text)
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or not self._columns[column].sortable:
            return
        from dataclasses import replace

        self.set_query(
            replace(
                self._query,
                sort_key=self._columns[column].key,
                descending=order == Qt.SortOrder.DescendingOrder,
            )
        )

    # ---- loading -------------------------------------------------------------------------

    def _row(self, row: int) -> ListRow | None:
        number, offset = divmod(row, self._page_size)
        cached = self._pages.get(number)
        if cached is None or cached[0] != self._generation:
            self._want(number)
        if cached is None:
            return None
        self._pages.move_to_end(number)
        rows = cached[1]
        return rows[offset] if offset < len(rows) else None

    def _want(self, number: int) -> None:
        if (self._generation, number) in self._in_flight:
            return
        if number in self._wanted:
            self._wanted.remove(number)
        self._wanted.append(number)
        del self._wanted[: -self.MAX_WANTED]
        self._start_wanted()

    def _start_wanted(self) -> None:
        while self._wanted and len(self._in_flight) < self.MAX_IN_FLIGHT:
            number = self._wanted.pop()  # the most recently shown first
            key = (self._generation, number)
            self._in_flight.add(key)
            run_in_background(
                fetch_page,
                parent=_task_owner(),
                on_done=partial(self._on_page_loaded, key),
                on_error=partial(self._on_page_failed, key),
                sessions=self._sessions,
                q=self._query,
                offset=number * self._page_size,
                limit=self._page_size,
                cursor=self._cursor_for(number),
                total=self._count if self._count_known else None,
            )

    def _cursor_for(self, number: int) -> Cursor | None:
        """Seek from a fresh neighbouring page when there is one: deep OFFSETs are slow."""
        if not keyset_supported(self._query):
            return None
        before = self._pages.get(number - 1)
        if before is not None and before[0] == self._generation:
            rows = before[1]
            if len(rows) == self._page_size:
                return Cursor(rows[-1].sort_value, rows[-1].id, forward=True)
        after = self._pages.get(number + 1)
        if after is not None and after[0] == self._generation and after[1]:
            first = after[1][0]
            return Cursor(first.sort_value, first.id, forward=False)
        return None

    def _on_page_loaded(self, key: tuple[int, int], rows: list[ListRow]) -> None:
        if not shiboken6.isValid(self):
            return  # the view that owned this model is gone (answers still arrive)
        self._in_flight.discard(key)
        generation, number = key
        if generation == self._generation:
            if number == 0 and not self._count_known and len(rows) > self._count:
                self.beginInsertRows(QModelIndex(), self._count, len(rows) - 1)
                self._count = len(rows)  # provisional, until the count arrives
                self.endInsertRows()
            self._pages[number] = (generation, rows)
            self._pages.move_to_end(number)
            while len(self._pages) > self.MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
            first = number * self._page_size
            last = min(first + self._page_size, self._count) - 1
            if last >= first:
                self.dataChanged.emit(
                    self.index(first, 0), self.index(last, len(self._columns) - 1)
                )
        self._start_wanted()
        self._check_idle()

    def _on_page_failed(self, key: tuple[int, int], message: str, _traceback: str) -> None:
        if not shiboken6.isValid(self):
            return  # the view that owned this model is gone (answers still arrive)
        self._in_flight.discard(key)
        self.load_failed.emit(message)
        self._check_idle()

    def _request_count(self) -> None:
        self._count_pending = True
        generation = self._generation
        run_in_background(
            count_rows,
            parent=_task_owner(),
            on_done=lambda total: self._on_count_loaded(generation, total),
            on_error=lambda message, _tb: self._on_count_failed(generation, message),
            sessions=self._sessions,
            q=self._query,
        )

    def _on_count_loaded(self, generation: int, total: int) -> None:
        if not shiboken6.isValid(self):
            return  # the view that owned this model is gone (answers still arrive)
        if generation != self._generation:
            return
        self._count_pending = False
        self._count_known = True
        if total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:
            self.removing_rows = True  # views move their current row: not a user's choice
            self.beginRemoveRows(QModelIndex(), total, self._count - 1)
            self._count = total
            self.endRemoveRows()
            self.removing_rows = False
            last_page = (total - 1) // self._page_size if total else -1
            for number in [n for n in self._pages if n > last_page]:
                del self._pages[number]
        self.count_changed.emit(total)
        self._touch_all()
        self._check_idle()

    def _on_count_failed(self, generation: int, message: str) -> None:
        if not shiboken6.isValid(self):
            return  # the view that owned this model is gone (answers still arrive)
        if generation == self._generation:
            self._count_pending = False
            self.load_failed.emit(message)
            self._check_idle()

    def _touch_all(self) -> None:
        # Views repaint what they show, which asks for (and so refreshes) visible pages only.
        if self._count:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._count - 1, len(self._columns) - 1)
            )

    def _check_idle(self) -> None:
        if not self.busy:
            self.idle.emit()
