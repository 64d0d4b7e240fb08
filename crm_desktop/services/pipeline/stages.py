"""The stage editor: add, rename, reorder and tune stages; more pipelines. No deal is lost.

A stage that holds open deals is removed only together with a stage to move them to;
the moves go into each deal's history like any other. Removing is a soft delete
(`deleted_at`), so old history rows and reports keep the stage. Won and Lost stages stay
at the end of their pipeline and cannot be removed: the board's drop zones need them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Deal, DealStageChange, Pipeline, Stage, utcnow
from crm_desktop.models.seed import DEFAULT_STAGES
from crm_desktop.services.changes import Changes
from crm_desktop.services.pipeline.board import PipelineInfo, StageInfo, pipeline_stages
from crm_desktop.services.users import current_user_id

MAX_STALE_DAYS = 3650


class StageEditError(ValueError):
    """A stage edit that cannot be saved; the message says why."""


class StageInUseError(StageEditError):
    """The stage still holds deals: say where they go before removing it."""

    def __init__(self, stage_name: str, deals: int):
        super().__init__(
            f"“{stage_name}” still holds {deals:,} {'deal' if deals == 1 else 'deals'}: "
            "choose a stage to move them to first."
        )
        self.stage_name = stage_name
        self.deals = deals


@dataclass(frozen=True)
class EditableStage:
    """A stage as the editor lists it, with how many open deals it holds."""

    stage: StageInfo
    deals: int


@dataclass(frozen=True)
class StageDraft:
    """One row of the editor when it is saved: an existing stage (id) or a new one (None)."""

    id: uuid.UUID | None
    name: str
    probability: int
    stale_days: int | None = None


# ---- reading ---------------------------------------------------------------------------------


def list_pipelines(sessions: sessionmaker[Session]) -> tuple[PipelineInfo, ...]:
    with sessions() as session:
        rows = session.execute(
            select(Pipeline.id, Pipeline.name, Pipeline.is_default)
            .where(Pipeline.deleted_at.is_(None))
            .order_by(Pipeline.position, Pipeline.name)
        ).all()
    return tuple(PipelineInfo(*row) for row in rows)


def editable_stages(
    sessions: sessionmaker[Session], pipeline_id: uuid.UUID
) -> tuple[EditableStage, ...]:
    """The pipeline's stages in board order, each with its number of live deals."""
    with sessions() as session:
        stages = pipeline_stages(session, pipeline_id)
        counts = dict(
            session.execute(
                select(Deal.stage_id, func.count())
                .where(Deal.pipeline_id == pipeline_id, Deal.deleted_at.is_(None))
                .group_by(Deal.stage_id)
            ).all()
        )
    return tuple(EditableStage(stage, int(counts.get(stage.id, 0))) for stage in stages)


# ---- one edit at a time ----------------------------------------------------------------------


def add_stage(
    sessions: sessionmaker[Session],
    pipeline_id: uuid.UUID,
    name: str,
    probability: int,
    stale_days: int | None = None,
) -> uuid.UUID:
    """A new open stage after the pipeline's other open stages (before Won and Lost)."""
    with sessions.begin() as session:
        _live_pipeline(session, pipeline_id)
        stage = _new_stage(session, pipeline_id, StageDraft(None, name, probability, stale_days))
        _renumber(session, pipeline_id, [*_open_ids(session, pipeline_id), stage.id])
        return stage.id


def update_stage(
    sessions: sessionmaker[Session],
    stage_id: uuid.UUID,
    name: str,
    probability: int,
    stale_days: int | None,
) -> Changes:
    """Rename a stage, change its probability and its stale limit."""
    with sessions.begin() as session:
        stage = _live_stage(session, stage_id)
        _apply_draft(session, stage, StageDraft(stage.id, name, probability, stale_days))
    return Changes(pipelines=True, deals=True)


def reorder_stages(
    sessions: sessionmaker[Session], pipeline_id: uuid.UUID, open_stage_ids: Sequence[uuid.UUID]
) -> Changes:
    """Put the open stages in this order (every open stage once); Won and Lost stay last."""
    with sessions.begin() as session:
        _live_pipeline(session, pipeline_id)
        if sorted(open_stage_ids) != sorted(_open_ids(session, pipeline_id)):
            raise StageEditError("The new order must name every open stage of the pipeline once.")
        _renumber(session, pipeline_id, list(open_stage_ids))
    return Changes(pipelines=True, deals=True)


def remove_stage(
    sessions: sessionmaker[Session], stage_id: uuid.UUID, move_to: uuid.UUID | None = None
) -> Changes:
    """Remove a stage; its deals go to `move_to` first (required when it holds live deals)."""
    with sessions.begin() as session:
        stage = _live_stage(session, stage_id)
        _remove(session, stage, move_to, removing={stage.id})
        _renumber(session, stage.pipeline_id, _open_ids(session, stage.pipeline_id))
    return Changes(pipelines=True, deals=True)


