"""Tables as older revisions had them, for tests that write rows before upgrading."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table

from crm_desktop.models.sort_keys import SORTED


def before_sort_keys(model: Any) -> Table:
    """A model's table without the sort keys of migration 0011 (and their defaults), so a
    Core insert writes a row the way a program before 0011 did."""
    table: Table = model.__table__
    keys = {column.key for column in SORTED.get(table.name, ())}
    columns = [column._copy() for column in table.columns if column.name not in keys]
    return Table(table.name, MetaData(), *columns)
