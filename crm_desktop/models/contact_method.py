"""E-mail addresses, phones, websites and IM handles, one row each."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import ImportedMixin


class MethodKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    MOBILE = "mobile"
    FAX = "fax"
    WEBSITE = "website"
    WECHAT = "wechat"
    QQ = "qq"
    WHATSAPP = "whatsapp"
    IM = "im"


PHONE_KINDS = frozenset({MethodKind.PHONE, MethodKind.MOBILE, MethodKind.FAX})


class ContactMethod(ImportedMixin, Entity):
    """Belongs to exactly one lead, contact or company."""

    __tablename__ = "contact_method"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN lead_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_parent",
        ),
        Index("ix_contact_method_normalized", "normalized"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(100), default=None)
    value: Mapped[str] = mapped_column(String(500))
    # E.164 for phones, lower case for e-mails: what duplicate checks and search compare.
    normalized: Mapped[str | None] = mapped_column(String(500), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lead.id", ondelete="CASCADE"), index=True, default=None
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True, default=None
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("company.id", ondelete="CASCADE"), index=True, default=None
    )
