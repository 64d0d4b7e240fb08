"""Record lists: columns, filters, sorting, paging and soft deletes, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Event,
    Lead,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
    utcnow,
)
from crm_desktop.models.database import Database
from crm_desktop.services.listing import (
    Cursor,
    ListQuery,
    columns,
    count_rows,
    fetch_page,
    filter_options,
    page_ids_statement,
)


def _me(db: Database) -> uuid.UUID:
    with db.sessions() as s:
        return s.scalars(select(User.id)).one()


def _stages(db: Database) -> list[Stage]:
    with db.sessions() as s:
        return list(s.scalars(select(Stage).order_by(Stage.position)))


@pytest.fixture
def sample(db: Database) -> dict[str, uuid.UUID]:
    me = _me(db)
    stages = _stages(db)
    with db.sessions.begin() as s:
        other = User(name="Zoe")
        expo = Event(name="Canton Fair")
        acme = Company(name="Acme", industry="Tools", city="Berlin", owner_id=me)
        beta = Company(name="Beta 贝塔", city="上海")
        s.add_all([other, expo, acme])
        s.flush()
        beta.owner_id = other.id
        s.add(beta)
        s.flush()
        anna = Contact(full_name="Anna Müller", company_id=acme.id, owner_id=me)
        wang = Contact(full_name="王小明", company_id=beta.id, owner_id=other.id, event_id=expo.id)
        gone = Contact(full_name="Deleted Person", deleted_at=utcnow())
        s.add_all([anna, wang, gone])
        s.flush()
        s.add_all(
            [
                ContactMethod(
                    kind="email", value="second@acme.com", position=1, contact_id=anna.id
                ),
                ContactMethod(kind="email", value="anna@acme.com", position=0, contact_id=anna.id),
                ContactMethod(kind="mobile", value="138 0013 8000", position=2, contact_id=wang.id),
            ]
        )
        lead1 = Lead(person_name="Bob", company_name="Gamma", status="new", event_id=expo.id)
        lead2 = Lead(person_name="Carl", company_name="Delta", status="qualified", owner_id=me)
        s.add_all([lead1, lead2])
        vip = Tag(name="VIP")
        s.add(vip)
        s.flush()
        s.add(Tagging(tag_id=vip.id, contact_id=wang.id))
        s.add(Tagging(tag_id=vip.id, lead_id=lead2.id))
        pipeline_id = stages[0].pipeline_id
        s.add_all(
            [
                Deal(
                    title="Big order",
                    company_id=acme.id,
                    amount=Decimal("1200.50"),
                    currency="EUR",
                    pipeline_id=pipeline_id,
                    stage_id=stages[2].id,
                    expected_close=dt.date(2027, 1, 31),
                ),
                Deal(
                    title="Small order",
                    amount=Decimal("10"),
                    pipeline_id=pipeline_id,
                    stage_id=stages[0].id,
                    probability=33,
                ),
            ]
        )
    return {
        "me": me,
        "other": other.id,
        "expo": expo.id,
        "vip": vip.id,
        "anna": anna.id,
        "wang": wang.id,
        "stage0": stages[0].id,
    }


def _names(db: Database, q: ListQuery) -> list[object]:
    return [row.values[0] for row in fetch_page(db.sessions, q, 0, 100)]


def test_contacts_columns_and_values(db: Database, sample: dict[str, uuid.UUID]) -> None:
    keys = [c.key for c in columns("contacts")]
    assert keys == [
        "name",
        "company",
        "title",
        "email",
        "phone",
        "owner",
        "last_contact",
        "updated",
    ]
    rows = fetch_page(db.sessions, ListQuery("contacts"), 0, 50)
    assert [r.values[0] for r in rows] == ["Anna Müller", "王小明"]  # deleted one never listed
    anna = rows[0]
    assert anna.id == sample["anna"]
    assert anna.version == 1
    assert anna.values[1] == "Acme"
    assert anna.values[3] == "anna@acme.com"  # lowest position wins
    assert anna.values[4] is None
    assert anna.values[5] == "Me"
    assert anna.values[6] is None  # never called, met or e-mailed
    assert rows[1].values[4] == "138 0013 8000"
    assert count_rows(db.sessions, ListQuery("contacts")) == 2


def test_filters(db: Database, sample: dict[str, uuid.UUID]) -> None:
    assert _names(db, ListQuery("contacts", text="müll")) == ["Anna Müller"]
    assert _names(db, ListQuery("contacts", text="小明")) == ["王小明"]
    assert _names(db, ListQuery("contacts", text="100%")) == []
    assert _names(db, ListQuery("contacts", owner_id=sample["other"])) == ["王小明"]
    assert _names(db, ListQuery("contacts", tag_id=sample["vip"])) == ["王小明"]
    assert _names(db, ListQuery("contacts", event_id=sample["expo"])) == ["王小明"]
    assert _names(db, ListQuery("leads", status="qualified")) == ["Carl"]
    assert _names(db, ListQuery("leads", text="gam")) == ["Bob"]
    assert _names(db, ListQuery("leads", tag_id=sample["vip"])) == ["Carl"]
    assert _names(db, ListQuery("deals", stage_id=sample["stage0"])) == ["Small order"]
    assert count_rows(db.sessions, ListQuery("leads", event_id=sample["expo"])) == 1


def test_sorting_is_sql_order_by(db: Database, sample: dict[str, uuid.UUID]) -> None:
    assert _names(db, ListQuery("contacts", descending=True)) == ["王小明", "Anna Müller"]
    assert _names(db, ListQuery("companies", sort_key="city")) == ["Beta 贝塔", "Acme"][::-1]
    assert _names(db, ListQuery("deals", sort_key="stage")) == ["Small order", "Big order"]
    assert _names(db, ListQuery("deals", sort_key="amount", descending=True)) == [
        "Big order",
        "Small order",
    ]
    deals = fetch_page(db.sessions, ListQuery("deals"), 0, 10)
    big, small = deals
    assert big.values[1:6] == ("Acme", Decimal("1200.50"), "EUR", "Proposal", 50)
    assert big.values[6] == dt.date(2027, 1, 31)
    assert small.values[5] == 33  # an override beats the stage's probability
    with pytest.raises(ValueError):
        fetch_page(db.sessions, ListQuery("deals", sort_key="nonsense"), 0, 10)


def test_paging_covers_every_row_once(db: Database) -> None:
    me = _me(db)
    with db.sessions.begin() as s:
        # Equal names: the id tie-breaker keeps pages stable and disjoint.
        s.add_all(Company(name=f"Same {i % 3}", owner_id=me) for i in range(25))
    q = ListQuery("companies")
    assert count_rows(db.sessions, q) == 25
    seen = []
    for offset in range(0, 25, 10):
        seen.extend(r.id for r in fetch_page(db.sessions, q, offset, 10))
    assert len(seen) == 25 == len(set(seen))
    assert fetch_page(db.sessions, q, 30, 10) == []


def test_filter_options(db: Database, sample: dict[str, uuid.UUID]) -> None:
    options = filter_options(db.sessions)
    assert [o.label for o in options.owners] == ["Me", "Zoe"]
    assert [o.label for o in options.tags] == ["VIP"]
    assert options.stages[0].label == "Qualification"
    assert [o.label for o in options.events] == ["Canton Fair"]
    assert "qualified" in [o.id for o in options.statuses]
    with db.sessions() as s:
        assert s.get(Pipeline, uuid.UUID(options.stages[0].id)) is None  # a stage id, not pipeline


def test_default_sort_uses_the_name_index(db: Database) -> None:
    stmt = page_ids_statement(ListQuery("contacts"), 500, 200)
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        from sqlalchemy import text

        if not db.is_sqlite:
            # An empty table: make PostgreSQL cost real scans (with bitmap scans allowed,
            # it checks deleted_at through any index that has it, e.g. ix_contact_next_step).
            conn.execute(text("SET enable_seqscan = off"))
            conn.execute(text("SET enable_bitmapscan = off"))
            # Statistics another test left (one row) make a sort look cheaper than the index;
            # the question is whether an index serves this order at all.
            conn.execute(text("SET enable_sort = off"))
        plan = "\n".join(str(r) for r in conn.execute(text(prefix + str(compiled))))
    assert "ix_contact_sort_key" in plan, plan


@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_match_offset_pages(db: Database, descending: bool) -> None:
    me = _me(db)
    with db.sessions.begin() as s:
        s.add_all(Company(name=f"Name {i % 4}", owner_id=me) for i in range(23))
        s.add(Company(name="Gone", deleted_at=utcnow()))
    q = ListQuery("companies", descending=descending)
    pages = [fetch_page(db.sessions, q, offset, 5) for offset in range(0, 25, 5)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    for number in range(1, 5):
        last = pages[number - 1][-1]
        after = fetch_page(db.sessions, q, 0, 5, Cursor(last.sort_value, last.id))
        assert after == pages[number]
    for number in range(0, 4):
        first = pages[number + 1][0]
        before = fetch_page(db.sessions, q, 0, 5, Cursor(first.sort_value, first.id, forward=False))
        assert before == pages[number]
    for number in range(5):  # read from the end when the count is known
        assert fetch_page(db.sessions, q, number * 5, 5, total=23) == pages[number]
    assert fetch_page(db.sessions, q, 25, 5, total=23) == []
    with pytest.raises(ValueError):
        fetch_page(db.sessions, ListQuery("companies", sort_key="city"), 0, 5, Cursor("x", me))


def test_phone_column_shows_one_format(db: Database) -> None:
    from crm_desktop.services.settings import set_setting

    set_setting(db.sessions, "default_region", "DE")
    with db.sessions.begin() as s:
        people = {
            "A home": ("0176/95455361", "+4917695455361"),  # the database's own region
            "B abroad": ("13800138000", "+8613800138000"),
            "C kept": ("(415) 293-33", "41529333"),  # not valid: shown as written
        }
        for name, (typed, key) in people.items():
            person = Contact(full_name=name)
            s.add(person)
            s.flush()
            s.add(ContactMethod(kind="mobile", value=typed, normalized=key, contact_id=person.id))
    rows = fetch_page(db.sessions, ListQuery("contacts"), 0, 10)
    phone = [c.key for c in columns("contacts")].index("phone")
    assert [r.values[phone] for r in rows] == ["0176 95455361", "+86 138 0013 8000", "(415) 293-33"]
    with db.sessions() as s:  # display only: the stored text is as typed
        assert set(s.scalars(select(ContactMethod.value))) == {
            "0176/95455361",
            "13800138000",
            "(415) 293-33",
        }
