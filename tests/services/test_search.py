"""Global search on SQLite and PostgreSQL: fragments, Chinese, phones, ranking, bulk paths."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from crm_desktop.models import Company, Contact, ContactMethod, Deal, Lead, Pipeline, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.search import (
    ReindexCancelledError,
    SearchHit,
    index_records,
    parse_query,
    reindex_all,
    search,
)


@pytest.fixture
def crm(db: Database) -> dict[str, uuid.UUID]:
    """A small CRM: Chinese and Western people, companies, a lead and a deal."""
    ids: dict[str, uuid.UUID] = {}
    with db.sessions.begin() as session:
        pipeline = session.scalars(select(Pipeline)).one()
        stage = session.scalars(select(Stage).where(Stage.name == "Proposal")).one()
        huawei = Company(name="华为技术有限公司", domain="huawei.com", city="深圳")
        acme = Company(name="Acme GmbH", domain="acme.de", city="Berlin")
        session.add_all([huawei, acme])
        session.flush()
        people = {
            "wangwei": Contact(full_name="王伟", phonetic_name="Wang Wei", company_id=huawei.id),
            "xiaoming": Contact(full_name="王小明", company_id=huawei.id),
            "anna": Contact(full_name="Anna Müller", company_id=acme.id),
            "annabel": Contact(full_name="Annabel Lee"),
            "joanna": Contact(full_name="Joanna Smith"),
        }
        session.add_all(people.values())
        lead = Lead(person_name="李娜", company_name="北京小米科技")
        session.add(lead)
        session.flush()
        session.add_all(
            [
                ContactMethod(
                    kind="mobile",
                    value="+86 138-0013-8000",
                    normalized="+8613800138000",
                    contact_id=people["wangwei"].id,
                ),
                ContactMethod(
                    kind="email",
                    value="anna.mueller@acme.de",
                    normalized="anna.mueller@acme.de",
                    contact_id=people["anna"].id,
                ),
                ContactMethod(
                    kind="phone",
                    value="010-6512 3456",
                    normalized="+861065123456",
                    lead_id=lead.id,
                ),
            ]
        )
        deal = Deal(
            title="Acme pumps 2027",
            company_id=acme.id,
            contact_id=people["anna"].id,
            pipeline_id=pipeline.id,
            stage_id=stage.id,
            amount=Decimal("12000.00"),
            currency="EUR",
        )
        session.add(deal)
        session.flush()
        ids.update({name: c.id for name, c in people.items()})
        ids.update(huawei=huawei.id, acme=acme.id, lead=lead.id, deal=deal.id)
    return ids


def _found(db: Database, text: str) -> list[tuple[str, uuid.UUID]]:
    return [(hit.kind, hit.id) for hit in search(db.sessions, text)]


@pytest.mark.parametrize(
    "query",
    [
        "138 0013",
        "1380013",
        "+86 138-0013-8000",
        "13800138000",
        "8000",
        "（138）0013",
        "１３８００",
    ],
)
def test_phone_digits_in_any_format_find_the_number(
    db: Database, crm: dict[str, uuid.UUID], query: str
) -> None:
    assert _found(db, query) == [("contact", crm["wangwei"])]


def test_a_landline_is_found_by_its_digits_as_typed_and_as_e164(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    assert _found(db, "010 6512") == [("lead", crm["lead"])]
    assert _found(db, "+86 10 6512 3456") == [("lead", crm["lead"])]


def test_chinese_two_character_name_and_given_name(db: Database, crm: dict[str, uuid.UUID]) -> None:
    assert _found(db, "王伟") == [("contact", crm["wangwei"])]
    assert _found(db, "小明") == [("contact", crm["xiaoming"])]
    assert _found(db, "李娜") == [("lead", crm["lead"])]
    assert set(_found(db, "王")) == {("contact", crm["wangwei"]), ("contact", crm["xiaoming"])}


def test_chinese_three_character_fragments_match_anywhere(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    assert _found(db, "王小明") == [("contact", crm["xiaoming"])]
    # A company fragment finds the company first, then the people who work there.
    hits = _found(db, "技术有限")
    assert hits[0] == ("company", crm["huawei"])
    assert set(hits[1:]) == {("contact", crm["wangwei"]), ("contact", crm["xiaoming"])}
    assert _found(db, "小米科") == [("lead", crm["lead"])]


def test_chinese_two_character_words_match_anywhere(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    """Most Chinese words have two characters: "技术" inside 华为技术有限公司, "科技" inside
    北京小米科技, "伟" and "明" alone are still only a name's start."""
    hits = _found(db, "技术")
    assert hits[0] == ("company", crm["huawei"])
    assert set(hits[1:]) == {("contact", crm["wangwei"]), ("contact", crm["xiaoming"])}
    assert _found(db, "科技") == [("lead", crm["lead"])]
    assert _found(db, "米科") == [("lead", crm["lead"])]
    assert _found(db, "小米 李娜") == [("lead", crm["lead"])]  # two words, both anywhere
    assert _found(db, "技术 小明") == [("contact", crm["xiaoming"])]
    assert _found(db, "技师") == []
    assert _found(db, "nn") == []  # Latin two-letter fragments stay prefix-only


