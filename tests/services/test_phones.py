"""The one phone normalizer: real numbers of many countries, read as typed in a country."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from crm_desktop.services import phones
from crm_desktop.services.phones import read_phone, search_digits

# (typed, country it is read in, status, key, extension, country it is a number of)
# Numbers from the issue, from the corpora (vCards and CSVs that real programs wrote) and
# as people in each country write them.
TABLE = [
    # China: mobiles without a trunk 0, landlines with one; extensions the Chinese way.
    ("138 0013 8000", "CN", "valid", "+8613800138000", "", "CN"),
    ("13800138000", "CN", "valid", "+8613800138000", "", "CN"),
    ("138-0013-8000", "CN", "valid", "+8613800138000", "", "CN"),
    ("010 6552 9988", "CN", "valid", "+861065529988", "", "CN"),
    ("(010) 6552-9988", "CN", "valid", "+861065529988", "", "CN"),
    ("0755-8888 8888 ext. 12", "CN", "valid", "+8675588888888", "12", "CN"),
    ("+86 10 6552 9988 转 8001", "US", "valid", "+861065529988", "8001", "CN"),
    ("010 6552 9988 分机 12", "CN", "valid", "+861065529988", "12", "CN"),
    ("0086 138 0013 8000", "US", "valid", "+8613800138000", "", "CN"),
    # The numbers, read in China: none of them is written as a Chinese number.
    ("(415) 293-3313", "CN", "kept", "4152933313", "", "CN"),
    ("1-955-371-0847 x371", "CN", "kept", "19553710847", "371", "CN"),
    ("0176 95455361", "CN", "kept", "017695455361", "", "CN"),
    # United States (and Canada, which shares +1).
    ("(415) 293-3313", "US", "valid", "+14152933313", "", "US"),
    ("415.293.3313", "US", "valid", "+14152933313", "", "US"),
    ("1-415-293-3313", "US", "valid", "+14152933313", "", "US"),
    ("(404) 555-1212", "US", "valid", "+14045551212", "", "US"),
    ("1-955-371-0847 x371", "US", "kept", "19553710847", "371", "US"),  # no area code 955
    ("tel:+1-418-656-9254;ext=102", "CN", "valid", "+14186569254", "102", "CA"),
    ("+1-800-123456", "CN", "kept", "1800123456", "", "US"),
    # Germany
    ("0176 95455361", "DE", "valid", "+4917695455361", "", "DE"),
    ("(0221) 9999123", "DE", "valid", "+492219999123", "", "DE"),
    ("0351 443322", "DE", "valid", "+49351443322", "", "DE"),
    ("+49 (0)30 1234567", "CN", "valid", "+49301234567", "", "DE"),
    ("0049 176 95455361", "CN", "valid", "+4917695455361", "", "DE"),
    ("+49 221 9999123", "FR", "valid", "+492219999123", "", "DE"),
    # United Kingdom
    ("020 7946 0018", "GB", "valid", "+442079460018", "", "GB"),
    ("0207 946 0018", "GB", "valid", "+442079460018", "", "GB"),
    ("07876 543210", "GB", "valid", "+447876543210", "", "GB"),
    ("07911 123456", "GB", "valid", "+447911123456", "", "GG"),  # Guernsey shares +44
    ("07700 900123", "GB", "kept", "07700900123", "", "GB"),  # Ofcom's range for fiction
    # France
    ("01 42 68 53 00", "FR", "valid", "+33142685300", "", "FR"),
    ("06 12 34 56 78", "FR", "valid", "+33612345678", "", "FR"),
    ("+33-01-23-45-67", "CN", "kept", "3301234567", "", "FR"),  # a KDE test card's number
    # Japan
    ("03-1234-5678", "JP", "valid", "+81312345678", "", "JP"),
    ("090-1234-5678", "JP", "valid", "+819012345678", "", "JP"),
    # Spain, Italy
    ("612 34 56 78", "ES", "valid", "+34612345678", "", "ES"),
    ("+34 612 345 678", "CN", "valid", "+34612345678", "", "ES"),
    ("06 1234 5678", "IT", "valid", "+390612345678", "", "IT"),
    # India, Brazil, Australia
    ("98765 43210", "IN", "valid", "+919876543210", "", "IN"),
    ("(11) 91234-5678", "BR", "valid", "+5511912345678", "", "BR"),
    ("(07) 3899-5174", "AU", "valid", "+61738995174", "", "AU"),
    ("0412 345 678", "AU", "valid", "+61412345678", "", "AU"),
    # Hong Kong, Taiwan, Singapore, Israel
    ("2345 6789", "HK", "valid", "+85223456789", "", "HK"),
    ("(02) 2345-6789", "TW", "valid", "+886223456789", "", "TW"),
    ("6123 4567", "SG", "valid", "+6561234567", "", "SG"),
    ("0549979552", "IL", "valid", "+972549979552", "", "IL"),
    # Not valid anywhere, or no phone number at all.
    ("+999 1234567", "CN", "kept", "9991234567", "", ""),
    ("10086", "CN", "kept", None, "", "CN"),  # a service number: kept, too short to match on
    ("call me", "CN", "refused", None, "", "CN"),
    ("12", "CN", "refused", None, "", "CN"),
]


@pytest.mark.parametrize(("typed", "region", "status", "key", "ext", "country"), TABLE)
def test_real_numbers(
    typed: str, region: str, status: str, key: str, ext: str, country: str
) -> None:
    number = read_phone(typed, region)
    assert (number.status, number.key, number.extension, number.region) == (
        status,
        key,
        ext,
        country,
    )
    assert number.text == typed
    if status == "valid":
        assert number.problem is None and number.display.startswith("+")
    else:
        assert number.problem is not None and number.display == typed
        assert number.key is None or not number.key.startswith("+")  # never a fake E.164


def test_the_problem_names_the_country_it_was_read_in() -> None:
    assert read_phone("(415) 293-3313", "CN").problem == "not a valid CN number; kept as written"
    assert read_phone("+1 955 371 0847", "CN").problem == (
        "not a valid +1 (US) number; kept as written"
    )
    assert read_phone("call me", "CN").problem == "not a phone number"


def test_display_keeps_the_extension_apart() -> None:
    assert read_phone("0755-8888 8888 ext. 12", "CN").display == "+86 755 8888 8888 ext. 12"
    assert read_phone("+1 415 293 3313 x7", "CN").display == "+1 415-293-3313 ext. 7"


def test_a_lost_plus_in_text_is_named_not_restored() -> None:
    """An Excel cell exported as text ("4915112345678" in a CN file) keeps what it says; the
    flag says what it would be with a "+". A 10-digit US number gets no such hint: with a
    "+" (626) 293-3313 would be Indonesian (+62 629 33313), as issue 11 saw."""
    number = read_phone("4915112345678", "CN")
    assert (number.status, number.key) == ("kept", "4915112345678")
    assert number.problem == (
        "not a valid CN number; kept as written (with a + it would be +49 1511 2345678, DE)"
    )
    assert "with a +" not in (read_phone("6262933313", "CN").problem or "")


def test_a_spreadsheet_number_cell_is_read_with_its_lost_plus_and_flagged() -> None:
    number = read_phone("4915112345678", "CN", number_cell=True)
    assert (number.status, number.key) == ("valid", "+4915112345678")
    assert number.note == "a number cell (which drops a leading + or 0): read as +49 1511 2345678"
    assert read_phone("13800138000", "CN", number_cell=True).note is None  # valid as it is
    both = read_phone("17695455361", "DE", number_cell=True)  # 0176 … or +1 769 …?
    assert both.status == "kept" and "could be +49 176 95455361 or +1 769-545-5361" in (
        both.problem or ""
    )


def test_fast_path_agrees_with_phonenumbers() -> None:
    """The metadata fast path (valid numbers and numbers kept as written) gives exactly
    what phonenumbers' own reading gives."""
    rng = random.Random(5)
    samples: list[tuple[str, str]] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for fmt in (
                phonenumbers.PhoneNumberFormat.NATIONAL,
                phonenumbers.PhoneNumberFormat.E164,
            ):
                text = phonenumbers.format_number(example, fmt)
                samples.append((text, region))
                digits = [c for c in text if c.isdigit()]
                digits[rng.randrange(len(digits))] = str(rng.randrange(10))
                changed = ("+" if text.startswith("+") else "") + "".join(digits)
                samples += [(changed, region), (changed, rng.choice(["CN", "US", "DE"]))]
    fast = 0
    for text, region in samples:
        quick = phones._fast_path(text, region)
        if quick is not None:
            fast += 1
            slow = phones._read(text, region)
            assert (quick.status, quick.key, quick.region, quick.problem) == (
                slow.status,
                slow.key,
                slow.region,
                slow.problem,
            ), (text, region)
    assert fast > len(samples) // 3


