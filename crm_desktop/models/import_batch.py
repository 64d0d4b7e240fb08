"""Import history: one batch per imported file, and what undoing it needs.

Records an import creates carry its batch id (`import_batch_id` on lead, contact,
company, deal and contact_method), so undoing a million created records is one
UPDATE per table, not a million log rows. Records it changes get an
ImportChange row with their previous values and the version the import left
them at: a higher version at undo time means someone edited the record since.
Rows that failed are kept as ImportProblem rows with the cells as read, so the
summary can list them and save them as a sheet to fix and import again.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Base, Entity


class ImportStatus(enum.StrEnum):
    RUNNING = "running"  # or the process died: rows_done says how far it got
    COMPLETE = "complete"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # stopped by an error: undo it, or resume once the cause is fixed
    UNDONE = "undone"


class ImportBatch(Entity):
    __tablename__ = "import_batch"

    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    sheet: Mapped[str | None] = mapped_column(String(300), default=None)
    target: Mapped[str] = mapped_column(String(20))
    # Everything needed to run it again or resume it: mapping, header row, duplicate rule, region.
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.RUNNING.value)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    undone_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    # Data rows read and committed, counted from the first row under the header: resume here.
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # The program running it holds the lease (services/imports/lease.py): its token, renewed
    # with every batch it commits until lease_until; resume and undo wait until it is free.
    lease_token: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Rows that matched a record, per reason and outcome: {"email": {"skipped": 80}, ...}
    # (services/imports/tally.py). None for imports made before it was counted.
    duplicates: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class ImportChange(Base):
    """A record an import updated: its previous values, for undo."""

    __tablename__ = "import_change"
    # A record's timeline lists the imports that changed it.
    __table_args__ = (Index("ix_import_change_record", "record_id"),)

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Column -> value before the import, in JSON form (dates ISO, money as text).
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    version_after: Mapped[int] = mapped_column(Integer)


class ImportProblem(Base):
    """A row that was not imported, with the reason and the row as read."""

    __tablename__ = "import_problem"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    field: Mapped[str | None] = mapped_column(String(200), default=None)
    reason: Mapped[str] = mapped_column(Text)
    cells: Mapped[list[str]] = mapped_column(JSON, default=list)
