"""People at companies we do business with."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import (
    AddressMixin,
    CustomFieldsMixin,
    FollowUpMixin,
    ImportedMixin,
    OwnedMixin,
)
from crm_desktop.models.sort_keys import KEY_TYPE, key_default


class Contact(ImportedMixin, CustomFieldsMixin, OwnedMixin, AddressMixin, FollowUpMixin, Entity):
    __tablename__ = "contact"

    # The name exactly as written: "王小明" or "Anna-Lena Müller". Parts are optional extras.
    full_name: Mapped[str] = mapped_column(String(300), index=True)
    # sort_keys.sort_key(full_name): the order of the lists (Álvarez with A, 王伟 under W).
    sort_key: Mapped[str] = mapped_column(KEY_TYPE, default=key_default("full_name", person=True))
    given_name: Mapped[str | None] = mapped_column(String(200), default=None)
    family_name: Mapped[str | None] = mapped_column(String(200), default=None)
    phonetic_name: Mapped[str | None] = mapped_column(String(300), default=None)
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True, default=None
    )
    birthday: Mapped[dt.date | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    source_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lead_source.id", ondelete="SET NULL"), default=None
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True, default=None
    )
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))


# The lists' ORDER BY sort_key, id LIMIT n (and keyset seeks) walk this index.
Index("ix_contact_sort_key", Contact.sort_key, Contact.id)
