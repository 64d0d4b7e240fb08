"""Where leads come from: events (trade shows, campaigns) and lead sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import OwnedMixin


class Event(OwnedMixin, Entity):
    """A trade show or campaign; leads and deals remember the one they came from."""

    __tablename__ = "event"

    name: Mapped[str] = mapped_column(String(300), index=True)
    starts_on: Mapped[dt.date | None] = mapped_column(default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(default=None)
    place: Mapped[str | None] = mapped_column(String(300), default=None)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class LeadSource(Entity):
    """How a lead reached us: trade show, website, referral, cold call..."""

    __tablename__ = "lead_source"

    name: Mapped[str] = mapped_column(String(200), unique=True)
