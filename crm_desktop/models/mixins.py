"""Column groups shared by several entities."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
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
