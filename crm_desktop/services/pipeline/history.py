"""How a deal enters a stage: its stage, pipeline and dates, and a row in its history.

The deal form (records.save_record), lead conversion, the board's moves and the stage
editor's "move these deals first" all set the stage with `set_stage` and write the row with
`log_stage_change` (`enter_stage` does both for a saved deal), so every stage change is in
`deal_stage_change` with who made it and when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Deal, DealStageChange, Stage, User, utcnow
from crm_desktop.services.users import current_user_id


@dataclass(frozen=True)
class StageChange:
    """One row of a deal's stage history, oldest first."""

    from_stage: str | None  # None: the deal was created in `to_stage`
    to_stage: str
    changed_at: dt.datetime
    changed_by: str | None  # the user's name
    lost_reason: str | None


def set_stage(
    deal: Deal, stage: Stage, *, lost_reason: str | None = None, now: dt.datetime | None = None
) -> None:
    """Put the deal in `stage`: its pipeline follows, won or lost closes it, others reopen it.

    A lost reason given with a Lost stage is stored on the deal. `log_stage_change`
    writes the history row; `enter_stage` does both.
    """
    when = now or utcnow()
    deal.stage_id = stage.id
    deal.pipeline_id = stage.pipeline_id
    deal.stage_entered_at = when
    deal.closed_at = when if (stage.is_won or stage.is_lost) else None
    reason = (lost_reason or "").strip()
    if stage.is_lost and reason:
        deal.lost_reason = reason[:300]


def log_stage_change(
    session: Session,
    deal: Deal,
    from_stage: Stage | None,
    to_stage: Stage,
    *,
    changed_by: uuid.UUID | None = None,
) -> DealStageChange:
    """Add the history row of a move `set_stage` made (from_stage None: a new deal).

    The row refers to the deal, so a new deal is flushed first (the session orders no
    inserts between tables that have no relationship). Names are copied; the lost reason
    is the deal's when it went to a Lost stage.
    """
    if not inspect(deal).persistent:
        session.add(deal)
        session.flush()
    row = DealStageChange(
        deal_id=deal.id,
        from_stage_id=from_stage.id if from_stage is not None else None,
        from_stage_name=from_stage.name if from_stage is not None else None,
        to_stage_id=to_stage.id,
        to_stage_name=to_stage.name,
        changed_by_id=changed_by if changed_by is not None else current_user_id(session),
        changed_at=deal.stage_entered_at or utcnow(),
        lost_reason=deal.lost_reason if to_stage.is_lost else None,
    )
    session.add(row)
    return row


def enter_stage(
    session: Session,
    deal: Deal,
    stage: Stage,
    *,
    lost_reason: str | None = None,
    changed_by: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> DealStageChange:
    """Move a saved deal to `stage` and record the move; the caller commits."""
    previous = session.get(Stage, deal.stage_id) if deal.stage_id is not None else None
    set_stage(deal, stage, lost_reason=lost_reason, now=now)
    return log_stage_change(session, deal, previous, stage, changed_by=changed_by)


def stage_history(sessions: sessionmaker[Session], deal_id: uuid.UUID) -> tuple[StageChange, ...]:
    """A deal's moves from stage to stage, oldest first (names as they were at the time)."""
    with sessions() as session:
        rows = session.execute(
            select(
                DealStageChange.from_stage_name,
                DealStageChange.to_stage_name,
                DealStageChange.changed_at,
                User.name,
                DealStageChange.lost_reason,
            )
            .outerjoin(User, User.id == DealStageChange.changed_by_id)
            .where(DealStageChange.deal_id == deal_id, DealStageChange.deleted_at.is_(None))
            .order_by(DealStageChange.changed_at, DealStageChange.created_at)
        ).all()
    return tuple(StageChange(*row) for row in rows)
