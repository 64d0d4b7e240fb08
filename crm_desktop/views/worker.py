"""The one way views run slow work: a plain function on a QThreadPool.

Every task reports through one QObject, the dispatcher, created in the GUI
thread on first use and never deleted. A worker thread therefore never holds
the last reference to a QObject: an earlier design gave each task its own
signals object, deleted with deleteLater once the result arrived, and the pool
thread dropping its Python reference at the same moment as the GUI thread ran
the delete crashed the process now and then (seen in CI as a segfault inside
`qtbot.waitUntil`).

Callbacks are kept in a table in the GUI thread, by task number. A task started
with a `parent` delivers nothing once that parent has been deleted (a dialog
closed while its search ran).
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from crm_desktop.services.db_errors import describe

log = logging.getLogger(__name__)


@dataclass
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[str, str], None] | None
    on_progress: Callable[[float, str], None] | None
    parent: QObject | None


class _Dispatcher(QObject):
    """Carries results from pool threads to the GUI thread (queued connections)."""

    finished = Signal(int, object)  # task number, the function's return value
    failed = Signal(int, str, str)  # task number, message, traceback
    progress = Signal(int, float, str)  # task number, fraction 0..1, message

    def __init__(self) -> None:
        super().__init__()
        self.callbacks: dict[int, _Callbacks] = {}
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)
        self.progress.connect(self._on_progress)

    def _live(self, number: int, *, pop: bool) -> _Callbacks | None:
        entry = self.callbacks.pop(number, None) if pop else self.callbacks.get(number)
        if entry is None:
            return None
        if entry.parent is not None and not shiboken6.isValid(entry.parent):
            self.callbacks.pop(number, None)
            return None
        return entry

    @Slot(int, object)
    def _on_finished(self, number: int, result: object) -> None:
        entry = self._live(number, pop=True)
        if entry is not None and entry.on_done is not None:
            entry.on_done(result)

    @Slot(int, str, str)
    def _on_failed(self, number: int, message: str, trace: str) -> None:
        entry = self._live(number, pop=True)
        if entry is not None and entry.on_error is not None:
            entry.on_error(message, trace)

    @Slot(int, float, str)
    def _on_progress(self, number: int, fraction: float, message: str) -> None:
        entry = self._live(number, pop=False)
        if entry is not None and entry.on_progress is not None:
            entry.on_progress(fraction, message)


_dispatcher: _Dispatcher | None = None
_numbers = itertools.count(1)


def _get_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        app = QCoreApplication.instance()
        if app is not None and app.thread() is not QThread.currentThread():
            raise RuntimeError("run_in_background must be called from the GUI thread")
        _dispatcher = _Dispatcher()
    return _dispatcher


class _Runnable(QRunnable):
    def __init__(
        self, fn: Callable[..., Any], dispatcher: _Dispatcher, number: int, kwargs: dict[str, Any]
    ):
        super().__init__()
        self._fn = fn
        self._dispatcher = dispatcher
        self._number = number
        self._kwargs = kwargs
        self.setAutoDelete(True)

    def run(self) -> None:
        dispatcher = self._dispatcher
        try:
            result = self._fn(**self._kwargs)
        except BaseException as exc:
            # Not only Exception: pyo3's PanicException (a Rust panic inside calamine) derives
            # from BaseException, and a task that ends without a word leaves its page waiting
            # forever. KeyboardInterrupt and SystemExit are reported too and not raised on:
            # Python delivers Ctrl+C to the main thread only, and a SystemExit escaping a
            # pool thread would end the whole program from inside Qt's error printing.
            log.error("background task failed", exc_info=True)  # the traceback, SQL and all
            dispatcher.failed.emit(self._number, _message(exc), traceback.format_exc())
        else:
            dispatcher.finished.emit(self._number, result)
        finally:
            self._kwargs = {}


def _message(exc: BaseException) -> str:
    """One line for the user: the error's own text, or what kind of end it was."""
    if isinstance(exc, Exception):
        return " ".join(describe(exc).split())  # one plain sentence, never SQL
    text = " ".join(str(exc).split())
    kind = type(exc).__name__  # PanicException, SystemExit, KeyboardInterrupt
    return f"the task stopped ({kind}: {text})" if text else f"the task stopped ({kind})"


class Task:
    """A handle on a running task: its number and its cancel event."""

    def __init__(self, number: int, cancel: threading.Event):
        self.number = number
        self.cancel = cancel


def run_in_background(
    fn: Callable[..., Any],
    *,
    parent: QObject | None = None,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str, str], None] | None = None,
    on_progress: Callable[[float, str], None] | None = None,
    with_progress: bool = False,
    pool: QThreadPool | None = None,
    **kwargs: Any,
) -> Task:
    """Run fn(**kwargs) off the GUI thread; call the callbacks in the GUI thread.

    With `with_progress`, fn also receives `progress(fraction, message)` and a
    `cancel` threading.Event, as the services' long operations expect. A task
    whose `parent` is deleted before it ends calls none of its callbacks.
    """
    dispatcher = _get_dispatcher()
    number = next(_numbers)
    cancel = threading.Event()
    dispatcher.callbacks[number] = _Callbacks(on_done, on_error, on_progress, parent)
    if with_progress:
        kwargs["progress"] = lambda fraction, message="": dispatcher.progress.emit(
            number, float(fraction), str(message)
        )
        kwargs["cancel"] = cancel
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, dispatcher, number, kwargs))
    return Task(number, cancel)
