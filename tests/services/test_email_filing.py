"""Filing dropped e-mail files: which record each goes under, and what stops only that file."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from crm_desktop.models import Activity, Company, Contact, ContactMethod
from crm_desktop.models.database import Database
from crm_desktop.services import email_filing
from crm_desktop.services.db_errors import LOCKED
from crm_desktop.services.email_files import ContactMatch
from crm_desktop.services.email_filing import (
    check_target,
    file_dropped_emails,
    file_email_under,
    match_text,
    search_contacts,
)
from crm_desktop.services.records import delete_record, save_record

DATA = Path(__file__).resolve().parents[1] / "data" / "email"


@dataclass(frozen=True)
class Records:
    wang: uuid.UUID
    li: uuid.UUID
    peter: uuid.UUID
    huawei: uuid.UUID


@pytest.fixture
def records(db: Database) -> Records:
    with db.sessions.begin() as session:
        huawei = Company(name="华为技术有限公司")
        session.add(huawei)
        session.flush()
        people = {
            "wang.xiaoming@huawei-example.cn": Contact(full_name="王小明", company_id=huawei.id),
            "li.na@huawei-example.cn": Contact(full_name="李娜", company_id=huawei.id),
            "peter@daily-bugle.example": Contact(full_name="Peter Parker"),
        }
        session.add_all(people.values())
        session.flush()
        for address, contact in people.items():
            session.add(
                ContactMethod(
                    kind="email", value=address, normalized=address, contact_id=contact.id
                )
            )
        wang, li, peter = (contact.id for contact in people.values())
        return Records(wang, li, peter, huawei.id)


def _filed(db: Database) -> list[tuple[str, uuid.UUID | None, uuid.UUID | None]]:
    with db.sessions() as session:
        rows = session.execute(select(Activity.subject, Activity.contact_id, Activity.company_id))
        return sorted((subject, contact, company) for subject, contact, company in rows)


def test_one_matching_contact_files_it_there_once(db: Database, records: Records) -> None:
    path = DATA / "mixed_attachments.eml"
    (outcome,) = file_dropped_emails(db.sessions, [path], None)
    assert outcome.error is None and not outcome.needs_contact
    assert outcome.logged is not None and outcome.logged.record_name == "Peter Parker"
    assert not outcome.logged.duplicate and outcome.logged.changes.activities
    assert _filed(db) == [("Contract draft and price list", records.peter, None)]
    (again,) = file_dropped_emails(db.sessions, [path], None)
    assert again.logged is not None and again.logged.duplicate
    assert len(_filed(db)) == 1


def test_several_or_no_matches_wait_for_a_choice_and_log_nothing(
    db: Database, records: Records
) -> None:
    several, none = file_dropped_emails(
        db.sessions, [DATA / "quote_alternative.eml", DATA / "html_only.eml"], None
    )
    assert several.needs_contact and [c.full_name for c in several.candidates] == ["王小明", "李娜"]
    assert none.needs_contact and none.candidates == ()
    assert _filed(db) == []
    assert several.email is not None
    chosen = file_email_under(db.sessions, several.path, several.email, records.li)
    assert chosen.logged is not None and chosen.logged.record_name == "李娜"
    assert _filed(db) == [("报价单 第3版 – 华为项目", records.li, records.huawei)]


def test_dropped_on_a_record_everything_goes_there(db: Database, records: Records) -> None:
    paths = [DATA / "samples_gbk_base64.eml", DATA / "outlook_quote.msg"]
    outcomes = file_dropped_emails(db.sessions, paths, ("companies", records.huawei))
    assert [o.logged.record_name for o in outcomes if o.logged] == ["华为技术有限公司"] * 2
    assert _filed(db) == [
        ("Re: 报价单 第3版", None, records.huawei),
        ("关于样品的问题", None, records.huawei),
    ]


def test_a_bad_file_or_a_deleted_record_stops_only_that_file(
    db: Database, records: Records, tmp_path: Path
) -> None:
    broken = tmp_path / "Angebot kaputt.msg"
    broken.write_bytes(b"this is not an Outlook file")
    outcomes = file_dropped_emails(
        db.sessions, [broken, tmp_path / "missing.eml", DATA / "mixed_attachments.eml"], None
    )
    assert outcomes[0].error is not None
    assert outcomes[0].error.startswith("Angebot kaputt.msg: not an Outlook e-mail")
    assert outcomes[1].error is not None
    assert outcomes[1].error.startswith("missing.eml: cannot read the file")
    assert outcomes[2].logged is not None
    lead = save_record(db.sessions, "leads", None, None, {"person_name": "Anna"}).detail.id
    assert lead is not None
    delete_record(db.sessions, "leads", lead)
    (gone,) = file_dropped_emails(db.sessions, [DATA / "no_date.eml"], ("leads", lead))
    assert gone.error == "no_date.eml: the record it was dropped on has been deleted"


def test_a_database_error_names_the_file_in_plain_words(
    db: Database,
    records: Records,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "INSERT INTO activity (subject) VALUES (?)",
            ("Contract draft",),
            sqlite3.OperationalError("database is locked"),
        )

    monkeypatch.setattr(email_filing, "log_email", locked)
    (outcome,) = file_dropped_emails(db.sessions, [DATA / "mixed_attachments.eml"], None)
    assert outcome.error == f"mixed_attachments.eml: {LOCKED}"
    assert "INSERT INTO activity" in caplog.text  # the details are in the log


def test_targets_and_texts(db: Database, records: Records) -> None:
    with pytest.raises(ValueError, match="cannot file e-mails under events"):
        check_target(("events", uuid.uuid4()))
    check_target(None)
    assert (
        match_text(ContactMatch(records.wang, "王小明", "华为技术有限公司", "w@huawei.cn"))
        == "王小明 — 华为技术有限公司 · w@huawei.cn"
    )
    assert match_text(ContactMatch(records.li, "李娜", None, "")) == "李娜"


def test_the_choosers_search_finds_contacts_only(db: Database) -> None:
    save_record(db.sessions, "contacts", None, None, {"full_name": "Peter Parker"})
    save_record(db.sessions, "leads", None, None, {"person_name": "Peter Pan"})
    assert [hit.title for hit in search_contacts(db.sessions, "Peter")] == ["Peter Parker"]
