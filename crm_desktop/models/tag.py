"""Free tags on leads, contacts, companies and deals."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity


class Tag(Entity):
    __tablename__ = "tag"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    color: Mapped[str | None] = mapped_column(String(20), default=None)


class Tagging(Entity):
    """One tag on one record. A row of its own (not a bare link) so sync can carry it."""

    __tablename__ = "tagging"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN lead_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN company_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN deal_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lead.id", ondelete="CASCADE"), index=True, default=None
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True, default=None
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("company.id", ondelete="CASCADE"), index=True, default=None
    )
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deal.id", ondelete="CASCADE"), index=True, default=None
    )
