"""The demo generator: realistic, consistent rows that the ORM reads back like its own."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import threading
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_desktop.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Event,
    Lead,
    LeadStatus,
    MethodKind,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
)
from crm_desktop.models.database import Database, open_database
from crm_desktop.services import demo_pools
from crm_desktop.services.demo import DemoReport, existing_contacts, generate_demo
from crm_desktop.services.demo_generator import ascii_fold, phone_number
from crm_desktop.services.normalize import check_email, normalize_method
from crm_desktop.services.phones import read_phone

CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
LATIN_ACCENTS = re.compile(r"[äöüßÄÖÜéèêëàçîïôñóíúáÁÉÍÓÚ]")


@pytest.fixture
def demo(db: Database) -> tuple[Database, DemoReport]:
    return db, generate_demo(db.sessions, 240, seed=7)


def _count(db: Database, entity: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(entity)) or 0)


def test_report_matches_database_and_ratios(demo: tuple[Database, DemoReport]) -> None:
    db, report = demo
    assert (report.contacts, report.companies, report.leads, report.deals) == (240, 30, 60, 48)
    assert _count(db, Contact) == 240
    assert _count(db, Company) == 30
    assert _count(db, Lead) == 60
    assert _count(db, Deal) == 48
    assert _count(db, ContactMethod) == report.contact_methods > 240
    assert _count(db, Tagging) == report.taggings > 0
    assert _count(db, Activity) == report.activities > 240 * 0.4
    assert 0 < report.open_activities < report.activities
    assert report.users == len(demo_pools.DEMO_USERS)
    assert report.events >= 5
    assert not report.cancelled
    assert existing_contacts(db.sessions) == 240


def test_tiny_demo_still_has_a_handful_of_everything(db: Database) -> None:
    report = generate_demo(db.sessions, 3, seed=1)
    assert report.contacts == 3
    assert min(report.companies, report.leads, report.deals) >= 5


def test_every_entity_column_is_filled(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    now = dt.datetime.now(dt.UTC)
    with db.sessions() as session:
        for entity in (Company, Contact, Lead, Deal, ContactMethod, Tagging, Activity):
            rows = session.scalars(select(entity)).all()
            assert rows, entity
            for row in rows:
                assert isinstance(row.id, uuid.UUID) and row.id.version == 4
                assert row.version == 1
                assert row.deleted_at is None
                assert row.created_at.tzinfo is not None
                assert now - dt.timedelta(days=731) <= row.created_at <= now
                assert row.created_at <= row.updated_at <= now
        created = [c.created_at for c in session.scalars(select(Contact))]
    # Spread over the last two years, not all "now".
    assert max(created) - min(created) > dt.timedelta(days=300)


def test_orm_updates_bulk_rows_with_version_check(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    with db.sessions.begin() as session:
        contact = session.scalars(select(Contact).limit(1)).one()
        contact.title = "Changed"
        contact_id = contact.id
    with db.sessions() as session:
        again = session.get(Contact, contact_id)
        assert again is not None
        assert (again.title, again.version) == ("Changed", 2)


def test_names_are_chinese_and_western_with_accents(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    with db.sessions() as session:
        contacts = session.scalars(select(Contact)).all()
    chinese = [c for c in contacts if CJK.match(c.full_name)]
    western = [c for c in contacts if " " in c.full_name]
    assert len(chinese) > 60 and len(western) > 60
    for person in chinese:
        # Family name first, no space; pinyin as the phonetic name in the same order.
        assert person.phonetic_name and re.fullmatch(
            r"[A-Z][a-zü]+ [A-Z][a-z]+", person.phonetic_name
        )
        if person.family_name:
            assert person.full_name == f"{person.family_name}{person.given_name}"
    assert any(LATIN_ACCENTS.search(c.full_name) for c in western)
    assert (
        any(c.given_name is None and CJK.match(c.full_name) for c in contacts) or len(chinese) < 80
    )
    for person in western:
        assert person.full_name == f"{person.given_name} {person.family_name}"


def test_companies_match_their_country(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    countries = {c.name: c for c in demo_pools.COUNTRIES}
    with db.sessions() as session:
        companies = session.scalars(select(Company)).all()
    assert len({c.domain for c in companies}) == len(companies)
    for company in companies:
        country = countries[company.country or ""]
        assert company.city in {city.name for city in country.cities}
        assert company.domain and company.domain.endswith(country.tlds)
        assert company.industry in {i[0] for i in demo_pools.INDUSTRIES}
        if country.code == "CN":
            assert CJK.match(company.name[:2]) and company.name.endswith("公司")
        if company.website:
            assert company.website == f"https://www.{company.domain}"


def test_methods_are_valid_and_normalized(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    with db.sessions() as session:
        methods = session.scalars(select(ContactMethod)).all()
        domains = dict(session.execute(select(Contact.id, Company.domain).join(Company)).all())
    kinds = Counter(m.kind for m in methods)
    assert kinds[MethodKind.EMAIL] and kinds[MethodKind.MOBILE] and kinds[MethodKind.PHONE]
    assert kinds[MethodKind.WECHAT]
    for method in methods:
        # What the app itself would store for the value as typed (default region CN).
        assert normalize_method(method.kind, method.value, "CN") == method.normalized, method
        if method.kind in (MethodKind.PHONE, MethodKind.MOBILE, MethodKind.FAX):
            number = read_phone(method.value, "CN")
            assert number.valid, (method.value, number.problem)
        if method.kind == MethodKind.EMAIL:
            assert check_email(method.value).ok
            if method.contact_id and method.label == "work":
                assert method.value.endswith("@" + domains[method.contact_id])
    mobiles = [m.normalized for m in methods if m.kind == MethodKind.MOBILE]
    assert any(re.fullmatch(r"\+861[358]\d{9}", n or "") for n in mobiles)
    assert any((n or "").startswith(("+49", "+1", "+44", "+33", "+34")) for n in mobiles)


@pytest.mark.parametrize("country", demo_pools.COUNTRIES, ids=lambda c: c.code)
def test_phone_plans_only_make_valid_numbers(country: demo_pools.Country) -> None:
    rng = random.Random(3)
    plans = [country.mobile, *(city.landline for city in country.cities)]
    for plan in plans:
        for _ in range(300):
            value, e164 = phone_number(rng, plan, country)
            number = read_phone(value, "CN")
            assert number.valid and number.key == e164, (value, e164, number)


def test_leads_deals_and_events(demo: tuple[Database, DemoReport]) -> None:
    db, _ = demo
    today = dt.date.today()
    with db.sessions() as session:
        leads = session.scalars(select(Lead)).all()
        deals = session.scalars(select(Deal)).all()
        stages = {
            s.id: s
            for s in session.scalars(
                select(Stage).join(Pipeline).where(Pipeline.is_default.is_(True))
            )
        }
        events = session.scalars(select(Event)).all()
        owners = {u.id: u for u in session.scalars(select(User))}
    assert {lead.status for lead in leads} == {s.value for s in LeadStatus}
    for lead in leads:
        if lead.status == LeadStatus.CONVERTED:
            assert lead.converted_contact_id and lead.converted_company_id and lead.converted_at
        else:
            assert lead.converted_contact_id is None
    assert any(lead.event_id for lead in leads) and any(lead.source_id for lead in leads)
    assert {d.stage_id for d in deals} == set(stages)
    assert {d.currency for d in deals} <= {"USD", "EUR", "CNY"}
    assert len({d.currency for d in deals}) >= 2
    for deal in deals:
        stage = stages[deal.stage_id]
        assert isinstance(deal.amount, Decimal) and deal.amount > 0
        assert deal.contact_id and deal.company_id and deal.expected_close
        assert (deal.closed_at is not None) == (stage.is_won or stage.is_lost)
        assert (deal.lost_reason is not None) == stage.is_lost
    assert any(d.expected_close and d.expected_close < today for d in deals)
    assert any(d.expected_close and d.expected_close > today for d in deals)
    assert any(d.lead_id for d in deals)
    roles = Counter(owners[d.owner_id].role for d in deals if d.owner_id)
    assert roles["rep"] > roles["manager"] > 0 or roles["rep"] > 0
    assert len({d.owner_id for d in deals}) >= 3
    names = " ".join(e.name for e in events)
    assert "Canton Fair" in names and "Hannover Messe" in names and "CES" in names
    for event in events:
        assert event.starts_on and event.ends_on and event.starts_on <= event.ends_on
        assert event.place and event.cost and event.currency


def test_second_run_reuses_team_tags_and_events(db: Database) -> None:
    generate_demo(db.sessions, 20, seed=1)
    users, tags, events = _count(db, User), _count(db, Tag), _count(db, Event)
    again = generate_demo(db.sessions, 20, seed=1)
    assert (again.users, again.tags, again.events) == (0, 0, 0)
    assert (_count(db, User), _count(db, Tag), _count(db, Event)) == (users, tags, events)
    assert _count(db, Contact) == 40  # ids never follow the seed: no collisions


def test_cancel_adds_nothing(db: Database) -> None:
    cancel = threading.Event()
    users_before = _count(db, User)

    def progress(_fraction: float, message: str = "") -> None:
        if message.startswith("Companies"):
            cancel.set()

    report = generate_demo(db.sessions, 50, progress, cancel)
    assert report.cancelled and report.contacts == 0
    assert _count(db, Contact) == _count(db, Company) == 0
    assert _count(db, User) == users_before


def test_progress_rises_to_one(db: Database) -> None:
    seen: list[tuple[float, str]] = []
    generate_demo(db.sessions, 30, lambda f, m="": seen.append((f, m)), seed=2)
    fractions = [f for f, _ in seen]
    assert fractions[-1] == 1.0
    data = [f for f, m in seen if m.startswith(("Companies", "Contacts"))]
    assert data == sorted(data) and data
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_search_finds_demo_records(demo: tuple[Database, DemoReport]) -> None:
    search = pytest.importorskip("crm_desktop.services.search")
    db, report = demo
    assert report.search_indexed
    with db.sessions() as session:
        name = session.scalars(
            select(Contact.full_name).where(Contact.full_name.like("% %"))
        ).first()
    assert name
    assert search.search(db.sessions, name)


def test_size_must_be_positive(db: Database) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_demo(db.sessions, 0)


def test_ascii_fold_for_addresses() -> None:
    assert ascii_fold("Jürgen") == "juergen"
    assert ascii_fold("Groß") == "gross"
    assert ascii_fold("François") == "francois"
    assert ascii_fold("Núñez") == "nunez"
    assert ascii_fold("O'Brien") == "obrien"
    assert ascii_fold("Lüdtke") == "luedtke"


def _indexes(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        if db.is_sqlite:
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            )
        return {(str(name), str(ddl)) for name, ddl in rows}


def test_bulk_load_rebuilds_the_same_indexes(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_desktop.services import demo as demo_module

    monkeypatch.setattr(demo_module, "BULK_INDEXES_FROM", 10)
    before = _indexes(db)
    assert any(name == "ix_contact_full_name" for name, _ in before)
    seen: list[str] = []
    report = generate_demo(db.sessions, 40, lambda _f, m="": seen.append(m), seed=5)
    assert report.contacts == 40
    assert any(m.startswith("Indexes") for m in seen)
    assert _indexes(db) == before


def test_cancel_while_building_indexes_restores_them(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_desktop.services import demo as demo_module

    monkeypatch.setattr(demo_module, "BULK_INDEXES_FROM", 10)
    before = _indexes(db)
    cancel = threading.Event()

    def progress(_fraction: float, message: str = "") -> None:
        if message.startswith("Indexes 2/"):
            cancel.set()

    assert generate_demo(db.sessions, 40, progress, cancel).cancelled
    assert _indexes(db) == before
    assert _count(db, Contact) == 0


def test_demo_adds_exchange_rates_once_into_the_default_currency(db: Database) -> None:
    from crm_desktop.models import ExchangeRate
    from crm_desktop.services.settings import set_setting

    set_setting(db.sessions, "default_currency", "EUR")
    generate_demo(db.sessions, size=20, seed=3)
    with db.sessions() as session:
        rates = {
            (r.currency, r.base, r.valid_from.year): r.rate
            for r in session.scalars(select(ExchangeRate))
        }
    assert {base for _, base, _ in rates} == {"EUR"}
    # 1 USD = 1 / 1.17 EUR from 2026; 1 CNY = 0.1405 / 1.17 EUR.
    assert rates[("USD", "EUR", 2026)] == Decimal("0.854701")
    assert rates[("CNY", "EUR", 2026)] == Decimal("0.120085")
    count = len(rates)
    generate_demo(db.sessions, size=5, seed=4)  # a second run adds no second set
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ExchangeRate)) == count


def test_activities_link_to_the_contact_its_company_deal_and_lead(
    demo: tuple[Database, DemoReport],
) -> None:
    db, report = demo
    now = dt.datetime.now(dt.UTC)
    with db.sessions() as session:
        activities = session.scalars(select(Activity)).all()
        contacts = {c.id: c for c in session.scalars(select(Contact))}
        deals = {d.id: d for d in session.scalars(select(Deal))}
        lead_of = {
            lead.converted_contact_id: lead.id
            for lead in session.scalars(select(Lead).where(Lead.converted_contact_id.is_not(None)))
        }
    assert len(activities) == report.activities
    with_history = {a.contact_id for a in activities if a.done and a.kind != "task"}
    assert 0.25 < len(with_history) / len(contacts) < 0.55
    assert {a.kind for a in activities} == {"call", "meeting", "email", "note", "task"}
    for activity in activities:
        contact = contacts[activity.contact_id]  # type: ignore[index]
        assert activity.company_id == contact.company_id
        assert activity.owner_id == contact.owner_id
        assert activity.lead_id == lead_of.get(contact.id)
        if activity.deal_id is not None:
            assert deals[activity.deal_id].contact_id == contact.id
        assert activity.created_at <= now and activity.created_at >= contact.created_at
        if activity.done:
            assert activity.done_at and activity.done_at <= now
            assert contact.created_at <= activity.occurs_at <= now
        else:
            assert activity.kind in ("task", "meeting", "call") and activity.done_at is None
            assert now - dt.timedelta(days=22) <= activity.occurs_at
            assert activity.occurs_at <= now + dt.timedelta(days=43)
        if activity.remind_at is not None:
            assert activity.occurs_at - activity.remind_at in (
                dt.timedelta(0),
                dt.timedelta(minutes=15),
            )
            # Shown already when its time has come; not yet when it lies ahead.
            assert (activity.reminded_at is not None) == (activity.remind_at <= now)
        if activity.kind == "call" and activity.done:
            assert activity.outcome and activity.duration_minutes
    assert any(a.lead_id for a in activities) and any(a.deal_id for a in activities)
    assert any(a.remind_at for a in activities if not a.done)
    assert any(a.done for a in activities if a.kind == "task")
    assert any(a.email_from and a.email_to for a in activities if a.kind == "email")
    # Subjects in the person's language: Chinese people get Chinese subjects.
    chinese = [a for a in activities if CJK.match(contacts[a.contact_id].full_name)]  # type: ignore[index]
    assert chinese and all(re.search(r"[\u4e00-\u9fff]", a.subject) for a in chinese)
    german = {t for texts in demo_pools.ACTIVITY_TEXTS["de"].values() for t, _ in texts}
    assert german & {a.subject for a in activities}


def test_open_tasks_fall_in_every_bucket_at_office_hours(
    demo: tuple[Database, DemoReport],
) -> None:
    from crm_desktop.services.activities.schedule import Bucket, local_zone
    from crm_desktop.services.activities.tasks import list_tasks

    db, _ = demo
    zone = local_zone()
    now = dt.datetime.now(dt.UTC)
    for bucket in Bucket:
        if bucket is Bucket.TODAY and now.astimezone(zone).hour >= 23:
            continue  # too late in the day for a to-do due later today
        assert list_tasks(db.sessions, bucket, now=now, zone=zone).rows, bucket
    with db.sessions() as session:
        planned = session.scalars(select(Activity).where(Activity.done.is_(False))).all()
    upcoming = [a.occurs_at.astimezone(zone) for a in planned if a.occurs_at > now]
    overdue = [a.occurs_at.astimezone(zone) for a in planned if a.occurs_at <= now]
    assert all(dt.time(9) <= t.time() <= dt.time(16, 45) for t in overdue)
    later_days = [t for t in upcoming if t.date() > now.astimezone(zone).date()]
    assert later_days and all(dt.time(9) <= t.time() <= dt.time(16, 45) for t in later_days)
    assert all(t.minute % 15 == 0 for t in upcoming + overdue)


def test_activities_follow_the_seed(tmp_path: Path) -> None:
    def texts(name: str) -> list[tuple[object, ...]]:
        db = open_database(f"sqlite:///{tmp_path / name}")
        try:
            generate_demo(db.sessions, 60, seed=12)
            with db.sessions() as session:
                rows = session.execute(
                    select(Activity.kind, Activity.subject, Activity.done, Activity.outcome)
                ).all()
        finally:
            db.dispose()
        return sorted(tuple(r) for r in rows)

    first = texts("a.sqlite3")
    assert first and first == texts("b.sqlite3")


def test_deals_have_the_stage_history_that_brought_them_there(
    demo: tuple[Database, DemoReport],
) -> None:
    from crm_desktop.models import DealStageChange, Stage

    db, _report = demo
    with db.sessions() as session:
        stages = {s.id: s for s in session.scalars(select(Stage))}
        deals = list(session.scalars(select(Deal)))
        history: dict[object, list[DealStageChange]] = {}
        for change in session.scalars(select(DealStageChange).order_by(DealStageChange.changed_at)):
            history.setdefault(change.deal_id, []).append(change)
    assert deals and len(history) == len(deals)
    for deal in deals:
        moves = history[deal.id]
        assert moves[0].from_stage_id is None  # created in the first stage
        assert moves[-1].to_stage_id == deal.stage_id
        assert all(a.to_stage_id == b.from_stage_id for a, b in itertools.pairwise(moves))
        if stages[deal.stage_id].is_lost:
            assert moves[-1].lost_reason == deal.lost_reason is not None
        if deal.closed_at is not None:
            assert moves[-1].changed_at == deal.closed_at
