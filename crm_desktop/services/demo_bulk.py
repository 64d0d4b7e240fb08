"""Rows straight to the driver, for the demo generator's millions of rows.

executemany on SQLite and COPY on PostgreSQL, with values already in the form
SQLAlchemy stores (32-hex UUIDs and naive UTC text on SQLite), so no per-value
type processing runs. Secondary indexes can be dropped before a bulk load and
recreated from the database's own DDL after it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from crm_desktop.models.sort_keys import key_values

# Column orders of the rows the generator builds. Every Entity column is filled by it.
# fmt: off
ENTITY_COLS = ("id", "created_at", "updated_at", "version", "deleted_at")
ADDRESS_COLS = ("street", "city", "region", "postal_code", "country")
COMPANY_COLS = (*ENTITY_COLS, "name", "website", "domain", "industry", "notes", "owner_id",
                *ADDRESS_COLS)
CONTACT_COLS = (*ENTITY_COLS, "full_name", "given_name", "family_name", "phonetic_name", "title",
                "company_id", "birthday", "notes", "source_id", "event_id", "owner_id",
                *ADDRESS_COLS)
LEAD_COLS = (*ENTITY_COLS, "person_name", "company_name", "title", "event_id", "source_id",
             "status", "notes", "converted_at", "converted_company_id", "converted_contact_id",
             "owner_id", *ADDRESS_COLS)
METHOD_COLS = (*ENTITY_COLS, "kind", "label", "value", "normalized", "position", "lead_id",
               "contact_id", "company_id")
DEAL_COLS = (*ENTITY_COLS, "title", "company_id", "contact_id", "amount", "currency",
             "pipeline_id", "stage_id", "probability", "expected_close", "stage_entered_at",
             "source_id", "event_id", "lead_id", "lost_reason", "closed_at", "notes", "owner_id")
TAGGING_COLS = (*ENTITY_COLS, "tag_id", "lead_id", "contact_id", "company_id", "deal_id")
ACTIVITY_COLS = (*ENTITY_COLS, "kind", "subject", "body", "occurs_at", "duration_minutes",
                 "outcome", "done", "done_at", "lead_id", "contact_id", "company_id", "deal_id",
                 "owner_id", "remind_at", "reminded_at", "email_from", "email_to")
# fmt: on
STAGE_CHANGE_COLS = (
    *ENTITY_COLS,
    "deal_id",
    "from_stage_id",
    "to_stage_id",
    "from_stage_name",
    "to_stage_name",
    "changed_by_id",
    "changed_at",
    "lost_reason",
)
TABLE_COLS = {
    "company": COMPANY_COLS,
    "contact": CONTACT_COLS,
    "lead": LEAD_COLS,
    "contact_method": METHOD_COLS,
    "deal": DEAL_COLS,
    "activity": ACTIVITY_COLS,
    "deal_stage_change": STAGE_CHANGE_COLS,
    "tagging": TAGGING_COLS,
}
WRITE_ORDER = (
    "company",
    "contact",
    "lead",
    "contact_method",
    "deal",
    "deal_stage_change",
    "activity",
    "tagging",
)


# The variant nibble of an RFC 4122 UUID is 8, 9, a or b: keep a hex digit's low two bits.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_ID_RANDOM = random.Random()  # seeded from os.urandom; ids never follow the demo's seed
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as 32 hex digits, from one read of os.urandom."""
    raw = os.urandom(16 * count).hex()
    out = []
    for start in range(0, 32 * count, 32):
        text = raw[start : start + 32]
        out.append(f"{text[:12]}4{text[13:16]}{_VARIANT[text[16]]}{text[17:]}")
    return out


def new_id() -> str:
    """A random (version 4) UUID as 32 hex digits, the form SQLAlchemy stores; 3x uuid4()."""
    return f"{(_ID_RANDOM.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"


class BulkWriter:
    """Rows straight to the driver: sqlite3 executemany, or psycopg COPY on PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self._raw: Any = conn.connection.driver_connection

    def ts(self, moment: dt.datetime) -> str:
        """A UTC timestamp in the form SQLAlchemy itself stores (naive text on SQLite)."""
        naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
        stamp = naive.isoformat(" ", "microseconds")
        return stamp if self.sqlite else stamp + "+00:00"

    def money(self, amount: Decimal) -> object:
        return float(amount) if self.sqlite else amount

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows; the sort keys of the name columns they hold are added here, so every
        row the demo or an import writes has them (models/sort_keys.py)."""
        if not rows:
            return
        columns, rows = key_values(table, [c.strip('"') for c in columns], rows)
        names = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self._raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            return
        with (
            self._raw.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)


def write_rows(
    writer: BulkWriter, rows: dict[str, list[tuple[Any, ...]]], counts: dict[str, int]
) -> None:
    for table in WRITE_ORDER:
        batch = rows.get(table)
        if batch:
            writer.write(table, TABLE_COLS[table], batch)
            counts[table] += len(batch)


def drop_indexes(conn: Connection) -> list[str]:
    """Drop the secondary indexes of the bulk tables; returns the DDL that recreates them.

    Building an index once over a million rows is several times faster than
    growing it row by row. The DDL is read back from the database itself, so the
    indexes come back exactly as the migrations made them.
    """
    tables = list(WRITE_ORDER)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(tables))
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks})",
            tuple(tables),
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid"
                " JOIN pg_class t ON t.oid = x.indrelid"
                " WHERE t.relname = ANY(:tables)"
                " AND t.relnamespace = current_schema()::regnamespace"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
            ),
            {"tables": tables},
        ).all()
    ddl = []
    for name, create in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        ddl.append(str(create))
    return ddl


def analyze(session: Session) -> None:
    """Fresh planner statistics, so lists and search pick their indexes at once."""
    for table in WRITE_ORDER:
        session.execute(text(f'ANALYZE "{table}"'))
