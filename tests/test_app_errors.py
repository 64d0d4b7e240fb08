"""app.py's last-resort error box: a database error reads as one sentence, SQL only in the log."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import OperationalError

from crm_desktop.app import ExceptionReporter
from crm_desktop.services.db_errors import LOCKED


def test_an_uncaught_database_error_shows_the_sentence_and_logs_the_sql(
    qtbot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ExceptionReporter, "_show", lambda self, s, d: shown.append((s, d)))
    error = OperationalError(
        "UPDATE lead SET title=?", ("secret-param",), sqlite3.OperationalError("database is locked")
    )
    ExceptionReporter(None)(OperationalError, error, None)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == [(LOCKED, "")]
    assert "UPDATE lead" in caplog.text  # the whole story is in the log


def test_other_uncaught_errors_keep_their_type_and_details(
    qtbot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ExceptionReporter, "_show", lambda self, s, d: shown.append((s, d)))
    try:
        raise ValueError("bad value")
    except ValueError as exc:
        ExceptionReporter(None)(ValueError, exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "ValueError: bad value" and "Traceback" in shown[0][1]
