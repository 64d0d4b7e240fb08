"""Rows of an import straight to the driver (demo_bulk.BulkWriter: executemany or COPY).

SQLAlchemy's executemany spends most of its time building parameters row by row; an
import writes a million contacts and three million contact methods, so values are
converted once per column with the same bind processors SQLAlchemy would use (SQLite),
or handed to psycopg's COPY, which adapts them itself (PostgreSQL). The rows land in the
import's own transaction: the session's connection is used, never a new one.
"""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, DateTime, Table, Uuid
from sqlalchemy.orm import Session

from crm_desktop.models import Base
from crm_desktop.models.base import UTCDateTime
from crm_desktop.services.demo_bulk import BulkWriter

_Processor = Callable[[Any], Any] | None
_UUID_HEX = operator.attrgetter("hex")


def _uuid_text(value: Any) -> Any:
    """A UUID as SQLite stores it; an id already made as 32 hex digits stays as it is."""
    return value if type(value) is str else _UUID_HEX(value)


class BulkInserter:
    """Inserts plain dict rows into the tables of Base.metadata."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self._dialect = connection.dialect
        self.sqlite = self._dialect.name == "sqlite"
        self._writer = BulkWriter(connection)
        self._processors: dict[str, dict[str, _Processor]] = {}

    def _column_processors(self, table: Table) -> dict[str, _Processor]:
        found = self._processors.get(table.name)
        if found is None:
            found = {}
            for column in table.columns:
                if self.sqlite and isinstance(column.type, Uuid):
                    found[column.name] = _uuid_text  # what Uuid stores on SQLite
                elif self.sqlite:
                    processor: _Processor = column.type.dialect_impl(self._dialect).bind_processor(
                        self._dialect
                    )
                    if processor is not None and isinstance(column.type, UTCDateTime | DateTime):
                        processor = _remember_last(processor)  # a batch shares one timestamp
                    found[column.name] = processor
                elif isinstance(column.type, JSON):
                    found[column.name] = _json
                else:
                    found[column.name] = None
            self._processors[table.name] = found
        return found

    def db_value(self, table: str, column: str, value: Any) -> Any:
        """One value as the driver takes it for a column (the way insert converts it)."""
        convert = self._column_processors(Base.metadata.tables[table])[column]
        return value if value is None or convert is None else convert(value)

    def id_value(self, value: uuid.UUID) -> Any:
        """An id as the driver takes it: 32 hex digits on SQLite, the UUID on PostgreSQL."""
        return value.hex if self.sqlite else value

    def insert_rows(
        self, name: str, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert rows whose values are already as the driver takes them (see db_value)."""
        if rows:
            self._writer.write(name, tuple(f'"{column}"' for column in columns), list(rows))

    def insert(self, name: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows (dicts of column values; a column some rows lack is NULL there)."""
        if not rows:
            return
        table = Base.metadata.tables[name]
        columns = sorted({key for row in rows for key in row})
        processors = self._column_processors(table)
        # Column by column: list comprehensions and zip run far faster than a call per value.
        data: list[list[Any]] = []
        for column in columns:
            cells = [row.get(column) for row in rows]
            convert = processors[column]
            if convert is not None:
                cells = [None if cell is None else convert(cell) for cell in cells]
            data.append(cells)
        values = list(zip(*data, strict=True))
        self._writer.write(name, tuple(f'"{column}"' for column in columns), values)


def _remember_last(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    last: list[Any] = [None, None]

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, processor(value)
        return last[1]

    return convert


def _json(value: Any) -> str:
    return json.dumps(value)
