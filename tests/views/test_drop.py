"""Dropping .vcf files and card photos on the window."""

from __future__ import annotations

import io
from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import QMimeData, QUrl
from sqlalchemy import select

from crm_desktop.models import ContactMethod, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.undo import undo_import
from crm_desktop.views.drop import can_accept, dropped_paths, import_vcf_file, process_drop


def qr_image(text: str, fmt: str = "PNG") -> bytes:
    """A photo-like picture of a QR code with a white border."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    view = memoryview(barcode.to_image(scale=6))
    height, width = view.shape
    photo = Image.new("RGB", (width + 80, height + 80), "white")
    photo.paste(Image.frombytes("L", (width, height), bytes(view)), (40, 40))
    out = io.BytesIO()
    photo.save(out, fmt)
    return out.getvalue()


VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nORG:Acme GmbH\r\n"
    "EMAIL:anna@acme.de\r\nTEL;TYPE=CELL:+49 171 2345678\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nKIND:group\r\nFN:Booth team\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王小明\r\nORG:华为\r\nTEL:+86 138 0013 8000\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nEND:VCARD\r\n"
)


def _names(db: Database, live: bool = False) -> list[str]:
    query = select(Lead.person_name)
    if live:
        query = query.where(Lead.deleted_at.is_(None))
    with db.sessions() as session:
        return sorted(session.scalars(query))


def test_a_dropped_vcf_is_an_import_batch_with_duplicates_summary_and_undo(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "booth.vcf"
    path.write_text(VCF, encoding="utf-8")
    steps: list[float] = []
    result = process_drop(sqlite_db.sessions, [path], progress=lambda f, m="": steps.append(f))
    assert _names(sqlite_db) == ["Anna Schmidt", "Bad Mail", "王小明"]
    assert result.changes.leads and result.cards == ()
    assert steps and steps[-1] == 1.0
    [report] = result.imports
    assert (report.created, report.skipped, report.groups, report.failed) == (3, 1, 1, 1)
    [message] = result.messages
    assert message.startswith(
        "Imported booth.vcf: 5 cards: 3 created, 0 updated, 0 merged, 1 skipped"
    )
    assert "card 2: a contact group, not a person" in message
    assert "card 5: vCard: the card has no name" in message
    assert "File ▸ Import history" in message  # how to undo it
    assert [b.id for b in list_batches(sqlite_db.sessions)] == [report.batch_id]
    with sqlite_db.sessions() as session:
        normalized = set(session.scalars(select(ContactMethod.normalized)))
    assert {"anna@acme.de", "+491712345678", "+8613800138000"} <= normalized

    # The same file again: Anna is the same person (her e-mail), so she is skipped.
    # The same file again: Anna and Bad Mail are the same people (their e-mails), skipped.
    again = process_drop(sqlite_db.sessions, [path]).imports[0]
    assert (again.created, again.skipped) == (1, 3)  # 王小明: a possible duplicate, created
    assert again.duplicates.counts["email"] == {"skipped": 2}
    assert _names(sqlite_db, live=True) == ["Anna Schmidt", "Bad Mail", "王小明", "王小明"]

    # The first drop is undone like any import: its three leads go.
    assert report.batch_id is not None
    assert undo_import(sqlite_db.sessions, report.batch_id).removed == 3
    assert _names(sqlite_db, live=True) == ["王小明"]


def test_photo_with_qr_gives_a_card_to_review(sqlite_db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "card.JPG"
    photo.write_bytes(qr_image("MECARD:N:Lee,Amy;ORG:Initech;EMAIL:amy@initech.com;;", "JPEG"))
    result = process_drop(sqlite_db.sessions, [photo])
    [card] = result.cards
    assert (card.full_name, card.company, card.emails) == (
        "Amy Lee",
        "Initech",
        ("amy@initech.com",),
    )
    assert not result.changes.any() and _names(sqlite_db) == []
    assert "card.JPG: card read from its QR code" in result.messages[0]


def test_photo_without_qr_and_other_files(sqlite_db: Database, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 120), "white").save(blank)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    missing = tmp_path / "gone.vcf"
    result = process_drop(sqlite_db.sessions, [blank, notes, missing])
    assert result.cards == ()
    assert result.messages[0].startswith("blank.png: No QR code was found")
    assert result.messages[1].startswith("notes.txt: cannot use this file. Drop .vcf")
    assert result.messages[2].startswith("gone.vcf: cannot be opened")


def test_saved_emails_are_handed_back_not_read(sqlite_db: Database, tmp_path: Path) -> None:
    eml, msg = tmp_path / "quote.eml", tmp_path / "Outlook.MSG"
    eml.write_text("From: a@example.com\r\n\r\nhi")
    msg.write_bytes(b"not read here")
    result = process_drop(sqlite_db.sessions, [eml, msg])
    assert result.emails == (eml, msg)
    assert (result.messages, result.sheets, result.cards) == ((), (), ())
    assert not result.changes.any()


def test_dropped_paths_keeps_local_files_only(tmp_path: Path) -> None:
    mime = QMimeData()
    assert not can_accept(mime)
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.vcf")), QUrl("https://example.com/x.vcf")])
    assert dropped_paths(mime) == [tmp_path / "a.vcf"]
    assert can_accept(mime)


def test_real_files_from_the_corpus(sqlite_db: Database, corpora: Path) -> None:
    report = import_vcf_file(
        sqlite_db.sessions, corpora / "vcf/roundcube__roundcubemail/johndoe.vcf"
    )
    assert (report.created, report.failures) == (1, ())
    report = import_vcf_file(sqlite_db.sessions, corpora / "vcf/KDE__kcontacts/vcard10.vcf")
    assert report.created == 5 and report.rows == 5  # the importer keeps a company-only card
    report = import_vcf_file(
        sqlite_db.sessions, corpora / "vcf/roundcube__roundcubemail/utf-16_sample.vcf"
    )
    assert report.created == 1
    assert "John Doë" in _names(sqlite_db) and "Ǽgean ĽdaMonté" in _names(sqlite_db)
