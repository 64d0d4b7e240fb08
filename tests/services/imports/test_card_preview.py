"""The first cards of a vCard file as a table (the wizard's preview)."""

from __future__ import annotations

from pathlib import Path

from crm_desktop.services.imports.card_preview import PROBLEM, card_preview
from crm_desktop.services.imports.prepare import prepare_import

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nORG:Acme GmbH\r\nTITLE:CEO\r\n"
    "EMAIL:anna@schmidt.de\r\nEMAIL:a@home.de\r\nTEL;TYPE=CELL:+49 171 2345678\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nKIND:group\r\nFN:Booth team\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王小明\r\nTEL:+86 138 0013 8000\r\nEND:VCARD\r\n"
)


def test_cards_read_as_rows_of_the_fields_they_fill(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(CARDS, encoding="utf-8")
    preview = card_preview(path, "leads", "CN")
    assert preview.keys == ("full_name", "company", "title", "email", "mobile", "phone", PROBLEM)
    assert preview.labels[:3] == ("Full name", "Company", "Job title")
    anna, group, wang = preview.rows
    assert anna[:5] == (
        "Anna Schmidt",
        "Acme GmbH",
        "CEO",
        "anna@schmidt.de; a@home.de",
        "+49 171 2345678",
    )
    assert group[0] == "Booth team" and "contact group" in group[-1]
    assert wang[0] == "王小明" and wang[5] == "+86 138 0013 8000"
    assert len(card_preview(path, "leads", "CN", limit=1).rows) == 1


def test_prepare_gives_a_vcard_file_its_preview(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(CARDS, encoding="utf-8")
    prepared = prepare_import(None, path, "contacts")
    assert prepared.cards is not None and len(prepared.cards.rows) == 3
