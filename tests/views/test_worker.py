"""run_in_background reports every way a task ends, so no page is left waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
import python_calamine
from malformed_files import truncated_xls
from PySide6.QtCore import QThreadPool

from crm_desktop.views.worker import run_in_background


@pytest.fixture(autouse=True)
def _wait_for_workers():  # type: ignore[no-untyped-def]
    yield
    QThreadPool.globalInstance().waitForDone()


def _outcome(qtbot, fn, **kwargs):  # type: ignore[no-untyped-def]
    done: list[object] = []
    failed: list[str] = []
    run_in_background(fn, on_done=done.append, on_error=lambda m, _t: failed.append(m), **kwargs)
    qtbot.waitUntil(lambda: bool(done or failed))
    return done, failed


def _open_workbook(path: Path) -> object:
    return python_calamine.CalamineWorkbook.from_path(str(path))


def test_a_rust_panic_in_a_task_is_reported(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # calamine panics on this file; pyo3's PanicException is no Exception subclass
    path = truncated_xls(tmp_path / "cut.xls")
    done, failed = _outcome(qtbot, _open_workbook, path=path)
    assert done == []
    [message] = failed
    assert message.startswith("the task stopped (PanicException: ")


def _exit() -> None:
    raise SystemExit(3)


def _interrupt() -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (_exit, "the task stopped (SystemExit: 3)"),
        (_interrupt, "the task stopped (KeyboardInterrupt)"),
    ],
)
def test_exit_and_interrupt_in_a_task_are_reported_and_end_nothing_else(  # type: ignore[no-untyped-def]
    qtbot, fn, message: str
) -> None:
    done, failed = _outcome(qtbot, fn)
    assert (done, failed) == ([], [message])
    # the program goes on: the next task runs and reports as usual
    assert _outcome(qtbot, lambda: 42) == ([42], [])


def test_an_error_message_is_one_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    def fail() -> None:
        raise ValueError("first line\nsecond line")

    assert _outcome(qtbot, fail) == ([], ["first line second line"])
