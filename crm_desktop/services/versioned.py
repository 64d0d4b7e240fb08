"""Optimistic locking: a write based on a version fails, one way, when the record moved on.

Every table has a `version` (models/base.py). A write that was based on what someone
loaded carries the version loaded, and must not overwrite a change made since. There are
two kinds of writes and one rule for both:

- Forms, activities and board moves go through the ORM: `check_version` compares the
  version the caller loaded with the row's, and SQLAlchemy's version_id_col adds
  "AND version = :loaded" to the UPDATE itself, which catches a save that slips in
  between; `stale_as_error` turns that into the same error.
- Bulk paths (an import merging a row into a record, an undo putting values back) write
  with Core: `update_versioned` is their one guarded UPDATE.

Each raises StaleRecordError; nothing is written and the caller's transaction is its to
roll back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy import Table, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crm_desktop.models.sort_keys import with_sort_keys

__all__ = ["StaleRecordError", "check_version", "stale_as_error", "update_versioned"]


class StaleRecordError(Exception):
    """Someone else saved the record after it was loaded; nothing was written."""

    def __init__(self, what: str = "record", record_id: uuid.UUID | None = None) -> None:
        super().__init__(f"Someone else changed this {what} meanwhile.")
        self.what = what
        self.record_id = record_id


class _Versioned(Protocol):
    id: Any
    version: Any


def check_version(entity: _Versioned, expected_version: int | None, what: str = "record") -> None:
    """Raise StaleRecordError unless the loaded entity is at `expected_version` (None: any).

    Load the entity with populate_existing=True, so its version is the database's.
    """
    if expected_version is not None and entity.version != expected_version:
        raise StaleRecordError(what, entity.id)


@contextmanager
def stale_as_error(what: str = "record") -> Iterator[None]:
    """Around an ORM transaction: the version check of a flush fails as StaleRecordError."""
    try:
        yield
    except StaleDataError:
        raise StaleRecordError(what) from None


def update_versioned(
    session: Session,
    table: Table,
    record_id: uuid.UUID,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    now: dt.datetime,
    what: str = "record",
) -> int:
    """UPDATE one row with `values`, moving its version on; returns the new version.

    With `expected_version`, only a row still at that version is written (None: whatever
    its version). A row changed meanwhile, or gone, raises StaleRecordError.
    """
    condition = table.c.id == record_id
    if expected_version is not None:
        condition &= table.c.version == expected_version
    new_version = session.execute(
        update(table)
        .where(condition)
        .values(**with_sort_keys(table.name, values), updated_at=now, version=table.c.version + 1)
        .returning(table.c.version)
    ).scalar_one_or_none()
    if new_version is None:
        raise StaleRecordError(what, record_id)
    return int(new_version)
