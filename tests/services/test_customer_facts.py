"""Customer facts and the follow-up filters built on the same activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from activity_support import Customer, add_activity, add_deal, at, build_customer

from crm_desktop.models import ExchangeRate, utcnow
from crm_desktop.models.database import Database
from crm_desktop.services.activities.facts import customer_facts
from crm_desktop.services.listing import ListQuery, count_rows, fetch_page


@pytest.fixture
def customer(db: Database) -> Customer:
    return build_customer(db)


def test_facts_of_a_contact(db: Database, customer: Customer) -> None:
    c = customer
    add_activity(db, kind="call", occurs_at=at(-30), contact_id=c.contact, company_id=c.company)
    add_activity(db, kind="email", occurs_at=at(-4), contact_id=c.contact, company_id=c.company)
    add_activity(db, kind="note", occurs_at=at(-1), contact_id=c.contact)  # not "in touch"
    add_activity(db, kind="call", occurs_at=at(-2), contact_id=c.contact, deleted_at=at(-1))
    add_activity(
        db, kind="call", occurs_at=at(3), contact_id=c.contact, done=False, subject="Call back"
    )
    add_activity(
        db, kind="task", occurs_at=at(1), contact_id=c.contact, done=False, subject="Send quote"
    )
    add_deal(db, c, "Open 1", "Proposal", "1000")
    add_deal(db, c, "Open 2", "Qualification", "500.50")
    add_deal(db, c, "Lost", "Lost", "9999", closed_at=at(-50))
    for days in (-400, -300, -190, -100):
        add_deal(db, c, f"Won {days}", "Won", "2000", closed_at=at(days))

    facts = customer_facts(db.sessions, "contacts", c.contact, now=at(0))
    assert facts.currency == "USD"
    assert (facts.last_contact_at, facts.last_contact_kind) == (at(-4), "email")
    assert facts.next_step is not None
    assert (facts.next_step.subject, facts.next_step.at) == ("Send quote", at(1))
    assert facts.open_deals == 2
    assert facts.open_value.amount == Decimal("1500.50")
    assert facts.purchases == 4
    assert facts.won_value.amount == Decimal("8000.00")
    assert facts.last_purchase == at(-100).date()
    # Gaps of 100, 110 and 90 days: the median is 100.
    assert facts.typical_interval_days == 100
    assert facts.next_purchase_due == at(0).date()


def test_company_facts_convert_currencies_and_keep_those_without_a_rate(
    db: Database, customer: Customer
) -> None:
    c = customer
    with db.sessions.begin() as session:
        session.add(
            ExchangeRate(
                currency="EUR", base="USD", rate=Decimal("1.10"), valid_from=dt.date(2020, 1, 1)
            )
        )
    add_deal(db, c, "In euros", "Proposal", "1000", currency="EUR", contact=c.other_contact)
    add_deal(db, c, "In yen", "Proposal", "50000", currency="JPY")
    add_deal(db, c, "Won once", "Won", "10", closed_at=at(-5))
    facts = customer_facts(db.sessions, "companies", c.company)
    assert facts.open_deals == 2
    assert facts.open_value.amount == Decimal("1100.00")
    assert facts.open_value.unconverted == (("JPY", Decimal("50000.00")),)
    assert facts.purchases == 1
    assert facts.typical_interval_days is None  # one purchase has no rhythm
    assert facts.last_contact_at is None
    assert facts.next_step is None


def test_follow_up_filters(db: Database, customer: Customer) -> None:
    c = customer
    recent = utcnow() - dt.timedelta(days=10)
    long_ago = utcnow() - dt.timedelta(days=200)
    add_activity(db, kind="call", occurs_at=recent, contact_id=c.contact, company_id=c.company)
    add_activity(db, kind="call", occurs_at=long_ago, contact_id=c.other_contact)
    add_activity(db, kind="task", occurs_at=utcnow(), done=False, contact_id=c.other_contact)

    def names(follow_up: str) -> list[str]:
        q = ListQuery("contacts", follow_up=follow_up)
        rows = fetch_page(db.sessions, q, 0, 50)
        assert count_rows(db.sessions, q) == len(rows)
        return [row.values[0] for row in rows]

    assert names("quiet") == ["王小明"]
    assert names("no_next_step") == ["Anna Müller"]
    assert names("customers_quiet") == []  # nobody has won a deal yet
    add_deal(db, c, "Won", "Won", "10", closed_at=recent, contact=c.other_contact)
    assert names("customers_quiet") == ["王小明"]
    # The list's "Last contact" column shows the newest call, meeting or e-mail.
    rows = {r.values[0]: r for r in fetch_page(db.sessions, ListQuery("contacts"), 0, 50)}
    assert rows["Anna Müller"].values[6] == recent
    companies = fetch_page(db.sessions, ListQuery("companies", follow_up="quiet"), 0, 50)
    assert companies == []  # the company was called through Anna ten days ago
