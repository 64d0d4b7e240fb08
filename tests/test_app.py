"""app.py: opening the database off the GUI thread, with a notice when it takes long."""

from __future__ import annotations

import logging
import stat
import time
from collections.abc import Callable, Iterator
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

    def slow_open(url: str | None, **kwargs: object) -> Database:
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
    def failing_open(url: str | None, **kwargs: object) -> Database:
        raise DatabaseError("The PostgreSQL server at db.example is not answering.")

    monkeypatch.setattr(app_module, "open_database", failing_open)
    with pytest.raises(DatabaseError, match="not answering"):
        app_module.open_database_in_background(qapp, "postgresql+psycopg://x@db.example/crm")


@pytest.fixture
def log_handlers() -> Iterator[list[logging.Handler]]:
    """The handlers setup_logging added to the root logger, removed after the test."""
    before = list(logging.getLogger().handlers)
    added: list[logging.Handler] = []
    yield added
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)
            handler.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_is_readable_by_its_owner_only_and_never_holds_a_password(
    tmp_path: Path, log_handlers: list[logging.Handler]
) -> None:
    path = tmp_path / "logs" / "crm-desktop.log"
    assert app_module.setup_logging(path) == path
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    logging.getLogger("test").error(
        "cannot open the database: 'postgresql://bob:s3cret@[::1/crm' is not a database URL"
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "postgresql://bob:***@[::1/crm" in text and "s3cret" not in text


def test_an_existing_world_readable_log_is_made_private(
    tmp_path: Path, log_handlers: list[logging.Handler]
) -> None:
    path = tmp_path / "crm-desktop.log"
    rotated = tmp_path / "crm-desktop.log.1"
    for old in (path, rotated):
        old.write_text("old lines\n", encoding="utf-8")
        old.chmod(0o644)
    tmp_path.chmod(0o755)
    app_module.setup_logging(path)
    assert (_mode(path), _mode(rotated)) == (0o600, 0o600)
    assert _mode(tmp_path) == 0o755  # a folder we did not make is left as it is


def test_a_start_waiting_for_another_window_says_so(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_desktop.models.migrations import WAITING

    real_open = app_module.open_database

    def waiting_open(url: str | None, *, notice: Callable[[str], None]) -> Database:
        time.sleep(app_module.OPEN_NOTICE_AFTER_S + 0.1)
        notice(WAITING)  # as when another window holds the upgrade lock
        time.sleep(0.5)
        return real_open(url)

    monkeypatch.setattr(app_module, "open_database", waiting_open)
    texts: list[str] = []
    timer = QTimer()
    timer.timeout.connect(lambda: texts.extend(d.labelText() for d in _visible_notices()))
    timer.start(20)
    db = app_module.open_database_in_background(qapp, f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    timer.stop()
    db.dispose()
    assert any("Another crm-desktop is updating this database" in t for t in texts)
