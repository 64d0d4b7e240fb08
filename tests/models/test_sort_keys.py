"""Sort keys: the function, and migration 0011 filling them in for rows written before."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from alembic import command
from schema_support import before_sort_keys
from sqlalchemy import insert, select

from crm_desktop.models import Company, Contact, Lead
from crm_desktop.models.database import Database
from crm_desktop.models.migrations import alembic_config
from crm_desktop.models.sort_keys import SEPARATOR, sort_key


def _primary(name: str, person: bool = False) -> str:
    return sort_key(name, person=person).split(SEPARATOR)[0]


@pytest.mark.parametrize(
    ("name", "person", "primary"),
    [
        ("Álvarez", False, "alvarez"),
        ("Zoë", False, "zoe"),
        ("Øster", False, "oster"),
        ("  Élodie\tDupré ", False, "elodie dupre"),
        ("O'Brien", False, "obrien"),
        ("O’Brien", False, "obrien"),
        ("Anne-Marie", False, "anne marie"),
        ('"Acme" Ltd.', False, "acme ltd"),
        ("Straße", False, "strasse"),
        ("王伟", True, "wang wei"),
        ("欧阳娜娜", True, "ou yang na na"),
        ("单雄信", True, "shan xiong xin"),  # 单 is read Shàn as a family name
        ("单雄信", False, "dan xiong xin"),  # and dān elsewhere
        ("曾国藩", True, "zeng guo fan"),
        ("解缙", True, "xie jin"),
        ("尉迟恭", True, "yu chi gong"),
        ("中国银行", False, "zhong guo yin hang"),  # a phrase read as one: háng, not xíng
        ("吕布", True, "lv bu"),
        ("ACME 华为", False, "acme hua wei"),
        ("", False, ""),
    ],
)
def test_primary_part(name: str, person: bool, primary: str) -> None:
    assert _primary(name, person) == primary


def test_ties_are_broken_by_accents_then_case() -> None:
    names = ["Álvarez", "alvarez", "Alvarez"]
    assert sorted(names, key=sort_key) == ["Alvarez", "alvarez", "Álvarez"]
    assert sort_key(None) == ""
    assert sort_key("a" * 1000).count("a") == 600  # each part is capped


def test_migration_fills_the_keys_of_existing_rows(db: Database) -> None:
    config = alembic_config()
    now = dt.datetime.now(dt.UTC)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    ids = [uuid.uuid4() for _ in range(4)]
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
        conn.execute(
            insert(before_sort_keys(Contact)).values(id=ids[0], full_name="单雄信", **stamp)
        )
        conn.execute(insert(before_sort_keys(Lead)).values(id=ids[1], person_name="Zoë", **stamp))
        conn.execute(
            insert(before_sort_keys(Lead)).values(
                id=ids[2], person_name="Eve", company_name="Ästhetik", deleted_at=now, **stamp
            )
        )
        conn.execute(insert(before_sort_keys(Company)).values(id=ids[3], name="华为", **stamp))
        command.upgrade(config, "head")
    with db.sessions() as session:
        assert session.scalar(select(Contact.sort_key)) == sort_key("单雄信", person=True)
        leads = dict(session.execute(select(Lead.person_name, Lead.company_sort_key)).all())
        assert leads == {"Zoë": "", "Eve": sort_key("Ästhetik")}
        assert session.scalar(select(Lead.sort_key).where(Lead.id == ids[1])) == sort_key("Zoë")
        assert session.scalar(select(Company.sort_key)) == sort_key("华为")
