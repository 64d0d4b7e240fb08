"""Leads: people we met but have not qualified yet (a business card, a web form)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import AddressMixin, CustomFieldsMixin, ImportedMixin, OwnedMixin
from crm_desktop.models.sort_keys import KEY_TYPE, key_default


class LeadStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


class Lead(ImportedMixin, CustomFieldsMixin, OwnedMixin, AddressMixin, Entity):
    __tablename__ = "lead"
    # Covers what the funnel, source and event reports count (see deal.py's ix_deal_report).
    __table_args__ = (
        Index(
            "ix_lead_report",
            "source_id",
            "event_id",
            "deleted_at",
            "created_at",
            "owner_id",
            "status",
        ),
        Index("ix_lead_sort_key", "sort_key", "id"),
        Index("ix_lead_company_sort_key", "company_sort_key", "id"),
    )

    person_name: Mapped[str] = mapped_column(String(300), index=True)
    company_name: Mapped[str | None] = mapped_column(String(300), default=None, index=True)
    # sort_keys.sort_key of person_name and of company_name ('' for none): the lists' order.
    sort_key: Mapped[str] = mapped_column(KEY_TYPE, default=key_default("person_name", person=True))
    company_sort_key: Mapped[str] = mapped_column(
        KEY_TYPE, default=key_default("company_name", person=False)
    )
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True, default=None
    )
    source_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lead_source.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default=LeadStatus.NEW.value, index=True)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    card_image: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    # What the lead became when it was converted (the deal points back via Deal.lead_id).
    converted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Indexed: a contact's or company's timeline finds the lead it was converted from.
    converted_company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), default=None, index=True
    )
    converted_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None, index=True
    )
