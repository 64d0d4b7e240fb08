"""Column groups shared by several entities."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class OwnedMixin:
    """The user who owns a record (sees it in "my" lists, gets its reminders)."""

    @declared_attr
    def owner_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)


class AddressMixin:
    """A postal address in parts, so imports can map 省/市/区 and Outlook columns alike."""

    street: Mapped[str | None] = mapped_column(Text, default=None)
    city: Mapped[str | None] = mapped_column(String(200), default=None)
    region: Mapped[str | None] = mapped_column(String(200), default=None)
    postal_code: Mapped[str | None] = mapped_column(String(40), default=None)
    country: Mapped[str | None] = mapped_column(String(100), default=None)


class ImportedMixin:
    """The import batch that created the row (None when a person did): what undo removes.

    No foreign key: adding one to a million-row SQLite table rebuilds the table, and
    the id stays meaningful as history even if the batch row is gone.
    """

    import_batch_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class CustomFieldsMixin:
    """Values from imported columns that match no field, by column header: kept, not dropped."""

    custom_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class FollowUpMixin:
    """When the record was last called, met or e-mailed, and when its soonest open activity is.

    Derived from its activities (services/activities/follow_up.py keeps them current) and
    indexed, so the lists filter and sort a million contacts by them without visiting
    each one's activities. Updating them is no edit of the record: its version stays.
    """

    last_contact_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    next_step_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        # With deleted_at, a follow-up filter's count reads the index alone.
        table = cls.__tablename__  # type: ignore[attr-defined]
        return (
            Index(f"ix_{table}_last_contact", "last_contact_at", "deleted_at"),
            Index(f"ix_{table}_next_step", "next_step_at", "deleted_at"),
        )
