"""The wizard's checks before an import: every row's problems, and duplicates field by field."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from crm_desktop.models import Contact, ImportBatch
from crm_desktop.models.database import Database
from crm_desktop.services.imports.plan import Review
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.review import find_duplicate_pairs
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.scan import scan_rows

CSV = (
    "Name,Company,Title,Email,Birthday\n"
    "Anna Berg,Acme,Buyer,anna@acme.com,1980-02-30\n"
    "Bo Chen,Acme,CTO,bo@acme,\n"
    ",,,,\n"
    "Anna Berg,Acme,Head of Purchasing,anna@acme.com,\n"
)


def _prepared(db: Database, tmp_path: Path, text: str = CSV):  # type: ignore[no-untyped-def]
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return prepare_import(db.sessions, path, "contacts")


def test_scan_lists_every_problem_row_and_applies_fixes(
    tmp_path: Path, sqlite_db: Database
) -> None:
    plan = _prepared(sqlite_db, tmp_path).plan
    report = scan_rows(plan)
    assert (report.rows, report.blank, report.issue_count) == (4, 1, 2)
    by_row = {issue.row: issue for issue in report.issues}
    assert set(by_row) == {2, 3}
    assert by_row[2].problems[0].field == "Birthday" and "no day" in by_row[2].problems[0].reason
    assert "bo@acme" in by_row[3].problems[0].reason
    fixed = replace(plan, overrides={2: {4: "1980-02-28"}}, excluded=frozenset({3}))
    assert scan_rows(fixed).issue_count == 0
    report = run_import(sqlite_db.sessions, fixed)
    assert (report.created, report.skipped, report.failed) == (
        1,
        2,
        0,
    )  # row 3 left out, row 5 a duplicate


def test_scan_can_be_cancelled(tmp_path: Path, sqlite_db: Database) -> None:
    rows = "Name,Email\n" + "".join(f"P{i},p{i}@x.com\n" for i in range(5000))
    plan = _prepared(sqlite_db, tmp_path, rows).plan
    cancel = threading.Event()
    cancel.set()
    report = scan_rows(plan, cancel=cancel)
    assert report.cancelled and report.rows < 5000


def test_duplicate_pairs_show_both_sides_and_write_nothing(db: Database, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Name,Company,Title,Email\nAnna Berg,Acme,Buyer,anna@acme.com\n", "utf-8")
    run_import(db.sessions, prepare_import(db.sessions, first, "contacts").plan)
    plan = _prepared(db, tmp_path, CSV.replace("1980-02-30", "1980-02-28")).plan
    report = find_duplicate_pairs(db.sessions, plan)
    assert report.total == 2 and not report.cancelled
    [in_db, in_file] = report.pairs
    assert (in_db.row, in_db.record_id is not None, in_db.earlier_row) == (2, True, None)
    assert in_db.name == "Anna Berg" and "same e-mail" in in_db.reason
    title = next(f for f in in_db.fields if f.key == "title")
    assert (title.file_value, title.record_value, title.differs) == ("Buyer", "Buyer", False)
    assert in_file.record_id is not None  # row 5 repeats row 2, itself the record in the db
    assert [f.row for f in report.failures] == [3]
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 1
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_reviewed_rows_merge_the_fields_the_user_took(db: Database, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Name,Company,Title,City\nAnna Berg,Acme,Buyer,Oslo\n", "utf-8")
    run_import(db.sessions, prepare_import(db.sessions, first, "contacts").plan)
    second = tmp_path / "second.csv"
    second.write_text(
        "Name,Company,Title,City,Notes\nAnna Berg,Acme,Head of Purchasing,Bergen,met at CES\n",
        "utf-8",
    )
    plan = prepare_import(db.sessions, second, "contacts").plan
    reviewed = replace(
        plan, on_duplicate="review", reviews={2: Review("merge", frozenset({"title"}))}
    )
    report = run_import(db.sessions, reviewed)
    assert report.updated == 1
    with db.sessions() as session:
        anna = session.scalars(select(Contact)).one()
    # title taken from the file; city kept; notes were empty, so they are filled
    assert (anna.title, anna.city, anna.notes) == ("Head of Purchasing", "Oslo", "met at CES")
    # Only the name matches: a possible duplicate, which nobody decided on this time.
    unreviewed = run_import(db.sessions, replace(plan, on_duplicate="review", on_possible="skip"))
    assert (unreviewed.skipped, unreviewed.updated) == (1, 0)
    assert unreviewed.duplicates.counts == {"name": {"skipped": 1}}


def test_pairs_name_linked_records_and_list_methods_by_kind(db: Database, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(
        "Name,Company,Email,Mobile,Event\nAnna Berg,Acme,anna@acme.com,+46 70 123 45 67,CES\n",
        "utf-8",
    )
    run_import(db.sessions, prepare_import(db.sessions, first, "contacts").plan)
    second = tmp_path / "second.csv"
    second.write_text("Name,Company,Email\nAnna Berg,Acme AB,anna@acme.com\n", "utf-8")
    report = find_duplicate_pairs(db.sessions, prepare_import(db.sessions, second, "contacts").plan)
    [pair] = report.pairs
    fields = {f.key: f for f in pair.fields}
    assert (fields["company"].file_value, fields["company"].record_value) == ("Acme AB", "Acme")
    assert fields["email"].record_value == "anna@acme.com"  # the e-mail, not every method
    assert fields["mobile"].record_value == "+46 70 123 45 67"
    assert fields["event"].record_value == "CES"
