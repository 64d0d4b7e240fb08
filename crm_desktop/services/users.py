"""Who is using the program: the one answer behind every "me", default owner and history "who".

A single-user database has one local user, made with it (models/seed.py): that is who
works. A database without a live local user (one a team shares, or whose local user was
removed) answers its first user, the oldest. Sign-in for team databases will be decided
here, and every caller follows.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_desktop.models import User

__all__ = ["current_user_id"]


def current_user_id(session: Session) -> uuid.UUID | None:
    """The current user's id: the live local user, else the oldest live user; None if none."""
    return session.scalar(
        select(User.id)
        .where(User.deleted_at.is_(None))
        .order_by(User.is_local.desc(), User.created_at, User.id)
        .limit(1)
    )
