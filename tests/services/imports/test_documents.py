"""The search documents an import builds itself are the ones the database would build."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import Uuid, text

from crm_desktop.models.database import Database
from crm_desktop.models.search_index import KINDS, refresh_documents
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import

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


def _documents(db: Database) -> dict[tuple[str, str], tuple[str, str | None, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc"))
        return {(k, str(e)): (key1, key2, body) for k, e, key1, key2, body in rows}


def _import(db: Database, path: Path, target: str) -> None:
    plan = prepare_import(db.sessions, path, target).plan  # type: ignore[arg-type]
    report = run_import(db.sessions, replace(plan, on_duplicate="create"))
    assert report.failed == 0, report.failures


def test_import_documents_equal_the_databases_own(db: Database, tmp_path: Path) -> None:
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
    with db.engine.begin() as conn:
        for kind in KINDS:
            query = text("SELECT entity_id FROM search_doc WHERE kind = :k").columns(
                entity_id=Uuid()
            )
            refresh_documents(conn, kind, list(conn.execute(query, {"k": kind}).scalars()))
    assert _documents(db) == built
