"""Large-deal alerts come from the stage history: created or moved forward, above the threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from crm_desktop.models import Company, Deal, DealStageChange, Stage, User, UserRole
from crm_desktop.models.database import Database
from crm_desktop.services.deal_alerts import (
    MAX_ALERTS,
    check_large_deals,
    is_large,
    large_deal_test,
    large_deal_threshold,
    wants_alerts,
)
from crm_desktop.services.exchange_rates import save_rate
from crm_desktop.services.settings import set_setting

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _stages(db: Database) -> dict[str, Stage]:
    with db.sessions() as session:
        return {s.name: s for s in session.scalars(select(Stage))}


def _deal(  # type: ignore[no-untyped-def]
    db: Database,
    title: str,
    amount: str | None,
    stage: Stage,
    deleted: bool = False,
    currency: str = "USD",
):
    with db.sessions.begin() as session:
        company = Company(name=f"{title} Ltd")
        session.add(company)
        session.flush()
        deal = Deal(
            title=title,
            company_id=company.id,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            pipeline_id=stage.pipeline_id,
            stage_id=stage.id,
            deleted_at=T0 if deleted else None,
        )
        session.add(deal)
        session.flush()
        return deal.id


def _move(db: Database, deal_id, old: Stage | None, new: Stage, minutes: int, who=None) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        session.add(
            DealStageChange(
                deal_id=deal_id,
                from_stage_id=old.id if old else None,
                from_stage_name=old.name if old else None,
                to_stage_id=new.id,
                to_stage_name=new.name,
                changed_by_id=who,
                changed_at=T0 + dt.timedelta(minutes=minutes),
            )
        )


def test_threshold_setting_is_read_and_bad_values_turn_alerts_off(db: Database) -> None:
    assert large_deal_threshold(db.sessions) == Decimal("100000")  # the seeded default
    set_setting(db.sessions, "large_deal_amount", "250,000")
    assert large_deal_threshold(db.sessions) == Decimal("250000")
    for off in ("", "0", "lots", "-5"):
        set_setting(db.sessions, "large_deal_amount", off)
        assert large_deal_threshold(db.sessions) is None
    assert is_large(Decimal("100"), Decimal("100"))
    assert not is_large(Decimal("99.99"), Decimal("100"))
    assert not is_large(None, Decimal("1"))
    assert not is_large(Decimal("5"), None)


def test_created_and_forward_moves_of_large_deals_are_reported_once(db: Database) -> None:
    s = _stages(db)
    with db.sessions.begin() as session:
        rep = User(name="Li Na", role=UserRole.REP.value)
        session.add(rep)
        session.flush()
        rep_id = rep.id
    big = _deal(db, "Big", "150000", s["Proposal"])
    small = _deal(db, "Small", "99999.99", s["Proposal"])
    gone = _deal(db, "Gone", "500000", s["Proposal"], deleted=True)
    _move(db, big, None, s["Qualification"], 1, rep_id)  # created: news
    _move(db, small, None, s["Qualification"], 2)  # below the threshold
    _move(db, gone, None, s["Qualification"], 3)  # deleted since
    _move(db, big, s["Qualification"], s["Proposal"], 4, rep_id)  # forward: news
    _move(db, big, s["Proposal"], s["Needs analysis"], 5)  # back: not news
    _move(db, big, s["Needs analysis"], s["Lost"], 6)  # lost: not news

    check = check_large_deals(db.sessions, T0)
    assert [(a.title, a.from_stage, a.stage, a.changed_by) for a in check.alerts] == [
        ("Big", None, "Qualification", "Li Na"),
        ("Big", "Qualification", "Proposal", "Li Na"),
    ]
    first = check.alerts[0]
    assert (first.company, first.amount, first.currency) == ("Big Ltd", Decimal("150000.00"), "USD")
    assert check.newest == T0 + dt.timedelta(minutes=4)
    assert check.more == 0
    # Asking again from where the last check ended finds nothing new.
    assert check_large_deals(db.sessions, check.newest).alerts == ()
    _move(db, big, s["Needs analysis"], s["Won"], 9)
    again = check_large_deals(db.sessions, check.newest)
    assert [(a.from_stage, a.stage) for a in again.alerts] == [("Needs analysis", "Won")]


def test_a_burst_keeps_the_newest_and_counts_the_rest(db: Database) -> None:
    s = _stages(db)
    for n in range(MAX_ALERTS + 3):
        deal = _deal(db, f"D{n:02d}", "200000", s["Qualification"])
        _move(db, deal, None, s["Qualification"], n + 1)
    check = check_large_deals(db.sessions, T0)
    assert len(check.alerts) == MAX_ALERTS
    assert check.more == 3
    assert check.alerts[-1].title == f"D{MAX_ALERTS + 2:02d}"
    assert check.alerts[0].title == "D03"


def test_only_managers_and_admins_want_alerts(db: Database) -> None:
    with db.sessions.begin() as session:
        users = [User(name=r.value, role=r.value) for r in UserRole]
        session.add_all(users)
        session.flush()
        ids = {u.role: u.id for u in users}
    assert wants_alerts(db.sessions, ids["manager"])
    assert wants_alerts(db.sessions, ids["admin"])
    assert not wants_alerts(db.sessions, ids["rep"])
    assert wants_alerts(db.sessions)  # the seeded local user is an admin
    with db.sessions.begin() as session:
        local = session.scalars(select(User).where(User.is_local.is_(True))).one()
        local.role = UserRole.REP.value
    assert not wants_alerts(db.sessions)


def test_amounts_are_converted_into_the_default_currency_first(db: Database) -> None:
    """The threshold (100,000) is in the default currency (USD): EUR 95,000 at 1.08 is
    USD 102,600, large; CNY 500,000 at 0.14 is USD 70,000, not; JPY has no rate: unknown."""
    s = _stages(db)
    save_rate(db.sessions, "EUR", "USD", "1.08", "2020-01-01")
    save_rate(db.sessions, "USD", "CNY", "7.1428571429", "2020-01-01")  # inverted: 0.14
    for n, (title, amount, currency) in enumerate(
        [
            ("Euro", "95000", "EUR"),
            ("Yuan", "500000", "CNY"),
            ("Yen", "99000000", "JPY"),
            ("Dollar", "100000", "USD"),
        ]
    ):
        deal = _deal(db, title, amount, s["Proposal"], currency=currency)
        _move(db, deal, None, s["Qualification"], n + 1)
    check = check_large_deals(db.sessions, T0)
    assert [a.title for a in check.alerts] == ["Euro", "Dollar"]
    assert check.newest == T0 + dt.timedelta(minutes=4)
    test = large_deal_test(db.sessions)
    assert test is not None and test.currency == "USD"
    assert test(Decimal("95000"), "EUR") and not test(Decimal("92000"), "EUR")
    assert not test(Decimal("500000"), "CNY") and not test(Decimal("1e9"), "JPY")
