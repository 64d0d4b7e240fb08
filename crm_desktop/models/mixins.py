"""Column groups shared by several entities."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
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
