"""Dropping saved e-mails: filed under the one matching contact, a chosen one, or a record."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from crm_desktop.models import Activity, Company, Contact, ContactMethod
from crm_desktop.models.database import Database
from crm_desktop.services.changes import Changes
from crm_desktop.services.email_files import ContactMatch, EmailFile
from crm_desktop.views.email_drop import ContactChooserDialog, EmailDropper

DATA = Path(__file__).resolve().parents[1] / "data" / "email"


@dataclass(frozen=True)
class Records:
    wang: uuid.UUID
    li: uuid.UUID
    peter: uuid.UUID
    huawei: uuid.UUID


@pytest.fixture
def records(sqlite_db: Database) -> Records:
    with sqlite_db.sessions.begin() as session:
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


class ScriptedChooser:
    """Answers with the candidate of the given name, or cancels (None)."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, list[str]]] = []

    def choose_contact(
        self, parent: QWidget | None, email: EmailFile, candidates: Sequence[ContactMatch]
    ) -> ContactMatch | None:
        self.asked.append((email.subject, [c.full_name for c in candidates]))
        answer = self.answers.pop(0)
        return next((c for c in candidates if c.full_name == answer), None)


@dataclass
class Run:
    messages: list[str]
    failures: list[str]
    changes: list[Changes]


def _drop(qtbot, dropper: EmailDropper, paths: list[Path], target=None) -> Run:  # type: ignore[no-untyped-def]
    run = Run([], [], [])
    dropper.message.connect(run.messages.append)
    dropper.failed.connect(run.failures.append)
    dropper.changes_made.connect(run.changes.append)
    with qtbot.waitSignal(dropper.finished, timeout=10_000):
        dropper.drop(paths, target)
    return run


def _filed(db: Database) -> list[tuple[str, uuid.UUID | None, uuid.UUID | None]]:
    with db.sessions() as session:
        rows = session.execute(select(Activity.subject, Activity.contact_id, Activity.company_id))
        return sorted((subject, contact, company) for subject, contact, company in rows)


def test_one_matching_contact_files_it_there(qtbot, sqlite_db: Database, records: Records) -> None:  # type: ignore[no-untyped-def]
    chooser = ScriptedChooser()
    dropper = EmailDropper(sqlite_db.sessions, chooser)
    run = _drop(qtbot, dropper, [DATA / "mixed_attachments.eml"])
    assert run.messages == ["E-mail “Contract draft and price list” filed under Peter Parker."]
    assert run.failures == [] and chooser.asked == []
    assert run.changes == [Changes(activities=True)]
    assert _filed(sqlite_db) == [("Contract draft and price list", records.peter, None)]

    again = _drop(qtbot, dropper, [DATA / "mixed_attachments.eml"])
    assert again.messages == [
        "E-mail “Contract draft and price list” was already logged under Peter Parker."
    ]
    assert again.changes == [] and len(_filed(sqlite_db)) == 1


def test_several_matches_ask_which_contact(qtbot, sqlite_db: Database, records: Records) -> None:  # type: ignore[no-untyped-def]
    chooser = ScriptedChooser("李娜")
    run = _drop(qtbot, EmailDropper(sqlite_db.sessions, chooser), [DATA / "quote_alternative.eml"])
    assert chooser.asked == [("报价单 第3版 – 华为项目", ["王小明", "李娜"])]
    assert run.messages == ["E-mail “报价单 第3版 – 华为项目” filed under 李娜."]
    assert _filed(sqlite_db) == [("报价单 第3版 – 华为项目", records.li, records.huawei)]


def test_no_match_and_cancel_logs_nothing(qtbot, sqlite_db: Database, records: Records) -> None:  # type: ignore[no-untyped-def]
    chooser = ScriptedChooser(None)
    run = _drop(qtbot, EmailDropper(sqlite_db.sessions, chooser), [DATA / "html_only.eml"])
    assert chooser.asked == [("Your order #4711 & delivery", [])]
    assert run.messages == ["E-mail “Your order #4711 & delivery” was not filed."]
    assert run.changes == [] and _filed(sqlite_db) == []


def test_dropped_on_a_record_files_everything_there(
    qtbot, sqlite_db: Database, records: Records
) -> None:  # type: ignore[no-untyped-def]
    chooser = ScriptedChooser()
    paths = [DATA / "samples_gbk_base64.eml", DATA / "outlook_quote.msg"]
    run = _drop(
        qtbot,
        EmailDropper(sqlite_db.sessions, chooser),
        paths,
        ("companies", records.huawei),
    )
    assert chooser.asked == []
    assert run.messages == [
        "E-mail “关于样品的问题” filed under 华为技术有限公司.",
        "E-mail “Re: 报价单 第3版” filed under 华为技术有限公司.",
    ]
    assert _filed(sqlite_db) == [
        ("Re: 报价单 第3版", None, records.huawei),
        ("关于样品的问题", None, records.huawei),
    ]


def test_a_broken_file_is_reported_and_the_others_filed(
    qtbot, sqlite_db: Database, records: Records, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "Angebot kaputt.msg"
    broken.write_bytes(b"this is not an Outlook file")
    undated = tmp_path / "no_date.eml"
    shutil.copyfile(DATA / "no_date.eml", undated)
    paths = [broken, tmp_path / "missing.eml", DATA / "mixed_attachments.eml", undated]
    run = _drop(qtbot, EmailDropper(sqlite_db.sessions, ScriptedChooser(None)), paths, None)
    assert run.failures[0].startswith("Angebot kaputt.msg: not an Outlook e-mail")
    assert run.failures[1].startswith("missing.eml: cannot read the file")
    assert len(run.failures) == 2
    assert run.messages == [
        "E-mail “Contract draft and price list” filed under Peter Parker.",
        "E-mail “Quick question” was not filed.",  # no contact has its addresses
    ]

    on_contact = _drop(
        qtbot,
        EmailDropper(sqlite_db.sessions, ScriptedChooser()),
        [undated],
        ("contacts", records.li),
    )
    assert on_contact.messages == [
        "E-mail “Quick question” filed under 李娜. "
        "It has no readable date; the file's time was used."
    ]


def test_the_chooser_dialog_lists_matches_and_finds_any_contact(
    qtbot, sqlite_db: Database, records: Records
) -> None:  # type: ignore[no-untyped-def]
    email = EmailFile("x.eml", "Hello", "a@b.example", "A", (), (), _any_date(), "")
    candidates = [
        ContactMatch(records.wang, "王小明", "华为技术有限公司", "wang.xiaoming@huawei-example.cn"),
        ContactMatch(records.li, "李娜", None, "li.na@huawei-example.cn"),
    ]
    dialog = ContactChooserDialog(sqlite_db.sessions, email, candidates)
    qtbot.addWidget(dialog)
    texts = [dialog.list_widget.item(row).text() for row in range(dialog.list_widget.count())]
    assert texts == [
        "王小明 — 华为技术有限公司 · wang.xiaoming@huawei-example.cn",
        "李娜 — li.na@huawei-example.cn",
    ]
    assert dialog.chosen() == candidates[0]
    dialog.search_edit.setText("Peter")
    qtbot.waitUntil(
        lambda: dialog.chosen() is not None and dialog.chosen().contact_id == records.peter,  # type: ignore[union-attr]
        timeout=5_000,
    )
    dialog.search_edit.clear()
    assert dialog.chosen() == candidates[0]


def _any_date():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
