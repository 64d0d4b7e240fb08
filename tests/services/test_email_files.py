"""E-mail files (.eml, .msg): reading real fixtures, matching contacts, logging activities."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_desktop.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Stage,
    User,
    utcnow,
)
from crm_desktop.models.database import Database
from crm_desktop.services.email_files import (
    EmailFileError,
    RecordGoneError,
    contacts_for_addresses,
    html_to_text,
    log_email,
    read_email_file,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "email"
UTC = dt.UTC


# --- reading --------------------------------------------------------------------------------


def test_multipart_alternative_with_utf8_encoded_words_prefers_the_plain_part() -> None:
    mail = read_email_file(DATA / "quote_alternative.eml")
    assert mail.subject == "报价单 第3版 – 华为项目"
    assert (mail.from_name, mail.from_address) == ("王小明", "Wang.Xiaoming@huawei-example.cn")
    assert mail.sender == "王小明 <Wang.Xiaoming@huawei-example.cn>"
    assert mail.to == ("anna.rep@ourco.example", "purchasing@acme-example.de")
    assert mail.cc == ("li.na@huawei-example.cn",)
    assert mail.date == dt.datetime(2024, 5, 14, 1, 30, tzinfo=UTC)
    assert mail.body.startswith("王先生，您好：\n\n感谢您的询价。")
    assert "总价为 ¥128,000（含税）。\n交货期：四周。" in mail.body  # soft line breaks joined
    assert "HTML version" not in mail.body
    assert mail.attachment_names == ()
    assert mail.message_id == "<20240514013000.4F2A1@mail.huawei-example.cn>"
    assert mail.notes == ()


def test_latin1_quoted_printable_subject_in_two_encoded_words() -> None:
    mail = read_email_file(DATA / "angebot_latin1_subject.eml")
    assert mail.subject == "Angebot für die Kühlanlage (Straße 7)"
    assert mail.from_name == "Jürgen Müller"
    assert mail.to == ("anna.rep@ourco.example",) and mail.cc == ()
    assert mail.date == dt.datetime(2024, 6, 3, 14, 5, 12, tzinfo=UTC)
    assert "Die Preise für die Kühlanlage in der Straße 7 sind für uns in Ordnung" in mail.body
    assert mail.body.endswith("Mit freundlichen Grüßen\nJürgen Müller")


def test_gbk_base64_body() -> None:
    mail = read_email_file(DATA / "samples_gbk_base64.eml")
    assert (mail.subject, mail.from_name) == ("关于样品的问题", "张伟")
    assert mail.from_address == "zhang.wei@sample-factory.example"
    assert mail.date == dt.datetime(2024, 3, 20, 2, 14, 5, tzinfo=UTC)
    assert mail.body == (
        "李先生，您好！\n\n附件是我们的样品清单，请查收。\n如有问题请随时联系。\n\n此致\n敬礼\n张伟"
    )


def test_gb2312_label_on_gbk_text_keeps_every_character() -> None:
    mail = read_email_file(DATA / "minutes_gb2312_8bit.eml")
    assert (mail.subject, mail.from_name) == ("会议纪要", "李娜")
    assert mail.body == "会议纪要：朱镕基路展厅，周一上午十点。"  # 镕 is GBK, not GB2312


def test_attachments_with_rfc2047_and_rfc2231_names() -> None:
    mail = read_email_file(DATA / "mixed_attachments.eml")
    assert mail.attachment_names == ("合同草案.pdf", "报价单_2024年5月.xlsx")
    assert mail.body == (
        "Hi Anna,\n\nplease find the contract draft and the price list attached.\n\nPeter"
    )
    assert mail.date == dt.datetime(2024, 6, 7, 12, 0, tzinfo=UTC)


def test_html_only_message_becomes_readable_text() -> None:
    mail = read_email_file(DATA / "html_only.eml")
    assert mail.subject == "Your order #4711 & delivery"
    assert mail.body == (
        "Dear Anna,\n\nyour order #4711 ships on Monday.\nTracking: ABC&123\nPrice: 49 €\n\n"
        "• 2 × Kühlmodul\n• 1 × Kabel\n\nKind regards,\nAcme"
    )
    assert "tracking" not in mail.body and "color" not in mail.body


def test_missing_date_falls_back_on_the_file_time_and_says_so() -> None:
    path = DATA / "no_date.eml"
    mail = read_email_file(path)
    assert mail.date == dt.datetime.fromtimestamp(path.stat().st_mtime, UTC)
    assert mail.notes == ("The e-mail has no Date; the file's time is used.",)
    assert mail.message_id is None
    assert mail.body == "Can we move our call to Thursday?"


def test_outlook_msg() -> None:
    mail = read_email_file(DATA / "outlook_quote.msg")
    assert mail.subject == "Re: 报价单 第3版"
    assert mail.sender == "王小明 <wang.xiaoming@huawei-example.cn>"
    assert (mail.to, mail.cc) == (("anna.rep@ourco.example",), ("li.na@huawei-example.cn",))
    assert mail.date == dt.datetime(2024, 5, 15, 3, 20, tzinfo=UTC)
    assert mail.body == "Anna，您好：\n\n新的报价单见附件。\n\n王小明"
    assert mail.attachment_names == ("报价单_第3版.xlsx", "logo.png")
    assert mail.message_id == "<AM0PR07MB1234.outlook@huawei-example.cn>"


def test_without_the_optional_outlook_reader_a_msg_gets_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "extract_msg", None)  # as if not installed
    with pytest.raises(EmailFileError) as caught:
        read_email_file(DATA / "outlook_quote.msg")
    message = str(caught.value)
    assert message.startswith("outlook_quote.msg: Outlook .msg files need the optional")
    # It says how to add it, with this very Python, and why it is not there.
    assert f"{sys.executable} -m pip install 'extract-msg>=0.50,<1'" in message
    assert "GPL-3.0" in message


def test_broken_charset_and_date_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.eml"
    path.write_bytes(
        b"From: x@example.com\r\nSubject: =?x-nothing?Q?odd?=\r\nDate: the day after tomorrow\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nok \xff\xfe done\r\n"
    )
    mail = read_email_file(path)
    assert mail.body == "ok \ufffd\ufffd done"
    assert mail.notes == (
        "The e-mail has an unreadable Date (the day after tomorrow); the file's time is used.",
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.eml", b"", "empty.eml: the file is empty"),
        ("photo.eml", b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.eml: not an e-mail"),
        ("fake.msg", b"From: x@example.com\r\n\r\nhi", "fake.msg: not an Outlook e-mail"),
    ],
)
def test_unreadable_files_raise_an_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(EmailFileError) as caught:
        read_email_file(path)
    assert str(caught.value).startswith(reason)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EmailFileError, match=r"^gone\.eml: cannot read the file"):
        read_email_file(tmp_path / "gone.eml")


def test_html_to_text_keeps_lines_and_drops_scripts() -> None:
    html = "<p>One<br>two</p><script>x()</script><div>three &lt;4&gt;</div><style>a{}</style>"
    assert html_to_text(html) == "One\ntwo\n\nthree <4>"
    assert html_to_text("<p>unclosed <b>tags") == "unclosed tags"


# --- matching and logging -------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    wang: uuid.UUID
    li: uuid.UUID
    lisa: uuid.UUID  # deleted
    huawei: uuid.UUID
    deal: uuid.UUID
    lead: uuid.UUID
    me: uuid.UUID


def _email(session, address: str, contact: Contact) -> None:  # type: ignore[no-untyped-def]
    session.add(
        ContactMethod(
            kind="email", value=address, normalized=address.lower(), contact_id=contact.id
        )
    )


@pytest.fixture
def people(db: Database) -> People:
    with db.sessions.begin() as session:
        me = session.scalars(select(User).where(User.is_local.is_(True))).one()
        me.email = "Anna.Rep@ourco.example"
        huawei = Company(name="华为技术有限公司")
        session.add(huawei)
        session.flush()
        wang = Contact(full_name="王小明", company_id=huawei.id)
        li = Contact(full_name="李娜", company_id=huawei.id)
        lisa = Contact(full_name="Lisa Schmidt", deleted_at=utcnow())
        anna_card = Contact(full_name="Anna Rep")  # the rep's own card: never matched
        lead = Lead(person_name="Zhang Wei")
        session.add_all([wang, li, lisa, anna_card, lead])
        session.flush()
        for address, contact in [
            ("Wang.Xiaoming@huawei-example.cn", wang),
            ("li.na@huawei-example.cn", li),
            ("lisa.schmidt@acme-example.de", lisa),
            ("anna.rep@ourco.example", anna_card),
        ]:
            _email(session, address, contact)
        stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        assert stage is not None
        deal = Deal(
            title="5G 基站",
            company_id=huawei.id,
            contact_id=wang.id,
            pipeline_id=stage.pipeline_id,
            stage_id=stage.id,
        )
        session.add(deal)
        session.flush()
        return People(wang.id, li.id, lisa.id, huawei.id, deal.id, lead.id, me.id)


def test_sender_and_recipients_match_but_not_the_users_own_address(
    db: Database, people: People
) -> None:
    mail = read_email_file(DATA / "quote_alternative.eml")
    matches = contacts_for_addresses(db.sessions, mail.addresses)
    assert [(m.contact_id, m.full_name, m.company_name, m.address) for m in matches] == [
        (people.wang, "王小明", "华为技术有限公司", "wang.xiaoming@huawei-example.cn"),
        (people.li, "李娜", "华为技术有限公司", "li.na@huawei-example.cn"),
    ]


def test_no_match_deleted_contact_and_own_address_alone(db: Database, people: People) -> None:
    assert contacts_for_addresses(db.sessions, ["sales@acme-example.de"]) == []
    no_date = read_email_file(DATA / "no_date.eml")  # from the deleted Lisa, to the rep
    assert contacts_for_addresses(db.sessions, no_date.addresses) == []
    assert contacts_for_addresses(db.sessions, ["ANNA.REP@ourco.example", " "]) == []


def _activity(db: Database, activity_id: uuid.UUID) -> Activity:
    with db.sessions() as session:
        activity = session.get(Activity, activity_id)
        assert activity is not None
        return activity


def test_log_on_a_contact_fills_its_company_and_is_logged_once(
    db: Database, people: People
) -> None:
    mail = read_email_file(DATA / "mixed_attachments.eml")
    logged = log_email(db.sessions, mail, contact_id=people.wang)
    assert not logged.duplicate and logged.changes.activities
    assert logged.record_name == "王小明"
    row = _activity(db, logged.activity_id)
    assert (row.kind, row.done, row.subject) == ("email", True, "Contract draft and price list")
    assert (row.contact_id, row.company_id, row.deal_id, row.lead_id) == (
        people.wang,
        people.huawei,
        None,
        None,
    )
    assert row.occurs_at == dt.datetime(2024, 6, 7, 12, 0, tzinfo=UTC)
    assert row.email_from == "Peter Parker <peter@daily-bugle.example>"
    assert row.email_to == "anna.rep@ourco.example"
    assert row.message_id == "<mixed-0042@ourco.example>"
    assert row.attachment_names == ["合同草案.pdf", "报价单_2024年5月.xlsx"]
    assert row.owner_id == people.me
    assert row.body is not None and row.body.startswith("Hi Anna,")
    with db.sessions() as session:  # the contact's and company's "last contact" follow
        assert session.scalar(select(Contact.last_contact_at).where(Contact.id == people.wang)) == (
            row.occurs_at
        )
        assert (
            session.scalar(select(Company.last_contact_at).where(Company.id == people.huawei))
            == row.occurs_at
        )

    again = log_email(db.sessions, mail, contact_id=people.wang)
    assert (again.activity_id, again.duplicate, again.record_name, again.changes.any()) == (
        logged.activity_id,
        True,
        "王小明",
        False,
    )
    other = log_email(db.sessions, mail, contact_id=people.li)  # another record: logged there
    assert not other.duplicate and other.activity_id != logged.activity_id
    with db.sessions() as session:
        assert len(session.scalars(select(Activity.id)).all()) == 2


def test_log_on_a_deal_links_its_contact_and_company(db: Database, people: People) -> None:
    mail = read_email_file(DATA / "quote_alternative.eml")
    owner = people.me
    logged = log_email(db.sessions, mail, deal_id=people.deal, owner_id=owner)
    assert logged.record_name == "5G 基站"
    row = _activity(db, logged.activity_id)
    assert (row.deal_id, row.contact_id, row.company_id) == (
        people.deal,
        people.wang,
        people.huawei,
    )
    assert row.email_to == (
        "anna.rep@ourco.example, purchasing@acme-example.de, li.na@huawei-example.cn"
    )
    assert row.subject == "报价单 第3版 – 华为项目"


def test_without_message_id_sender_subject_and_date_identify_the_email(
    db: Database, people: People, tmp_path: Path
) -> None:
    mail = read_email_file(DATA / "no_date.eml")
    first = log_email(db.sessions, mail, lead_id=people.lead)
    assert log_email(db.sessions, mail, lead_id=people.lead).duplicate
    row = _activity(db, first.activity_id)
    assert (row.lead_id, row.message_id, row.occurs_at) == (people.lead, None, mail.date)

    nameless = tmp_path / "nameless.eml"
    nameless.write_bytes(b"From: a@example.com\r\nDate: Mon, 3 Jun 2024 10:00:00 +0000\r\n\r\nhi")
    logged = log_email(db.sessions, read_email_file(nameless), company_id=people.huawei)
    assert _activity(db, logged.activity_id).subject == "(no subject)"


def test_deleted_records_and_no_record_at_all(db: Database, people: People) -> None:
    mail = read_email_file(DATA / "html_only.eml")
    with pytest.raises(RecordGoneError):
        log_email(db.sessions, mail, contact_id=people.lisa)
    with pytest.raises(RecordGoneError):
        log_email(db.sessions, mail, deal_id=uuid.uuid4())
    with db.sessions.begin() as session:  # a deal whose contact was deleted: filed on the deal
        session.get_one(Contact, people.wang).deleted_at = utcnow()
    logged = log_email(db.sessions, mail, deal_id=people.deal)
    row = _activity(db, logged.activity_id)
    assert (row.deal_id, row.contact_id, row.company_id) == (people.deal, None, people.huawei)
    with pytest.raises(ValueError, match="filed under"):
        log_email(db.sessions, mail)
    with db.sessions() as session:
        assert session.scalars(select(Activity.id)).all() == [logged.activity_id]
