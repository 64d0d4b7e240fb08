"""The wizard's checks before an import: every row's problems, and duplicates field by field."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from legacy_people import legacy_sheet
from sqlalchemy import create_engine, func, select, text

from crm_desktop.models import Contact, ImportBatch, Setting
from crm_desktop.models.database import Database
from crm_desktop.services.imports.matching import Match
from crm_desktop.services.imports.plan import Review
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.review import find_duplicate_pairs
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.scan import scan_rows
from crm_desktop.services.imports.transform import RowRecord

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


def test_finding_duplicates_writes_nothing_and_others_can_write_meanwhile(
    db: Database, tmp_path: Path
) -> None:
    """Issue 11: the pass held SQLite's write lock from start to end (a dry-run import in
    one transaction). Each time it reports progress, another connection writes at once
    (no waiting: SQLite's busy timeout is 0, PostgreSQL's lock timeout 100 ms)."""
    sheet = legacy_sheet(rows=200, duplicates=10, possible=5, seed=2)
    plan = prepare_import(db.sessions, sheet.write(tmp_path / "people.csv"), "contacts").plan
    url = db.url
    other = create_engine(
        url, connect_args={"timeout": 0} if url.get_backend_name() == "sqlite" else {}
    )
    writes: list[str] = []

    def write_meanwhile(_fraction: float, message: str) -> None:
        with other.begin() as connection:
            if url.get_backend_name() == "postgresql":
                connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
            connection.execute(
                Setting.__table__.insert().values(  # type: ignore[attr-defined]
                    id=uuid.uuid4(), key=f"test.{len(writes)}", value=message, version=1,
                    created_at=dt.datetime.now(dt.UTC), updated_at=dt.datetime.now(dt.UTC),
                )
            )  # fmt: skip
        writes.append(message)

    try:
        report = find_duplicate_pairs(db.sessions, plan, write_meanwhile, batch_rows=50)
    finally:
        other.dispose()
    assert len(writes) >= 5  # at the start, after each of the 4 batches, at the end
    assert report.rows == 200 and report.total == 15
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
        assert session.scalar(select(func.count()).select_from(Setting).where(
            Setting.key.startswith("test."))) == len(writes)  # fmt: skip
    # The connection it read on is writable again for whoever gets it next.
    assert run_import(db.sessions, plan).created == sheet.people


class _Decisions:
    """What the real import decided about each matching row (its MatchObserver)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, bool, Any]] = []

    def duplicate(
        self,
        record: RowRecord,
        match: Match,
        existing: Mapping[str, Any],
        methods: list[tuple[str, str]],
        refs: Mapping[str, str],
    ) -> None:
        target = match.db_id if match.new is None else None
        self.rows.append((record.row, match.reason, match.category, match.possible, target))


@pytest.mark.parametrize("rule", ["skip", "fill"])
def test_the_pairs_found_are_what_the_import_then_does(
    db: Database, tmp_path: Path, rule: str
) -> None:
    """Over several batches, with people already in the CRM, duplicates by e-mail and by
    mobile, possible ones, and rows that fail."""
    sheet = legacy_sheet(rows=300, duplicates=30, possible=10, seed=5)
    lines = sheet.text.splitlines(keepends=True)
    lines[40] = lines[40].replace("@", "@@")  # a row that fails
    path = tmp_path / "people.csv"
    path.write_text("".join(lines), encoding="utf-8")
    known = tmp_path / "known.csv"
    known.write_text("".join(lines[:61]).replace("@@", "@"), encoding="utf-8")
    run_import(db.sessions, prepare_import(db.sessions, known, "contacts").plan)
    plan = replace(
        prepare_import(db.sessions, path, "contacts").plan,
        on_duplicate=rule,  # type: ignore[arg-type]
    )
    found = find_duplicate_pairs(db.sessions, plan, batch_rows=70)
    decisions = _Decisions()
    report = run_import(db.sessions, plan, batch_rows=70, observer=decisions)

    with db.sessions() as session:
        made = set(session.scalars(select(Contact.id).where(
            Contact.import_batch_id == report.batch_id)))  # fmt: skip
    imported = [
        (row, reason, category, possible, None if target in made else target)
        for row, reason, category, possible, target in decisions.rows
    ]
    pairs = [(p.row, p.reason, p.category, p.possible, p.record_id) for p in found.pairs]
    assert pairs == imported
    assert found.total == len(imported) and found.total > 60
    if rule == "skip":
        assert found.duplicates == report.duplicates
    else:  # the pass counts each merge; the import skips those that bring nothing new
        assert {c: sum(a.values()) for c, a in found.duplicates.counts.items()} == {
            c: sum(a.values()) for c, a in report.duplicates.counts.items()
        }
    assert {p.category for p in found.pairs} >= {"email", "mobile", "name"}
    # Rows that repeat a person of an earlier batch of the file, and of the same batch.
    assert any(p.earlier_row is not None and " as row " not in p.reason for p in found.pairs)
    assert any(p.earlier_row is not None and " as row " in p.reason for p in found.pairs)
    assert [f.row for f in found.failures] == [f.row for f in report.failures] == [41]
