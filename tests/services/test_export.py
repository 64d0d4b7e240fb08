"""Exports: every name and number survives CSV, xlsx and vCard; deleted rows stay out."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import vobject
from sqlalchemy import select

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Event,
    Lead,
    LeadStatus,
    MethodKind,
    Stage,
    Tag,
    Tagging,
    User,
)
from crm_desktop.models.database import Database
from crm_desktop.services import export
from crm_desktop.services.export import ExportError, export_records
from crm_desktop.services.vcard_out import split_name

NOTE = 'Met at booth 12.1 B34, "very" interested;\nsecond line =SUM(A1)'
PEOPLE = {
    # full name: (given, family, phonetic)
    "王伟": ("伟", "王", "Wang Wei"),
    "欧阳娜娜": (None, None, "Ouyang Nana"),
    "Jürgen Groß": ("Jürgen", "Groß", None),
    "François Lefèvre-Béranger": ("François", "Lefèvre-Béranger", None),
    "José Núñez, Jr.": (None, None, None),
    "Zoë O'Brien; Ltd": ("Zoë", "O'Brien; Ltd", None),
}


@pytest.fixture
def crm(db: Database) -> Database:
    """A few records with hard names, several methods, tags, and one soft-deleted contact."""
    with db.sessions.begin() as session:
        owner = User(name="李强", role="rep")
        event = Event(name="Canton Fair (广交会) Spring 2026", starts_on=dt.date(2026, 4, 15))
        vip = Tag(name="VIP")
        key = Tag(name="重点客户")
        company = Company(name="深圳市华信电子科技有限公司", domain="huaxin.cn")
        session.add_all([owner, event, vip, key, company])
        session.flush()
        company.owner_id = owner.id
        for position, (full, (given, family, phonetic)) in enumerate(PEOPLE.items()):
            contact = Contact(
                full_name=full,
                given_name=given,
                family_name=family,
                phonetic_name=phonetic,
                title="采购经理" if position % 2 == 0 else "Einkäufer",
                company_id=company.id,
                owner_id=owner.id,
                event_id=event.id,
                birthday=dt.date(1980, 2, 29) if position == 0 else None,
                notes=NOTE if position == 0 else None,
                city="深圳",
                country="China",
            )
            session.add(contact)
            session.flush()
            slug = f"p{position}"
            session.add_all(
                [
                    ContactMethod(
                        kind=MethodKind.EMAIL, label="work", value=f"{slug}@huaxin.cn",
                        normalized=f"{slug}@huaxin.cn", contact_id=contact.id, position=0,
                    ),
                    ContactMethod(
                        kind=MethodKind.MOBILE, label="mobile", value="138 0013 8000",
                        normalized="+8613800138000", contact_id=contact.id, position=1,
                    ),
                    ContactMethod(
                        kind=MethodKind.EMAIL, label="personal", value=f"{slug}@qq.com",
                        normalized=f"{slug}@qq.com", contact_id=contact.id, position=2,
                    ),
                ]
            )  # fmt: skip
            if position == 0:
                session.add_all(
                    [
                        ContactMethod(kind=MethodKind.WECHAT, label="WeChat", value="wangwei88",
                                      normalized="wangwei88", contact_id=contact.id, position=3),
                        ContactMethod(kind=MethodKind.PHONE, label="work", value="0755-2345 6789",
                                      normalized="+8675523456789", contact_id=contact.id,
                                      position=4),
                        Tagging(tag_id=vip.id, contact_id=contact.id),
                        Tagging(tag_id=key.id, contact_id=contact.id),
                    ]
                )  # fmt: skip
        gone = Contact(full_name="Deleted Person", deleted_at=dt.datetime.now(dt.UTC))
        lead = Lead(
            person_name="慕容复",
            company_name="Müller Maschinenbau GmbH",
            title="Geschäftsführer",
            status=LeadStatus.QUALIFIED.value,
            event_id=event.id,
            owner_id=owner.id,
        )
        session.add_all([gone, lead])
        session.flush()
        session.add(
            ContactMethod(kind=MethodKind.EMAIL, value="murong@mueller.de",
                          normalized="murong@mueller.de", lead_id=lead.id)
        )  # fmt: skip
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        deal = Deal(
            title="华信电子 – 500 LED panels",
            company_id=company.id,
            amount=Decimal("123456.78"),
            currency="CNY",
            pipeline_id=stage.pipeline_id,
            stage_id=stage.id,
            expected_close=dt.date(2026, 12, 31),
            owner_id=owner.id,
        )
        session.add(deal)
        session.flush()
        session.add(Tagging(tag_id=vip.id, deal_id=deal.id))
    return db


def _csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_contacts_csv_keeps_every_name_and_skips_deleted(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    report = export_records(crm.sessions, "contacts", "csv", path)
    rows = _csv(path)
    assert report.rows == len(rows) == len(PEOPLE)
    assert {r["Full name"] for r in rows} == set(PEOPLE)
    wang = next(r for r in rows if r["Full name"] == "王伟")
    assert wang["Family name"] == "王" and wang["Phonetic name"] == "Wang Wei"
    assert wang["E-mail"] == "p0@huaxin.cn; p0@qq.com"
    # Valid numbers show formatted, internationally: the file may go to another region.
    assert wang["Mobile"] == "'+86 138 0013 8000" and wang["Phone"] == "'+86 755 2345 6789"
    assert wang["IM"] == "WeChat: wangwei88"
    assert wang["Company"] == "深圳市华信电子科技有限公司"
    assert wang["Owner"] == "李强" and wang["Event"].startswith("Canton Fair")
    assert wang["Tags"] == "VIP; 重点客户"
    assert wang["Notes"] == NOTE
    assert wang["Birthday"] == "1980-02-29"
    assert not list(tmp_path.glob(".*.part"))


def test_paging_keeps_methods_with_their_record(
    crm: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE", 2)
    path = tmp_path / "contacts.csv"
    export_records(crm.sessions, "contacts", "csv", path)
    rows = _csv(path)
    assert len(rows) == len(PEOPLE)
    assert {r["Full name"] for r in rows} == set(PEOPLE)
    for row in rows:
        slug = f"p{list(PEOPLE).index(row['Full name'])}"
        assert row["E-mail"] == f"{slug}@huaxin.cn; {slug}@qq.com"


def test_xlsx_keeps_phones_as_text_and_notes_as_text(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    export_records(crm.sessions, "contacts", "xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == export.headers("contacts")
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert {r["Full name"].value for r in rows} == set(PEOPLE)
    wang = next(r for r in rows if r["Full name"].value == "王伟")
    assert wang["Mobile"].value == "+86 138 0013 8000" and wang["Mobile"].data_type == "s"
    assert wang["Notes"].value == NOTE and wang["Notes"].data_type == "s"
    assert wang["Created"].is_date


def test_deals_xlsx_amount_is_a_number(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "deals.xlsx"
    report = export_records(crm.sessions, "deals", "xlsx", path)
    assert report.rows == 1
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Title"] == "华信电子 – 500 LED panels"
    assert Decimal(str(row["Amount"])) == Decimal("123456.78")
    assert row["Currency"] == "CNY" and row["Company"] == "深圳市华信电子科技有限公司"
    assert row["Probability %"] == 10 and row["Stage"] == "Qualification"
    assert row["Tags"] == "VIP"


def test_companies_and_leads_csv(crm: Database, tmp_path: Path) -> None:
    export_records(crm.sessions, "companies", "csv", tmp_path / "c.csv")
    (company,) = _csv(tmp_path / "c.csv")
    assert company["Name"] == "深圳市华信电子科技有限公司" and company["Owner"] == "李强"
    export_records(crm.sessions, "leads", "csv", tmp_path / "l.csv")
    (lead,) = _csv(tmp_path / "l.csv")
    assert (lead["Name"], lead["Company"], lead["Status"]) == (
        "慕容复", "Müller Maschinenbau GmbH", "qualified",
    )  # fmt: skip
    assert lead["E-mail"] == "murong@mueller.de"


def test_vcard_roundtrip_with_vobject(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    export_records(crm.sessions, "contacts", "vcf", path)
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert len(cards) == len(PEOPLE)
    by_name = {card.fn.value: card for card in cards}
    assert set(by_name) == set(PEOPLE)
    for full, (given, family, _) in PEOPLE.items():
        card = by_name[full]
        assert card.version.value == "3.0"
        expected_family, expected_given = split_name(full, family, given)
        assert (card.n.value.family, card.n.value.given) == (expected_family, expected_given)
        assert card.org.value == ["深圳市华信电子科技有限公司"]
        assert card.tel_list[0].value == "+8613800138000"
    wang = by_name["王伟"]
    assert (wang.n.value.family, wang.n.value.given) == ("王", "伟")
    assert wang.note.value == NOTE
    assert wang.bday.value == "1980-02-29"
    assert wang.sort_string.value == "Wang Wei"
    assert wang.x_phonetic_last_name.value == "Wang"
    assert wang.x_wechat.value == "wangwei88"
    assert sorted(wang.categories.value) == ["VIP", "重点客户"]
    types = {tel.value: tel.params["TYPE"] for tel in wang.tel_list}
    assert types == {"+8613800138000": ["CELL", "VOICE"], "+8675523456789": ["WORK", "VOICE"]}
    emails = {e.value: e.params["TYPE"] for e in wang.email_list}
    assert emails == {"p0@huaxin.cn": ["INTERNET", "WORK"], "p0@qq.com": ["INTERNET", "HOME"]}
    assert wang.adr.value.city == "深圳" and wang.adr.value.country == "China"
    ouyang = by_name["欧阳娜娜"]
    assert (ouyang.n.value.family, ouyang.n.value.given) == ("欧阳", "娜娜")


def test_leads_vcard(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "leads.vcf"
    export_records(crm.sessions, "leads", "vcf", path)
    (card,) = vobject.readComponents(path.read_text(encoding="utf-8"))
    assert card.fn.value == "慕容复"
    assert (card.n.value.family, card.n.value.given) == ("慕容", "复")
    assert card.org.value == ["Müller Maschinenbau GmbH"]
    assert card.title.value == "Geschäftsführer"
    assert card.email.value == "murong@mueller.de"


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("王伟", ("王", "伟")),
        ("王小明", ("王", "小明")),
        ("欧阳娜娜", ("欧阳", "娜娜")),
        ("司马光", ("司马", "光")),
        ("约翰·史密斯", ("史密斯", "约翰")),
        ("Anna-Lena Müller", ("Müller", "Anna-Lena")),
        ("Madonna", ("", "Madonna")),
    ],
)
def test_split_name_without_parts(full: str, expected: tuple[str, str]) -> None:
    assert split_name(full, None, None) == expected


@pytest.mark.parametrize("kind", ["companies", "deals"])
def test_vcard_only_for_people(crm: Database, tmp_path: Path, kind: str) -> None:
    with pytest.raises(ExportError, match="people"):
        export_records(crm.sessions, kind, "vcf", tmp_path / "x.vcf")
    assert not (tmp_path / "x.vcf").exists()


def test_bad_kind_format_and_path(crm: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot export 'users'"):
        export_records(crm.sessions, "users", "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        export_records(crm.sessions, "contacts", "pdf", tmp_path / "x.pdf")
    with pytest.raises(ExportError, match="cannot write"):
        export_records(crm.sessions, "contacts", "csv", tmp_path / "missing" / "x.csv")


def test_cancel_leaves_no_file(crm: Database, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "out"
    out.mkdir()
    report = export_records(crm.sessions, "contacts", "xlsx", out / "contacts.xlsx", cancel=cancel)
    assert report.cancelled and report.rows == 0
    assert list(out.iterdir()) == []


def test_progress_reaches_one(crm: Database, tmp_path: Path) -> None:
    seen: list[float] = []
    export_records(
        crm.sessions, "contacts", "csv", tmp_path / "c.csv", lambda f, m="": seen.append(f)
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_existing_file_is_replaced_only_on_success(crm: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("old", encoding="utf-8")
    cancel = threading.Event()
    cancel.set()
    export_records(crm.sessions, "contacts", "csv", path, cancel=cancel)
    assert path.read_text(encoding="utf-8") == "old"
    export_records(crm.sessions, "contacts", "csv", path)
    assert len(_csv(path)) == len(PEOPLE)


# ---- spreadsheet formulas (OWASP "CSV injection") ------------------------------------------

EVIL = '=HYPERLINK("http://evil","x")'
DDE = "=cmd|' /C calc'!A0"
TRICKY = {
    # full name: (notes, mobile as typed); no comma in a name, which reads as "Family, Given"
    DDE: (EVIL, "+86 138 0013 8000"),
    "-Minus Corp": ("\t=1+1", "+49 (0)151 1234567"),
    "'t Hooft": ("'=typed with a quote", "0176 95455361"),
}


@pytest.fixture
def tricky(db: Database) -> Database:
    with db.sessions.begin() as session:
        for full, (notes, mobile) in TRICKY.items():
            contact = Contact(full_name=full, notes=notes)
            session.add(contact)
            session.flush()
            session.add(
                ContactMethod(kind=MethodKind.MOBILE, label="mobile", value=mobile,
                              normalized=None, contact_id=contact.id, position=0)
            )  # fmt: skip
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        session.add(
            Deal(title="+Refund", amount=Decimal("-12.50"), currency="EUR",
                 pipeline_id=stage.pipeline_id, stage_id=stage.id)
        )  # fmt: skip
    return db


def test_csv_text_that_could_be_a_formula_starts_with_a_quote(
    tricky: Database, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    export_records(tricky.sessions, "contacts", "csv", path)
    rows = {r["ID"]: r for r in _csv(path)}
    by_name = {r["Full name"]: r for r in rows.values()}
    assert set(by_name) == {"'" + DDE, "'-Minus Corp", "'t Hooft"}
    assert by_name["'" + DDE]["Notes"] == "'" + EVIL
    assert by_name["'" + DDE]["Mobile"] == "'+86 138 0013 8000"
    assert by_name["'-Minus Corp"]["Notes"] == "'\t=1+1"
    assert by_name["'t Hooft"]["Mobile"] == "0176 95455361"
    assert by_name["'t Hooft"]["Notes"] == "''=typed with a quote"
    for row in rows.values():
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row.values())


def test_csv_amounts_stay_numbers_and_titles_are_quoted(tricky: Database, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    export_records(tricky.sessions, "deals", "csv", path)
    (deal,) = _csv(path)
    assert deal["Amount"] == "-12.50"  # a number we wrote, not text: no quote
    assert deal["Title"] == "'+Refund"


def test_xlsx_formula_like_text_is_a_string_cell(tricky: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    export_records(tricky.sessions, "contacts", "xlsx", path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert EVIL in {c.value for c in cells}  # as written, no quote needed in xlsx
    assert all(c.data_type != "f" for c in cells)


def test_csv_export_imports_back_as_it_was(tricky: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.prepare import prepare_import
    from crm_desktop.services.imports.run import run_import

    path = tmp_path / "contacts.csv"
    export_records(tricky.sessions, "contacts", "csv", path)
    plan = prepare_import(tricky.sessions, path, "contacts").plan
    report = run_import(tricky.sessions, dataclasses.replace(plan, on_duplicate="create"))
    assert report.failed == 0, report.failures
    with tricky.sessions() as session:
        imported = session.scalars(
            select(Contact).where(Contact.import_batch_id.is_not(None))
        ).all()
        found = {
            c.full_name: (
                c.notes,
                session.scalars(
                    select(ContactMethod.value).where(ContactMethod.contact_id == c.id)
                ).one(),
            )
            for c in imported
        }
    assert found == {name: (notes.strip(), mobile) for name, (notes, mobile) in TRICKY.items()}


def test_formatted_phones_import_back_as_the_same_numbers(crm: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.prepare import prepare_import
    from crm_desktop.services.imports.run import run_import

    def numbers(batch: bool) -> list[tuple[str, str | None]]:
        with crm.sessions() as session:
            picked = (
                Contact.import_batch_id.is_not(None) if batch else Contact.import_batch_id.is_(None)
            )
            found = session.execute(
                select(Contact.full_name, ContactMethod.normalized)
                .join(ContactMethod, ContactMethod.contact_id == Contact.id)
                .where(picked, ContactMethod.kind.in_(("phone", "mobile", "fax")))
            )
            return sorted((name, key) for name, key in found)

    path = tmp_path / "contacts.xlsx"
    export_records(crm.sessions, "contacts", "xlsx", path)
    plan = prepare_import(crm.sessions, path, "contacts").plan
    report = run_import(crm.sessions, dataclasses.replace(plan, on_duplicate="create"))
    assert report.failed == 0, report.failures
    before = numbers(batch=False)
    assert before and numbers(batch=True) == before
