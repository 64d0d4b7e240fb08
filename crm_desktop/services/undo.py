"""Taking back the last edit, board move or delete (Ctrl+Z in the window).

Each kind of action leaves what undoing it needs: a form save its `RecordState` (the
fields, methods and tags it replaced), a board move its `StagePlace` and history row, a
delete its `UndoToken`. `undo` puts the record back through the same services, and only
if nobody changed it since: the version the action left is checked the one way of
`services/versioned.py`, and a record changed meanwhile raises StaleRecordError instead
of being overwritten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Deal, DealStageChange, Stage, utcnow
from crm_desktop.services.changes import Changes
from crm_desktop.services.listing import Kind
from crm_desktop.services.pipeline.moves import MoveResult
from crm_desktop.services.records import (
    FIELDS,
    RecordNotFoundError,
    RecordState,
    SaveResult,
    UndoToken,
    save_record,
    undo_delete,
)
from crm_desktop.services.versioned import check_version, stale_as_error

__all__ = [
    "Action",
    "EditAction",
    "MoveAction",
    "UndoError",
    "action_label",
    "describe",
    "edit_action",
    "move_action",
    "undo",
]


class UndoError(ValueError):
    """The action cannot be taken back; the message says why, in words for the user."""


@dataclass(frozen=True)
class EditAction:
    """A saved change to a record's form."""

    kind: Kind
    id: uuid.UUID
    version: int  # the record's version after the save
    label: str
    previous: RecordState


@dataclass(frozen=True)
class MoveAction:
    """A deal moved to another stage on the board."""

    move: MoveResult


Action = UndoToken | EditAction | MoveAction


def edit_action(result: SaveResult) -> EditAction | None:
    """The undoable part of a form save; None for a new record or a save that changed nothing."""
    previous = result.previous
    detail = result.detail
    if previous is None or detail.id is None:
        return None
    if not previous.values and previous.methods is None and previous.tags is None:
        return None
    label = str(detail.fields.get(FIELDS[detail.kind][0].key) or "")
    return EditAction(detail.kind, detail.id, detail.version, label, previous)


def move_action(result: MoveResult) -> MoveAction | None:
    """The undoable part of a board move; None when the deal did not move."""
    return MoveAction(result) if result.before is not None else None


def action_label(action: Action) -> str:
    """The name of the record the action was about: "Big order", "Anna Berg"."""
    if isinstance(action, MoveAction):
        return action.move.title
    return action.label


def describe(action: Action) -> str:
    """The action in a few words: "moved “Big order” from Proposal to Won"."""
    if isinstance(action, UndoToken):
        return f"deleted “{action.label}”"
    if isinstance(action, EditAction):
        return f"edited “{action.label}”"
    move = action.move
    before = move.before.stage_name if move.before is not None else "?"
    return f"moved “{move.title}” from {before} to {move.to_stage_name}"


def undo(sessions: sessionmaker[Session], action: Action) -> Changes:
    """Take the action back. StaleRecordError if the record changed since;
    RecordNotFoundError if it is gone (or, for a delete, already back); UndoError otherwise."""
    if isinstance(action, UndoToken):
        return undo_delete(sessions, action)
    if isinstance(action, EditAction):
        return _undo_edit(sessions, action)
    return _undo_move(sessions, action.move)


def _undo_edit(sessions: sessionmaker[Session], action: EditAction) -> Changes:
    previous = action.previous
    # The form's own save path: the same checks, the version the edit left, a stage
    # change back in the deal's history like any other.
    result = save_record(
        sessions,
        action.kind,
        action.id,
        action.version,
        dict(previous.values),
        list(previous.methods) if previous.methods is not None else None,
        list(previous.tags) if previous.tags is not None else None,
    )
    return result.changes


def _undo_move(sessions: sessionmaker[Session], move: MoveResult) -> Changes:
    before = move.before
    if before is None:
        return Changes()
    with stale_as_error("deal"), sessions.begin() as session:
        deal: Any = session.get(Deal, move.deal_id, populate_existing=True)
        if deal is None or deal.deleted_at is not None:
            raise RecordNotFoundError(f"deal {move.deal_id} was deleted")
        check_version(deal, move.version, "deal")
        stage = session.get(Stage, before.stage_id)
        if stage is None or stage.deleted_at is not None:
            raise UndoError(f"The stage {before.stage_name} was removed meanwhile.")
        # The mistaken move is taken back whole: the deal stands where it stood (its days
        # in the stage too), and the move's history row is tombstoned.
        deal.stage_id = stage.id
        deal.pipeline_id = before.pipeline_id or stage.pipeline_id
        deal.stage_entered_at = before.entered_at
        deal.closed_at = before.closed_at
        deal.lost_reason = before.lost_reason
        if move.history_id is not None:
            row = session.get(DealStageChange, move.history_id)
            if row is not None and row.deleted_at is None:
                row.deleted_at = utcnow()
        session.flush()
    return Changes(deals=True)
