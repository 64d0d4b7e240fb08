"""The search index tables, migration 0002 and the ORM listener that keeps them current."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from schema_support import before_sort_keys
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from crm_desktop.models import Company, Contact, ContactMethod, Deal, Lead, Pipeline, Stage
from crm_desktop.models.database import Database, DatabaseError, open_database
from crm_desktop.models.migrations import alembic_config
from crm_desktop.services.search import reindex_all


def _body(db: Database, record_id: uuid.UUID) -> str | None:
    """The indexed text of a record, or None when it has no document."""
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT body FROM search_doc WHERE entity_id = :id"),
            {"id": record_id.hex if db.is_sqlite else record_id},
        ).first()
    return None if row is None else str(row[0])


def _indexed_ids(db: Database, fragment: str) -> set[str]:
    """Ids the trigram index itself returns for a fragment (FTS5 or pg_trgm)."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            rows = conn.execute(
                text(
                    "SELECT d.entity_id FROM search_fts f JOIN search_doc d ON d.id = f.rowid "
                    "WHERE search_fts MATCH :m"
                ),
                {"m": f'"{fragment}"'},
            )
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # answer from the GIN index
            rows = conn.execute(
                text("SELECT entity_id FROM search_doc WHERE body ILIKE :p"),
                {"p": f"%{fragment}%"},
            )
        return {uuid.UUID(str(r[0])).hex for r in rows}


