"""Group keys: ids numbered and packed into one integer on SQLite, kept as they are elsewhere."""

from __future__ import annotations

import uuid

from sqlalchemy import column, create_engine, select, table
from sqlalchemy.types import Uuid

from crm_desktop.services.reports.keys import MAX_CODED, GroupKeys

STAGES = [uuid.UUID(int=i) for i in (1, 2, 3)]
OWNERS = [uuid.UUID(int=i) for i in (10, 11)]
deal = table("deal", column("stage_id", Uuid()), column("owner_id", Uuid()), column("cur"))


def _keys(sqlite: bool) -> GroupKeys:
    keys = GroupKeys(sqlite=sqlite)
    keys.ids("stage", deal.c.stage_id, STAGES)
    keys.plain("currency", deal.c.cur)
    keys.ids("owner", deal.c.owner_id, OWNERS)
    return keys


def test_sqlite_packs_the_numbered_ids_into_one_column_and_reads_them_back() -> None:
    keys = _keys(sqlite=True)
    assert len(keys.columns()) == 2  # the currency, then stage and owner packed
    engine = create_engine("sqlite://")
    rows = [
        (STAGES[1], OWNERS[0], "EUR"),
        (STAGES[2], None, "USD"),
        (STAGES[0], uuid.UUID(int=99), "USD"),  # an owner the keys do not know
    ]
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE deal (stage_id CHAR(32), owner_id CHAR(32), cur TEXT)")
        conn.exec_driver_sql(
            "INSERT INTO deal VALUES (?, ?, ?)",
            [(s.hex, o.hex if o else None, c) for s, o, c in rows],
        )
        found = [keys.read((*row, "rest")) for row in conn.execute(select(*keys.columns()))]
    assert found == [
        ({"currency": "EUR", "stage": STAGES[1], "owner": OWNERS[0]}, ("rest",)),
        ({"currency": "USD", "stage": STAGES[2], "owner": None}, ("rest",)),
        ({"currency": "USD", "stage": STAGES[0], "owner": None}, ("rest",)),
    ]


def test_postgresql_and_long_id_lists_group_by_the_ids_themselves() -> None:
    keys = _keys(sqlite=False)
    assert len(keys.columns()) == 3
    assert keys.read((STAGES[0], "USD", OWNERS[1], 7)) == (
        {"stage": STAGES[0], "currency": "USD", "owner": OWNERS[1]},
        (7,),
    )
    many = GroupKeys(sqlite=True)
    events = [uuid.UUID(int=i) for i in range(MAX_CODED + 1)]
    many.ids("event", deal.c.stage_id, events)
    assert many.columns() == [deal.c.stage_id]
