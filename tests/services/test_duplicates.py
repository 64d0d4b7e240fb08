"""The duplicate check: same e-mail or mobile (a duplicate), or a close name at the same
company with nothing conflicting (a possible duplicate); another e-mail or mobile is
another person, and office phones never make two people one."""

from __future__ import annotations

import uuid

from crm_desktop.models import Company, Contact, ContactMethod, MethodKind, utcnow
from crm_desktop.models.database import Database
from crm_desktop.services.duplicates import (
    company_key,
    company_similarity,
    find_duplicates,
    name_similarity,
)
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.phones import read_phone


def _company(db: Database, name: str, deleted: bool = False) -> uuid.UUID:
    with db.sessions.begin() as session:
        company = Company(name=name, deleted_at=utcnow() if deleted else None)
        session.add(company)
        session.flush()
        return company.id


def _contact(
    db: Database,
    name: str,
    company_id: uuid.UUID | None = None,
    email: str | None = None,
    phone: str | None = None,
    deleted: bool = False,
    *,
    emails: tuple[str, ...] = (),
    office: str | None = None,
) -> uuid.UUID:
    with db.sessions.begin() as session:
        contact = Contact(
            full_name=name, company_id=company_id, deleted_at=utcnow() if deleted else None
        )
        session.add(contact)
        session.flush()
        for address in (email, *emails) if email else emails:
            session.add(
                ContactMethod(
                    contact_id=contact.id,
                    kind=MethodKind.EMAIL,
                    value=address,
                    normalized=address.lower(),
                )
            )
        for kind, number in ((MethodKind.MOBILE, phone), (MethodKind.PHONE, office)):
            if number:
                session.add(
                    ContactMethod(
                        contact_id=contact.id,
                        kind=kind,
                        value=number,
                        normalized=read_phone(number, "CN").key,  # as every write path stores it
                    )
                )
        return contact.id


def find(db: Database, name: str = "", company: str = "", emails=(), phones=(), **kw):  # type: ignore[no-untyped-def]
    return find_duplicates(db.sessions, name, company, list(emails), list(phones), "CN", **kw)


def test_same_email_any_case(db: Database) -> None:
    contact = _contact(db, "Anna Schmidt", email="anna@x.com")
    [match] = find(db, "Somebody else", emails=["  ANNA@X.com "])
    assert (match.kind, match.id, match.name) == ("contact", contact, "Anna Schmidt")
    assert match.reason == "same e-mail anna@x.com"
    assert match.score == 100


def test_same_phone_in_any_format(db: Database) -> None:
    lead = create_lead(db.sessions, LeadInput(person_name="李雷", phones=["+86 138 0013 8000"]))
    for typed in ("13800138000", "138-0013-8000", "+86 (138) 0013 8000", "0086 138 0013 8000"):
        [match] = find(db, phones=[typed])
        assert (match.kind, match.id) == ("lead", lead.id), typed
        assert match.reason == "same mobile +86 138 0013 8000"
        assert not match.possible
    assert find(db, phones=["138"]) == []  # too short to mean anything yet


def test_same_digits_when_the_number_is_not_valid(db: Database) -> None:
    contact = _contact(db, "Odd Number", phone="+12345678901234")
    [match] = find(db, phones=["12345678901234"])
    assert match.id == contact


def test_similar_name_at_the_same_company(db: Database) -> None:
    acme = _company(db, "Acme Ltd.")
    maria = _contact(db, "Maria Garcia", acme)
    _contact(db, "Peter Brown", acme)
    other = _company(db, "Globex")
    _contact(db, "Maria Garcia", other)
    matches = find(db, "María García", "ACME Limited")
    people = [m for m in matches if m.kind != "company"]
    assert [(m.kind, m.id) for m in people] == [("contact", maria)]
    assert people[0].reason == "same name at Acme Ltd."
    assert people[0].company_id == acme
    assert people[0].possible  # nothing but a name: a possible duplicate
    companies = [m for m in matches if m.kind == "company"]
    assert [(c.id, c.reason) for c in companies] == [(acme, "same company name")]
    assert matches[-1].kind == "company"  # people first


def test_similar_name_on_a_lead_by_company_text(db: Database) -> None:
    lead = create_lead(
        db.sessions, LeadInput(person_name="王小明", company_name="华为技术有限公司")
    )
    create_lead(db.sessions, LeadInput(person_name="张伟", company_name="华为技术有限公司"))
    [match] = find(db, "王小明", "华为技术")
    assert (match.kind, match.id, match.reason, match.possible) == (
        "lead",
        lead.id,
        "same name at 华为技术有限公司",
        True,
    )
    assert find(db, "王小明", "腾讯") == []


def test_reasons_combine_for_one_record(db: Database) -> None:
    lead = create_lead(
        db.sessions,
        LeadInput(person_name="Bob Stone", company_name="Stone Inc", emails=["bob@stone.io"]),
    )
    [match] = find(db, "Bob Stone", "Stone Inc", emails=["bob@stone.io"])
    assert match.id == lead.id
    assert match.reason == "same e-mail bob@stone.io; same name at Stone Inc"
    assert not match.possible