# ---- the editor's save: everything in one transaction ----------------------------------------


def save_stages(
    sessions: sessionmaker[Session],
    pipeline_id: uuid.UUID,
    drafts: Sequence[StageDraft],
    removals: Mapping[uuid.UUID, uuid.UUID | None] | None = None,
) -> Changes:
    """Apply the stage editor: `drafts` in board order (new stages with id None), and the
    stages removed, each with the stage its deals move to. All of it or nothing."""
    removals = dict(removals or {})
    with sessions.begin() as session:
        _live_pipeline(session, pipeline_id)
        current = {s.id: s for s in _stages(session, pipeline_id)}
        for stage_id in removals:
            if stage_id not in current:
                raise StageEditError("A stage to remove is not in this pipeline any more.")
        for draft in drafts:
            if draft.id is not None and (draft.id not in current or draft.id in removals):
                raise StageEditError(f"The stage “{draft.name}” was removed meanwhile.")
        kept = [d.id for d in drafts if d.id is not None]
        missing = set(current) - set(kept) - set(removals)
        if missing:
            raise StageEditError("Every stage must be kept or removed; reload the editor.")
        _check_names(drafts)
        # Removals first: a new stage may take the name of one removed in the same save.
        for stage_id, move_to in removals.items():
            _remove(session, current[stage_id], move_to, removing=set(removals))
        ordered: list[uuid.UUID] = []
        for draft in drafts:
            if draft.id is None:
                stage = _new_stage(session, pipeline_id, draft)
            else:
                stage = current[draft.id]
                _apply_draft(session, stage, draft)
            if not (stage.is_won or stage.is_lost):
                ordered.append(stage.id)
        if not ordered:
            raise StageEditError("A pipeline needs at least one open stage.")
        _renumber(session, pipeline_id, ordered)
    return Changes(pipelines=True, deals=True)


# ---- pipelines -------------------------------------------------------------------------------


def create_pipeline(sessions: sessionmaker[Session], name: str) -> PipelineInfo:
    """A new pipeline with the default stages, after the existing ones."""
    clean = _name(name, "pipeline")
    with sessions.begin() as session:
        names = session.scalars(select(Pipeline.name).where(Pipeline.deleted_at.is_(None)))
        if clean.casefold() in {n.casefold() for n in names}:
            raise StageEditError(f"There is a pipeline called “{clean}” already.")
        last = session.scalar(select(func.max(Pipeline.position))) or 0
        pipeline = Pipeline(name=clean, position=last + 1, is_default=False)
        session.add(pipeline)
        session.flush()
        for position, (stage_name, probability, won, lost) in enumerate(DEFAULT_STAGES):
            session.add(
                Stage(
                    pipeline_id=pipeline.id,
                    name=stage_name,
                    position=position,
                    probability=probability,
                    is_won=won,
                    is_lost=lost,
                )
            )
        return PipelineInfo(pipeline.id, pipeline.name, pipeline.is_default)


def rename_pipeline(sessions: sessionmaker[Session], pipeline_id: uuid.UUID, name: str) -> Changes:
    clean = _name(name, "pipeline")
    with sessions.begin() as session:
        pipeline = _live_pipeline(session, pipeline_id)
        names = session.scalars(
            select(Pipeline.name).where(Pipeline.deleted_at.is_(None), Pipeline.id != pipeline_id)
        )
        if clean.casefold() in {n.casefold() for n in names}:
            raise StageEditError(f"There is a pipeline called “{clean}” already.")
        pipeline.name = clean
    return Changes(pipelines=True, deals=True)


# ---- helpers ---------------------------------------------------------------------------------


def _live_pipeline(session: Session, pipeline_id: uuid.UUID) -> Pipeline:
    pipeline = session.get(Pipeline, pipeline_id)
    if pipeline is None or pipeline.deleted_at is not None:
        raise StageEditError("This pipeline was removed.")
    return pipeline


def _live_stage(session: Session, stage_id: uuid.UUID) -> Stage:
    stage = session.get(Stage, stage_id)
    if stage is None or stage.deleted_at is not None:
        raise StageEditError("This stage was removed meanwhile.")
    return stage


def _stages(session: Session, pipeline_id: uuid.UUID) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage)
            .where(Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None))
            .order_by(Stage.position, Stage.name)
        )
    )


def _open_ids(session: Session, pipeline_id: uuid.UUID) -> list[uuid.UUID]:
    return [s.id for s in _stages(session, pipeline_id) if not (s.is_won or s.is_lost)]


def _renumber(session: Session, pipeline_id: uuid.UUID, open_ids: Sequence[uuid.UUID]) -> None:
    """Positions 0.. for the open stages in this order, then Won, then Lost."""
    stages = {s.id: s for s in _stages(session, pipeline_id)}
    closed = sorted(
        (s for s in stages.values() if s.is_won or s.is_lost),
        key=lambda s: (s.is_lost, s.position),
    )
    for position, stage in enumerate([*(stages[i] for i in open_ids), *closed]):
        if stage.position != position:
            stage.position = position