def test_latin_fragments_of_names_companies_and_emails(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    assert ("contact", crm["anna"]) in _found(db, "müll")
    assert _found(db, "MUELLER@acme") == [("contact", crm["anna"])]
    assert _found(db, "wang wei") == [("contact", crm["wangwei"])]  # phonetic name
    assert set(_found(db, "acme")) == {
        ("company", crm["acme"]),
        ("contact", crm["anna"]),
        ("deal", crm["deal"]),
    }


def test_ranking_exact_then_prefix_then_word_prefix_then_contains(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    with db.sessions.begin() as session:
        anna = Contact(full_name="Anna")
        session.add(anna)
    hits = _found(db, "anna")
    assert hits[:3] == [
        ("contact", anna.id),  # exact
        ("contact", crm["anna"]),  # prefix, alphabetical: "anna müller" < "annabel lee"
        ("contact", crm["annabel"]),
    ]
    assert hits[3] == ("contact", crm["joanna"])  # contains


def test_company_hit_ranks_before_people_who_only_work_there(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    assert _found(db, "Acme GmbH")[0] == ("company", crm["acme"])


def test_subtitles_show_company_matched_email_phone_and_deal_stage(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    by_id = {hit.id: hit for hit in search(db.sessions, "acme")}
    assert by_id[crm["anna"]] == SearchHit(
        "contact", crm["anna"], "Anna Müller", "Acme GmbH · anna.mueller@acme.de"
    )
    assert by_id[crm["deal"]].subtitle == "Acme GmbH · Proposal · 12,000.00 EUR"
    assert by_id[crm["acme"]].subtitle == "acme.de · Berlin"
    phone = search(db.sessions, "0013 8000")[0]
    assert phone.subtitle == "华为技术有限公司 · +86 138-0013-8000"


def test_soft_deleted_records_are_never_returned(db: Database, crm: dict[str, uuid.UUID]) -> None:
    with db.sessions.begin() as session:
        contact = session.get(Contact, crm["xiaoming"])
        assert contact is not None
        contact.deleted_at = datetime.now(UTC)
    assert _found(db, "小明") == []
    # Even when a bulk statement bypassed the listener and the index still holds it.
    with db.sessions.begin() as session:
        session.execute(
            update(Contact)
            .where(Contact.id == crm["wangwei"])
            .values(deleted_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
    assert _found(db, "王伟") == []
    assert _found(db, "1380013") == []


def test_restored_record_is_found_again(db: Database, crm: dict[str, uuid.UUID]) -> None:
    for deleted_at in (datetime.now(UTC), None):
        with db.sessions.begin() as session:
            contact = session.get(Contact, crm["anna"])
            assert contact is not None
            contact.deleted_at = deleted_at
    assert _found(db, "anna.mueller") == [("contact", crm["anna"])]


def test_mixed_long_and_short_terms(db: Database, crm: dict[str, uuid.UUID]) -> None:
    # Anna at Acme, and the Acme deal whose contact she is.
    assert _found(db, "anna ac") == [("contact", crm["anna"]), ("deal", crm["deal"])]
    assert _found(db, "anna 深") == []  # "深" is in the company's city, not in Anna's document


def test_odd_characters_are_searched_literally(db: Database, crm: dict[str, uuid.UUID]) -> None:
    for query in ('"', "%%%", "a_b", "\\", "' OR 1=1 --", "NEAR(", "*"):
        assert _found(db, query) == []
    assert _found(db, "   ") == []


def test_limit_is_respected_and_prefix_hits_come_first(db: Database) -> None:
    rows = [{"id": uuid.uuid4(), "full_name": f"Wang {n:03d}"} for n in range(80)]
    rows += [{"id": uuid.uuid4(), "full_name": f"Liu Wang{n:03d}"} for n in range(30)]
    _bulk_contacts(db, rows)
    reindex_all(db.sessions)
    hits = search(db.sessions, "wang", limit=50)
    assert len(hits) == 50
    assert [h.title for h in hits[:3]] == ["Wang 000", "Wang 001", "Wang 002"]
    assert all(h.title.startswith("Wang ") for h in hits)
    assert len(search(db.sessions, "iu wang0", limit=10)) == 10


def _bulk_contacts(db: Database, rows: list[dict[str, object]]) -> None:
    now = datetime.now(UTC)
    with db.sessions.begin() as session:
        session.execute(
            insert(Contact.__table__),
            [{**row, "created_at": now, "updated_at": now, "version": 1} for row in rows],
        )


def test_index_records_makes_bulk_inserted_rows_findable(db: Database) -> None:
    rows = [{"id": uuid.uuid4(), "full_name": f"Bulk Person {n}"} for n in range(3)]
    _bulk_contacts(db, rows)
    assert _found(db, "bulk person") == []  # Core executemany bypasses the ORM listener
    with db.sessions.begin() as session:
        index_records(session, "contact", [row["id"] for row in rows])  # type: ignore[misc]
    assert {hit_id for _, hit_id in _found(db, "bulk person")} == {row["id"] for row in rows}
    with pytest.raises(ValueError, match="not a searchable kind"), db.sessions.begin() as session:
        index_records(session, "contacts", [])  # type: ignore[arg-type]


def test_reindex_all_reports_progress_and_counts_documents(
    db: Database, crm: dict[str, uuid.UUID]
) -> None:
    seen: list[tuple[float, str]] = []
    count = reindex_all(db.sessions, progress=lambda f, m: seen.append((f, m)))
    assert count == len(crm)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert _found(db, "王伟") == [("contact", crm["wangwei"])]


def test_cancelled_reindex_leaves_the_old_index(db: Database, crm: dict[str, uuid.UUID]) -> None:
    cancel = threading.Event()

    def progress(fraction: float, _message: str) -> None:
        if fraction > 0.1:
            cancel.set()  # cancel midway, after the old index was cleared in the transaction

    with pytest.raises(ReindexCancelledError):
        reindex_all(db.sessions, progress=progress, cancel=cancel)
    assert _found(db, "王伟") == [("contact", crm["wangwei"])]
    assert _found(db, "1380013") == [("contact", crm["wangwei"])]


def test_parse_query_recognises_phone_numbers() -> None:
    assert parse_query("  ") is None
    phone = parse_query("+86 (138) 0013-8000")
    assert phone is not None and phone.phone and phone.terms == ("8613800138000",)
    short = parse_query("12")
    assert short is not None and not short.phone
    name = parse_query("Anna  Müller")
    assert name is not None and name.terms == ("Anna", "Müller") and not name.phone
    wide = parse_query("ＡＢＣ１２３")
    assert wide is not None and wide.text == "ABC123"


def test_one_kind_does_not_crowd_out_the_others(db: Database) -> None:
    now = datetime.now(UTC)
    with db.sessions.begin() as session:
        session.execute(
            insert(Company.__table__),
            [
                {
                    "id": uuid.uuid4(),
                    "name": f"Wagner Werke {n:02d}",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(40)
            ],
        )
    _bulk_contacts(db, [{"id": uuid.uuid4(), "full_name": f"Max Wagner {n}"} for n in range(5)])
    reindex_all(db.sessions)
    hits = search(db.sessions, "wagner", limit=20)
    kinds = [hit.kind for hit in hits]
    assert kinds == ["company"] * 15 + ["contact"] * 5  # rank order kept: prefix before word
    assert hits[0].title == "Wagner Werke 00"


def test_several_short_terms_narrow_a_name_prefix(db: Database, crm: dict[str, uuid.UUID]) -> None:
    assert _found(db, "王 小明") == [("contact", crm["xiaoming"])]
    assert _found(db, "王伟 华为") == [("contact", crm["wangwei"])]
    assert _found(db, "王伟 ab") == []
