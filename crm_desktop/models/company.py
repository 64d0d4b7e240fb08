"""Companies (accounts)."""

from __future__ import annotations

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import (
    AddressMixin,
    CustomFieldsMixin,
    FollowUpMixin,
    ImportedMixin,
    OwnedMixin,
)
from crm_desktop.models.sort_keys import KEY_TYPE, key_default


class Company(ImportedMixin, CustomFieldsMixin, OwnedMixin, AddressMixin, FollowUpMixin, Entity):
    __tablename__ = "company"

    name: Mapped[str] = mapped_column(String(300), index=True)
    sort_key: Mapped[str] = mapped_column(KEY_TYPE, default=key_default("name", person=False))
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    # Lower-case host without "www.", for duplicate checks against e-mail domains.
    domain: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    industry: Mapped[str | None] = mapped_column(String(200), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


Index("ix_company_sort_key", Company.sort_key, Company.id)
