"""app.py: opening the database off the GUI thread, with a notice when it takes long."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

import crm_desktop.app as app_module
from crm_desktop.models.database import Database, DatabaseError


def _visible_notices() -> list[QProgressDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]


def test_a_quick_open_shows_no_notice(qapp: QApplication, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    app_module.open_database(url).dispose()  # created and migrated: now opening is quick
    seen: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: seen.append(len(_visible_notices())))
    timer.start(10)
    db = app_module.open_database_in_background(qapp, url)
    timer.stop()
    assert isinstance(db, Database)
    assert not any(seen)
    db.dispose()


def test_a_slow_open_says_what_is_going_on_and_keeps_the_loop_running(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = app_module.open_database

    def slow_open(url: str | None) -> Database:
        time.sleep(app_module.OPEN_NOTICE_AFTER_S + 0.5)  # as a long migration would
        return real_open(url)

    monkeypatch.setattr(app_module, "open_database", slow_open)
    texts: list[str] = []
    timer = QTimer()  # fires only if the GUI thread keeps processing events meanwhile
    timer.timeout.connect(lambda: texts.extend(d.labelText() for d in _visible_notices()))
    timer.start(20)
    db = app_module.open_database_in_background(qapp, f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    timer.stop()
    assert texts and "updating the database" in texts[0]
    assert not _visible_notices()  # closed once the database is open
    db.dispose()


def test_an_error_while_opening_reaches_the_caller(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_open(url: str | None) -> Database:
        raise DatabaseError("The PostgreSQL server at db.example is not answering.")

    monkeypatch.setattr(app_module, "open_database", failing_open)
    with pytest.raises(DatabaseError, match="not answering"):
        app_module.open_database_in_background(qapp, "postgresql+psycopg://x@db.example/crm")
