"""Matching the column headers of an import file to the fields of each target."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from crm_desktop.services.imports import headers as headers_module
from crm_desktop.services.imports.cells import CellValue, cell_text
from crm_desktop.services.imports.fields import CUSTOM, IGNORE, TARGETS, Target, fields_of
from crm_desktop.services.imports.header import detect_header
from crm_desktop.services.imports.headers import match_headers, normalize_header
from crm_desktop.services.imports.source import inspect_file, preview_rows


def _check(
    expected: Sequence[tuple[str, str]],
    target: Target,
    samples: Sequence[Sequence[CellValue]] = (),
) -> None:
    """Match the headers of `expected` and compare, header by header."""
    headers = [header for header, _ in expected]
    got = match_headers(headers, target, samples)
    assert list(zip(headers, got, strict=True)) == list(expected)


# ---- normalize_header ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("E-mail Address", "emailaddress"),
        ("  *First_Name ", "firstname"),
        ("Probability (%)", "probability"),
        ("ＱＱ号", "qq号"),  # full width to half width
        ("Ｅ－ｍａｉｌ", "email"),
        ("Straße geschäftlich", "strassegeschäftlich"),
        ("Phone 1 - Value", "phone1value"),
        ("手机号码（必填）", "手机号码必填"),
        ("", ""),
    ],
)
def test_normalize_header(text: str, key: str) -> None:
    assert normalize_header(text) == key


# ---- whole header rows of common exports --------------------------------------------------

OUTLOOK = [
    ("Title", CUSTOM),  # Outlook's Title is "Mr."/"Dr.": Job Title is the job
    ("First Name", "given_name"),
    ("Middle Name", "middle_name"),
    ("Last Name", "family_name"),
    ("Suffix", CUSTOM),
    ("Company", "company"),
    ("Department", CUSTOM),
    ("Job Title", "title"),
    ("Business Street", "street"),
    ("Business Street 2", "street"),
    ("Business Street 3", "street"),
    ("Business City", "city"),
    ("Business State", "region"),
    ("Business Postal Code", "postal_code"),
    ("Business Country/Region", "country"),
    ("Home Street", CUSTOM),  # one address per record: the business one
    ("Home City", CUSTOM),
    ("Home Postal Code", CUSTOM),
    ("Other Street", CUSTOM),
    ("Other Country/Region", CUSTOM),
    ("Assistant's Phone", CUSTOM),
    ("Business Fax", "fax"),
    ("Business Phone", "phone"),
    ("Business Phone 2", "phone"),
    ("Car Phone", CUSTOM),
    ("Company Main Phone", "phone"),
    ("Home Fax", "fax"),
    ("Home Phone", "phone"),
    ("Mobile Phone", "mobile"),
    ("Other Phone", "phone"),
    ("Pager", CUSTOM),
    ("Primary Phone", "phone"),
    ("Account", CUSTOM),  # Company names the company already
    ("Anniversary", CUSTOM),
    ("Birthday", "birthday"),
    ("Business Address PO Box", CUSTOM),
    ("Categories", "tags"),
    ("E-mail Address", "email"),
    ("E-mail Type", CUSTOM),
    ("E-mail Display Name", CUSTOM),
    ("E-mail 2 Address", "email"),
    ("E-mail 3 Address", "email"),
    ("Gender", CUSTOM),
    ("Notes", "notes"),
    ("Web Page", "website"),
]

OUTLOOK_DE = [
    ("Anrede", CUSTOM),
    ("Vorname", "given_name"),
    ("Weitere Vornamen", "middle_name"),
    ("Nachname", "family_name"),
    ("Firma", "company"),
    ("Abteilung", CUSTOM),
    ("Position", "title"),
    ("Straße geschäftlich", "street"),
    ("Straße geschäftlich 2", "street"),
    ("Ort geschäftlich", "city"),
    ("Region geschäftlich", "region"),
    ("Postleitzahl geschäftlich", "postal_code"),
    ("Land/Region geschäftlich", "country"),
    ("Straße privat", CUSTOM),
    ("Ort privat", CUSTOM),
    ("Weitere Straße", CUSTOM),
    ("Telefon Assistent", CUSTOM),
    ("Fax geschäftlich", "fax"),
    ("Telefon geschäftlich", "phone"),
    ("Telefon geschäftlich 2", "phone"),
    ("Autotelefon", CUSTOM),
    ("Telefon privat", "phone"),
    ("Mobiltelefon", "mobile"),
    ("Geburtstag", "birthday"),
    ("Kategorien", "tags"),
    ("E-Mail-Adresse", "email"),
    ("E-Mail-Typ", CUSTOM),
    ("E-Mail: Angezeigter Name", CUSTOM),
    ("E-Mail 2: Adresse", "email"),
    ("Notizen", "notes"),
    ("Webseite", "website"),
]

GOOGLE_OLD = [
    ("Name", "full_name"),
    ("Given Name", "given_name"),
    ("Additional Name", "middle_name"),
    ("Family Name", "family_name"),
    ("Yomi Name", "phonetic_name"),
    ("Name Prefix", CUSTOM),
    ("Nickname", CUSTOM),
    ("Birthday", "birthday"),
    ("Notes", "notes"),
    ("Group Membership", "tags"),
    ("E-mail 1 - Type", CUSTOM),
    ("E-mail 1 - Value", "email"),
    ("E-mail 2 - Value", "email"),
    ("Phone 1 - Type", CUSTOM),
    ("Phone 1 - Value", "phone"),
    ("Address 1 - Type", CUSTOM),
    ("Address 1 - Formatted", CUSTOM),
    ("Address 1 - Street", "street"),
    ("Address 1 - City", "city"),
    ("Address 1 - PO Box", CUSTOM),
    ("Address 1 - Region", "region"),
    ("Address 1 - Postal Code", "postal_code"),
    ("Address 1 - Country", "country"),
    ("Address 2 - Street", CUSTOM),  # the second address of the contact
    ("Address 2 - City", CUSTOM),
    ("Organization 1 - Name", "company"),
    ("Organization 1 - Title", "title"),
    ("Organization 1 - Department", CUSTOM),
    ("Website 1 - Type", CUSTOM),
    ("Website 1 - Value", "website"),
    ("Relation 1 - Value", CUSTOM),
]

GOOGLE_NEW = [
    ("First Name", "given_name"),
    ("Middle Name", "middle_name"),
    ("Last Name", "family_name"),
    ("Phonetic First Name", "phonetic_name"),
    ("Phonetic Last Name", "phonetic_name"),
    ("Name Prefix", CUSTOM),
    ("Nickname", CUSTOM),
    ("File As", CUSTOM),
    ("Organization Name", "company"),
    ("Organization Title", "title"),
    ("Organization Department", CUSTOM),
    ("Birthday", "birthday"),
    ("Notes", "notes"),
    ("Labels", "tags"),
    ("E-mail 1 - Label", CUSTOM),
    ("E-mail 1 - Value", "email"),
    ("Phone 1 - Label", CUSTOM),
    ("Phone 1 - Value", "mobile"),  # by the values below
    ("Phone 2 - Label", CUSTOM),
    ("Phone 2 - Value", "phone"),
    ("Address 1 - Street", "street"),
    ("Website 1 - Value", "website"),
    ("Event 1 - Value", CUSTOM),  # an anniversary, not a trade show
    ("Custom Field 1 - Value", CUSTOM),
]
GOOGLE_NEW_SAMPLES: list[list[CellValue]] = [
    # names, 12 empty columns, the e-mail, then two phones with their labels
    [
        "Ann",
        "",
        "Lee",
        *[""] * 12,
        "a@example.com",
        "Mobile",
        "+86 138 0013 8000",
        "Work",
        "010-6552 9988",
    ],
    [
        "Bo",
        "",
        "Wu",
        *[""] * 12,
        "b@example.com",
        "Mobile",
        "13900139000",
        "Home",
        "+1 650 253 0000",
    ],
]

LINKEDIN = [
    ("First Name", "given_name"),
    ("Last Name", "family_name"),
    ("URL", "website"),
    ("Email Address", "email"),
    ("Company", "company"),
    ("Position", "title"),
    ("Connected On", CUSTOM),
]

SALESFORCE_OPPORTUNITIES = [
    ("Opportunity Owner", "owner"),
    ("Account Name", "company"),
    ("Opportunity Name", "title"),
    ("Stage", "stage"),
    ("Fiscal Period", CUSTOM),
    ("Amount", "amount"),
    ("Expected Revenue", CUSTOM),
    ("Probability (%)", "probability"),
    ("Close Date", "expected_close"),
    ("Created Date", CUSTOM),
    ("Next Step", CUSTOM),
    ("Lead Source", "source"),
    ("Type", CUSTOM),
    ("Opportunity Currency", "currency"),
]

SALESFORCE_LEADS = [
    ("Lead Owner", "owner"),
    ("First Name", "given_name"),
    ("Last Name", "family_name"),
    ("Title", "title"),
    ("Company / Account", "company"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Mobile", "mobile"),
    ("Lead Source", "source"),
    ("Lead Status", "status"),
    ("Street", "street"),
    ("City", "city"),
    ("State/Province", "region"),
    ("Zip/Postal Code", "postal_code"),
    ("Country", "country"),
    ("Website", "website"),
    ("Industry", CUSTOM),  # leads have no industry
    ("Description", "notes"),
]

SALESFORCE_CONTACTS = [
    ("First Name", "given_name"),
    ("Last Name", "family_name"),
    ("Account Name", "company"),
    ("Mailing Street", "street"),
    ("Mailing City", "city"),
    ("Mailing State/Province", "region"),
    ("Mailing Zip/Postal Code", "postal_code"),
    ("Mailing Country", "country"),
    ("Other Street", CUSTOM),
    ("Birthdate", "birthday"),
    ("Contact Owner", "owner"),
]

SALESFORCE_ACCOUNTS = [
    ("Account Name", "name"),
    ("Billing Street", "street"),
    ("Billing City", "city"),
    ("Billing Zip/Postal Code", "postal_code"),
    ("Shipping Street", CUSTOM),
    ("Phone", "phone"),
    ("Fax", "fax"),
    ("Website", "website"),
    ("Industry", "industry"),
    ("Account Owner", "owner"),
    ("Description", "notes"),
]

CHINESE = [
    ("*姓名", "full_name"),
    ("手机号码(必填)", "mobile"),
    ("公司", "company"),
    ("职位", "title"),
    ("邮箱", "email"),
    ("省", "region"),
    ("市", "city"),
    ("区", "city"),  # 杭州市 + 西湖区: the city field joins them
    ("地址", "street"),
    ("邮编", "postal_code"),
    ("备注", "notes"),
    ("微信", "wechat"),
    ("QQ", "qq"),
    ("座机", "phone"),
    ("传真", "fax"),
    ("网址", "website"),
    ("来源", "source"),
    ("展会", "event"),
    ("标签", "tags"),
    ("负责人", "owner"),
    ("性别", CUSTOM),
]

TRADITIONAL = [
    ("姓名", "full_name"),
    ("手機號碼", "mobile"),
    ("公司名稱", "company"),
    ("職務", "title"),
    ("電子郵件", "email"),
    ("辦公電話", "phone"),
    ("傳真", "fax"),
    ("詳細地址", "street"),
    ("郵遞區號", "postal_code"),
    ("國家", "country"),
    ("備註", "notes"),
    ("微信號", "wechat"),
    ("網址", "website"),
    ("客戶來源", "source"),
    ("標籤", "tags"),
]

CHINESE_DEALS = [
    ("商机名称", "title"),
    ("客户名称", "company"),
    ("联系人", "contact"),
    ("金额", "amount"),
    ("币种", "currency"),
    ("销售阶段", "stage"),
    ("赢率", "probability"),
    ("预计成交日期", "expected_close"),
    ("负责人", "owner"),
    ("活动", "event"),
    ("输单原因", "lost_reason"),
]

FRENCH = [
    ("Prénom", "given_name"),
    ("Nom", "family_name"),  # beside Prénom, Nom is the family name
    ("Société", "company"),
    ("Poste", "title"),
    ("Courriel", "email"),
    ("Téléphone", "phone"),
    ("Portable", "mobile"),
    ("Adresse", "street"),
    ("Ville", "city"),
    ("Code postal", "postal_code"),
    ("Pays", "country"),
]

SPANISH = [
    ("Nombre", "given_name"),
    ("Apellidos", "family_name"),
    ("Empresa", "company"),
    ("Cargo", "title"),
    ("Correo electrónico", "email"),
    ("Teléfono", "phone"),
    ("Móvil", "mobile"),
    ("Dirección", "street"),
    ("Ciudad", "city"),
    ("Estado", "region"),  # beside address columns: the state
    ("Código postal", "postal_code"),
]


@pytest.mark.parametrize(
    ("expected", "target", "samples"),
    [
        pytest.param(OUTLOOK, "contacts", (), id="outlook"),
        pytest.param(OUTLOOK_DE, "contacts", (), id="outlook-de"),
        pytest.param(GOOGLE_OLD, "contacts", (), id="google-old"),
        pytest.param(GOOGLE_NEW, "contacts", GOOGLE_NEW_SAMPLES, id="google-new"),
        pytest.param(LINKEDIN, "leads", (), id="linkedin"),
        pytest.param(SALESFORCE_OPPORTUNITIES, "deals", (), id="salesforce-opportunities"),
        pytest.param(SALESFORCE_LEADS, "leads", (), id="salesforce-leads"),
        pytest.param(SALESFORCE_CONTACTS, "contacts", (), id="salesforce-contacts"),
        pytest.param(SALESFORCE_ACCOUNTS, "companies", (), id="salesforce-accounts"),
        pytest.param(CHINESE, "leads", (), id="chinese"),
        pytest.param(TRADITIONAL, "contacts", (), id="traditional-chinese"),
        pytest.param(CHINESE_DEALS, "deals", (), id="chinese-deals"),
        pytest.param(FRENCH, "contacts", (), id="french"),
        pytest.param(SPANISH, "leads", (), id="spanish"),
    ],
)
def test_header_rows_of_common_exports(
    expected: list[tuple[str, str]], target: Target, samples: list[list[CellValue]]
) -> None:
    _check(expected, target, samples)


def test_every_answer_is_a_field_of_the_target_or_custom_or_ignore() -> None:
    rows = [OUTLOOK, GOOGLE_OLD, SALESFORCE_OPPORTUNITIES, CHINESE, CHINESE_DEALS, SPANISH]
    for target in TARGETS:
        allowed = set(fields_of(target)) | {CUSTOM, IGNORE}
        for row in rows:
            got = match_headers([header for header, _ in row], target)
            assert set(got) <= allowed, target


# ---- the same header, per target ----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "leads", "contacts", "companies", "deals"),
    [
        ("Name", "full_name", "full_name", "name", "title"),
        ("名称", "full_name", "full_name", "name", "title"),
        ("Company", "company", "company", "name", "company"),
        ("Account Name", "company", "company", "name", "company"),
        ("Title", "title", "title", CUSTOM, "title"),
        ("Job Title", "title", "title", CUSTOM, CUSTOM),
        ("Opportunity Name", CUSTOM, CUSTOM, CUSTOM, "title"),
        ("商机名称", CUSTOM, CUSTOM, CUSTOM, "title"),
        ("姓名", "full_name", "full_name", CUSTOM, "contact"),
        ("Birthday", CUSTOM, "birthday", CUSTOM, CUSTOM),
        ("Stage", CUSTOM, CUSTOM, CUSTOM, "stage"),
        ("Lead Status", "status", CUSTOM, CUSTOM, CUSTOM),
        ("Industry", CUSTOM, CUSTOM, "industry", CUSTOM),
        ("Amount", CUSTOM, CUSTOM, CUSTOM, "amount"),
        ("手机", "mobile", "mobile", CUSTOM, CUSTOM),
        ("Fax", "fax", "fax", "fax", CUSTOM),
        ("WeChat", "wechat", "wechat", CUSTOM, CUSTOM),
        ("City", "city", "city", "city", CUSTOM),
        ("Yomi Name", CUSTOM, "phonetic_name", CUSTOM, CUSTOM),
        ("Owner", "owner", "owner", "owner", "owner"),
        ("Event", "event", "event", CUSTOM, "event"),
    ],
)
def test_the_same_header_per_target(
    header: str, leads: str, contacts: str, companies: str, deals: str
) -> None:
    expected = {"leads": leads, "contacts": contacts, "companies": companies, "deals": deals}
    got = {target: match_headers([header], target)[0] for target in TARGETS}
    assert got == expected


def test_full_name_and_its_parts_side_by_side() -> None:
    _check(
        [("Name", "full_name"), ("First Name", "given_name"), ("Last Name", "family_name")],
        "contacts",
    )
    _check([("姓名", "full_name"), ("姓", "family_name"), ("名", "given_name")], "leads")
    _check([("Vorname", "given_name"), ("Nachname", "family_name")], "leads")


@pytest.mark.parametrize(
    ("expected", "target"),
    [
        # 客户名称 is the person on its own, the company beside a person's name.
        ([("客户名称", "full_name"), ("手机", "mobile")], "leads"),
        ([("客户名称", "company"), ("联系人", "full_name")], "leads"),
        ([("客户名称", "name"), ("电话", "phone")], "companies"),
        # Nom and Nombre are the whole name alone.
        ([("Nom", "full_name"), ("Courriel", "email")], "contacts"),
        ([("Nombre", "name"), ("Sector", "industry")], "companies"),
        ([("Nombre", "full_name"), ("Estado", "status")], "leads"),
        # A clearer column takes the field from a weak one.
        ([("Name", CUSTOM), ("Company Name", "name")], "companies"),
        ([("Title", CUSTOM), ("Opportunity Name", "title")], "deals"),
        ([("Title", CUSTOM), ("职位", "title")], "contacts"),
        # One column per single-valued field: the first one keeps it.
        ([("company_name", "company"), ("company", CUSTOM)], "contacts"),
        # Thunderbird's Birth Day is the day of the month.
        ([("Birth Year", CUSTOM), ("Birth Month", CUSTOM), ("Birth Day", CUSTOM)], "contacts"),
    ],
)
def test_the_header_row_decides(expected: list[tuple[str, str]], target: Target) -> None:
    _check(expected, target)


def test_several_columns_fill_one_shared_field() -> None:
    _check(
        [
            ("Business Street", "street"),
            ("Business Street 2", "street"),
            ("E-mail Address", "email"),
            ("E-mail 2 Address", "email"),
            ("Email Home", "email"),
            ("Notes", "notes"),
            ("备注", "notes"),
            ("Categories", "tags"),
            ("标签", "tags"),
        ],
        "contacts",
    )


def test_an_address_group_with_values_wins_over_an_empty_one() -> None:
    expected = [
        ("Business Street", CUSTOM),
        ("Business City", CUSTOM),
        ("Home Street", "street"),
        ("Home City", "city"),
    ]
    samples: list[list[CellValue]] = [["", None, "1 Main St", "Springfield"], []]
    _check(expected, "contacts", samples)
    # Without values the business address wins.
    assert match_headers([h for h, _ in expected], "contacts") == [
        "street",
        "city",
        CUSTOM,
        CUSTOM,
    ]


# ---- phone, mobile or e-mail by the values ------------------------------------------------

MOBILES = ["13800138000", "+86 139 0013 9000", "0086-137-0013-7000", 15012345678.0]
LANDLINES = ["010-65529988", "0755 8888 6666", "+1 650 253 0000", "021-5555-1234"]
EMAILS = ["ann@example.com", "bo@example.cn", "chen.wei@example.com.cn"]


@pytest.mark.parametrize(
    ("header", "values", "target", "field"),
    [
        ("Phone", MOBILES, "leads", "mobile"),
        ("电话", MOBILES, "contacts", "mobile"),
        ("联系电话", MOBILES[:3] + LANDLINES[:1], "leads", "mobile"),
        ("联系电话", MOBILES[:2] + LANDLINES[:2], "leads", "phone"),  # half is not most
        ("Phone", LANDLINES, "leads", "phone"),
        ("电话", [], "leads", "phone"),
        ("Phone", ["+49 171 1234567", "+44 7700 900123", "+33 6 12 34 56 78"], "leads", "mobile"),
        ("Phone", MOBILES, "companies", "phone"),  # companies have no mobile field
        ("联系方式", EMAILS, "leads", "email"),
        ("联系方式", MOBILES, "leads", "mobile"),
        ("联系方式", LANDLINES, "contacts", "phone"),
        ("Contact", EMAILS, "contacts", "email"),
        ("Contact", LANDLINES, "leads", "phone"),
        ("Contact", ["Jane Doe", "Wang Wei"], "deals", "contact"),
        ("Contact", ["Jane Doe", "Wang Wei"], "leads", "full_name"),
        # A header that says what it is does not look at the values.
        ("手机", LANDLINES, "leads", "mobile"),
        ("Mobile", EMAILS, "leads", "mobile"),
        ("Handy", [], "leads", "mobile"),
        ("Cell", [], "leads", "mobile"),
        ("Business Phone", MOBILES, "leads", "phone"),
        ("Fax", MOBILES, "leads", "fax"),
    ],
)
def test_phone_columns_by_their_values(
    header: str, values: list[CellValue], target: Target, field: str
) -> None:
    samples = [["x", value] for value in values] + [["x"]]  # a ragged row too
    assert match_headers(["Other", header], target, samples) == [CUSTOM, field]


# ---- qualifiers, numbers, asterisks, misspellings -----------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Phone 2", "phone"),
        ("电话1", "phone"),
        ("手机号码(必填)", "mobile"),
        ("手机号码（必填）", "mobile"),
        ("*姓名", "full_name"),
        ("* E-mail", "email"),
        ("Email (work)", "email"),
        ("Work Email", "email"),
        ("E-Mail 3", "email"),
        ("联系人手机", "mobile"),
        ("公司地址", "street"),
        ("家庭电话", "phone"),
        ("电话(手机)", "mobile"),
        ("Mobile No", "mobile"),
        ("Fax Number 2", "fax"),
        ("Website URL", "website"),
        ("Address Line 1", "street"),
        ("IM Skype", "im"),
        ("ＱＱ号码", "qq"),
        ("E_MAIL", "email"),
    ],
)
def test_qualified_headers(header: str, field: str) -> None:
    assert match_headers([header], "leads") == [field]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-Mail Adresse 1", "email"),
        ("Emailaddress", "email"),
        ("E-mial Address", "email"),
        ("Frist Name", "given_name"),
        ("Comapny Name", "company"),
        ("Telephon", "phone"),
        ("Adress", "street"),
        ("Home Adress", "street"),
        ("Postleitzahll", "postal_code"),
        ("Birthdday", "birthday"),
    ],
)
def test_misspelled_headers(header: str, field: str) -> None:
    assert match_headers([header], "contacts") == [field]


@pytest.mark.parametrize(
    "header",
    [
        "Company ID",  # a field's word and another word: not a misspelling
        "company_id",
        "Account Owner ID",
        "Lead Source ID",
        "Emails sent",
        "Nam",  # three letters or fewer: exact or nothing
        "Cty",
        "电",  # one Chinese character: exact or nothing
        "邮",
        "Maiden Name",
        "Phone Type",
        "Lifecycle Stage",
        "Country Code",
        "Created Date",
        "Hobby",
        "2013",
        "#",
        "Наименование",
    ],
)
def test_unknown_headers_are_custom(header: str) -> None:
    assert match_headers([header], "contacts") == [CUSTOM]


def test_blank_headers() -> None:
    samples: list[list[CellValue]] = [["Ann", "", None, "x"], ["Bo", "   "], ["Cy"]]
    got = match_headers(["Name", "", "  ", ""], "leads", samples)
    assert got == ["full_name", IGNORE, IGNORE, CUSTOM]
    assert match_headers(["", "Email"], "leads") == [IGNORE, "email"]


def test_a_50_column_row_is_matched_in_well_under_10_ms() -> None:
    row = [header for header, _ in OUTLOOK] + [
        "Unknown column a",
        "Frist Name",
        "手机号码(必填)",
        "联系电话",
        "Phone 1 - Value",
    ]
    samples = [[f"1380013800{i}" for i in range(len(row))]] * 20
    timings = []
    for _ in range(5):
        headers_module._classify.cache_clear()
        headers_module._fuzzy.cache_clear()
        start = time.perf_counter()
        match_headers(row[:50], "contacts", samples)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.010


# ---- the shared corpus --------------------------------------------------------------------


def _corpus_row(corpora: Path, name: str, target: Target) -> dict[str, str]:
    """header -> field of a corpus file, matched with the rows under its header."""
    info = inspect_file(corpora / "sheets" / name)
    rows = preview_rows(info)
    index = detect_header(rows)
    headers = [cell_text(cell) for cell in rows[index]]
    fields = match_headers(headers, target, rows[index + 1 :])
    assert len(fields) == len(headers)
    return dict(zip(headers, fields, strict=True))


def test_corpus_linkedin_connections(corpora: Path) -> None:
    got = _corpus_row(corpora, "labeldekho__linkedin-network-intelligence/Connections.csv", "leads")
    assert got == dict(LINKEDIN)


def test_corpus_atomic_crm_contacts(corpora: Path) -> None:
    got = _corpus_row(corpora, "marmelab__atomic-crm/contacts.csv", "contacts")
    assert got["first_name"] == "given_name"
    assert got["last_name"] == "family_name"
    assert got["title"] == "title"
    assert got["background"] == "notes"
    assert got["tags"] == "tags"
    assert got["linkedin_url"] == "website"
    assert got["company_name"] == "company"
    assert got["company"] == CUSTOM  # the same name again: not joined to itself
    assert [got[f"email_{k}"] for k in ("work", "home", "other")] == ["email"] * 3
    assert [got[f"phone_{k}"] for k in ("work", "home", "other")] == ["phone"] * 3
    for header in ("id", "gender", "status", "company_id", "sales_id", "nb_tasks", "first_seen"):
        assert got[header] == CUSTOM, header


def test_corpus_atomic_crm_export_as_leads(corpora: Path) -> None:
    got = _corpus_row(corpora, "marmelab__atomic-crm/contacts_export.csv", "leads")
    assert got["status"] == "status"  # leads have a status, contacts do not
    assert got["company"] == "company"
    assert got["has_newsletter"] == CUSTOM


def test_corpus_roundcube_all(corpora: Path) -> None:
    got = _corpus_row(corpora, "roundcube__roundcubemail/all.csv", "contacts")
    expected = {
        "Display Name": "full_name",
        "Title": CUSTOM,  # its value is "Prefix"
        "First Name": "given_name",
        "Middle Name": "middle_name",
        "Last Name": "family_name",
        "Company": "company",
        "Job Title": "title",
        "Email Home": "email",
        "Email Work": "email",
        "Home Phone 2": "phone",
        "Business Phone": "phone",
        "Home Mobile": "mobile",
        "Primary Phone": "phone",  # its value is 600, no mobile
        "Business Fax": "fax",
        "Car Phone": CUSTOM,
        "Home Street": CUSTOM,
        "Business Street": "street",
        "Work City": "city",
        "Work State": "region",
        "Work Zip": "postal_code",
        "Work Country": "country",
        "Other Postal Code": CUSTOM,
        "Birthday": "birthday",
        "Anniversary": CUSTOM,
        "Notes": "notes",
        "IM Jabber": "im",
        "Website Blog": "website",
        "Website Work": "website",
    }
    assert {header: got[header] for header in expected} == expected


def test_corpus_roundcube_gmail(corpora: Path) -> None:
    got = _corpus_row(corpora, "roundcube__roundcubemail/gmail.csv", "contacts")
    expected = {header: field for header, field in GOOGLE_OLD if header in got}
    assert len(expected) > 25
    assert {header: got[header] for header in expected} == expected
    assert got["Phone 7 - Value"] == "phone"  # "workfax" and the like: no mobiles
    assert got["Address 2 - Extended Address"] == CUSTOM


def test_corpus_roundcube_outlook_and_thunderbird(corpora: Path) -> None:
    outlook = _corpus_row(corpora, "roundcube__roundcubemail/outlook.csv", "leads")
    assert list(outlook.values()) == ["email", "email", "email"]
    email = _corpus_row(corpora, "roundcube__roundcubemail/email.csv", "leads")
    assert email == {"Primary Email": "email"}
    tb = _corpus_row(corpora, "roundcube__roundcubemail/tb_plain.csv", "contacts")
    expected = {
        "First Name": "given_name",
        "Display Name": "full_name",
        "Primary Email": "email",
        "Secondary Email": "email",
        "Screen Name": "im",
        "Work Phone": "phone",
        "Fax Number": "fax",
        "Pager Number": CUSTOM,
        "Mobile Number": "mobile",
        "Home Address": CUSTOM,
        "Work Address": "street",
        "Work Address 2": "street",
        "Work ZipCode": "postal_code",
        "Organization": "company",
        "Web Page 2": "website",
        "Birth Day": CUSTOM,
        "Custom 1": CUSTOM,
        "Notes": "notes",
        "": IGNORE,  # the trailing empty column
    }
    assert {header: tb[header] for header in expected} == expected


def test_corpus_chinese_and_numeric_headers(corpora: Path) -> None:
    hutool = _corpus_row(corpora, "dromara__hutool/aaa.xlsx", "leads")
    assert hutool == {"姓名": "full_name", "性别": CUSTOM, "年龄": CUSTOM, "鞋码": CUSTOM}
    agate = _corpus_row(corpora, "wireservice__agate-excel/test_numeric_column_name.xlsx", "leads")
    # The blank header has "value" below it: kept as a custom field.
    assert agate == {"Country": "country", "2013": CUSTOM, "": CUSTOM}
