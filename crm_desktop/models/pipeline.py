"""Sales pipelines and their ordered stages."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity


class Pipeline(Entity):
    __tablename__ = "pipeline"

    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Stage(Entity):
    __tablename__ = "stage"

    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipeline.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Percent, 0 to 100: the chance a deal in this stage is won.
    probability: Mapped[int] = mapped_column(Integer, default=0)
    is_won: Mapped[bool] = mapped_column(default=False)
    is_lost: Mapped[bool] = mapped_column(default=False)
    # Days a deal may sit in this stage before the board marks it stale.
    stale_days: Mapped[int | None] = mapped_column(Integer, default=None)
