"""Watches the stage history for large deals and tells managers with a desktop notification.

It asks the database every half minute (other laptops' moves arrive that way) and
right after this window changed a deal. The moment of the last alert shown is kept
in QSettings per database, so a restart does not repeat old news and a first start
does not dig up the past.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QTimer

from crm_desktop.models import utcnow
from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.deal_alerts import (
    AlertCheck,
    LargeDealAlert,
    check_large_deals,
    wants_alerts,
)
from crm_desktop.views.notifier import TrayNotifier
from crm_desktop.views.worker import run_in_background

log = logging.getLogger(__name__)


def _check(db: Database, since: dt.datetime) -> AlertCheck | None:
    if not wants_alerts(db.sessions):
        return None
    return check_large_deals(db.sessions, since)


class DealAlertWatcher(QObject):
    POLL_MS = 30_000
    # More than this many at once become one summary notification.
    ONE_BY_ONE = 3

    def __init__(
        self,
        db: Database,
        settings: QSettings,
        notifier: TrayNotifier,
        open_deal: Callable[[uuid.UUID], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._settings = settings
        self._notifier = notifier
        self._open_deal = open_deal
        self._busy = False
        digest = hashlib.sha1(db.describe().encode()).hexdigest()[:12]
        self._key = f"alerts/large_deals_since/{digest}"
        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        if self._since() is None:
            self._store(utcnow())
        self.timer.start()
        self.check()

    def apply_changes(self, changes: Changes) -> None:
        if changes.deals:
            self.check()

    def check(self) -> None:
        since = self._since()
        if self._busy or since is None:
            return
        self._busy = True
        run_in_background(
            _check,
            parent=self,
            on_done=self._on_check_done,
            on_error=self._on_check_failed,
            db=self._db,
            since=since,
        )

    def _on_check_done(self, result: AlertCheck | None) -> None:
        self._busy = False
        if result is None or not result.alerts:
            return
        self._store(result.newest)
        if len(result.alerts) > self.ONE_BY_ONE or result.more:
            self._notify_many(result)
        else:
            for alert in result.alerts:
                self._notify_one(alert)

    def _on_check_failed(self, message: str, trace: str) -> None:
        # A poll that fails (database offline) is tried again at the next tick.
        self._busy = False
        log.warning("large-deal check failed: %s\n%s", message, trace)

    def _notify_one(self, alert: LargeDealAlert) -> None:
        money = f"{alert.amount:,.0f} {alert.currency}"
        where = f"{alert.title} · {alert.company}" if alert.company else alert.title
        if alert.from_stage is None:
            text = self.tr("New deal of %1 in %2").replace("%1", money).replace("%2", alert.stage)
        else:
            text = (
                self.tr("%1 moved from %2 to %3")
                .replace("%1", money)
                .replace("%2", alert.from_stage)
                .replace("%3", alert.stage)
            )
        if alert.changed_by:
            text += "\n" + self.tr("by %1").replace("%1", alert.changed_by)
        deal_id = alert.deal_id
        self._notifier.notify(
            self.tr("Large deal: %1").replace("%1", where), text, lambda: self._open_deal(deal_id)
        )

    def _notify_many(self, result: AlertCheck) -> None:
        count = len(result.alerts) + result.more
        lines = [f"{a.title}: {a.stage}" for a in result.alerts[-self.ONE_BY_ONE :]]
        newest = result.alerts[-1].deal_id
        self._notifier.notify(
            self.tr("%n large deal(s) created or moved on", "", count),
            "\n".join(lines),
            lambda: self._open_deal(newest),
        )

    def _since(self) -> dt.datetime | None:
        raw = self._settings.value(self._key)
        if not raw:
            return None
        try:
            return dt.datetime.fromisoformat(str(raw))
        except ValueError:
            return None

    def _store(self, moment: dt.datetime) -> None:
        self._settings.setValue(self._key, moment.isoformat())