def _name(raw: str, what: str) -> str:
    clean = " ".join(raw.split())
    if not clean:
        raise StageEditError(f"A {what} needs a name.")
    if len(clean) > 200:
        raise StageEditError(f"A {what} name is at most 200 characters long.")
    return clean


def _check_draft(draft: StageDraft) -> StageDraft:
    if not 0 <= draft.probability <= 100:
        raise StageEditError(f"The probability of “{draft.name}” must be between 0 and 100 %.")
    if draft.stale_days is not None and not 1 <= draft.stale_days <= MAX_STALE_DAYS:
        raise StageEditError(
            f"The stale limit of “{draft.name}” must be 1 to {MAX_STALE_DAYS} days, or none."
        )
    return StageDraft(draft.id, _name(draft.name, "stage"), draft.probability, draft.stale_days)


def _check_names(drafts: Sequence[StageDraft]) -> None:
    seen: set[str] = set()
    for draft in drafts:
        key = " ".join(draft.name.split()).casefold()
        if key in seen:
            raise StageEditError(f"Two stages are called “{draft.name.strip()}”.")
        seen.add(key)


def _new_stage(session: Session, pipeline_id: uuid.UUID, draft: StageDraft) -> Stage:
    clean = _check_draft(draft)
    _unique_name(session, pipeline_id, clean.name, None)
    stage = Stage(
        pipeline_id=pipeline_id,
        name=clean.name,
        position=10_000,  # renumbered by the caller
        probability=clean.probability,
        stale_days=clean.stale_days,
    )
    session.add(stage)
    session.flush()
    return stage


def _apply_draft(session: Session, stage: Stage, draft: StageDraft) -> None:
    clean = _check_draft(draft)
    if clean.name != stage.name:
        _unique_name(session, stage.pipeline_id, clean.name, stage.id)
        stage.name = clean.name
    if clean.probability != stage.probability:
        stage.probability = clean.probability
    if clean.stale_days != stage.stale_days:
        stage.stale_days = clean.stale_days


def _unique_name(
    session: Session, pipeline_id: uuid.UUID, name: str, stage_id: uuid.UUID | None
) -> None:
    session.flush()  # names changed earlier in this save count
    rows = session.execute(
        select(Stage.id, Stage.name).where(
            Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None)
        )
    )
    if any(other != stage_id and n.casefold() == name.casefold() for other, n in rows):
        raise StageEditError(f"There is a stage called “{name}” in this pipeline already.")


def _remove(
    session: Session, stage: Stage, move_to: uuid.UUID | None, *, removing: set[uuid.UUID]
) -> int:
    """Soft-delete the stage after moving its deals to `move_to`; the number of deals moved."""
    if stage.is_won or stage.is_lost:
        raise StageEditError(
            f"“{stage.name}” closes deals as {'won' if stage.is_won else 'lost'}: "
            "it can be renamed but not removed."
        )
    live = session.scalar(
        select(func.count()).where(Deal.stage_id == stage.id, Deal.deleted_at.is_(None))
    )
    target: Stage | None = None
    if move_to is not None:
        target = session.get(Stage, move_to)
        if (
            target is None
            or target.deleted_at is not None
            or target.id in removing
            or target.pipeline_id != stage.pipeline_id
            or target.is_won
            or target.is_lost
        ):
            raise StageEditError(
                f"Choose another open stage of this pipeline for the deals of “{stage.name}”."
            )
    elif live:
        raise StageInUseError(stage.name, int(live or 0))
    moved = 0
    if target is None:
        # Only deleted deals are left (or none): they follow the first stage that stays, so
        # an undone delete brings a deal back into a stage that exists.
        target = next(
            (
                s
                for s in _stages(session, stage.pipeline_id)
                if s.id not in removing and not (s.is_won or s.is_lost)
            ),
            None,
        )
    if target is not None:
        moved = _move_all(session, stage, target)
    stage.deleted_at = utcnow()
    return moved


def _move_all(session: Session, source: Stage, target: Stage) -> int:
    """Every deal of `source` into the open stage `target`, each with a history row.

    Two statements whatever the number of deals: one insert of the rows, one update.
    """
    now = utcnow()
    rows = session.execute(select(Deal.id).where(Deal.stage_id == source.id)).all()
    if not rows:
        return 0
    who = current_user_id(session)
    session.execute(
        insert(DealStageChange),
        [
            {
                "deal_id": deal_id,
                "from_stage_id": source.id,
                "from_stage_name": source.name,
                "to_stage_id": target.id,
                "to_stage_name": target.name,
                "changed_by_id": who,
                "changed_at": now,
            }
            for (deal_id,) in rows
        ],
    )
    session.execute(
        update(Deal)
        .where(Deal.stage_id == source.id)
        .values(
            stage_id=target.id,
            pipeline_id=target.pipeline_id,
            stage_entered_at=now,
            updated_at=now,
            version=Deal.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return len(rows)
