"""Which country a card's or a row's numbers are read in, from what it says."""

from __future__ import annotations

import pytest

from crm_desktop.services.phone_country import (
    RegionGuess,
    company_region,
    country_code,
    email_region,
    guess_region,
    record_region,
)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("德国", "DE"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("us", "US"),
        ("中国", "CN"),
        ("P.R. China", "CN"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Hong Kong SAR", "HK"),
        ("España", "ES"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_names_as_written(written: str, code: str | None) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize(
    ("email", "found"),
    [
        ("jonas@weber-technik.de", ("DE", ".de")),
        ("li@sina.com.cn", ("CN", ".cn")),
        ("jd@sg.fr", ("FR", ".fr")),
        ("tom@shop.co.uk", ("GB", ".uk")),
        ("anna@gmail.com", None),
        ("dev@startup.io", None),  # a country domain used as a generic one
        ("not an address", None),
    ],
)
def test_email_country_domains(email: str, found: tuple[str, str] | None) -> None:
    assert email_region(email) == found


@pytest.mark.parametrize(
    ("company", "found"),
    [
        ("Weber Technik GmbH", ("DE", "GmbH")),
        ("Siemens AG", ("DE", "AG")),
        ("Mercadona S.L.", ("ES", "S.L.")),
        ("Telefónica S.A.", ("ES", "S.A.")),
        ("Dupont SARL", ("FR", "SARL")),
        ("深圳华信电子有限公司", ("CN", "有限公司")),
        ("トヨタ自動車株式会社", ("JP", "株式会社")),
        ("Acme Ltd", ("GB", "Ltd")),
        ("Shanghai Huadong Electronics Co., Ltd.", None),  # how Chinese firms write in English
        ("Acme", None),
    ],
)
def test_company_legal_forms(company: str, found: tuple[str, str] | None) -> None:
    assert company_region(company) == found


def test_strongest_clue_first() -> None:
    assert guess_region("CN", country="Deutschland", emails=["x@y.fr"]) == RegionGuess(
        "DE", "country", "Deutschland"
    )
    assert guess_region(
        "CN", phones=["+49 30 1234567", "0176 95455361"], emails=["x@y.fr"]
    ) == RegionGuess("DE", "number", "+49")
    assert guess_region("CN", emails=["x@y.com", "x@y.fr"], company="Acme GmbH") == RegionGuess(
        "FR", "e-mail", ".fr"
    )
    assert guess_region("CN", company="Acme GmbH") == RegionGuess("DE", "company", "GmbH")
    assert guess_region("cn") == RegionGuess("CN", "setting")
    # Numbers of two countries say nothing about the others.
    assert guess_region("CN", phones=["+49 30 1234567", "+1 415 293 3313"]).source == "setting"


def test_weak_clues_give_way_to_numbers_valid_only_in_the_setting() -> None:
    """王伟 of "ACME Limited" with the mobile 138 0013 8000 is in China, not in Britain."""
    assert guess_region("CN", phones=["138-0013-8000"], company="ACME Limited").region == "CN"
    assert guess_region("CN", phones=["0176 95455361"], emails=["j@firma.de"]).region == "DE"


def test_a_saved_record_takes_only_strong_clues() -> None:
    """A form does not show the country it assumes: no guessing from a GmbH there."""
    methods = [("email", "wang@example.de"), ("mobile", "138 0013 8000")]
    assert record_region("CN", "", methods).region == "CN"
    assert record_region("CN", "USA", methods).region == "US"
    assert record_region("CN", "", [("phone", "+1 415 293 3313")]).region == "US"
