"""Search and filter boxes: NUL, lone surrogates and pasted pages search instead of failing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from crm_desktop.models import Company, Contact, Deal, Lead, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.listing import ListQuery, count_rows, fetch_page
from crm_desktop.services.pipeline.board import BoardFilter, load_board
from crm_desktop.services.query_text import MAX_QUERY_CHARS, clean_query, escape_like
from crm_desktop.services.records import find_records
from crm_desktop.services.search import parse_query, search

# What was seen to raise: a NUL (PostgreSQL refuses it, FTS5 fails on it), half of a
# surrogate pair (nothing can encode it), both inside a name someone looks for.
BROKEN = ("王\x00伟", "王伟\ud800", "\udc00王伟", "Ann\x00a", "Anna\x1b")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("王\x00伟", "王伟"),
        ("ab\ud800cd", "abcd"),
        ("\udc00", ""),
        ("\ud83d\ude00 x", "😀 x"),  # a pair handed over in halves is one character
        ("a\tb\nc\r", "a b c "),
        ("\x07\x1b[31mred", "[31mred"),
        ("Zoë O'Brien 100%_", "Zoë O'Brien 100%_"),
        ("\u200d\u3000", "\u200d "),
    ],
)
def test_clean_query(raw: str, clean: str) -> None:
    assert clean_query(raw) == clean


def test_a_long_query_is_cut() -> None:
    assert clean_query("x" * 10_000) == "x" * MAX_QUERY_CHARS
    assert clean_query("王" * 10_000, limit=5) == "王" * 5
    query = parse_query("王伟 " * 5_000)
    assert query is not None and len(query.text) <= MAX_QUERY_CHARS
    # NFKC can lengthen a query (one ligature is 18 letters): cut after it as well.
    spread = parse_query("\ufdfa" * MAX_QUERY_CHARS)
    assert spread is not None and len(spread.text) <= MAX_QUERY_CHARS


def test_escape_like() -> None:
    assert escape_like(r"100%_a\b") == r"100\%\_a\\b"


@pytest.fixture
def crm(db: Database) -> dict[str, uuid.UUID]:
    with db.sessions.begin() as session:
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        company = Company(name="王伟贸易")
        session.add(company)
        session.flush()
        records = {
            "wang": Contact(full_name="王伟", company_id=company.id),
            "anna": Contact(full_name="Anna Müller"),
            "lead": Lead(person_name="王伟", company_name="Acme"),
            "deal": Deal(
                title="王伟 pumps",
                company_id=company.id,
                pipeline_id=stage.pipeline_id,
                stage_id=stage.id,
            ),
        }
        session.add_all(records.values())
        session.flush()
        return {name: r.id for name, r in records.items()} | {"company": company.id}


@pytest.mark.parametrize("raw", BROKEN)
def test_search_cleans_the_query(db: Database, crm: dict[str, uuid.UUID], raw: str) -> None:
    found = {hit.id for hit in search(db.sessions, raw)}
    wanted = {crm["anna"]} if "Ann" in raw else {crm["wang"], crm["lead"], crm["company"]}
    assert wanted <= found


@pytest.mark.parametrize(
    "raw", ["王伟 " * 2_000, "x" * 10_000, "\x00" * 10_000, "\ud800" * 10_000, "abc " * 2_500]
)
def test_search_answers_a_pasted_page(db: Database, crm: dict[str, uuid.UUID], raw: str) -> None:
    hits = search(db.sessions, raw)
    if raw.startswith("王伟"):
        assert crm["wang"] in {hit.id for hit in hits}  # the first terms still find it
    else:
        assert hits == []


@pytest.mark.parametrize("raw", BROKEN)
def test_list_filters_clean_the_text(db: Database, crm: dict[str, uuid.UUID], raw: str) -> None:
    kind = "contacts"
    q = ListQuery(kind=kind, text=raw)
    wanted = crm["anna"] if "Ann" in raw else crm["wang"]
    assert count_rows(db.sessions, q) == 1
    assert [row.id for row in fetch_page(db.sessions, q, 0, 10)] == [wanted]
    long = ListQuery(kind="leads", text="王伟" + "\x00" * 10_000)
    assert [row.id for row in fetch_page(db.sessions, long, 0, 10)] == [crm["lead"]]


@pytest.mark.parametrize("raw", BROKEN[:3])
def test_board_filter_and_pickers_clean_the_text(
    db: Database, crm: dict[str, uuid.UUID], raw: str
) -> None:
    board = load_board(db.sessions, BoardFilter(text=raw))
    assert [card.id for column in board.columns for card in column.cards] == [crm["deal"]]
    assert [option.id for option in find_records(db.sessions, "companies", raw)] == [
        str(crm["company"])
    ]
