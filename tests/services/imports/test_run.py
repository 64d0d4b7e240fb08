"""run_import end to end on small files the tests write, on both databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lease_support import lease_runs_out
from sqlalchemy import func, select

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Event,
    ImportBatch,
    ImportProblem,
    Lead,
    Stage,
    Tag,
    Tagging,
)
from crm_desktop.models.database import Database
from crm_desktop.services.imports.plan import ImportPlan, PlanError
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.source import ImportFileError
from crm_desktop.services.search import search

PEOPLE_CSV = (
    "姓名,公司,职位,手机,邮箱,城市,备注,生日,微信\n"
    "王小明,深圳华信电子有限公司,销售经理,13800138000,xiaoming@huaxin.cn,深圳,老客户,1985-03-04,wxm88\n"
    "Anna-Lena Müller,Acme GmbH,Einkauf,+49 151 12345678,anna@acme.de,Berlin,,1990-12-24,\n"
    ",,,,,,,,\n"
    "李娜,深圳华信电子有限公司,工程师,13900139000,not-an-address,深圳,,,\n"
    ",Acme GmbH,,,,,nur eine Notiz,,\n"
    "ANNA-LENA MÜLLER,Acme GmbH,Head of Purchasing,,Anna@ACME.de,,zweite Zeile,,\n"
)


def _write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _count(db: Database, model: type, *where: object) -> int:
    with db.sessions() as session:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int(session.scalar(query) or 0)


def _plan(db: Database, path: Path, target: str = "contacts", **changes: object) -> ImportPlan:
    prepared = prepare_import(db.sessions, path, target)  # type: ignore[arg-type]
    return replace(prepared.plan, **changes)  # type: ignore[arg-type]


def test_chinese_headers_map_and_every_row_is_accounted_for(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "客户.csv", PEOPLE_CSV)
    plan = _plan(db, path)
    assert plan.columns == (
        "full_name", "company", "title", "mobile", "email", "city", "notes", "birthday", "wechat",
    )  # fmt: skip
    report = run_import(db.sessions, plan)
    assert (report.rows, report.created, report.skipped, report.failed, report.blank) == (
        6, 2, 1, 2, 1,
    )  # fmt: skip
    assert report.accounted == report.rows
    failures = {note.row: note.reason for note in report.failures}
    assert set(failures) == {5, 6}  # sheet row numbers: the header is row 1
    assert "not-an-address" in failures[5] and "邮箱" in failures[5]
    assert "no name" in failures[6]
    assert "same e-mail Anna@ACME.de as row 3" in report.skips[0].reason
    assert report.duplicates.counts == {"email": {"skipped": 1}}
    with db.sessions() as session:
        wang = session.scalars(select(Contact).where(Contact.full_name == "王小明")).one()
        assert (wang.given_name, wang.family_name) == (None, None)  # a Chinese name stays whole
        assert wang.birthday == dt.date(1985, 3, 4)
        assert wang.notes == "老客户" and wang.city == "深圳"
        company = session.get(Company, wang.company_id)
        assert company is not None and company.name == "深圳华信电子有限公司"
        methods = {
            (m.kind, m.value, m.normalized)
            for m in session.scalars(
                select(ContactMethod).where(ContactMethod.contact_id == wang.id)
            )
        }
        assert methods == {
            ("mobile", "13800138000", "+8613800138000"),
            ("email", "xiaoming@huaxin.cn", "xiaoming@huaxin.cn"),
            ("wechat", "wxm88", "wxm88"),
        }
        anna = session.scalars(select(Contact).where(Contact.full_name == "Anna-Lena Müller")).one()
        assert (anna.given_name, anna.family_name) == ("Anna-Lena", "Müller")
        problems = session.scalars(select(ImportProblem).order_by(ImportProblem.row_number)).all()
        assert [p.row_number for p in problems] == [5, 6]
        assert problems[0].cells[0] == "李娜"  # the row as read, to fix and import again
    assert _count(db, Contact) == 2 and _count(db, Company) == 2
    hits = search(db.sessions, "华信")
    assert any(hit.title == "王小明" for hit in hits), "imported records are searchable at once"


def test_custom_columns_are_kept_and_problem_columns_named(db: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "leads.csv",
        "Name;Company;Email;Shoe size;Status\nJosé García;Sol S.L.;jose@sol.es;44;qualified\n"
        "Jan Novak;Skoda;jan@skoda.cz;43;bogus\n",
    )
    plan = _plan(db, path, "leads")
    assert plan.columns[3] == "custom"
    report = run_import(db.sessions, plan)
    assert (report.created, report.failed) == (1, 1)
    assert "'bogus' is not a lead status" in report.failures[0].reason
    with db.sessions() as session:
        lead = session.scalars(select(Lead)).one()
        assert lead.custom_fields == {"Shoe size": "44"}
        assert lead.status == "qualified" and lead.company_name == "Sol S.L."


def test_legacy_sheet_with_title_rows_and_numbers_stored_as_text(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "legacy.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2015年客户名单"])
    sheet.append(["导出日期: 2015-06-01"])
    sheet.append([])
    sheet.append(["姓名", "单位", "手机", "邮编", "QQ", "生日"])
    sheet.append(["赵六", "北京宏达科技有限公司", 13700137000, "010010", 123456789012, 31000])
    book.save(path)
    plan = _plan(db, path)
    assert plan.header_row == 3
    report = run_import(db.sessions, plan)
    assert report.created == 1, report.failures
    with db.sessions() as session:
        zhao = session.scalars(select(Contact)).one()
        assert zhao.postal_code == "010010"
        assert zhao.birthday == dt.date(1984, 11, 14)  # Excel serial 31000
        values = set(session.scalars(select(ContactMethod.value)))
        assert values == {"13700137000", "123456789012"}  # no "1.37e10", no ".0"


@pytest.mark.parametrize(
    ("rule", "expected_title", "counts"),
    [
        ("skip", "Buyer", (0, 0, 1)),
        ("fill", "Buyer", (1, 0, 0)),
        ("overwrite", "Head of Purchasing", (1, 0, 0)),
        ("create", "Buyer", (0, 1, 0)),
    ],
)
def test_duplicate_rules_against_the_database(
    db: Database, tmp_path: Path, rule: str, expected_title: str, counts: tuple[int, int, int]
) -> None:
    first = _write(
        tmp_path / "first.csv", "Name,Company,Title,Email\nAnna Berg,Acme,Buyer,anna@acme.com\n"
    )
    assert run_import(db.sessions, _plan(db, first)).created == 1
    second = _write(
        tmp_path / "second.csv",
        "Name,Company,Title,Email,City\nAnna Berg,Acme,Head of Purchasing,ANNA@acme.com,Oslo\n",
    )
    report = run_import(db.sessions, _plan(db, second, on_duplicate=rule))
    assert (report.updated, report.created, report.skipped) == counts
    with db.sessions() as session:
        titles = sorted(session.scalars(select(Contact.title).where(Contact.deleted_at.is_(None))))
        cities = set(session.scalars(select(Contact.city)))
    assert expected_title in titles
    assert ("Oslo" in cities) == (rule in ("fill", "overwrite", "create"))


def test_within_file_duplicates_merge_into_the_first_row(db: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "merge.csv",
        "Name,Company,Mobile,Email,City\n"
        "Li Wei,Haier,13800138000,li@haier.com,\n"
        "Li  Wei,Haier,+86 138 0013 8000,liwei@private.cn,Qingdao\n"
        "Wei Li,Haier,,,\n",
    )
    # Row 3 shares the mobile but not the e-mail, row 4 only the name: possible duplicates,
    # merged only because the user said so.
    plan = _plan(db, path, on_duplicate="fill", on_possible="merge")
    report = run_import(db.sessions, plan)
    assert (report.created, report.merged, report.rows) == (1, 2, 3)
    assert report.duplicates.counts == {
        "mobile_other_email": {"merged": 1},
        "name": {"merged": 1},
    }
    with db.sessions() as session:
        li = session.scalars(select(Contact)).one()
        assert li.city == "Qingdao"
        emails = set(
            session.scalars(select(ContactMethod.value).where(ContactMethod.kind == "email"))
        )
        assert emails == {"li@haier.com", "liwei@private.cn"}


def test_deals_match_stage_company_and_owner_by_name(db: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "deals.csv",
        "Opportunity Name,Account Name,Amount,Stage,Close Date,Probability (%),Owner,Tags\n"
        '500 pumps,Acme Ltd,"12,500.50",Proposal,2027-03-31,40,Me,export; q1\n'
        "Service contract,ACME LTD.,¥ 8 000,Won,2027-01-15,,me,\n"
        "Mystery,Nobody Inc,100,Daydreaming,,,,\n"
        "Orphan,Acme Ltd,100,Proposal,,,Ghost,\n",
    )
    plan = _plan(db, path, "deals")
    report = run_import(db.sessions, plan)
    assert (report.created, report.failed) == (2, 2), report.failures
    reasons = " ".join(note.reason for note in report.failures)
    assert "no stage named 'Daydreaming' (stages: qualification" in reasons
    assert "no user named 'Ghost'" in reasons
    with db.sessions() as session:
        deals = {d.title: d for d in session.scalars(select(Deal))}
        assert deals["500 pumps"].amount == Decimal("12500.50")
        assert deals["500 pumps"].probability == 40
        assert deals["500 pumps"].expected_close == dt.date(2027, 3, 31)
        assert deals["500 pumps"].company_id == deals["Service contract"].company_id
        won = session.get(Stage, deals["Service contract"].stage_id)
        assert won is not None and won.is_won and deals["Service contract"].closed_at is not None
        assert _count(db, Company) == 1  # "ACME LTD." is "Acme Ltd"
        tags = set(session.scalars(select(Tag.name)))
        assert {"export", "q1"} <= tags
        assert _count(db, Tagging) == 2


def test_undo_removes_created_and_restores_updated(db: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.undo import preview_undo, undo_import
    from crm_desktop.services.records import save_record

    before = save_record(
        db.sessions, "contacts", None, None, {"full_name": "Anna Berg", "title": "Buyer"}
    )
    with db.sessions.begin() as session:
        session.add(
            ContactMethod(kind="email", value="anna@acme.com", normalized="anna@acme.com",
                          contact_id=before.detail.id)
        )  # fmt: skip
    path = _write(
        tmp_path / "update.csv",
        "Name,Title,Email,Mobile,Tags,Event\n"
        "Anna Berg,Head of Purchasing,anna@acme.com,13800138000,vip,Hannover Messe\n"
        "Bo Chen,CTO,bo@chen.cn,,vip,Hannover Messe\n",
    )
    report = run_import(db.sessions, _plan(db, path, on_duplicate="overwrite"))
    assert (report.updated, report.created) == (1, 1)
    assert report.batch_id is not None
    preview = preview_undo(db.sessions, report.batch_id)
    assert (preview.created["contact"], preview.updated, preview.conflict_count) == (1, 1, 0)
    undone = undo_import(db.sessions, report.batch_id)
    assert (undone.removed, undone.restored, undone.kept) == (1, 1, 0)
    with db.sessions() as session:
        anna = session.get(Contact, before.detail.id)
        assert anna is not None and anna.title == "Buyer" and anna.deleted_at is None
        live_methods = set(
            session.scalars(
                select(ContactMethod.value).where(
                    ContactMethod.contact_id == anna.id, ContactMethod.deleted_at.is_(None)
                )
            )
        )
        assert live_methods == {"anna@acme.com"}  # the added mobile is gone
        live_tags = session.scalar(
            select(func.count()).select_from(Tagging).where(Tagging.deleted_at.is_(None))
        )
        assert live_tags == 0
        batch = session.get(ImportBatch, report.batch_id)
        assert batch is not None and batch.status == "undone"
    assert _count(db, Contact, Contact.deleted_at.is_(None)) == 1
    assert not [hit for hit in search(db.sessions, "Bo Chen") if hit.title == "Bo Chen"]
    assert _count(db, Event) == 1  # the event it named stays: other records may use it


def test_undo_asks_about_records_edited_since(db: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.undo import preview_undo, undo_import
    from crm_desktop.services.records import load_record, save_record

    path = _write(tmp_path / "two.csv", "Name,Email\nAnna Berg,anna@x.com\nBo Chen,bo@x.com\n")
    report = run_import(db.sessions, _plan(db, path))
    assert report.batch_id is not None
    with db.sessions() as session:
        bo = session.scalars(select(Contact).where(Contact.full_name == "Bo Chen")).one()
    detail = load_record(db.sessions, "contacts", bo.id)
    save_record(db.sessions, "contacts", bo.id, detail.version, {"title": "CTO"})
    preview = preview_undo(db.sessions, report.batch_id)
    assert preview.conflict_count == 1 and preview.conflicts[0].label == "Bo Chen"
    undone = undo_import(db.sessions, report.batch_id, conflicts="keep")
    assert (undone.removed, undone.kept) == (1, 1)
    with db.sessions() as session:
        names = set(session.scalars(select(Contact.full_name).where(Contact.deleted_at.is_(None))))
        assert names == {"Bo Chen"}
        methods = set(
            session.scalars(select(ContactMethod.value).where(ContactMethod.deleted_at.is_(None)))
        )
        assert methods == {"bo@x.com"}  # the kept record keeps its e-mail


def test_an_interrupted_import_resumes_where_it_stopped(db: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.history import list_batches
    from crm_desktop.services.imports.run import resume_import

    given = ("Anna", "Bo", "Chen", "Dmitri", "Emma", "Farid", "Gita", "Hugo", "Ines", "Jonas")
    family = ("Berg", "Li", "Novak", "Okafor", "Rossi")
    lines = ["Name,Email,Company"] + [
        f"{given[i % 10]} {family[i // 10]},p{i}@example.com,Firm {i % 7}" for i in range(50)
    ]
    path = _write(tmp_path / "fifty.csv", "\n".join(lines) + "\n")
    plan = _plan(db, path)
    partial = run_import(db.sessions, plan, batch_rows=10, stop_after=2)
    assert partial.batch_id is not None and partial.created == 20
    assert _count(db, Contact) == 20
    info = next(b for b in list_batches(db.sessions) if b.id == partial.batch_id)
    assert info.rows_done == 20
    if db.is_sqlite:  # "as if the process had died": its lease is alive until it runs out
        assert (info.status, info.can_resume) == ("running", False)
        lease_runs_out(db, partial.batch_id)
    info = next(b for b in list_batches(db.sessions) if b.id == partial.batch_id)
    assert (info.status, info.can_resume) == ("interrupted", True)
    resumed = resume_import(db.sessions, partial.batch_id, batch_rows=10)
    assert (resumed.created, resumed.rows) == (50, 50)
    assert _count(db, Contact) == 50 and _count(db, Company) == 7
    with db.sessions() as session:
        batch = session.get(ImportBatch, partial.batch_id)
        assert batch is not None and (batch.status, batch.rows_done) == ("complete", 50)


def test_dry_run_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "客户.csv", PEOPLE_CSV)
    report = run_import(db.sessions, _plan(db, path), dry_run=True)
    assert (report.created, report.failed, report.batch_id) == (2, 2, None)
    assert report.duplicates.counts == {"email": {"skipped": 1}}
    assert _count(db, Contact) == 0 and _count(db, ImportBatch) == 0 and _count(db, Company) == 0


def test_mapping_is_remembered_for_the_same_headers(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "Name,Code,Email\nAnna,X1,anna@x.com\n")
    plan = _plan(db, path)
    assert plan.columns == ("full_name", "custom", "email")
    run_import(db.sessions, replace(plan, columns=("full_name", "", "email")))
    again = _write(tmp_path / "b.csv", "name , CODE,Email\nBo,X2,bo@x.com\n")
    prepared = prepare_import(db.sessions, again, "contacts")
    assert prepared.remembered and prepared.plan.columns == ("full_name", "", "email")


def test_files_that_cannot_be_imported_say_why(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"empty\.csv is empty"):
        prepare_import(db.sessions, empty)
    header_only = _write(tmp_path / "header.csv", "Name,Email\n")
    with pytest.raises(ImportFileError, match="no rows under its header"):
        prepare_import(db.sessions, header_only)
    no_name = _write(tmp_path / "numbers.csv", "Amount,Code\n12,A\n")
    with pytest.raises(PlanError, match="no column is mapped to the full name"):
        run_import(db.sessions, _plan(db, no_name))


def test_problem_rows_saved_as_a_sheet_fix_and_import_again(db: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.history import problem_rows, save_problem_rows

    path = _write(tmp_path / "客户.csv", PEOPLE_CSV)
    report = run_import(db.sessions, _plan(db, path))
    assert report.batch_id is not None and report.failed == 2
    assert [p.row for p in problem_rows(db.sessions, report.batch_id)] == [5, 6]
    sheet = tmp_path / "problems.xlsx"
    assert save_problem_rows(db.sessions, report.batch_id, sheet) == 2
    book = openpyxl.load_workbook(sheet)
    rows = [
        [c if c is not None else "" for c in row] for row in book.active.iter_rows(values_only=True)
    ]  # type: ignore[union-attr]
    assert rows[0][:2] == ["姓名", "公司"] and rows[0][-2:] == [
        "crm-desktop: row in the file",
        "crm-desktop: problem",
    ]
    assert rows[1][0] == "李娜" and rows[1][-2] == 5 and "not-an-address" in rows[1][-1]
    rows[1][4] = "lina@huaxin.cn"  # fix the e-mail
    rows[2][0] = "Karl Berg"  # give the nameless row a name
    fixed = openpyxl.Workbook()
    for row in rows:
        fixed.active.append(row)  # type: ignore[union-attr]
    again = tmp_path / "fixed.xlsx"
    fixed.save(again)
    plan = _plan(db, again)
    assert plan.columns[-2:] == ("", "")  # the two added columns are left out
    second = run_import(db.sessions, plan)
    assert (second.created, second.failed) == (2, 0), second.failures
    with db.sessions() as session:
        karl = session.scalars(select(Contact).where(Contact.full_name == "Karl Berg")).one()
        assert karl.custom_fields is None and karl.notes == "nur eine Notiz"


def test_vcard_import_takes_the_values_chosen_for_every_card(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "booth.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nEMAIL:anna@acme.com\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    plan = ImportPlan(
        str(path), "leads", format="vcf", defaults={"event": "Hannover Messe", "tags": "booth"}
    )
    assert run_import(db.sessions, plan).created == 1
    with db.sessions() as session:
        lead = session.scalars(select(Lead)).one()
        event = session.get(Event, lead.event_id)
        assert event is not None and event.name == "Hannover Messe"
        assert session.scalars(select(Tag.name)).all() == ["booth"]


def test_undo_removes_a_company_made_for_a_record_it_restores(db: Database, tmp_path: Path) -> None:
    from crm_desktop.services.imports.undo import undo_import

    first = _write(tmp_path / "a.csv", "Name,Email\nAnna Berg,anna@acme.com\n")
    run_import(db.sessions, _plan(db, first))
    second = _write(tmp_path / "b.csv", "Name,Email,Company\nAnna Berg,anna@acme.com,Acme GmbH\n")
    report = run_import(db.sessions, _plan(db, second, on_duplicate="fill"))
    assert (report.updated, _count(db, Company)) == (1, 1)
    assert report.batch_id is not None
    undone = undo_import(db.sessions, report.batch_id)
    assert (undone.restored, undone.removed, undone.still_used) == (1, 1, 0)
    assert _count(db, Company, Company.deleted_at.is_(None)) == 0
    with db.sessions() as session:
        assert session.scalars(select(Contact.company_id)).one() is None


def test_the_summary_counts_in_singular_and_plural() -> None:
    from crm_desktop.services.imports.run import ImportReport

    one = ImportReport(None, "booth.vcf", "leads", rows=1, created=0, skipped=1, groups=1)
    assert one.summary() == (
        "Imported booth.vcf: 1 card: 0 created, 0 updated, 0 merged, 1 skipped (1 group), 0 failed"
    )
    many = ImportReport(None, "list.csv", "leads", rows=12_345, created=12_345)
    assert many.summary().startswith("Imported list.csv: 12,345 rows: 12,345 created")
