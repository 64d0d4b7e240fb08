"""Large-deal notifications: shown once, clickable, not repeated after a restart, not for reps."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crm_desktop.models import Deal, DealStageChange, Stage, User, UserRole, utcnow
from crm_desktop.models.database import Database
from crm_desktop.views.deal_alerts import DealAlertWatcher
from crm_desktop.views.notifier import TrayNotifier


def _add_deal(
    db: Database, title: str, amount: str, moved: bool = False, seconds: int = 1
) -> uuid.UUID:
    with db.sessions.begin() as session:
        stages = {s.name: s for s in session.scalars(select(Stage))}
        deal = Deal(
            title=title,
            amount=Decimal(amount),
            currency="USD",
            pipeline_id=stages["Proposal"].pipeline_id,
            stage_id=stages["Proposal"].id,
        )
        session.add(deal)
        session.flush()
        old = stages["Needs analysis"] if moved else None
        session.add(
            DealStageChange(
                deal_id=deal.id,
                from_stage_id=old.id if old else None,
                from_stage_name=old.name if old else None,
                to_stage_id=stages["Proposal"].id,
                to_stage_name="Proposal",
                changed_at=utcnow() + dt.timedelta(seconds=seconds),
            )
        )
        return deal.id


class _Harness:
    def __init__(self, qtbot: QtBot, db: Database, settings: QSettings) -> None:
        self.window = QMainWindow()
        qtbot.addWidget(self.window)
        self.notifier = TrayNotifier(self.window)
        self.shown: list[tuple[str, str]] = []
        self.notifier.shown.connect(lambda title, text: self.shown.append((title, text)))
        self.opened: list[uuid.UUID] = []
        self.watcher = DealAlertWatcher(
            db, settings, self.notifier, self.opened.append, self.window
        )
        self.qtbot = qtbot

    def check_and_wait(self) -> None:
        self.watcher.check()
        self.qtbot.waitUntil(lambda: not self.watcher._busy, timeout=5000)


def test_large_deals_are_announced_once_and_open_on_click(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    _add_deal(sqlite_db, "Old news", "900000", seconds=-60)  # before the first start: never shown
    harness = _Harness(qtbot, sqlite_db, settings)
    harness.watcher.start()
    qtbot.waitUntil(lambda: not harness.watcher._busy, timeout=5000)
    assert harness.shown == []
    assert harness.watcher.timer.isActive()

    big = _add_deal(sqlite_db, "Shanghai fit-out", "250000", moved=True)
    _add_deal(sqlite_db, "Small one", "5000")
    harness.check_and_wait()
    assert len(harness.shown) == 1
    title, text = harness.shown[0]
    assert "Shanghai fit-out" in title
    assert text == "250,000 USD moved from Needs analysis to Proposal"
    # Without a tray (offscreen) the status bar carries it.
    assert "Shanghai fit-out" in harness.window.statusBar().currentMessage()
    harness.notifier._on_tray_message_clicked()
    assert harness.opened == [big]

    harness.check_and_wait()
    assert len(harness.shown) == 1  # not twice

    # A restart with the same settings remembers what was shown.
    again = _Harness(qtbot, sqlite_db, settings)
    again.watcher.start()
    qtbot.waitUntil(lambda: not again.watcher._busy, timeout=5000)
    assert again.shown == []


def test_a_burst_becomes_one_summary(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    harness = _Harness(qtbot, sqlite_db, settings)
    harness.watcher.start()
    qtbot.waitUntil(lambda: not harness.watcher._busy, timeout=5000)
    for n in range(5):
        _add_deal(sqlite_db, f"Deal {n}", "100000")
    harness.check_and_wait()
    assert len(harness.shown) == 1
    assert harness.shown[0][0] == "5 large deals created or moved on"
    assert "Deal 4: Proposal" in harness.shown[0][1]


def test_reps_get_no_alerts(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    with sqlite_db.sessions.begin() as session:
        local = session.scalars(select(User).where(User.is_local.is_(True))).one()
        local.role = UserRole.REP.value
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    harness = _Harness(qtbot, sqlite_db, settings)
    harness.watcher.start()
    qtbot.waitUntil(lambda: not harness.watcher._busy, timeout=5000)
    _add_deal(sqlite_db, "Big", "900000")
    harness.check_and_wait()
    assert harness.shown == []


def test_the_main_window_checks_after_its_own_deal_changes(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    from crm_desktop.services.changes import Changes
    from crm_desktop.views.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, settings=settings)
    qtbot.addWidget(window)
    window.start_alerts()
    assert window.deal_alerts is not None and window.notifier is not None
    qtbot.waitUntil(lambda: not window.deal_alerts._busy, timeout=5000)  # type: ignore[union-attr]
    shown: list[str] = []
    window.notifier.shown.connect(lambda title, _text: shown.append(title))
    _add_deal(sqlite_db, "Harbour cranes", "400000")
    window.apply_changes(Changes(deals=True))
    qtbot.waitUntil(lambda: shown == ["Large deal: Harbour cranes"], timeout=5000)
