"""Moving one deal to another stage from the board (drag and drop or a shortcut)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Deal, Stage, utcnow
from crm_desktop.services.changes import Changes
from crm_desktop.services.pipeline.history import enter_stage
from crm_desktop.services.versioned import check_version, stale_as_error


class MoveError(ValueError):
    """The deal cannot be moved there; the message says why, in words for the user."""


class LostReasonRequiredError(MoveError):
    """A deal goes to Lost only with a reason."""


@dataclass(frozen=True)
class StagePlace:
    """Where a deal stood before a move: what undoing the move puts back."""

    stage_id: uuid.UUID
    stage_name: str
    pipeline_id: uuid.UUID | None
    entered_at: dt.datetime | None
    closed_at: dt.datetime | None
    lost_reason: str | None


@dataclass(frozen=True)
class MoveResult:
    deal_id: uuid.UUID
    title: str
    from_stage_id: uuid.UUID | None
    to_stage_id: uuid.UUID
    to_stage_name: str
    version: int
    closed: bool  # the deal went to Won or Lost
    changes: Changes
    before: StagePlace | None = None  # None: the deal did not move
    history_id: uuid.UUID | None = None  # the stage-history row of this move


def move_deal(
    sessions: sessionmaker[Session],
    deal_id: uuid.UUID,
    stage_id: uuid.UUID,
    *,
    lost_reason: str | None = None,
    expected_version: int | None = None,
) -> MoveResult:
    """Put the deal in the stage and add the move to its history, in one transaction.

    A move to a Lost stage needs a reason (kept on the deal and in the history row);
    Won and Lost close the deal. Moving a deal to the stage it is in changes nothing.
    With `expected_version` (the card's), a deal changed since raises StaleRecordError;
    a save that slips in between does too, with or without it.
    """
    with stale_as_error("deal"), sessions.begin() as session:
        deal, stage = _load(session, deal_id, stage_id)
        check_version(deal, expected_version, "deal")
        previous = deal.stage_id
        before = history_id = None
        if previous != stage.id:
            if stage.is_lost and not (lost_reason or "").strip():
                raise LostReasonRequiredError(
                    f"Say why “{deal.title}” was lost before moving it to {stage.name}."
                )
            before = _place(session, deal)
            row = enter_stage(session, deal, stage, lost_reason=lost_reason, now=utcnow())
            if not stage.is_lost:
                deal.lost_reason = None  # a reopened or won deal is no longer lost
            session.flush()
            history_id = row.id
        return MoveResult(
            deal_id=deal.id,
            title=deal.title,
            from_stage_id=previous,
            to_stage_id=stage.id,
            to_stage_name=stage.name,
            version=deal.version,
            closed=stage.is_won or stage.is_lost,
            changes=Changes(deals=previous != stage.id),
            before=before,
            history_id=history_id,
        )


def _place(session: Session, deal: Deal) -> StagePlace | None:
    stage = session.get(Stage, deal.stage_id) if deal.stage_id is not None else None
    if stage is None:
        return None
    return StagePlace(
        stage_id=stage.id,
        stage_name=stage.name,
        pipeline_id=deal.pipeline_id,
        entered_at=deal.stage_entered_at,
        closed_at=deal.closed_at,
        lost_reason=deal.lost_reason,
    )


def _load(session: Session, deal_id: uuid.UUID, stage_id: uuid.UUID) -> tuple[Deal, Stage]:
    deal = session.get(Deal, deal_id, populate_existing=True)
    if deal is None or deal.deleted_at is not None:
        raise MoveError("This deal was deleted meanwhile.")
    stage = session.get(Stage, stage_id)
    if stage is None or stage.deleted_at is not None:
        raise MoveError("That stage was removed meanwhile.")
    return deal, stage
