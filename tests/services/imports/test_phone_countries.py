"""Issue 11: imported phone numbers are read in their row's country, never made Chinese.

500 US contacts in a csv ("(415) 293-3313", "1-955-371-0847 x371") imported with the
database's default region CN were stored as +86 numbers, and the check page said all
rows were fine.
"""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

import openpyxl
from sqlalchemy import select

from crm_desktop.models import Contact, ContactMethod
from crm_desktop.models.database import Database
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.scan import scan_rows

AREAS = ("415", "212", "646", "312", "617", "206", "303", "512", "305", "404", "702", "213")


def us_csv(path: Path, rows: int = 500) -> Path:
    """US contacts as a US export writes them: no Country column, US number formats."""
    rng = random.Random(11)

    def number(i: int) -> str:
        area, exchange, line = rng.choice(AREAS), rng.randrange(200, 999), rng.randrange(10000)
        return (
            f"({area}) {exchange}-{line:04d}",
            f"1-{area}-{exchange}-{line:04d} x{rng.randrange(10, 999)}",
            f"{area}.{exchange}.{line:04d}",
            f"{area}-{exchange}-{line:04d}",
        )[i % 4]

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["First name", "Last name", "Email", "Phone", "Mobile"])
        writer.writerow(
            ["Sam", "Reporter", "sam@example.com", "(415) 293-3313", "1-955-371-0847 x371"]
        )
        for i in range(rows - 1):
            writer.writerow(
                [f"First{i}", f"Last{i}", f"p{i}@example.com", number(i), number(i + 1)]
            )
    return path


def _plan(db: Database, path: Path, **changes: object) -> ImportPlan:
    prepared = prepare_import(db.sessions, path, "contacts")
    return replace(prepared.plan, **changes)  # type: ignore[arg-type]


def _phones(db: Database) -> dict[str, str | None]:
    with db.sessions() as session:
        rows = session.execute(
            select(ContactMethod.value, ContactMethod.normalized).where(
                ContactMethod.kind.in_(("phone", "mobile")), ContactMethod.contact_id.is_not(None)
            )
        ).all()
    return {value: normalized for value, normalized in rows}


def test_us_numbers_read_in_china_are_kept_as_written_and_flagged(
    db: Database, tmp_path: Path
) -> None:
    plan = _plan(db, us_csv(tmp_path / "us.csv"))
    assert plan.region == "CN"  # the database's setting
    scan = scan_rows(plan)
    assert scan.issue_count == 0 and scan.flag_count == 1000  # every number flagged
    first = scan.flagged[0]
    assert first.row == 2 and [(f.field, f.reason) for f in first.flags] == [
        ("Phone", "'(415) 293-3313': not a valid CN number; kept as written"),
        ("Mobile", "'1-955-371-0847 x371': not a valid CN number; kept as written"),
    ]

    report = run_import(db.sessions, plan)
    assert (report.created, report.failed, report.flagged) == (500, 0, 1000)
    assert report.flags[0].row == 2 and report.flags[0].field == "Phone"
    assert "1,000 phone numbers kept as written" in report.summary()
    phones = _phones(db)
    assert len(phones) == 1000
    assert not [n for n in phones.values() if n and n.startswith("+86")]
    assert not [n for n in phones.values() if n and n.startswith("+")]  # none made up
    assert phones["(415) 293-3313"] == "4152933313"  # the digits: typed again, it matches
    assert phones["1-955-371-0847 x371"] == "19553710847"


def test_the_same_file_read_as_us_numbers(db: Database, tmp_path: Path) -> None:
    report = run_import(db.sessions, _plan(db, us_csv(tmp_path / "us.csv"), region="US"))
    assert (report.created, report.flagged) == (500, 1)
    assert report.flags[0].reason == "'1-955-371-0847 x371': not a valid US number; kept as written"
    phones = _phones(db)
    assert phones["(415) 293-3313"] == "+14152933313"
    valid = {k: v for k, v in phones.items() if k != "1-955-371-0847 x371"}
    assert all(n is not None and n.startswith("+1") for n in valid.values())
    assert phones["1-955-371-0847 x371"] == "19553710847"


def test_each_row_is_read_in_its_own_country(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Name,Country,Phone,Mobile\n"
        "Sam Reporter,USA,(415) 293-3313,\n"
        "Jonas Weber,Deutschland,0221 9999123,0176 95455361\n"
        "王小明,中国,010 6552 9988,138 0013 8000\n"
        "Anna Berg,Germany,030 1234567,\n"
        "Jane Doe,,(212) 555-0147,+1 646 555 0199\n"  # no country: its "+1" number says it
        "李娜,,0755-8888 8888,13900139000\n"  # nothing said: the import's country (CN)
        "Tom Odd,United States,1-955-371-0847 x371,\n",
        encoding="utf-8",
    )
    report = run_import(db.sessions, _plan(db, path))
    assert (report.created, report.failed, report.flagged) == (7, 0, 1)
    assert report.flags[0].row == 8
    assert _phones(db) == {
        "(415) 293-3313": "+14152933313",
        "0221 9999123": "+492219999123",
        "0176 95455361": "+4917695455361",
        "010 6552 9988": "+861065529988",
        "138 0013 8000": "+8613800138000",
        "030 1234567": "+49301234567",
        "(212) 555-0147": "+12125550147",
        "+1 646 555 0199": "+16465550199",
        "0755-8888 8888": "+8675588888888",
        "13900139000": "+8613900139000",
        "1-955-371-0847 x371": "19553710847",
    }


def test_a_sheet_number_cell_that_lost_its_plus_is_read_with_it_and_flagged(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "mobiles.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Mobile"])
    sheet.append(["Anna Berg", 4915112345678])  # typed +49 151 12345678; Excel kept a number
    sheet.append(["王小明", 13800138000])
    sheet.append(["Text Cell", "4915112345678"])  # text says what it says
    book.save(path)
    report = run_import(db.sessions, _plan(db, path))
    assert (report.created, report.flagged) == (3, 2)
    assert [(n.row, n.field) for n in report.flags] == [(2, "Mobile"), (4, "Mobile")]
    assert "read as +49 1511 2345678" in report.flags[0].reason
    assert "with a + it would be +49 1511 2345678" in report.flags[1].reason
    with db.sessions() as session:
        rows = session.execute(
            select(Contact.full_name, ContactMethod.normalized).join(
                ContactMethod, ContactMethod.contact_id == Contact.id
            )
        ).all()
    assert dict(rows) == {
        "Anna Berg": "+4915112345678",
        "王小明": "+8613800138000",
        "Text Cell": "4915112345678",
    }


def test_a_vcard_is_read_in_its_address_country(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jonas Weber\r\n"
        "ADR;TYPE=WORK:;;Hauptstr. 1;Köln;;50667;Deutschland\r\n"
        "TEL;TYPE=CELL:0176 95455361\r\nTEL;TYPE=WORK:tel:+49-221-9999123;ext=12\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Reporter\r\nTEL:(415) 293-3313\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = run_import(db.sessions, _plan(db, path))
    assert (report.created, report.flagged) == (2, 1)
    assert report.flags[0].row == 2 and "not a valid CN number" in report.flags[0].reason
    assert _phones(db) == {
        "0176 95455361": "+4917695455361",
        "+49-221-9999123 ext. 12": "+492219999123",  # the extension is kept
        "(415) 293-3313": "4152933313",
    }
