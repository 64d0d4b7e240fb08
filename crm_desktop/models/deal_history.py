"""A deal's stage history: one row per move, who made it and when."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity, utcnow


class DealStageChange(Entity):
    """The deal went from one stage to another (from is empty when the deal was created).

    Stage names are copied so the history still reads right after a stage is renamed
    or removed; the ids serve the reports (stage-to-stage conversion).
    """

    __tablename__ = "deal_stage_change"
    __table_args__ = (Index("ix_deal_stage_change_deal_changed", "deal_id", "changed_at"),)

    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stage.id", ondelete="SET NULL"), default=None
    )
    to_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stage.id", ondelete="SET NULL"), index=True, default=None
    )
    from_stage_name: Mapped[str | None] = mapped_column(String(200), default=None)
    to_stage_name: Mapped[str] = mapped_column(String(200))
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    # Indexed: alerts and reports ask for the moves of a period.
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # Why the deal was lost, when this move is to a Lost stage.
    lost_reason: Mapped[str | None] = mapped_column(String(300), default=None)