def _stage(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    with db.sessions() as session:
        pipeline = session.scalars(select(Pipeline)).one()
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        return pipeline.id, stage.id


def test_new_records_are_indexed_with_names_company_emails_and_phone_digits(db: Database) -> None:
    with db.sessions.begin() as session:
        company = Company(name="华为技术有限公司", domain="huawei.com")
        session.add(company)
        session.flush()
        contact = Contact(full_name="王小明", phonetic_name="Wang Xiaoming", company_id=company.id)
        lead = Lead(person_name="Anna Müller", company_name="Acme GmbH")
        session.add_all([contact, lead])
        session.flush()
        session.add_all(
            [
                ContactMethod(
                    kind="mobile",
                    value="138-0013 8000",
                    normalized="+8613800138000",
                    contact_id=contact.id,
                ),
                ContactMethod(
                    kind="email", value="Anna@Acme.de", normalized="anna@acme.de", lead_id=lead.id
                ),
            ]
        )
    contact_body = _body(db, contact.id)
    assert contact_body is not None
    for part in ("王小明", "Wang Xiaoming", "华为技术有限公司", "13800138000", "8613800138000"):
        assert part in contact_body
    lead_body = _body(db, lead.id)
    assert lead_body is not None and "Anna@Acme.de" in lead_body and "Acme GmbH" in lead_body
    assert _indexed_ids(db, "0013800") == {contact.id.hex}
    assert _indexed_ids(db, "王小明") == {contact.id.hex}
    assert _indexed_ids(db, "acme.de") == {lead.id.hex}


def test_edits_soft_delete_restore_and_hard_delete_keep_the_index_current(db: Database) -> None:
    with db.sessions.begin() as session:
        contact = Contact(full_name="Zhang Wei")
        session.add(contact)
    with db.sessions.begin() as session:
        loaded = session.get(Contact, contact.id)
        assert loaded is not None
        loaded.full_name = "Zhang Weiguo"
    assert _indexed_ids(db, "weiguo") == {contact.id.hex}
    with db.sessions.begin() as session:
        loaded = session.get(Contact, contact.id)
        assert loaded is not None
        loaded.deleted_at = datetime.now(UTC)
    assert _body(db, contact.id) is None
    assert _indexed_ids(db, "weiguo") == set()
    with db.sessions.begin() as session:
        loaded = session.get(Contact, contact.id)
        assert loaded is not None
        loaded.deleted_at = None
    assert _indexed_ids(db, "weiguo") == {contact.id.hex}
    with db.sessions.begin() as session:
        loaded = session.get(Contact, contact.id)
        session.delete(loaded)
    assert _body(db, contact.id) is None
    assert _indexed_ids(db, "weiguo") == set()


def test_contact_method_changes_refresh_their_parent(db: Database) -> None:
    with db.sessions.begin() as session:
        company = Company(name="Acme")
        session.add(company)
        session.flush()
        method = ContactMethod(
            kind="phone", value="+49 30 1234567", normalized="+49301234567", company_id=company.id
        )
        session.add(method)
    assert _indexed_ids(db, "301234567") == {company.id.hex}
    with db.sessions.begin() as session:
        loaded = session.get(ContactMethod, method.id)
        assert loaded is not None
        loaded.value = "+49 30 7654321"
        loaded.normalized = "+49307654321"
    assert _indexed_ids(db, "301234567") == set()
    assert _indexed_ids(db, "307654321") == {company.id.hex}
    with db.sessions.begin() as session:
        loaded = session.get(ContactMethod, method.id)
        assert loaded is not None
        loaded.deleted_at = datetime.now(UTC)
    assert _indexed_ids(db, "307654321") == set()
    assert _body(db, company.id) is not None  # the company itself stays findable


def test_renaming_a_company_or_contact_refreshes_documents_that_quote_it(db: Database) -> None:
    pipeline_id, stage_id = _stage(db)
    with db.sessions.begin() as session:
        company = Company(name="Old Name Ltd")
        session.add(company)
        session.flush()
        contact = Contact(full_name="Li Na", company_id=company.id)
        session.add(contact)
        session.flush()
        deal = Deal(
            title="Pumps 2027",
            company_id=company.id,
            contact_id=contact.id,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
        )
        session.add(deal)
    with db.sessions.begin() as session:
        loaded = session.get(Company, company.id)
        assert loaded is not None
        loaded.name = "Brand New Ltd"
        loaded_contact = session.get(Contact, contact.id)
        assert loaded_contact is not None
        loaded_contact.full_name = "Li Nana"
    assert _indexed_ids(db, "brand new") == {company.id.hex, contact.id.hex, deal.id.hex}
    assert _indexed_ids(db, "old name") == set()
    deal_body = _body(db, deal.id)
    assert deal_body is not None and "Li Nana" in deal_body


def test_reindex_all_rebuilds_the_same_documents_and_indexes(db: Database) -> None:
    with db.sessions.begin() as session:
        session.add_all([Contact(full_name="王伟"), Lead(person_name="Björn Ærø")])
    with db.engine.connect() as conn:
        before_docs = sorted(
            conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc")).all()
        )
        before_indexes = _index_definitions(db, conn)
    with db.sessions.begin() as session:
        session.execute(text("DELETE FROM search_doc WHERE kind = 'lead'"))  # lose one
    assert reindex_all(db.sessions) == 2
    with db.engine.connect() as conn:
        after_docs = sorted(
            conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc")).all()
        )
        assert after_docs == before_docs
        assert _index_definitions(db, conn) == before_indexes
    assert len(_indexed_ids(db, "rn æ")) == 1  # the FTS index was rebuilt too


def _index_definitions(db: Database, conn: object) -> list[tuple[str, str]]:
    if db.is_sqlite:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'search_doc'"
    else:
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_doc'"
    return sorted((str(a), str(b)) for a, b in conn.execute(text(sql)))  # type: ignore[attr-defined]


def test_migration_0002_indexes_records_that_already_exist(db: Database) -> None:
    config = alembic_config()
    now = datetime.now(UTC)
    contact_id = uuid.uuid4()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        # Core insert: rows written the way a 0001 program would, no ORM listener involved.
        conn.execute(
            insert(before_sort_keys(Contact)).values(
                id=contact_id, full_name="Jürgen Groß", created_at=now, updated_at=now, version=1
            )
        )
        conn.execute(
            insert(ContactMethod.__table__).values(
                id=uuid.uuid4(),
                kind="phone",
                value="030 1234 5678",
                normalized="+493012345678",
                position=0,
                contact_id=contact_id,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        command.upgrade(config, "head")
    body = _body(db, contact_id)
    assert body is not None and "Jürgen Groß" in body and "03012345678" in body
    assert _indexed_ids(db, "rgen gr") == {contact_id.hex}


def test_alembic_check_sees_no_drift_with_the_index_tables(db: Database) -> None:
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises AutogenerateDiffsDetected on any drift


def test_missing_right_to_create_pg_trgm_is_a_clear_error(_pg_database: Database) -> None:
    db = _pg_database  # pg_trgm is PostgreSQL only
    name = f"{db.url.database}_noext"
    admin = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # Even an owner needs CREATE on the database for a trusted extension.
        conn.exec_driver_sql(f'REVOKE CREATE ON DATABASE "{name}" FROM PUBLIC, CURRENT_USER')
    try:
        url = make_url(str(db.url.render_as_string(hide_password=False))).set(database=name)
        with pytest.raises(DatabaseError, match="CREATE EXTENSION pg_trgm") as caught:
            open_database(url)
        assert "Traceback" not in str(caught.value)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_build_the_documents_the_program_builds(db: Database) -> None:
    """0002 and 0003 fill the index of an upgraded database with a frozen copy of the
    document SQL; until a later revision changes what a document holds, what they build
    and what build_document makes must agree, keys and all."""
    config = alembic_config()
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    company_id, contact_id, lead_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        # Core inserts: rows written the way a 0001 program would, no ORM listener involved.
        pipeline_id, stage_id = conn.execute(select(Stage.pipeline_id, Stage.id)).first()  # type: ignore[misc]
        conn.execute(
            insert(before_sort_keys(Company)).values(
                id=company_id, name="深圳华信电子有限公司", domain="huaxin.cn", **stamp
            )
        )
        conn.execute(
            insert(before_sort_keys(Contact)).values(
                id=contact_id, full_name="  ÄNNE Müller-Lüdenscheidt ", phonetic_name="Anne",
                company_id=company_id, **stamp,
            )
        )  # fmt: skip
        conn.execute(
            insert(before_sort_keys(Lead)).values(
                id=lead_id, person_name="王小明", company_name="ÖKO GmbH", **stamp
            )
        )
        conn.execute(  # PostgreSQL's lower() makes İ an i and Σ a σ, even at a word's end
            insert(before_sort_keys(Lead)).values(
                id=uuid.uuid4(), person_name="İlker ΠΑΠΑΔΟΠΟΥΛΟΣ", company_name=None, **stamp
            )
        )
        conn.execute(
            insert(before_sort_keys(Deal)).values(
                id=uuid.uuid4(), title="Pumps for 华信", company_id=company_id,
                contact_id=contact_id, pipeline_id=pipeline_id, stage_id=stage_id, **stamp,
            )
        )  # fmt: skip
        methods = (
            ("mobile", "138-0013 8000", "+8613800138000", {"contact_id": contact_id}),
            ("email", "Anne@Öko.DE", "anne@xn--ko-eka.de", {"contact_id": contact_id}),
            ("phone", "+33 1 23 45 67 89 ext. 2", None, {"lead_id": lead_id}),
            ("website", "https://www.huaxin.cn/about", "huaxin.cn", {"company_id": company_id}),
        )
        for position, (kind, value, normalized, parent) in enumerate(methods):
            conn.execute(
                insert(ContactMethod.__table__).values(
                    id=uuid.uuid4(), kind=kind, value=value, normalized=normalized,
                    position=position, **parent, **stamp,
                )
            )  # fmt: skip
        command.upgrade(config, "head")
    with db.engine.connect() as conn:
        migrated = sorted(
            conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc")).all()
        )
    assert len(migrated) == 5
    assert reindex_all(db.sessions) == 5
    with db.engine.connect() as conn:
        rebuilt = sorted(
            conn.execute(text("SELECT kind, entity_id, key1, key2, body FROM search_doc")).all()
        )
    assert rebuilt == migrated


CJK_SAMPLES = (
    "",
    "ACME GmbH",
    "华为技术有限公司",
    "王小明\n北京鑫源照明股份有限公司\nwang@xinyuan.cn",
    "서울특별시 株式会社ソニー",
    "丰田、本田。日产",  # CJK punctuation breaks a word
    "A王B李C",  # single CJK characters make no bigram
    "𠀀𠀁",  # outside the ranges: no bigram
)


@pytest.mark.parametrize("sample", CJK_SAMPLES)
def test_bigram_function_in_sql_is_the_python_one(db: Database, sample: str) -> None:
    from crm_desktop.models.cjk import cjk_bigrams

    with db.engine.connect() as conn:
        in_sql = conn.execute(text("SELECT crm_cjk_bigrams(:t)"), {"t": sample}).scalar()
    assert in_sql == cjk_bigrams(sample)


def test_bigram_line_ends_every_document(db: Database) -> None:
    with db.sessions.begin() as session:
        company = Company(name="华为技术有限公司")
        session.add(company)
        session.flush()
        contact = Contact(full_name="王小明", company_id=company.id)
        session.add(contact)
        session.flush()
        contact_id = contact.id
    body = _body(db, contact_id)
    assert body is not None
    assert body.split("\n")[-1] == "王小| 小明| 华为| 为技| 技术| 术有| 有限| 限公| 公司|"


def test_migration_0003_gives_the_documents_a_rebuild_gives(db: Database) -> None:
    with db.sessions.begin() as session:
        session.add(Company(name="深圳市科技有限公司"))
        session.add(Contact(full_name="Anna Schmidt"))

    def bodies() -> list[str]:
        with db.engine.connect() as conn:
            return sorted(conn.execute(text("SELECT body FROM search_doc")).scalars())

    rebuilt = bodies()
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    assert all("|" not in body for body in bodies())  # 0002's documents: no bigram line
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert bodies() == rebuilt
    assert any(body.endswith("科技| 技有| 有限| 限公| 公司|") for body in rebuilt)
    assert _indexed_ids(db, "科技|")