def test_search_digits_drop_a_trunk_zero_or_idd() -> None:
    assert search_digits("0176 95455361") == "17695455361"
    assert search_digits("0049 176 95455361") == "4917695455361"
    assert search_digits("+86 138-0013-8000") == "8613800138000"
    assert search_digits("138 0013") == "1380013"
    assert search_digits("010") == "010"  # too short to drop anything


@pytest.mark.parametrize(
    ("typed", "region", "home", "shown"),
    [
        ("13800138000", "CN", "CN", "138 0013 8000"),  # the database's own region: national
        ("+86 138-0013-8000", "CN", "CN", "138 0013 8000"),  # however it was typed
        ("008613800138000", "DE", "CN", "138 0013 8000"),
        ("0176 95455361", "DE", "CN", "+49 176 95455361"),  # another country: international
        ("+49 (0)176-954 553 61", "CN", "CN", "+49 176 95455361"),
        ("0176 95455361 x12", "DE", "DE", "0176 95455361 ext. 12"),
        ("(415) 293-3313", "US", "CN", "+1 415-293-3313"),
    ],
)
def test_phone_display_is_one_format_whatever_was_typed(
    typed: str, region: str, home: str, shown: str
) -> None:
    number = read_phone(typed, region)
    assert number.valid
    assert phones.phone_display(typed, number.key, home) == shown


def test_a_number_kept_as_written_shows_exactly_as_written() -> None:
    typed = "(415) 293-3313 "
    number = read_phone(typed, "CN")
    assert number.status == "kept"
    assert phones.phone_display(typed, number.key, "CN") == typed
    assert phones.phone_display("12 34", None, "CN") == "12 34"
    assert phones.international_display(typed, number.key) == typed


def test_export_display_is_international_and_reads_back_to_the_same_key() -> None:
    number = read_phone("0755-2345 6789", "CN")
    shown = phones.international_display(number.text, number.key)
    assert shown == "+86 755 2345 6789"
    assert read_phone(shown, "US").key == number.key  # in a database of any region
