"""One search-document builder: what it makes, and every write path stores exactly that."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Uuid, text

from crm_desktop.models.database import Database
from crm_desktop.models.search_index import (
    KINDS,
    DocumentSource,
    build_document,
    fold_key,
    refresh_documents,
)
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.records import MethodInput, save_record

PEOPLE = (
    "Name,Phonetic name,Company,Email,Mobile,Phone,Website,WeChat\n"
    "王小明,Wang Xiaoming,深圳华信电子有限公司,XiaoMing@HuaXin.cn,138-0013-8000,(0755) 8888 1234,"
    "https://www.huaxin.cn/about,wxm88\n"
    "ÄNNE Müller-Lüdenscheidt,,ÖKO GmbH,anne@öko.de,+49 (0)151 1234567,,,\n"
    "  Jean  ÉMILE Dupont ,,,jean@dupont.fr,,+33 1 23 45 67 89 ext. 2,,\n"
    "欧阳娜娜,,,,13900139000,,,\n"
)
DEALS = (
    "Title,Company,Contact,Amount\n"
    "Pumps for 华信,深圳华信电子有限公司,王小明,1000\n"
    "New deal,Brand New Ltd,Nobody Yet,5\n"
)
ID = uuid.UUID(int=7)

# ---- the builder ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "sqlite", "postgresql"),
    [
        (
            DocumentSource(
                "contact",
                ID,
                ("王小明", "Wang Xiaoming", "华为技术"),
                (
                    ("mobile", "138-0013 8000", "+8613800138000"),
                    ("email", "Ming@HuaWei.com", "ming@huawei.com"),
                    ("website", "https://huawei.com/x", "huawei.com"),
                ),
            ),
            (
                "王小明",
                "小明",
                "王小明\nWang Xiaoming\n华为技术\n13800138000 8613800138000\nMing@HuaWei.com\n"
                "https://huawei.com/x huawei.com\n王小| 小明| 华为| 为技| 技术|",
            ),
            None,  # the same on both databases
        ),
        (
            DocumentSource("lead", ID, (" ÄNNE Müller ", None), (("phone", "030 1234", None),)),
            ("Änne müller", "müller", " ÄNNE Müller \n\n0301234\n"),
            ("änne müller", "müller", " ÄNNE Müller \n\n0301234\n"),
        ),
        (
            DocumentSource("company", ID, ("Acme", "acme.de")),
            ("acme", None, "Acme\nacme.de\n\n"),
            None,
        ),
        (
            DocumentSource("deal", ID, ("Pumps 2027", None, "Li Na")),
            ("pumps 2027", "2027", "Pumps 2027\n\nLi Na\n"),
            None,
        ),
    ],
)
def test_build_document(
    source: DocumentSource,
    sqlite: tuple[str, str | None, str],
    postgresql: tuple[str, str | None, str] | None,
) -> None:
    """Keys fold as each database's lower() always has (ASCII only on SQLite); phones are
    their digits as typed and as E.164; a line of CJK bigrams ends the body."""
    assert build_document(source, "sqlite") == (source.kind, ID.hex, *sqlite)
    assert build_document(source, "postgresql") == (source.kind, ID, *(postgresql or sqlite))


def test_fold_key_is_each_databases_lower() -> None:
    assert fold_key("sqlite", "ÄNNE Müller") == "Änne müller"  # SQLite folds ASCII only
    assert fold_key("postgresql", "ÄNNE Müller") == "änne müller"
    # PostgreSQL's lower(), not Python's: İ is i, and Σ is σ even at the end of a word.
    assert fold_key("postgresql", "İLKER ΟΔΟΣ") == "ilker οδοσ"


# ---- every write path stores what the builder makes -------------------------------------


def _documents(db: Database) -> dict[tuple[str, str], tuple[str, str | None, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc"))
        return {(k, str(e)): (key1, key2, body) for k, e, key1, key2, body in rows}


def _rebuild_every_document(db: Database) -> None:
    """refresh_documents: the sources read back from the database, as the ORM listener does."""
    with db.engine.begin() as conn:
        for kind in KINDS:
            query = text("SELECT entity_id FROM search_doc WHERE kind = :k").columns(
                entity_id=Uuid()
            )
            refresh_documents(conn, kind, list(conn.execute(query, {"k": kind}).scalars()))


def _import(db: Database, path: Path, target: str) -> None:
    plan = prepare_import(db.sessions, path, target).plan  # type: ignore[arg-type]
    report = run_import(db.sessions, replace(plan, on_duplicate="create"))
    assert report.failed == 0, report.failures


def test_import_documents_equal_the_ones_read_back(db: Database, tmp_path: Path) -> None:
    """An import builds documents from the values it has just written; read back from the
    database, the same records give the same documents."""
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    _import(db, people, "contacts")
    _import(db, people, "leads")
    companies = tmp_path / "companies.csv"
    companies.write_text("Name,Website,Email\nÖKO GmbH,www.oeko.de,Info@OEKO.de\n", "utf-8")
    _import(db, companies, "companies")
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    _import(db, deals, "deals")
    built = _documents(db)
    assert {kind for kind, _ in built} == set(KINDS)
    # 4 contacts and their 2 companies, 4 leads, 1 company, 2 deals with the company and
    # the contact person one of them named
    assert len(built) == 4 + 2 + 4 + 1 + 2 + 1 + 1
    _rebuild_every_document(db)
    assert _documents(db) == built


def test_a_form_and_an_import_give_the_same_record_the_same_document(
    db: Database, tmp_path: Path
) -> None:
    company = save_record(db.sessions, "companies", None, None, {"name": "Acme GmbH"}).detail
    save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "Jürgen GROSS", "phonetic_name": "Juergen", "company_id": company.id},
        methods=[
            MethodInput("email", "Juergen@Acme.de"),
            MethodInput("mobile", "+49 151 1234567"),
        ],
    )
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Phonetic name,Company,Email,Mobile\n"
        "Jürgen GROSS,Juergen,Acme GmbH,Juergen@Acme.de,+49 151 1234567\n",
        encoding="utf-8",
    )
    _import(db, path, "contacts")
    contacts = [doc for (kind, _), doc in _documents(db).items() if kind == "contact"]
    assert len(contacts) == 2 and contacts[0] == contacts[1]  # one form, one import
    _rebuild_every_document(db)
    assert len({doc for (kind, _), doc in _documents(db).items() if kind == "contact"}) == 1
