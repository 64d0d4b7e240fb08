"""People who use the CRM: reps, managers and admins."""

from __future__ import annotations

import enum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity


class UserRole(enum.StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class User(Entity):
    __tablename__ = "user_account"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    role: Mapped[str] = mapped_column(String(20), default=UserRole.REP.value)
    # The one user a fresh single-user database starts with.
    is_local: Mapped[bool] = mapped_column(default=False)
