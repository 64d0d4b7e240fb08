"""Control characters are cleaned the same way on every path, on SQLite and on PostgreSQL.

A vCard with NUL bytes aborted a whole import on PostgreSQL (which refuses NUL in text)
while SQLite kept the NUL; card entry and the forms let them through too.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from malformed_files import nul_vcard, sheet_xml, strings_xml, xlsx
from sqlalchemy import select

from crm_desktop.models import Contact, ContactMethod, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.services.records import MethodInput, save_record


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("Anna\x00 Berg", False, "Anna Berg"),
        ("Acme\x00\x07 GmbH", False, "Acme GmbH"),
        ("line one\nline\ttwo\r\n", True, "line one\nline\ttwo\r\n"),
        ("line one\nline\ttwo", False, "line one line two"),
        ("FileMaker\x0bbreak\x0cpage", True, "FileMaker\nbreak\npage"),
        ("lone \ud800 half", True, "lone \ufffd half"),
        ("\x1b[1mbold\x1b[0m", True, "[1mbold[0m"),
        ("Zoë 王伟 \u2028 kept", True, "Zoë 王伟 \u2028 kept"),
        ("", False, ""),
    ],
)
def test_clean_text(text: str, multiline: bool, expected: str) -> None:
    assert clean_text(text, multiline=multiline) == expected


def test_clean_text_returns_clean_text_itself() -> None:
    text = "nothing to clean, über 100 %"
    assert clean_text(text) is text


def _contacts(db: Database) -> dict[str, Contact]:
    with db.sessions() as session:
        return {c.full_name: c for c in session.scalars(select(Contact))}


def test_a_vcard_with_nul_bytes_imports_on_every_database(db: Database, tmp_path: Path) -> None:
    path = nul_vcard(tmp_path / "nul.vcf")
    plan = prepare_import(db.sessions, path, "contacts").plan
    report = run_import(db.sessions, plan)
    assert (report.created, report.failed) == (2, 0), report.failures
    people = _contacts(db)
    assert set(people) == {"Anna Berg", "Bruno Keller"}
    assert people["Anna Berg"].notes == "first line\nsecond line"
    with db.sessions() as session:
        values = set(session.scalars(select(ContactMethod.value)))
    assert values == {"anna@example.org", "+49 30 1234567"}


def test_csv_and_xlsx_cells_are_cleaned_on_every_database(db: Database, tmp_path: Path) -> None:
    csv_path = tmp_path / "people.csv"
    csv_path.write_bytes(
        b"Name,E-mail,Notes\r\n"
        b"Anna\x00 Berg,anna@example.org,one\x0btwo\x00\r\n"
        b'"Bruno\tKeller",bruno@example.org,"a\r\nb"\r\n'
    )
    report = run_import(db.sessions, prepare_import(db.sessions, csv_path, "contacts").plan)
    assert (report.created, report.failed) == (2, 0), report.failures
    people = _contacts(db)
    assert people["Anna Berg"].notes == "one\ntwo"
    assert people["Bruno Keller"].notes == "a\nb"  # tab in a name: a space
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Chen_x0000_ Jing</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>x_x0007_y_x000D_</t></is></c></row>',
    )
    book = xlsx(tmp_path / "people.xlsx", sheet, strings_xml("Name", "Notes"))
    with zipfile.ZipFile(book) as archive:
        assert "_x0000_" in archive.read("xl/worksheets/sheet1.xml").decode()
    prepared = prepare_import(db.sessions, book, "contacts")
    assert prepared.preview[1] == ["Chen Jing", "xy\r"]  # the preview reads as the import does
    report = run_import(db.sessions, prepared.plan)
    assert (report.created, report.failed) == (1, 0), report.failures
    assert _contacts(db)["Chen Jing"].notes == "xy"


def test_card_entry_cleans_what_is_typed_or_scanned(db: Database) -> None:
    created = create_lead(
        db.sessions,
        LeadInput(
            person_name="王\x00伟",
            company_name="上海\x1f华东电子",
            note="met at\x00 the fair\nbooth 12",
            street="Hauptstr. 1\x00\nHof 2",
            city="Berlin\x00",
            emails=("wang\x00@example.cn",),
            phones=("+86 138\x00 0013 8000",),
        ),
    )
    with db.sessions() as session:
        lead = session.get(Lead, created.id)
        assert lead is not None
        names = (lead.person_name, lead.company_name, lead.city)
        assert names == ("王伟", "上海华东电子", "Berlin")
        assert (lead.notes, lead.street) == ("met at the fair\nbooth 12", "Hauptstr. 1\nHof 2")
        values = set(session.scalars(select(ContactMethod.value)))
    assert values == {"wang@example.cn", "+86 138 0013 8000"}


def test_forms_clean_values_methods_and_tags(db: Database) -> None:
    result = save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "Zoë\x00 Faure\t", "notes": "first\x00\nsecond\tcolumn"},
        methods=[MethodInput("email", "zoe\x00@example.fr", "work\x07")],
        tags=["VIP\x00", "trade\nshow"],
    )
    fields = result.detail.fields
    assert fields["full_name"] == "Zoë Faure"
    assert fields["notes"] == "first\nsecond\tcolumn"
    with db.sessions() as session:
        method = session.scalars(select(ContactMethod)).one()
    assert (method.value, method.label) == ("zoe@example.fr", "work")
