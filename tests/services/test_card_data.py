"""Parsing vCards (2.1/3.0/4.0) and MeCards into CardData."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crm_desktop.services import card_data
from crm_desktop.services.card_data import (
    CardParseError,
    join_name,
    parse_card_text,
    parse_mecard,
    parse_vcards,
)

VCARD30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Anna-Lena;;Dr.;\r\nFN:Dr. Anna-Lena Müller\r\n"
    "ORG:Acme GmbH;Sales\r\nTITLE:Head of Sales\r\nTEL;TYPE=WORK,VOICE:+49 30 1234567\r\n"
    "TEL;TYPE=CELL:+49 171 2345678\r\nTEL;TYPE=FAX:+49 30 1234568\r\n"
    "EMAIL;TYPE=INTERNET:anna@acme.de\r\nURL:https://acme.de\r\n"
    "ADR;TYPE=WORK:;;Hauptstr. 1;Berlin;;10115;Germany\r\nNOTE:Met at the booth\\, "
    "wants samples\\nCall in May\r\nEND:VCARD\r\n"
)


def test_vcard30_fields() -> None:
    [parsed] = parse_vcards(VCARD30)
    card = parsed.card
    assert parsed.number == 1 and parsed.error is None and card is not None
    assert card.full_name == "Dr. Anna-Lena Müller"
    assert (card.family_name, card.given_name) == ("Müller", "Anna-Lena")
    assert card.company == "Acme GmbH"
    assert card.title == "Head of Sales"
    assert card.phones == ("+49 30 1234567",)
    assert card.mobiles == ("+49 171 2345678",)
    assert card.faxes == ("+49 30 1234568",)
    assert card.all_phones == ("+49 171 2345678", "+49 30 1234567")
    assert card.emails == ("anna@acme.de",)
    assert card.websites == ("https://acme.de",)
    assert (card.street, card.city, card.postal_code, card.country) == (
        "Hauptstr. 1",
        "Berlin",
        "10115",
        "Germany",
    )
    assert card.note == "Met at the booth, wants samples\nCall in May"


def test_text_after_a_comma_and_escaped_colons_are_kept() -> None:
    """vobject 0.9.9 cuts a text value at its first comma and keeps \\: escapes."""
    [parsed] = parse_vcards(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mustermann, Heiko\r\n"
        "NOTE:Mon 08\\:00-15\\:30, Tue closed\r\nURL:http\\://www.apple.ch\r\nEND:VCARD\r\n"
    )
    assert parsed.card is not None
    assert parsed.card.full_name == "Mustermann, Heiko"
    assert parsed.card.note == "Mon 08:00-15:30, Tue closed"
    assert parsed.card.websites == ("http://www.apple.ch",)


def test_several_cards_and_a_group_in_one_file() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:4.0\nFN:王小明\nN:王;小明;;;\nORG:华为技术有限公司\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+86-138-0013-8000\nEND:VCARD\n"
        "begin:vcard\nversion:3.0\nfn:Bob Stone\nemail:BOB@Stone.io\nend:vcard\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nEND:VCARD\n"
    )
    cards = parse_vcards(text)
    assert [c.number for c in cards] == [1, 2, 3]
    first, second, third = (c.card for c in cards)
    assert first is not None and second is not None and third is not None
    assert first.full_name == "王小明" and first.company == "华为技术有限公司"
    assert first.mobiles == ("+86-138-0013-8000",)
    assert second.full_name == "Bob Stone" and second.emails == ("BOB@Stone.io",)
    assert third.is_group


def test_vcard21_quoted_printable_with_soft_breaks_and_charset() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B;=E5=B0=8F=\r\n=E6=98=8E\r\n"
        b"ORG;CHARSET=windows-1252:Caf\xe9 M\xfcller\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:line one=0Aline two\r\n"
        b"TEL;CELL;WORK:13800138000\r\nEND:VCARD\r\n"
    )
    [parsed] = parse_vcards(data)
    card = parsed.card
    assert card is not None
    assert card.full_name == "王小明"
    assert card.company == "Café Müller"
    assert card.note == "line one\nline two"
    assert card.mobiles == ("13800138000",)


def test_fold_inside_a_multibyte_character_is_unfolded_as_bytes() -> None:
    name = "Ελληνικό όνομα".encode()
    cut = 5  # inside the third character's two bytes
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"
        + name[:cut]
        + b"\r\n "
        + name[cut:]
        + (b"\r\nEND:VCARD\r\n")
    )
    assert parse_vcards(data)[0].card.full_name == "Ελληνικό όνομα"  # type: ignore[union-attr]


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_files(codec: str, bom: bool) -> None:
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë 李\r\nEND:VCARD\r\n".encode(codec)
    if bom:
        data = (codecs.BOM_UTF16_BE if codec.endswith("be") else codecs.BOM_UTF16_LE) + data
    assert parse_vcards(data)[0].card.full_name == "Zoë 李"  # type: ignore[union-attr]


def test_name_from_n_when_fn_is_missing() -> None:
    [parsed] = parse_vcards("BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;;Mr.;Jr.\nEND:VCARD\n")
    assert parsed.card is not None and parsed.card.full_name == "Mr. John Smith Jr."


def test_empty_card_is_reported_not_dropped() -> None:
    cards = parse_vcards("BEGIN:VCARD\nEND:VCARD\nBEGIN:VCARD\nFN:Ok\nEND:VCARD\n")
    assert cards[0].card is None and cards[0].error
    assert cards[1].card is not None and cards[1].card.full_name == "Ok"


def test_join_name() -> None:
    assert join_name("小明", "王") == "王小明"
    assert join_name("John", "Doe") == "John Doe"
    assert join_name("", "Doe") == "Doe"


def test_mecard() -> None:
    card = parse_mecard(
        "MECARD:N:Doe,John;ORG:Acme\\; Inc.;TEL:+1 555 0100;TEL:+1 555 0101;"
        "EMAIL:john@acme.com;URL:https\\://acme.com;NOTE:Booth 4;;"
    )
    assert card.full_name == "John Doe"
    assert card.company == "Acme; Inc."
    assert card.phones == ("+1 555 0100", "+1 555 0101")
    assert card.emails == ("john@acme.com",)
    assert card.websites == ("https://acme.com",)
    assert card.note == "Booth 4"
    assert parse_mecard("MECARD:N:王,小明;TEL:13800138000;;").full_name == "王小明"


def test_parse_card_text_dispatch_and_errors() -> None:
    assert parse_card_text("MECARD:N:Lee,Amy;;").full_name == "Amy Lee"
    assert parse_card_text(VCARD30).company == "Acme GmbH"
    with pytest.raises(CardParseError, match="neither"):
        parse_card_text("https://example.com")
    with pytest.raises(CardParseError):
        parse_card_text("MECARD:;;")


# ---------------------------------------------------------------- the shared real-world corpus


def _read(corpora: Path, name: str) -> list[card_data.ParsedCard]:
    return parse_vcards((corpora / "vcf" / name).read_bytes())


def test_corpus_every_file_parses_without_crashing(corpora: Path) -> None:
    files = sorted((corpora / "vcf").rglob("*.vcf"))
    assert len(files) > 50
    for path in files:
        for parsed in parse_vcards(path.read_bytes()):
            assert (parsed.card is None) != (parsed.error is None), path
            if parsed.card:
                assert "\ufffd" not in parsed.card.full_name, path


def test_corpus_quoted_printable_cyrillic_split_escape(corpora: Path) -> None:
    [parsed] = _read(corpora, "gammu__gammu/quoted-printable-new-line.vcf")
    assert parsed.card is not None
    assert parsed.card.full_name == "ПОРКС - PRIMA"
    assert parsed.card.mobiles == ("+222222222222",)
    assert parsed.card.emails == ()


def test_corpus_fold_splits_utf8_character(corpora: Path) -> None:
    [parsed] = _read(corpora, "KDE__kcontacts/vcard9.vcf")
    assert parsed.card is not None
    assert parsed.card.full_name.startswith("βγδεαβγδ1")
    assert "Длинный комментарий на русском языке" in parsed.card.note


def test_corpus_utf16_without_bom(corpora: Path) -> None:
    [parsed] = _read(corpora, "roundcube__roundcubemail/utf-16_sample.vcf")
    assert parsed.card is not None and parsed.card.full_name == "Ǽgean ĽdaMonté"


def test_corpus_windows_1252(corpora: Path) -> None:
    [parsed] = _read(corpora, "roundcube__roundcubemail/johndoe.vcf")
    assert parsed.card is not None
    assert parsed.card.full_name == "John Doë"
    assert parsed.card.emails == ("inbox@roundcube.net", "roundcube@gmail.com")


def test_corpus_five_cards_with_qp_addresses(corpora: Path) -> None:
    cards = _read(corpora, "KDE__kcontacts/vcard10.vcf")
    assert len(cards) == 5
    assert cards[3].card is not None
    assert cards[3].card.title == "Facharzt für Allgemeinmedizin"
    # The soft break inside the address does not swallow the next property.
    assert cards[1].card is not None and cards[1].card.websites == ("http://some-webseite.com",)


def test_corpus_group_card(corpora: Path) -> None:
    [parsed] = _read(corpora, "mstilkerich__rcmcarddav/Group.vcf")
    assert parsed.card is not None and parsed.card.is_group
