"""Every vCard of the shared real-world corpus, and the project's own small trap files.

The expected counts were written down by reading each corpus file by hand
(cat / hexdump), not by running the parser: BEGIN:VCARD counted
case-insensitively, minus group cards, minus cards with nothing to import.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.models.contact_method import MethodKind
from crm_desktop.services.card_data import CardData, VCardFile, read_vcard_file

OWN = Path(__file__).resolve().parents[1] / "data" / "import" / "vcf"
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"

# file: (people, groups, failed)
EXPECTED: dict[str, tuple[int, int, int]] = {
    "KDE__kcontacts/testfullvcard.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard1.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard10.vcf": (5, 0, 0),  # card 1 has no N/FN, but ORG "Bike Shop"
    "KDE__kcontacts/vcard11.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard12.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard13.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard14.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard15.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard2.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard3.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard4.vcf": (1, 0, 0),  # "FN" without colon, empty N: ORG and phones
    "KDE__kcontacts/vcard5.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard6.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard7.vcf": (0, 0, 1),  # refused: empty N, a LABEL and a UID only
    "KDE__kcontacts/vcard8.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard9.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard_extension_case_normalization.vcf": (1, 0, 0),
    "KDE__kcontacts/vcard_legacy_messaging_fields.vcf": (1, 0, 0),
    "KDE__kcontacts/vcardwithitemasapplesupport.vcf": (1, 0, 0),
    "Kozea__Radicale/broken-vcard.vcf": (1, 0, 0),  # no N or FN, but an e-mail
    "Kozea__Radicale/broken-vcards.vcf": (2, 0, 0),  # both: e-mail only
    "Kozea__Radicale/broken-vcards2-no_uid.vcf": (2, 0, 0),
    "Kozea__Radicale/broken-vcards2.vcf": (2, 0, 0),
    "Kozea__Radicale/contact1.vcf": (1, 0, 0),
    "Kozea__Radicale/contact1_v4.vcf": (1, 0, 0),
    "Kozea__Radicale/contact2-with-bday.vcf": (1, 0, 0),
    "Kozea__Radicale/contact3-with-bday.vcf": (1, 0, 0),
    "Kozea__Radicale/contact4-with-bday-no-year.vcf": (1, 0, 0),
    "Kozea__Radicale/contact_multiple.vcf": (2, 0, 0),
    "Kozea__Radicale/contact_multiple_v4.vcf": (2, 0, 0),
    "Kozea__Radicale/contact_photo_with_data_uri.vcf": (1, 0, 0),
    "Kozea__Radicale/contact_photo_with_data_uri_v4.vcf": (1, 0, 0),
    "gammu__gammu/char-escaping.vcf": (0, 0, 1),  # refused: five NOTE lines and nothing else
    "gammu__gammu/evolution.vcf": (1, 0, 0),  # ORG and TEL, no name
    "gammu__gammu/gammu.vcf": (2, 0, 0),
    "gammu__gammu/line-continuation.vcf": (1, 0, 0),
    "gammu__gammu/many-lines.vcf": (1, 0, 0),
    "gammu__gammu/photo-2.vcf": (1, 0, 0),
    "gammu__gammu/photo.vcf": (1, 0, 0),
    "gammu__gammu/private.vcf": (1, 0, 0),
    "gammu__gammu/quoted-printable-ascii.vcf": (1, 0, 0),
    "gammu__gammu/quoted-printable-empty-new-line.vcf": (1, 0, 0),
    "gammu__gammu/quoted-printable-new-line.vcf": (1, 0, 0),
    "gammu__gammu/quoted-printable-normal.vcf": (1, 0, 0),
    "gammu__gammu/simple-name-utf.vcf": (1, 0, 0),
    "gammu__gammu/types.vcf": (1, 0, 0),
    "gammu__gammu/types2.vcf": (1, 0, 0),
    "gammu__gammu/unicode-name.vcf": (1, 0, 0),
    "gammu__gammu/vcard3-utf-8.vcf": (1, 0, 0),
    "gammu__gammu/yahoo.vcf": (1, 0, 0),
    "jhermsmeier__node-vcf/empty-lines.vcf": (1, 0, 0),
    "jhermsmeier__node-vcf/multiple.vcf": (3, 0, 0),
    "jhermsmeier__node-vcf/photo-base64.vcf": (0, 0, 1),  # refused: a PHOTO and nothing else
    "jhermsmeier__node-vcf/quoted-list.vcf": (1, 0, 0),  # one TEL, no name
    "jhermsmeier__node-vcf/vcard-2.1.vcf": (1, 0, 0),
    "jhermsmeier__node-vcf/vcard-3.0.vcf": (1, 0, 0),
    "jhermsmeier__node-vcf/vcard-4.0.vcf": (1, 0, 0),
    "jhermsmeier__node-vcf/xing.vcf": (1, 0, 0),
    "kewisch__ical.js/escape_semicolon.vcf": (1, 0, 0),
    "kewisch__ical.js/vcard.vcf": (1, 0, 0),
    # grep finds 2 BEGIN:VCARD, but the second is text inside an AGENT value ("\n" escapes).
    "kewisch__ical.js/vcard3.vcf": (1, 0, 0),
    "kewisch__ical.js/vcard_author.vcf": (1, 0, 0),
    "kewisch__ical.js/vcard_grouped.vcf": (0, 0, 1),  # refused: two ADR lines only
    "lucc__khard/altid.vcf": (1, 0, 0),
    "lucc__khard/category.vcf": (1, 0, 0),
    "lucc__khard/contact1.vcf": (1, 0, 0),
    "lucc__khard/contact2.vcf": (1, 0, 0),
    "lucc__khard/individual.vcf": (1, 0, 0),
    "lucc__khard/issue249.vcf": (1, 0, 0),
    "lucc__khard/joe.vcf": (1, 0, 0),
    "lucc__khard/korean-c.vcf": (1, 0, 0),
    "lucc__khard/korean-j.vcf": (1, 0, 0),
    "lucc__khard/labels.vcf": (1, 0, 0),
    "lucc__khard/minimal.vcf": (1, 0, 0),
    "lucc__khard/nickname.vcf": (1, 0, 0),
    "lucc__khard/no-nickname.vcf": (1, 0, 0),
    "lucc__khard/org.vcf": (1, 0, 0),  # KIND:org is an organisation, not a group
    "lucc__khard/photov3.vcf": (1, 0, 0),
    "lucc__khard/photov4.vcf": (1, 0, 0),
    "lucc__khard/post.vcf": (1, 0, 0),
    "lucc__khard/tel-value-uri.vcf": (1, 0, 0),
    "lucc__khard/text-bday.vcf": (1, 0, 0),
    "lucc__khard/unparsable.vcf": (1, 0, 0),  # no END:VCARD: the file is cut short, FN is there
    "mstilkerich__rcmcarddav/AllAttr.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/CompanySetFN.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/EmptyAttrs.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/EmptyFN.vcf": (1, 0, 0),  # name from N
    "mstilkerich__rcmcarddav/EmptyFNBlank.vcf": (0, 0, 1),  # refused: N:;;;; and FN: empty
    "mstilkerich__rcmcarddav/EmptyFNCompany.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/EmptyFNEmail.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/EmptyFNPhone.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/Group.vcf": (0, 1, 0),
    "mstilkerich__rcmcarddav/IM-Evolution.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-GoogleContacts.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-KAddressbook.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-Nextcloud.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-Owncloud.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-eMClient.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/IM-iOS.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/InlinePhoto.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/InvalidUriPhoto.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/LabelPreference.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/UriPhoto.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/UriPhotoCrop.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/VCard4-DataUriPhoto.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/XAbLabel.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/XAbLabelAppleBuiltin.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/XAbLabelOnly.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/ZeroStrings.vcf": (1, 0, 0),  # every value is "0": still text
    "mstilkerich__rcmcarddav/goldencomp.vcf": (1, 0, 0),
    "mstilkerich__rcmcarddav/kings.vcf": (0, 1, 0),
    "py-vobject__vobject/radicale-1587.vcf": (1, 0, 0),
    "roundcube__roundcubemail/apple.vcf": (1, 0, 0),
    "roundcube__roundcubemail/contacts.vcf": (2, 0, 0),
    "roundcube__roundcubemail/johndoe.vcf": (1, 0, 0),
    "roundcube__roundcubemail/photo.vcf": (1, 0, 0),
    "roundcube__roundcubemail/thebat.vcf": (1, 0, 0),
    "roundcube__roundcubemail/utf-16_sample.vcf": (1, 0, 0),  # UTF-16: grep finds no BEGIN
    "sabre-io__vobject/issue153.vcf": (1, 0, 0),
    "sabre-io__vobject/issue64.vcf": (0, 0, 1),  # refused: a 2.1 PHOTO and nothing else
}


def _file(corpora: Path, name: str) -> VCardFile:
    return read_vcard_file((corpora / "vcf" / name).read_bytes())


def _person(corpora: Path, name: str, index: int = 0) -> CardData:
    card = _file(corpora, name).cards[index].card
    assert card is not None and not card.is_group
    return card


def test_the_table_lists_every_corpus_file(corpora: Path) -> None:
    files = {p.relative_to(corpora / "vcf").as_posix() for p in (corpora / "vcf").rglob("*.vcf")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_per_file(corpora: Path, name: str) -> None:
    result = _file(corpora, name)
    assert (result.people, result.groups, result.failed) == EXPECTED[name]
    assert len(result.cards) == sum(EXPECTED[name])
    for parsed in result.cards:
        assert (parsed.card is None) != (parsed.error is None)
        card = parsed.card
        if card is None:
            continue
        texts = [card.full_name, card.company, card.title, card.note, card.street, card.city]
        texts += [*card.emails, *card.phones, *card.mobiles, *card.websites]
        texts += [label for _, _, label in card.contact_methods]
        for text in texts:
            assert "\ufffd" not in text and "Ã" not in text, (name, text)  # no mojibake
        assert len(card.im_labels) == len(card.ims)
        assert all(kind in set(MethodKind) for kind, _, _ in card.contact_methods)


def test_refused_cards_say_why(corpora: Path) -> None:
    [parsed] = _file(corpora, "gammu__gammu/char-escaping.vcf").cards
    assert parsed.card is None and parsed.error == "the card has no name, company, phone or e-mail"


# ---------------------------------------------------------------- values, file by file


def test_kde_comma_in_fn_and_note_photo_birthday_labels(corpora: Path) -> None:
    card = _person(corpora, "KDE__kcontacts/vcard5.vcf")
    assert card.full_name == "Mustermann, Heiko"  # vobject 0.9.9 made this "Mustermann"
    assert card.note == "I'm a friendly note text,\nplease copy me to your address book..."
    assert card.company == "KDE" and card.title == "Developer"
    assert card.phones == ("0351 223344", "0351 443322")
    assert card.phone_labels == ("Home", "Work")
    assert card.mobiles == ("0173 223344",)
    assert (card.street, card.city, card.country) == ("Buehlauer Strasse 45", "Dresden", "Germany")
    assert card.birthday == "1955-07-19T00:00:00Z"
    assert card.photo is not None and card.photo.startswith(PNG)  # the PHOTO, not the LOGO


def test_kde_two_photos_keep_the_first(corpora: Path) -> None:
    card = _person(corpora, "KDE__kcontacts/vcard12.vcf")
    assert card.photo is not None and card.photo.startswith(PNG) and len(card.photo) == 159
    assert card.emails == ("goodlooking@example.com",) and card.email_labels == ("Work",)


def test_kde_qp_address_with_line_breaks(corpora: Path) -> None:
    cards = _file(corpora, "KDE__kcontacts/vcard10.vcf").cards
    first, last = cards[0].card, cards[4].card
    assert first is not None and last is not None
    assert first.company == "Bike Shop" and first.full_name == ""
    assert first.street == "DDDDDDDDDDDDDDD-Staße 2\n00000 DDDDDDDDDD"
    assert last.street == "DDDDDDDDDDDstraße 26\n00000 DDDDDDDDDDDDDDDDD"
    assert last.note.splitlines()[1] == "Mo   8–13"


def test_kde_apple_label_on_a_website(corpora: Path) -> None:
    card = _person(corpora, "KDE__kcontacts/vcard15.vcf")
    assert card.websites == ("http://www.example.com",)
    assert card.website_labels == ("random_label",)
    assert card.phone_labels == ("Home",)


def test_kde_legacy_messaging_handles_split(corpora: Path) -> None:
    card = _person(corpora, "KDE__kcontacts/vcard_legacy_messaging_fields.vcf")
    assert card.ims == (
        ("im", "kdecommunity"),
        ("im", "konqui"),
        ("im", "one@test.org"),
        ("im", "two@test.org"),
    )
    assert card.im_labels == ("Twitter", "IRC", "Jabber", "Jabber")


def test_kde_40_tel_uris_quoted_type_lists_and_impp(corpora: Path) -> None:
    card = _person(corpora, "KDE__kcontacts/testfullvcard.vcf")
    # "tel:+44-555-555-5555;ext=5555": the extension is kept, as a person writes it.
    assert card.phones == ("+44-555-555-5555 ext. 5555", "+44-555-555-7777")
    assert card.phone_labels == ("Home", "Work")
    assert card.mobiles == ("+44-555-555-6666",)
    assert card.email_labels == ("Home", "Work")
    assert card.ims == (("im", "detective@sherlockholmes.com"),)
    assert card.birthday == "19531015T231000Z"
    assert card.photo is None  # "PHOTO:" is empty


def test_nokia_gammu_21_base64_jpeg(corpora: Path) -> None:
    card = _person(corpora, "gammu__gammu/photo.vcf")
    assert card.full_name == "Amore" and card.mobiles == ("+393123456789",)
    assert card.birthday == "19770324"
    assert card.photo is not None and card.photo.startswith(JPEG)
    # Decoded to the last byte: the phone wrote one NUL after the JPEG's end marker.
    assert card.photo.endswith(b"\xff\xd9\x00") and len(card.photo) == 11112
    big = _person(corpora, "gammu__gammu/photo-2.vcf")
    assert big.full_name == "Bar Foobar" and big.birthday == "19420402"
    assert big.photo is not None and big.photo.startswith(JPEG) and len(big.photo) > 40_000


def test_gammu_qp_soft_break_before_an_empty_line(corpora: Path) -> None:
    card = _person(corpora, "gammu__gammu/quoted-printable-empty-new-line.vcf")
    assert (card.family_name, card.given_name) == ("Hörmann", "Joseph")
    assert card.phones == ("028",) and card.phone_labels == ("Home",)


def test_gammu_qp_name_and_pref_cell(corpora: Path) -> None:
    card = _person(corpora, "gammu__gammu/quoted-printable-normal.vcf")
    assert card.full_name == "Bc. Zdeněk Žák"
    assert card.mobiles == ("444444444",) and card.phones == ("555555555",)
    assert card.emails == ("zdenek.zak@dicr.cz",)


def test_yahoo_charset_on_every_line(corpora: Path) -> None:
    card = _person(corpora, "gammu__gammu/yahoo.vcf")
    assert card.full_name == "ACENET"
    assert card.phones == ("(07) 3899-5174", "(07) 3899-1411")
    assert card.phone_labels == ("Home", "Work")
    assert card.note == "ISP Ph 019833206"


def test_escaped_colons_and_a_note_past_its_comma(corpora: Path) -> None:
    card = _person(corpora, "gammu__gammu/vcard3-utf-8.vcf")
    assert card.full_name == "Bodø likningskontor" and card.city == "Bodø"
    assert card.note == (
        "Telefonhenvendelser til saksbehandler: \nMan 08:00-15:30, tir-fre 12:00-15:30"
    )
    assert card.faxes == ("+4775546805",) and card.fax_labels == ("Work",)


def test_utf16_address(corpora: Path) -> None:
    card = _person(corpora, "roundcube__roundcubemail/utf-16_sample.vcf")
    assert card.full_name == "Ǽgean ĽdaMonté"
    assert (card.street, card.city, card.region, card.country) == (
        "169 Mária Canal",
        "LaPaz",
        "Conceptión",
        "Perú",
    )


def test_windows_1252_and_type_labels(corpora: Path) -> None:
    card = _person(corpora, "roundcube__roundcubemail/johndoe.vcf")
    assert card.full_name == "John Doë"
    assert card.email_labels == ("Work", "Home")
    assert card.phones == ("+123456789",) and card.phone_labels == ("Work",)
    assert card.mobiles == ("+987654321",)


def test_apple_company_card_homepage_label_and_photo(corpora: Path) -> None:
    card = _person(corpora, "roundcube__roundcubemail/apple.vcf")
    assert card.full_name == "Apple Computer AG" and card.company == "Apple Computer AG"
    assert card.websites == ("http://www.apple.ch",)  # "http\://" unescaped
    assert card.website_labels == ("Home page",)
    assert card.city == "Wallisellen-Zürich"
    assert card.photo is not None and card.photo.startswith(JPEG)


def test_apple_custom_and_builtin_labels(corpora: Path) -> None:
    custom = _person(corpora, "mstilkerich__rcmcarddav/XAbLabel.vcf")
    assert custom.emails == ("special@maxmu.de", "group_but_not_xablabel@example.com")
    assert custom.email_labels == ("SpecialLabel", "")
    builtin = _person(corpora, "mstilkerich__rcmcarddav/XAbLabelAppleBuiltin.vcf")
    assert builtin.email_labels == ("Friend",)
    upper = _person(corpora, "mstilkerich__rcmcarddav/goldencomp.vcf")  # ITEM1. in capitals
    assert upper.email_labels == ("SpecialLabel",)


def test_all_attributes(corpora: Path) -> None:
    card = _person(corpora, "mstilkerich__rcmcarddav/AllAttr.vcf")
    assert card.full_name == "Chairman Wesker" and card.company == "Umbrella Corp"
    assert card.birthday == "1960-07-17"
    assert card.mobiles == ("123", "234") and card.mobile_labels == ("", "iPhone")
    assert card.phones[:2] == ("345", "354")
    assert card.phone_labels[:2] == ("APPLE WATCH", "Home")
    assert dict(zip(card.phones, card.phone_labels, strict=True))["543"] == "School"
    assert card.faxes == ("458", "459") and card.fax_labels == ("Home", "Work")
    assert dict(zip(card.emails, card.email_labels, strict=True))["school@example.com"] == "School"
    # X-AIM and IMPP;X-SERVICE-TYPE=aim hold one handle: kept once.
    assert card.ims.count(("im", "ms+aim@example.com")) == 1
    assert ("qq", "ms+qq@example.com") in card.ims
    assert len(card.ims) == 10


def test_ios_im_kinds_and_custom_service(corpora: Path) -> None:
    card = _person(corpora, "mstilkerich__rcmcarddav/IM-iOS.vcf")
    ims = dict(zip(card.ims, card.im_labels, strict=True))
    assert ims[("whatsapp", "0283839")] == ""
    assert ims[("qq", "qq@example.com")] == ""
    assert ims[("im", "mikeim@example.com")] == "Mike’s very special, custom IM:"
    assert ims[("im", "skype2@example.com")] == "Skype"
    assert ims[("im", "18383828")] == "ICQ"


def test_nextcloud_wechat_and_empty_tel(corpora: Path) -> None:
    card = _person(corpora, "mstilkerich__rcmcarddav/IM-Nextcloud.vcf")
    assert ("wechat", "wechat@example.com") in card.ims
    assert ("qq", "qq@example.com") in card.ims
    assert card.phones == () and card.street == ""  # "TEL:" and "ADR:;;;;;;" are empty


def test_group_cards_are_not_people(corpora: Path) -> None:
    for name, title in (("Group.vcf", "Staff"), ("kings.vcf", "Kings")):
        result = _file(corpora, f"mstilkerich__rcmcarddav/{name}")
        [parsed] = result.cards
        assert parsed.card is not None and parsed.card.is_group
        assert parsed.card.full_name == title and result.people == 0


def test_vcard4_data_uri_photo_with_escapes(corpora: Path) -> None:
    card = _person(corpora, "mstilkerich__rcmcarddav/VCard4-DataUriPhoto.vcf")
    assert card.photo is not None and card.photo.startswith(JPEG)
    inline = _person(corpora, "mstilkerich__rcmcarddav/InlinePhoto.vcf")
    assert inline.photo is not None and inline.photo.startswith(JPEG)
    assert _person(corpora, "mstilkerich__rcmcarddav/UriPhoto.vcf").photo is None


def test_data_uri_behind_encoding_b(corpora: Path) -> None:
    for name in ("contact_photo_with_data_uri.vcf", "contact_photo_with_data_uri_v4.vcf"):
        card = _person(corpora, f"Kozea__Radicale/{name}")
        assert card.photo is not None and card.photo.startswith(PNG), name
    v3 = _person(corpora, "lucc__khard/photov3.vcf").photo
    v4 = _person(corpora, "lucc__khard/photov4.vcf").photo
    assert v3 is not None and v3 == v4 and v3.startswith(PNG)


def test_url_photos_and_fake_image_bytes_give_none(corpora: Path) -> None:
    assert _person(corpora, "jhermsmeier__node-vcf/vcard-2.1.vcf").photo is None  # PHOTO;GIF:http
    assert _person(corpora, "jhermsmeier__node-vcf/vcard-4.0.vcf").photo is None
    # "Hello, this is not a real image just a test." in base64: not an image.
    assert _person(corpora, "kewisch__ical.js/vcard3.vcf").photo is None


def test_three_versions_in_one_file(corpora: Path) -> None:
    cards = [p.card for p in _file(corpora, "jhermsmeier__node-vcf/multiple.vcf").cards]
    assert [c.phones[0] for c in cards if c] == [
        "+49-221-9999123",
        "(0221) 9999123",
        "+49 221 9999123",
    ]
    assert all(c and c.full_name == "Dr. Erika Mustermann" for c in cards)
    assert [c.city for c in cards if c] == ["Köln", "Koeln", "Köln"]


def test_birthdays_as_written(corpora: Path) -> None:
    assert _person(corpora, "lucc__khard/text-bday.vcf").birthday == "circa 1800"
    assert _person(corpora, "kewisch__ical.js/vcard.vcf").birthday == "--0203"
    assert _person(corpora, "Kozea__Radicale/contact4-with-bday-no-year.vcf").birthday == "16040101"


def test_sabre_apple_base64_photo(corpora: Path) -> None:
    card = _person(corpora, "sabre-io__vobject/issue153.vcf")
    assert card.full_name == "Test Benutzer"
    assert card.photo is not None and card.photo.startswith(JPEG)


# ---------------------------------------------------------------- own trap files


def _own(name: str) -> VCardFile:
    return read_vcard_file((OWN / name).read_bytes())


def test_own_21_base64_lines_not_indented() -> None:
    result = _own("base64-unindented-21.vcf")
    [parsed] = result.cards
    card = parsed.card
    assert card is not None and card.full_name == "Matti Virtanen"
    assert (
        card.photo is not None
        and card.photo.startswith(PNG)
        and card.photo.endswith(b"IEND\xaeB`\x82")
    )
    assert card.mobiles == ("+358401234567",)  # the TEL after the photo survives


def test_own_qp_soft_breaks_inside_characters_and_escapes() -> None:
    [parsed] = _own("qp-split-characters-21.vcf").cards
    card = parsed.card
    assert card is not None
    assert card.full_name == "Jörg Müller"  # "=C3=" / "=BC" and "=B=" / "6" across soft breaks
    assert card.company == "Café Crème S.A."  # ISO-8859-1, lower-case parameter names
    assert card.note == "Straße € 12\nzweite Zeile"
    assert card.phone_labels == ("Work",)


def test_own_apple_labels_on_every_kind() -> None:
    [parsed] = _own("apple-labels.vcf").cards
    card = parsed.card
    assert card is not None
    assert card.phones == ("+81 3 1234 5678", "+81 3 8765 4321")
    assert card.phone_labels == ("Main", "Work")
    assert card.mobiles == ("+81 90 1234 5678",) and card.mobile_labels == ("Shop floor",)
    assert card.faxes == ("+81 3 1234 5679",) and card.fax_labels == ("Orders (fax)",)
    assert card.email_labels == ("Other", "Home")
    assert card.website_labels == ("Home page",)
    assert card.contact_methods[0] == ("email", "yuki@tanaka.example", "Other")


def test_own_groups_people_and_refusals() -> None:
    result = _own("groups-and-people.vcf")
    assert (result.people, result.groups, result.failed) == (2, 2, 2)
    errors = [p.error for p in result.cards if p.error]
    assert errors == ["the card has no name, company, phone or e-mail", "the card is empty"]
    names = [p.card.full_name for p in result.cards if p.card and not p.card.is_group]
    assert names == ["Lena Berg", "Berg AB"]


def test_own_chinese_card_with_wechat_qq_and_work_address() -> None:
    [parsed] = _own("chinese-im.vcf").cards
    card = parsed.card
    assert card is not None and card.full_name == "李娜"
    assert card.ims == (
        ("wechat", "lina_sz"),
        ("qq", "12345678"),  # the second X-QQ repeats it
        ("wechat", "lina_work"),
        ("whatsapp", "+8613800138000"),
        ("im", "lina.sz"),
    )
    assert card.im_labels[-1] == "Skype"
    # The empty home ADR before it does not hide the work address.
    assert (card.street, card.city, card.postal_code) == ("科技园南路 8 号", "深圳", "518057")


def test_own_outlook_export() -> None:
    [parsed] = _own("outlook-21-windows-1252.vcf").cards
    card = parsed.card
    assert card is not None
    assert card.full_name == "Jürgen Größe"
    assert card.company == "Müller & Söhne GmbH" and card.title == "Vertriebsleiter"
    assert card.phones == ("+49 89 1234567",) and card.mobiles == ("+49 171 7654321",)
    assert card.faxes == ("+49 89 1234568",)
    assert (card.street, card.city) == ("Lindwurmstraße 5", "München")
    assert card.websites == ("http://www.mueller-soehne.example",)
    assert card.website_labels == ("Work",)
    assert card.photo is not None and card.photo.startswith(JPEG)


def test_contact_methods_pads_missing_labels() -> None:
    card = CardData(phones=("1", "2"), phone_labels=("Work",), ims=(("qq", "9"),))
    assert card.contact_methods == (("phone", "1", "Work"), ("phone", "2", ""), ("qq", "9", ""))
    assert "photo" not in repr(CardData(photo=b"\xff\xd8\xff"))
