"""Creating leads from typed cards, and events, sources and users for the pick lists."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from crm_desktop.models import ContactMethod, Lead, LeadStatus, MethodKind
from crm_desktop.models.database import Database
from crm_desktop.services.card_data import CardData
from crm_desktop.services.events import (
    EventError,
    create_event,
    default_user_id,
    ensure_event,
    list_events,
    list_sources,
    list_users,
)
from crm_desktop.services.leads import (
    LeadInput,
    LeadValidationError,
    create_lead,
    get_lead,
    lead_input_from_card,
)
from crm_desktop.services.settings import set_setting


def test_create_lead_with_normalized_methods(db: Database) -> None:
    event = create_event(db.sessions, "Canton Fair 2026", starts_on=dt.date(2026, 4, 15))
    source = next(s for s in list_sources(db.sessions) if s.name == "Trade show")
    owner = default_user_id(db.sessions)
    created = create_lead(
        db.sessions,
        LeadInput(
            person_name="  王小明 ",
            company_name="华为技术有限公司",
            title="销售经理",
            phones=["138 0013 8000", "010-6552 9988"],
            emails=["XiaoMing@Huawei.COM"],
            note="Wants a quote",
            event_id=event.id,
            source_id=source.id,
            owner_id=owner,
            card_image=b"\x89PNG fake",
        ),
    )
    assert created.changes.leads and not created.changes.contacts
    with db.sessions() as session:
        lead = session.get(Lead, created.id)
        assert lead is not None
        assert (lead.person_name, lead.company_name, lead.title) == (
            "王小明",
            "华为技术有限公司",
            "销售经理",
        )
        assert lead.status == LeadStatus.NEW
        assert (lead.event_id, lead.source_id, lead.owner_id) == (event.id, source.id, owner)
        assert lead.card_image == b"\x89PNG fake"
        methods = session.scalars(
            select(ContactMethod)
            .where(ContactMethod.lead_id == lead.id)
            .order_by(ContactMethod.position)
        ).all()
    assert [(m.kind, m.value, m.normalized) for m in methods] == [
        (MethodKind.EMAIL, "XiaoMing@Huawei.COM", "xiaoming@huawei.com"),
        (MethodKind.MOBILE, "138 0013 8000", "+8613800138000"),
        (MethodKind.PHONE, "010-6552 9988", "+861065529988"),
    ]
    detail = get_lead(db.sessions, created.id)
    assert detail is not None and detail.event_name == "Canton Fair 2026"
    assert detail.emails == ("XiaoMing@Huawei.COM",)


def test_phones_use_the_database_default_region(db: Database) -> None:
    set_setting(db.sessions, "default_region", "DE")
    created = create_lead(db.sessions, LeadInput(person_name="Jan", phones=["030 1234567"]))
    with db.sessions() as session:
        normalized = session.scalar(
            select(ContactMethod.normalized).where(ContactMethod.lead_id == created.id)
        )
    assert normalized == "+49301234567"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (LeadInput(person_name="   "), "person_name"),
        (LeadInput(person_name="A", emails=["not-an-email"]), "emails"),
        (LeadInput(person_name="A", phones=["call me"]), "phones"),
        (LeadInput(person_name="A", company_name="x" * 301), "company_name"),
    ],
)
def test_validation_errors_name_the_field(db: Database, data: LeadInput, field: str) -> None:
    with pytest.raises(LeadValidationError) as info:
        create_lead(db.sessions, data)
    assert info.value.field == field
    with db.sessions() as session:
        assert session.scalar(select(Lead.id)) is None


def test_lead_input_from_card_keeps_everything() -> None:
    card = CardData(
        full_name="",
        company="Acme",
        mobiles=("+1 415 555 0100",),
        phones=("+1 415 555 0101",),
        faxes=("+1 415 555 0102",),
        emails=("x@acme.com",),
        websites=("acme.com",),
        city="Berlin",
    )
    data = lead_input_from_card(card)
    assert data.person_name == "x@acme.com"
    assert list(data.phones) == ["+1 415 555 0100", "+1 415 555 0101"]
    assert list(data.faxes) == ["+1 415 555 0102"]
    assert data.city == "Berlin"
    assert data.lenient_phones


def test_lenient_phones_keep_an_odd_number(db: Database) -> None:
    created = create_lead(
        db.sessions, LeadInput(person_name="Odd", phones=["+123456789"], lenient_phones=True)
    )
    with db.sessions() as session:
        method = session.scalar(select(ContactMethod).where(ContactMethod.lead_id == created.id))
    # Kept as written; its key is its digits, never a made-up E.164 number.
    assert method is not None and (method.value, method.normalized) == ("+123456789", "123456789")


def test_events_newest_first_and_ensure_event(db: Database) -> None:
    old = create_event(db.sessions, "CeBIT 2019", starts_on=dt.date(2019, 3, 20))
    new = create_event(db.sessions, "Hannover Messe 2026", starts_on=dt.date(2026, 4, 20))
    mid = create_event(
        db.sessions, "  Web  Summit ", starts_on=dt.date(2024, 11, 11), place="Lisbon"
    )
    assert [e.id for e in list_events(db.sessions)] == [new.id, mid.id, old.id]
    assert list_events(db.sessions)[1].name == "Web Summit"
    again = ensure_event(db.sessions, "web summit")
    assert again.id == mid.id and not again.changes.any()
    fresh = ensure_event(db.sessions, "Canton Fair")
    assert fresh.changes.events and len(list_events(db.sessions)) == 4


def test_event_validation(db: Database) -> None:
    with pytest.raises(EventError) as info:
        create_event(db.sessions, " ")
    assert info.value.field == "name"
    with pytest.raises(EventError) as info:
        create_event(db.sessions, "X", starts_on=dt.date(2026, 5, 2), ends_on=dt.date(2026, 5, 1))
    assert info.value.field == "ends_on"


def test_sources_and_users(db: Database) -> None:
    assert "Trade show" in [s.name for s in list_sources(db.sessions)]
    users = list_users(db.sessions)
    assert users[0].is_local and users[0].name == "Me"
    assert default_user_id(db.sessions) == users[0].id


def test_settings_are_checked_and_saved_together(db: Database) -> None:
    from crm_desktop.services.settings import SettingsError, load_settings, save_settings

    assert save_settings(db.sessions, " de ", "eur").settings
    loaded = load_settings(db.sessions)
    assert (loaded.region, loaded.currency) == ("DE", "EUR")
    with pytest.raises(SettingsError, match="XX"):
        save_settings(db.sessions, "XX", "USD")
    with pytest.raises(SettingsError, match="currency"):
        save_settings(db.sessions, "US", "dollars")
    assert load_settings(db.sessions).region == "DE"


def test_deal_settings_large_amount_and_lost_reasons(db: Database) -> None:
    from crm_desktop.services.settings import (
        SettingsError,
        load_settings,
        lost_reasons,
        save_settings,
        set_setting,
    )

    fresh = load_settings(db.sessions)
    assert fresh.large_deal_amount == "100000"
    assert fresh.lost_reasons[:2] == ("Price too high", "Chose a competitor")
    save_settings(
        db.sessions,
        "CN",
        "CNY",
        large_deal_amount=" 1,000,000 ",
        lost_reasons=["  价格太高 ", "", "Went  silent", "went silent", "价格太高"],
    )
    saved = load_settings(db.sessions)
    assert saved.large_deal_amount == "1000000"
    assert saved.lost_reasons == ("价格太高", "Went silent")
    save_settings(db.sessions, "CN", "CNY", large_deal_amount="")  # alerts off; reasons kept
    assert load_settings(db.sessions).large_deal_amount == ""
    assert lost_reasons(db.sessions) == ("价格太高", "Went silent")
    for bad in ("lots", "0", "-3", "nan"):
        with pytest.raises(SettingsError, match="large deals"):
            save_settings(db.sessions, "CN", "CNY", large_deal_amount=bad)
    with pytest.raises(SettingsError, match="longer than 300"):
        save_settings(db.sessions, "CN", "CNY", lost_reasons=["x" * 301])
    assert load_settings(db.sessions).large_deal_amount == ""  # nothing saved by half
    set_setting(db.sessions, "lost_reasons", "not json")
    assert lost_reasons(db.sessions) == ()
