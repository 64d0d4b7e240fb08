"""Keeps each contact's and company's `last_contact_at` and `next_step_at` current.

Every service that creates, edits, checks off, moves or deletes activities calls
`refresh_follow_up` in its own transaction with the contacts and companies the activities
were and are linked to. The values are recomputed from the activities (never patched up
by hand), with a plain UPDATE: the record's version does not move, so a rep editing the
contact meanwhile can still save.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm_desktop.models import CONTACT_KINDS, Activity, Company, Contact

CHUNK = 500


def last_contact(link: Any, record_id: Any) -> Any:
    """The newest done call, meeting or e-mail of the record (a scalar subquery)."""
    return (
        select(func.max(Activity.occurs_at))
        .where(
            link == record_id,
            Activity.deleted_at.is_(None),
            Activity.done.is_(True),
            Activity.kind.in_(CONTACT_KINDS),
        )
        .scalar_subquery()
    )


def next_step(link: Any, record_id: Any) -> Any:
    """The soonest open activity of the record (a scalar subquery)."""
    return (
        select(func.min(Activity.occurs_at))
        .where(link == record_id, Activity.deleted_at.is_(None), Activity.done.is_(False))
        .scalar_subquery()
    )


def refresh_follow_up(
    session: Session,
    contact_ids: Iterable[uuid.UUID | None] = (),
    company_ids: Iterable[uuid.UUID | None] = (),
) -> None:
    for model, link, ids in (
        (Contact, Activity.contact_id, contact_ids),
        (Company, Activity.company_id, company_ids),
    ):
        wanted = sorted({i for i in ids if i is not None})
        for start in range(0, len(wanted), CHUNK):
            session.execute(
                update(model)
                .where(model.id.in_(wanted[start : start + CHUNK]))
                .values(
                    last_contact_at=last_contact(link, model.id),
                    next_step_at=next_step(link, model.id),
                    updated_at=model.updated_at,  # derived values are no edit of the record
                )
                .execution_options(synchronize_session=False)
            )


def refresh_for(session: Session, activities: Iterable[Activity]) -> None:
    """Refresh the contacts and companies these activities are linked to."""
    rows = list(activities)
    refresh_follow_up(session, (a.contact_id for a in rows), (a.company_id for a in rows))


def refresh_everything(session: Session) -> None:
    """Recompute every record that has activities (the demo after a bulk load)."""
    for model, link in ((Contact, Activity.contact_id), (Company, Activity.company_id)):
        session.execute(
            update(model)
            .where(model.id.in_(select(link).where(link.is_not(None))))
            .values(
                last_contact_at=last_contact(link, model.id), next_step_at=next_step(link, model.id)
            )
            .execution_options(synchronize_session=False)
        )
