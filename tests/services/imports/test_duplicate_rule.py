"""Issue 11: who is the same person when importing. Another e-mail or mobile is another
person; the same e-mail or mobile is a duplicate; a close name alone is only possible."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lease_support import lease_runs_out
from legacy_people import legacy_sheet
from sqlalchemy import func, select

from crm_desktop.models import Contact, ImportBatch, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import resume_import, run_import

HEADER = "姓名,公司,职位,手机,电话,邮箱\n"


def _plan(db: Database, path: Path, target: str = "contacts", **changes: object) -> ImportPlan:
    plan = prepare_import(db.sessions, path, target).plan  # type: ignore[arg-type]
    assert plan.columns[:6] == ("full_name", "company", "title", "mobile", "phone", "email")
    return replace(plan, **changes)  # type: ignore[arg-type]


def _csv(tmp_path: Path, rows: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _count(db: Database, model: type = Contact) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_legacy_sheet_of_namesakes_keeps_every_distinct_person(
    db: Database, tmp_path: Path
) -> None:
    """3,000 rows, 2,873 people: 王伟 and 李娜 many times at the same five companies, each
    with their own e-mail and mobile, and everyone at a company on its switchboard number.
    Before: 100 created, 2,900 skipped as "same name at …"."""
    sheet = legacy_sheet()
    assert (sheet.rows, sheet.people, sheet.by_email + sheet.by_mobile) == (3000, 2873, 127)
    report = run_import(db.sessions, _plan(db, sheet.write(tmp_path / "legacy.csv")))
    assert (report.created, report.skipped, report.failed) == (2873, 127, 0)
    assert {note.row for note in report.skips} == sheet.duplicate_rows
    assert report.duplicates.counts == {
        "email": {"skipped": sheet.by_email},
        "mobile": {"skipped": sheet.by_mobile},
        "name": {"created": sheet.possible},
    }
    assert report.duplicates.lines() == [
        "Duplicates: 127, skipped",
        f"  same e-mail: {sheet.by_email}, skipped",
        f"  same mobile: {sheet.by_mobile}, skipped",
        "Possible duplicates: 20, created",
        "  same name at the same company, no conflicting e-mail or mobile: 20, created",
    ]
    assert _count(db) == 2873
    with db.sessions() as session:
        stored = session.scalars(select(ImportBatch.duplicates)).one()
        wang_wei = session.scalar(
            select(func.count()).select_from(Contact).where(Contact.full_name == "王伟")
        )
    assert stored == report.duplicates.to_json()
    assert wang_wei is not None and wang_wei > 100


@pytest.mark.parametrize(
    ("rule", "created", "skipped", "merged"),
    [("create", 3, 0, 0), ("skip", 2, 1, 0), ("merge", 2, 0, 1)],
)
def test_possible_duplicates_follow_their_own_rule(
    db: Database, tmp_path: Path, rule: str, created: int, skipped: int, merged: int
) -> None:
    path = _csv(
        tmp_path,
        "王伟,上海华东电子有限公司,销售,13900000001,,w1@hdec.cn\n"
        "李娜,上海华东电子有限公司,采购,,,\n"
        "王伟,上海华东电子有限公司,经理,,021-6234 5678,\n",  # no e-mail or mobile: possible
    )
    # The duplicate rule is "skip": it is not the one that decides a possible duplicate.
    report = run_import(db.sessions, _plan(db, path, on_possible=rule))
    assert (report.created, report.skipped, report.merged) == (created, skipped, merged)
    done = {"create": "created", "skip": "skipped", "merge": "merged"}[rule]
    assert report.duplicates.counts == {"name": {done: 1}}
    if rule == "skip":
        assert report.skips[0].reason == "same name at 上海华东电子有限公司 as row 2"


def test_another_email_or_mobile_is_another_person(db: Database, tmp_path: Path) -> None:
    first = _csv(tmp_path, "王伟,上海华东电子有限公司,销售,13900000001,,w1@hdec.cn\n", "a.csv")
    run_import(db.sessions, _plan(db, first))
    second = _csv(
        tmp_path,
        "王伟,上海华东电子有限公司,销售,13900000002,,\n"  # another mobile
        "王伟,上海华东电子有限公司,销售,,,w2@hdec.cn\n"  # another e-mail
        "王伟,上海华东电子有限公司,销售,13900000003,,w3@hdec.cn\n"  # both
        "王伟,上海华东电子有限公司,销售,13900000004,,W1@HDEC.CN\n"  # same e-mail, new mobile
        "Wang Wei,Other Ltd,,139 0000 0001,,wang@private.cn\n"  # same mobile, new e-mail
        "王伟,上海华东电子有限公司,经理,,,w1@hdec.cn\n"  # the same person
        "王伟,上海华东电子有限公司,经理,+86 139 0000 0001,,\n",  # the same person
        "b.csv",
    )
    report = run_import(db.sessions, _plan(db, second))
    assert (report.created, report.skipped) == (5, 2)
    assert report.duplicates.counts == {
        "email": {"skipped": 1},
        "mobile": {"skipped": 1},
        "email_other_mobile": {"created": 1},
        "mobile_other_email": {"created": 1},
        # Row 3 against row 2 of this file: one has only a mobile, the other only an
        # e-mail, so nothing conflicts: the same name makes them possibly one person.
        "name": {"created": 1},
    }
    # The rows of the file come first: rows 5 and 6 carry those keys too.
    skipped = {note.row: note.reason for note in report.skips}
    assert skipped == {
        7: "same e-mail w1@hdec.cn as row 5",
        8: "same mobile +86 139 0000 0001 as row 6",
    }


def test_the_same_email_with_another_mobile_within_the_file(db: Database, tmp_path: Path) -> None:
    """A shared info@ address: two people, one possible duplicate pair."""
    path = _csv(
        tmp_path,
        "张伟,杭州西湖软件有限公司,销售,13900000001,,info@xihu-soft.com\n"
        "李强,杭州西湖软件有限公司,销售,13900000002,,info@xihu-soft.com\n"
        "张伟,杭州西湖软件有限公司,销售,13900000001,,\n",
    )
    report = run_import(db.sessions, _plan(db, path))
    assert (report.created, report.skipped) == (2, 1)
    assert report.duplicates.counts == {
        "email_other_mobile": {"created": 1},
        "mobile": {"skipped": 1},
    }
    assert report.skips[0].reason == "same mobile 13900000001 as row 2"


def test_office_phones_never_make_two_people_one(db: Database, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Anna Berg,Acme AB,,,+46 8 123 456 78,\n"
        "Bo Chen,Acme AB,,,+46 8 123 456 78,\n"
        "Carl Diaz,Acme AB,,,+46 8 123 456 78,\n",
    )
    report = run_import(db.sessions, _plan(db, path))
    assert (report.created, report.skipped) == (3, 0)
    assert not report.duplicates


def test_leads_follow_the_same_rule(db: Database, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "王伟,上海华东电子有限公司,,13900000001,,w1@hdec.cn\n"
        "王伟,上海华东电子,,13900000002,,w2@hdec.cn\n"  # another person
        "王伟,上海华东电子有限公司,,,,\n"  # possible
        "王伟,上海华东电子有限公司,,,,W2@hdec.cn\n",  # row 3 again
    )
    report = run_import(db.sessions, _plan(db, path, "leads"))
    assert (report.created, report.skipped) == (3, 1)
    assert report.duplicates.counts == {"email": {"skipped": 1}, "name": {"created": 1}}
    assert _count(db, Lead) == 3


def test_counts_per_reason_are_kept_with_the_batch_and_across_a_resume(
    db: Database, tmp_path: Path
) -> None:
    sheet = legacy_sheet(rows=120, duplicates=12, possible=4, seed=3)
    plan = _plan(db, sheet.write(tmp_path / "legacy.csv"))
    stopped = run_import(db.sessions, plan, batch_rows=40, stop_after=1)
    if db.is_sqlite:  # as if the process had died: its lease is alive until it runs out
        lease_runs_out(db, stopped.batch_id)  # type: ignore[arg-type]
    report = resume_import(db.sessions, stopped.batch_id, batch_rows=40)  # type: ignore[arg-type]
    assert (report.created, report.skipped) == (sheet.people, 12)
    expected = {
        "email": {"skipped": sheet.by_email},
        "mobile": {"skipped": sheet.by_mobile},
        "name": {"created": 4},
    }
    assert report.duplicates.counts == expected
    [batch] = list_batches(db.sessions)
    assert batch.duplicates.counts == expected
    assert batch.line().endswith("0 failed; 12 duplicates, 4 possible duplicates")


def test_a_company_name_repeated_in_a_later_batch_is_a_duplicate(
    db: Database, tmp_path: Path
) -> None:
    """The names of existing companies are read once per import: one the import created
    itself was not found again a batch later, and was created twice."""
    path = tmp_path / "companies.csv"
    path.write_text("Name,Industry\nAcme Ltd,Tools\nGlobex,Chemicals\nACME Limited,Tools\n")
    plan = prepare_import(db.sessions, path, "companies").plan
    report = run_import(db.sessions, plan, batch_rows=2)
    assert (report.created, report.skipped) == (2, 1)
    assert report.skips[0].reason == "same company name"
    assert report.duplicates.counts == {"company_name": {"skipped": 1}}
