"""Lists sort names as people expect, on both databases, whichever way a name was written."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm_desktop.models import Company, Contact, Deal, Lead
from crm_desktop.models.database import Database
from crm_desktop.models.sort_keys import SORTED, sort_key
from crm_desktop.services.demo import generate_demo
from crm_desktop.services.export import export_records
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.undo import undo_import
from crm_desktop.services.listing import Cursor, ListQuery, fetch_page
from crm_desktop.services.records import find_records, save_record

# The order a person expects: accents and case do not count (Alvarez, then Álvarez), Chinese
# names file under their pinyin beside Latin names (Chen, 陈静), 单 as a surname is Shan.
PEOPLE = [
    "Alvarez",
    "Álvarez",
    "Chen",
    "陈静",
    "Élodie",
    "Eve",
    "李娜",
    "O'Brien",
    "Øster",
    "欧阳娜娜",
    "单雄信",
    "van der Berg",
    "Wang",
    "王芳",
    "王伟",
    "Zhang",
    "张伟",
    "Zoë",
]
_NAME = {"leads": "person_name", "contacts": "full_name", "companies": "name", "deals": "title"}
_MODELS: dict[str, Any] = {"lead": Lead, "contact": Contact, "company": Company, "deal": Deal}


def _names(db: Database, kind: str, descending: bool = False) -> list[str]:
    q = ListQuery(kind, descending=descending)  # type: ignore[arg-type]
    return [row.values[0] for row in fetch_page(db.sessions, q, 0, 100)]


def _keys_agree(db: Database) -> None:
    """Every row's stored keys are the keys of its names."""
    with db.sessions() as session:
        for table, columns in SORTED.items():
            model = _MODELS[table]
            for column in columns:
                rows = session.execute(
                    select(getattr(model, column.source), getattr(model, column.key))
                ).all()
                wrong = [r for r in rows if r[1] != sort_key(r[0], person=column.person)]
                assert not wrong, (table, column.key, wrong)


@pytest.mark.parametrize("kind", ["leads", "contacts", "companies", "deals"])
def test_names_sort_as_people_expect_in_every_list(db: Database, kind: str, tmp_path: Path) -> None:
    # 单 reads dān outside people's names: companies and deals leave it out here.
    people = kind in ("leads", "contacts")
    expected = [n for n in PEOPLE if people or n != "单雄信"]
    for name in reversed(expected):  # created in another order than the expected one
        save_record(db.sessions, kind, None, None, {_NAME[kind]: name})  # type: ignore[arg-type]
    assert _names(db, kind) == expected
    assert _names(db, kind, descending=True) == expected[::-1]
    # Keyset seeks (scrolling a long list) follow the same order.
    first = fetch_page(db.sessions, ListQuery(kind), 0, 5)  # type: ignore[arg-type]
    after = fetch_page(
        db.sessions,
        ListQuery(kind),  # type: ignore[arg-type]
        0,
        100,
        Cursor(first[-1].sort_value, first[-1].id),
    )
    assert [r.values[0] for r in first + after] == expected
    # Reference pickers and exports list them in the same order.
    picked = find_records(db.sessions, kind, "", limit=100)  # type: ignore[arg-type]
    assert [o.label for o in picked] == expected
    export_records(db.sessions, kind, "csv", tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as file:
        assert [row[0] for row in csv.reader(file)][1:] == expected


def test_lead_company_column_sorts_by_its_key(db: Database) -> None:
    for person, company in (("A", "Zeta"), ("B", "Ästhetik GmbH"), ("C", None), ("D", "华为")):
        save_record(
            db.sessions, "leads", None, None, {"person_name": person, "company_name": company}
        )
    q = ListQuery("leads", sort_key="company")
    assert [r.values[1] for r in fetch_page(db.sessions, q, 0, 10)] == [
        None,
        "Ästhetik GmbH",
        "华为",
        "Zeta",
    ]


def test_keys_follow_names_through_forms_imports_and_undo(db: Database, tmp_path: Path) -> None:
    zoe = save_record(db.sessions, "contacts", None, None, {"full_name": "Zoë"}).detail
    save_record(db.sessions, "contacts", None, None, {"full_name": "Bert"})
    assert _names(db, "contacts") == ["Bert", "Zoë"]
    # Renamed in the form: the key moves with the name.
    save_record(db.sessions, "contacts", zoe.id, zoe.version, {"full_name": "Álvarez"})
    assert _names(db, "contacts") == ["Álvarez", "Bert"]

    first = tmp_path / "first.csv"
    first.write_text("Name,Email\n王伟,wang@example.cn\nÉlodie,elodie@example.fr\n", "utf-8")
    assert run_import(db.sessions, prepare_import(db.sessions, first, "contacts").plan).created == 2
    assert _names(db, "contacts") == ["Álvarez", "Bert", "Élodie", "王伟"]

    # A duplicate row overwrites a name (a Core UPDATE), and undo puts it back.
    second = tmp_path / "second.csv"
    second.write_text("Name,Email\nAnna Wang,wang@example.cn\n", "utf-8")
    plan = dataclasses.replace(
        prepare_import(db.sessions, second, "contacts").plan, on_duplicate="overwrite"
    )
    report = run_import(db.sessions, plan)
    assert report.updated == 1
    assert _names(db, "contacts") == ["Álvarez", "Anna Wang", "Bert", "Élodie"]
    _keys_agree(db)
    assert report.batch_id is not None
    undo_import(db.sessions, report.batch_id)
    assert _names(db, "contacts") == ["Álvarez", "Bert", "Élodie", "王伟"]
    _keys_agree(db)


def test_demo_data_has_keys_that_agree_with_its_names(db: Database) -> None:
    generate_demo(db.sessions, 20, seed=3)
    _keys_agree(db)
