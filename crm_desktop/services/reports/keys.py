"""The GROUP BY keys of a report query, made cheap for the database that runs it.

SQLite groups by sorting every row, and the sort is most of a report's time: comparing
32-character ids is slow, comparing one integer fast. So on SQLite the ids of a small
known set (stages, users, sources, events) are numbered with a CASE, and all numbered
keys are packed into one integer. PostgreSQL groups in a hash table, where a CASE only
costs time: there the ids stay as they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import SQLColumnExpression, case

MAX_CODED = 64  # more ids than this are grouped as they are: a long CASE costs more per row


@dataclass
class _Coded:
    name: str
    ids: list[uuid.UUID]

    @property
    def radix(self) -> int:
        return len(self.ids) + 1  # 0: none of the ids (or NULL)


@dataclass
class GroupKeys:
    """Named keys to select and group by; `read` gives a result row's keys back by name."""

    sqlite: bool
    _coded: list[_Coded] = field(default_factory=list)
    _coded_sql: list[Any] = field(default_factory=list)
    _plain: list[tuple[str, Any]] = field(default_factory=list)

    def ids(self, name: str, column: SQLColumnExpression[Any], ids: Sequence[uuid.UUID]) -> None:
        """Group by an id column; values not in `ids` (or NULL) read back as None."""
        if not self.sqlite or not ids or len(ids) > MAX_CODED:
            self._plain.append((name, column))
            return
        known = list(ids)
        self._coded.append(_Coded(name, known))
        self._coded_sql.append(
            case({id_: i + 1 for i, id_ in enumerate(known)}, value=column, else_=0)
        )

    def plain(self, name: str, expression: Any) -> None:
        self._plain.append((name, expression))

    def columns(self) -> list[Any]:
        """The expressions to select first and to group by."""
        columns = [expression for _, expression in self._plain]
        if self._coded:
            packed = self._coded_sql[0]
            for part, sql in zip(self._coded[1:], self._coded_sql[1:], strict=True):
                packed = packed * part.radix + sql
            columns.append(packed)
        return columns

    def read(self, row: Sequence[Any]) -> tuple[dict[str, Any], Sequence[Any]]:
        """The keys of a row by name, and the rest of the row (the aggregates)."""
        found = {name: row[i] for i, (name, _) in enumerate(self._plain)}
        used = len(self._plain)
        if self._coded:
            packed = int(row[used])
            used += 1
            for part in reversed(self._coded):
                packed, number = divmod(packed, part.radix)
                found[part.name] = part.ids[number - 1] if number else None
        return found, row[used:]
