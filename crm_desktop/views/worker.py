"""The one way views run slow work: a plain function on a QThreadPool.

Signals live on a QObject that the GUI thread owns (never on the QRunnable),
so a queued signal can never outlive its sender.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    """Results of one background task, delivered in the GUI thread."""

    finished = Signal(object)  # the function's return value
    failed = Signal(str, str)  # message, traceback
    progress = Signal(float, str)  # fraction 0..1, message


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: TaskSignals, kwargs: dict[str, Any]):
        super().__init__()
        self._fn = fn
        self._signals = signals
        self._kwargs = kwargs
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn(**self._kwargs)
        except Exception as exc:  # reported to the GUI, never lost
            log.exception("background task failed")
            self._signals.failed.emit(str(exc) or type(exc).__name__, traceback.format_exc())
        else:
            self._signals.finished.emit(result)


class Task:
    """A handle on a running task: its signals and its cancel event."""

    def __init__(self, signals: TaskSignals, cancel: threading.Event):
        self.signals = signals
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
    """Run fn(**kwargs) off the GUI thread.

    With `with_progress`, fn also receives `progress(fraction, message)` and a
    `cancel` threading.Event, as the services' long operations expect.
    """
    signals = TaskSignals(parent)
    cancel = threading.Event()
    if on_done:
        signals.finished.connect(on_done)
    if on_error:
        signals.failed.connect(on_error)
    if on_progress:
        signals.progress.connect(on_progress)
    signals.finished.connect(signals.deleteLater)
    signals.failed.connect(signals.deleteLater)
    if with_progress:
        kwargs["progress"] = lambda fraction, message="": signals.progress.emit(fraction, message)
        kwargs["cancel"] = cancel
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, signals, kwargs))
    return Task(signals, cancel)