def _people(matches):  # type: ignore[no-untyped-def]
    return [(m.id, m.reason, m.possible) for m in matches if m.kind != "company"]


def test_the_same_name_with_another_email_or_mobile_is_somebody_else(db: Database) -> None:
    """Issue 11: 王伟 at 上海华东电子 twice, with their own e-mails and mobiles, are two people."""
    company = _company(db, "上海华东电子有限公司")
    wang = _contact(db, "王伟", company, "wang.wei1@hdec.cn", "+8613900000001")
    at = "上海华东电子有限公司"
    assert _people(find(db, "王伟", at, emails=["wang.wei2@hdec.cn"])) == []
    assert _people(find(db, "王伟", at, phones=["13900000002"])) == []
    assert _people(find(db, "王伟", at, ["wang.wei2@hdec.cn"], ["13900000002"])) == []
    assert [m.kind for m in find(db, "王伟", at, emails=["x@y.cn"])] == ["company"]
    # Nothing typed that conflicts: possibly the same person.
    assert _people(find(db, "王伟", at)) == [(wang, f"same name at {at}", True)]
    assert _people(find(db, "王伟", at, phones=["021 6234 5678"])) == [
        (wang, f"same name at {at}", True)
    ]  # an office number (not a mobile) conflicts with nothing
    # The same e-mail or mobile: a duplicate, whatever the name.
    assert _people(find(db, "Wang Wei", emails=["WANG.WEI1@hdec.cn"])) == [
        (wang, "same e-mail wang.wei1@hdec.cn", False)
    ]
    assert _people(find(db, "王伟", at, phones=["139 0000 0001"])) == [
        (wang, f"same mobile +86 139 0000 0001; same name at {at}", False)
    ]
    # One shared, one conflicting: only possibly (a shared info@, or a new phone).
    assert _people(find(db, "王伟", at, ["wang.wei1@hdec.cn"], ["13900000002"])) == [
        (wang, "same e-mail wang.wei1@hdec.cn, but another mobile", True)
    ]
    assert _people(find(db, "Wei", "", ["w@private.cn"], ["13900000001"])) == [
        (wang, "same mobile +86 139 0000 0001, but another e-mail", True)
    ]


def test_several_emails_conflict_only_when_none_is_shared(db: Database) -> None:
    company = _company(db, "Acme Ltd")
    anna = _contact(db, "Anna Berg", company, emails=("anna@acme.com", "anna@home.se"))
    assert _people(find(db, "Anna Berg", "Acme", emails=["berg@other.se"])) == []
    assert _people(find(db, "Anna Berg", "Acme", emails=["anna@home.se", "berg@other.se"])) == [
        (anna, "same e-mail anna@home.se; same name at Acme Ltd", False)
    ]


def test_office_phones_never_make_two_people_one(db: Database) -> None:
    company = _company(db, "Acme Ltd")
    with db.sessions.begin() as session:
        session.add(
            ContactMethod(
                company_id=company,
                kind=MethodKind.PHONE,
                value="+49 30 1234567",
                normalized="+49301234567",
            )
        )
    _contact(db, "Peter Brown", company, office="+49301234567")
    matches = find(db, "Maria Garcia", phones=["+49 30 1234567"])
    assert [(m.kind, m.id, m.reason) for m in matches] == [
        ("company", company, "same phone +49 30 1234567")
    ]


def test_soft_deleted_records_never_match(db: Database) -> None:
    gone = _company(db, "Initech", deleted=True)
    _contact(db, "Milton W", gone, email="milton@initech.com")
    _contact(db, "Bill L", email="bill@initech.com", deleted=True)
    assert find(db, "Milton W", "Initech", emails=["milton@initech.com", "bill@initech.com"]) == [
        m for m in find(db, emails=["milton@initech.com"]) if m.kind == "contact"
    ]
    # Only the live contact whose company is deleted is found, by e-mail; no company match.
    [match] = find(db, "Milton W", "Initech", emails=["bill@initech.com", "milton@initech.com"])
    assert match.kind == "contact" and match.company == ""


def test_exclude_id(db: Database) -> None:
    lead = create_lead(db.sessions, LeadInput(person_name="Ann", emails=["ann@a.com"]))
    assert find(db, emails=["ann@a.com"], exclude_id=lead.id) == []


def test_company_key() -> None:
    assert company_key("ACME, Inc.") == company_key("Acme Inc") == "acme"
    assert company_key("华为技术有限公司") == "华为技术"
    assert company_similarity("Acme Corporation", "ACME corp.") == 100
    assert company_similarity("Acme", "Apex") < 90
    assert name_similarity("María García", "Maria Garcia") == 100
    assert name_similarity("Garcia, Maria", "Maria Garcia") == 100
    assert name_similarity("王小明", "王晓明") < 85
