"""What a report covers: a date range, an owner, a pipeline; and the names to show them by.

Days are UTC days. The range applies to each report's natural date: the expected close
of open deals (pipeline value, forecast, reps' open pipeline), the close of won and lost
deals (won and lost per month, reps' won value and win rate), and the creation of leads
and deals (funnel, sources, events). Both ends are included; either may be open.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_desktop.models import Pipeline, User


class ReportError(ValueError):
    """A filter that names nothing (unknown owner or pipeline) or a range that is backwards."""


@dataclass(frozen=True)
class ReportFilters:
    """The filters every report takes; `resolve_filters` builds one from names."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None  # included
    owner_id: uuid.UUID | None = None  # None: every owner
    pipeline_id: uuid.UUID | None = None  # None: the default pipeline
    # The day open deals are converted for (today's rates); None means today (UTC).
    today: dt.date | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ReportError(
                f"the range ends ({self.date_to}) before it starts ({self.date_from})"
            )

    def reference_day(self) -> dt.date:
        return self.today or dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class ReportScope:
    """The filters as resolved for one run: ids, the names to print, the currency shown."""

    currency: str
    pipeline_id: uuid.UUID
    pipeline_name: str
    owner_id: uuid.UUID | None
    owner_name: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    today: dt.date

    def describe(self, date_label: str) -> str:
        """E.g. "pipeline Sales · owner Anna · closed 2026-01-01 to 2026-03-31 · in USD"."""
        parts = [f"pipeline {self.pipeline_name}", f"owner {self.owner_name or 'everyone'}"]
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the start"
            end = self.date_to.isoformat() if self.date_to else "today and later"
            parts.append(f"{date_label} {start} to {end}")
        else:
            parts.append(f"{date_label} any date")
        parts.append(f"amounts in {self.currency}")
        return " · ".join(parts)


def resolve_filters(
    session: Session,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    owner: str | uuid.UUID | None = None,
    pipeline: str | uuid.UUID | None = None,
    today: dt.date | None = None,
) -> ReportFilters:
    """Filters from what a person types: an owner or pipeline by name or id.

    Names match without regard to case or surrounding spaces; an id may be given whole.
    Raises `ReportError` when nothing or more than one record matches.
    """
    owner_id = _find(session, User, owner, "user") if owner is not None else None
    pipeline_id = _find(session, Pipeline, pipeline, "pipeline") if pipeline is not None else None
    return ReportFilters(date_from, date_to, owner_id, pipeline_id, today)


def _find(
    session: Session, model: type[User] | type[Pipeline], value: str | uuid.UUID, what: str
) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        found = session.scalar(
            select(model.id).where(model.id == value, model.deleted_at.is_(None))
        )
        if found is None:
            raise ReportError(f"no {what} has the id {value}")
        return found
    text = " ".join(value.split())
    as_id = _as_uuid(text)
    if as_id is not None:
        return _find(session, model, as_id, what)
    # Users and pipelines are few: compare in Python, where case folding knows Ä and ä.
    live = session.execute(select(model.id, model.name).where(model.deleted_at.is_(None)))
    rows = [(id_, name) for id_, name in live]
    wanted = text.casefold()
    matches = [id_ for id_, name in rows if " ".join(name.split()).casefold() == wanted]
    if not matches:
        names = sorted(name for _, name in rows)[:30]
        known = ", ".join(names) if names else "none"
        raise ReportError(f"no {what} is called “{text}” (known: {known})")
    if len(matches) > 1:
        raise ReportError(f"several {what}s are called “{text}”: give the id instead")
    return matches[0]


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def resolve_pipeline(session: Session, pipeline_id: uuid.UUID | None) -> tuple[uuid.UUID, str]:
    """The pipeline a report covers: the given one, else the default (else the first)."""
    query = select(Pipeline.id, Pipeline.name).where(Pipeline.deleted_at.is_(None))
    if pipeline_id is not None:
        query = query.where(Pipeline.id == pipeline_id)
    else:
        query = query.order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.name)
    row = session.execute(query.limit(1)).first()
    if row is None:
        raise ReportError("the pipeline was not found" if pipeline_id else "there is no pipeline")
    return row[0], row[1]


def owner_name(session: Session, owner_id: uuid.UUID | None) -> str | None:
    if owner_id is None:
        return None
    return session.scalar(select(User.name).where(User.id == owner_id))


# ---- dates --------------------------------------------------------------------------------


def day_start(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of `day`: timestamps are compared with these."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The first day of every month from `first`'s month to `last`'s, both included."""
    month = month_start(first)
    while month <= last:
        yield month
        month = next_month(month)


def parse_month(key: str) -> dt.date:
    """A "YYYY-MM" group key from SQL as the first day of that month."""
    return dt.date(int(key[:4]), int(key[5:7]), 1)
