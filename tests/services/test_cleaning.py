"""Control characters are cleaned the same way on every path, on SQLite and on PostgreSQL.

A vCard with NUL bytes aborted a whole import on PostgreSQL (which refuses NUL in text)
while SQLite kept the NUL; card entry and the forms let them through too.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_desktop.models import ContactMethod, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.cleaning import clean_text
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
