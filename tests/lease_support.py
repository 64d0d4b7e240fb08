"""For tests of a stopped import: its lease running out, as it does LEASE after a kill."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from crm_desktop.models import ImportBatch, utcnow
from crm_desktop.models.database import Database


def lease_runs_out(db: Database, batch_id: uuid.UUID) -> None:
    """As two minutes later: a killed program's lease has expired (SQLite's only way to know
    it is gone; on PostgreSQL its advisory lock went with its connection already)."""
    with db.sessions.begin() as session:
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(lease_until=utcnow() - dt.timedelta(seconds=1))
        )
