"""Which country a person's phone numbers are read in, from what their record says.

A number typed without "+" means something only in a country. A card or a row says its
country in several ways, strongest first: its address's country, a number of its own that
carries a "+code", the country domain of its e-mail address (.de, .fr, .cn; never .com),
the legal form of its company (GmbH, S.L., SARL, 有限公司, 株式会社), and last the database's
setting. `guess_region` returns the country and the clue it came from, so the screen can
say what it assumed; a "Ltd" counts only when nothing else says anything (Hong Kong and
Chinese companies write "Co., Ltd." in English too), and the two weak clues (domain,
company form) give way when the typed numbers are valid in the setting's country only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

import phonenumbers

from crm_desktop.services.phones import carried_region, carries_country, read_phone

Source = Literal["country", "number", "e-mail", "company", "setting", "chosen"]
_PHONE_KINDS: Final = frozenset(("phone", "mobile", "fax", "whatsapp"))

# Country names as people write them in an address or a Country column, by ISO code.
# ISO alpha-2 codes of every region phonenumbers knows are accepted as well.
_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "AE": ("United Arab Emirates", "UAE", "ARE", "阿联酋"),
    "AR": ("Argentina", "ARG", "阿根廷"),
    "AT": ("Austria", "Österreich", "Oesterreich", "AUT", "奥地利"),
    "AU": ("Australia", "AUS", "澳大利亚", "澳洲"),
    "BE": ("Belgium", "België", "Belgique", "Belgien", "BEL", "比利时"),
    "BR": ("Brazil", "Brasil", "Brasilien", "BRA", "巴西"),
    "CA": ("Canada", "Kanada", "CAN", "加拿大"),
    "CH": ("Switzerland", "Schweiz", "Suisse", "Svizzera", "CHE", "瑞士"),
    "CL": ("Chile", "CHL", "智利"),
    "CN": (
        "China",
        "PR China",
        "P.R. China",
        "PRC",
        "P.R.C.",
        "People's Republic of China",
        "Mainland China",
        "CHN",
        "中国",
        "中国大陆",
        "中华人民共和国",
        "中國",
    ),
    "CZ": ("Czech Republic", "Czechia", "Česko", "CZE", "捷克"),
    "DE": ("Germany", "Deutschland", "Allemagne", "Alemania", "DEU", "GER", "德国", "德國"),
    "DK": ("Denmark", "Danmark", "Dänemark", "DNK", "丹麦"),
    "EG": ("Egypt", "EGY", "埃及"),
    "ES": ("Spain", "España", "Espana", "Spanien", "Espagne", "ESP", "西班牙"),
    "FI": ("Finland", "Suomi", "FIN", "芬兰"),
    "FR": ("France", "Frankreich", "Francia", "FRA", "法国", "法國"),
    "GB": (
        "United Kingdom",
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "GBR",
        "英国",
        "英國",
    ),
    "GR": ("Greece", "Ελλάδα", "GRC", "希腊"),
    "HK": ("Hong Kong", "Hong Kong SAR", "HKG", "香港", "中国香港"),
    "HU": ("Hungary", "Magyarország", "HUN", "匈牙利"),
    "ID": ("Indonesia", "IDN", "印度尼西亚", "印尼"),
    "IE": ("Ireland", "Éire", "IRL", "爱尔兰"),
    "IL": ("Israel", "ISR", "以色列"),
    "IN": ("India", "Bharat", "IND", "印度"),
    "IT": ("Italy", "Italia", "Italien", "ITA", "意大利"),
    "JP": ("Japan", "Nippon", "Nihon", "JPN", "日本"),
    "KR": ("South Korea", "Korea", "Republic of Korea", "KOR", "韩国", "韓國", "대한민국"),
    "MO": ("Macau", "Macao", "MAC", "澳门", "澳門"),
    "MX": ("Mexico", "México", "MEX", "墨西哥"),
    "MY": ("Malaysia", "MYS", "马来西亚"),
    "NL": ("Netherlands", "The Netherlands", "Holland", "Nederland", "NLD", "荷兰"),
    "NO": ("Norway", "Norge", "NOR", "挪威"),
    "NZ": ("New Zealand", "NZL", "新西兰"),
    "PH": ("Philippines", "PHL", "菲律宾"),
    "PL": ("Poland", "Polska", "POL", "波兰"),
    "PT": ("Portugal", "PRT", "葡萄牙"),
    "RU": ("Russia", "Russian Federation", "Россия", "RUS", "俄罗斯"),
    "SA": ("Saudi Arabia", "SAU", "沙特阿拉伯"),
    "SE": ("Sweden", "Sverige", "SWE", "瑞典"),
    "SG": ("Singapore", "SGP", "新加坡"),
    "TH": ("Thailand", "THA", "泰国"),
    "TR": ("Turkey", "Türkiye", "Turkiye", "TUR", "土耳其"),
    "TW": ("Taiwan", "TWN", "台湾", "臺灣", "台灣", "中国台湾"),
    "US": (
        "United States",
        "United States of America",
        "USA",
        "U.S.A.",
        "U.S.",
        "America",
        "美国",
        "美國",
    ),
    "VN": ("Vietnam", "Viet Nam", "VNM", "越南"),
    "ZA": ("South Africa", "ZAF", "南非"),
}

# Legal forms of companies, by the country that uses them; the first that matches wins.
_LEGAL_FORMS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in (
        ("CN", r"有限责任公司|股份有限公司|有限公司|集团公司"),
        ("JP", r"株式会社|有限会社|合同会社|\bK\.?K\.?$"),
        ("KR", r"주식회사"),
        ("DE", r"\bGmbH\b|\bAG$|\bAG\b(?=\s*&)|\be\.\s?K\.|\bUG\b|\bKGaA\b|\bmbH\b"),
        ("AT", r"\bGes\.?m\.?b\.?H\.?"),
        ("ES", r"\bS\.?\s?L\.?U?\.?$|\bS\.?\s?A\.?$|\bS\.?\s?L\.?L\.?$"),
        ("FR", r"\bS\.?A\.?R\.?L\.?\b|\bS\.?A\.?S\.?U?$|\bEURL\b|\bSNC\b"),
        ("IT", r"\bS\.?p\.?A\.?$|\bS\.?r\.?l\.?$"),
        ("NL", r"\bB\.?V\.?$|\bN\.?V\.?$"),
        ("AU", r"\bPty\.?\s*Ltd\b"),
        ("SG", r"\bPte\.?\s*Ltd\b"),
        ("IN", r"\bPvt\.?\s*Ltd\b|\bPrivate Limited\b"),
        ("MY", r"\bSdn\.?\s*Bhd\b"),
        ("BR", r"\bLtda\b"),
        ("PL", r"\bSp\.?\s?z\s?o\.?\s?o\b"),
        ("SE", r"\bAB$"),
        ("FI", r"\bOy\b|\bOyj\b"),
        ("US", r"\bInc\.?$|\bLLC$|\bL\.L\.C\.$|\bCorp\.?$|\bIncorporated$"),
    )
)
# "Ltd" on its own, not "Co., Ltd." (the English name of many Chinese and Asian firms).
_LTD: Final = re.compile(r"(?<!Co\.,\s)(?<!Co\.\s)(?<!Co,\s)\b(?:Ltd\.?|Limited|PLC|LLP)$", re.I)
# Country domains that are used as generic ones (.io, .co, .tv, .me, ...): no country.
_GENERIC_TLDS: Final = frozenset(
    ("io", "co", "tv", "me", "ai", "ly", "fm", "am", "cc", "ws", "to", "sh", "gg", "nu", "tk")
)
_FOLD: Final = re.compile(r"[\s.'’,()\-]+")


@dataclass(frozen=True)
class RegionGuess:
    """The country numbers without "+" are read in, and what it was taken from.

    clue is what the screen names: "Deutschland", "+49", ".de", "GmbH", or "" for the
    setting or a country the user chose.
    """

    region: str
    source: Source
    clue: str = ""


def guess_region(
    default: str,
    *,
    country: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    company: str = "",
    carried: Iterable[str] = (),
) -> RegionGuess:
    """The country a record's national numbers are read in (see the module's docstring).

    phones: the record's numbers as typed; carried: the countries of "+" numbers already
    read (an import reads them once). Numbers of two countries say nothing.
    """
    code = country_code(country)
    if code is not None:
        return RegionGuess(code, "country", country.strip())
    regions = {r for r in (carried_region(p) for p in phones) if r is not None}
    regions.update(carried)
    if len(regions) == 1:
        region = next(iter(regions))
        return RegionGuess(region, "number", f"+{_calling_code(region)}")
    phones = list(phones)
    for email in emails:
        found = email_region(email)
        if found is not None:
            return _unless_numbers_say(RegionGuess(found[0], "e-mail", found[1]), default, phones)
    form = company_region(company)
    if form is not None:
        return _unless_numbers_say(RegionGuess(form[0], "company", form[1]), default, phones)
    return RegionGuess(default.upper(), "setting")


def _unless_numbers_say(guess: RegionGuess, default: str, phones: list[str]) -> RegionGuess:
    """An e-mail domain or a company form is a weak clue: when the numbers typed are all
    valid in the setting's country and not in the guessed one, the numbers win (王伟 of
    "ACME Limited" with the mobile 138 0013 8000 is in China, not in Britain)."""
    national = [p for p in phones if p.strip() and not carries_country(p)]
    if not national or guess.region == default.upper():
        return guess
    if all(read_phone(p, default).valid for p in national) and not all(
        read_phone(p, guess.region).valid for p in national
    ):
        return RegionGuess(default.upper(), "setting")
    return guess


def record_region(default: str, country: str, methods: Iterable[tuple[str, str]]) -> RegionGuess:
    """The country a saved record's numbers are read in: its address country, else the one
    country its "+" numbers name, else the setting. A form does not show the country it
    assumes, so it takes no weaker clue (e-mail domain, company form) than these."""
    phones = [value for kind, value in methods if kind in _PHONE_KINDS]
    return guess_region(default, country=country, phones=phones)


def country_code(text: str) -> str | None:
    """ "Deutschland", "U.S.A.", "中国", "de" -> the ISO code; None when it names no country."""
    key = _fold(text)
    return _by_name().get(key) if key else None


def email_region(email: str) -> tuple[str, str] | None:
    """(code, ".de") for an address at a country domain; None for .com, .org, .io, ..."""
    domain = email.strip().rsplit("@", 1)[-1].rstrip(".").lower()
    if "@" not in email or "." not in domain:
        return None
    tld = domain.rsplit(".", 1)[1]
    if len(tld) != 2 or tld in _GENERIC_TLDS:
        return None
    code = "GB" if tld == "uk" else tld.upper()
    return (code, "." + tld) if code in phonenumbers.SUPPORTED_REGIONS else None


def company_region(company: str) -> tuple[str, str] | None:
    """(code, the legal form as written) for a company name that ends in a legal form."""
    name = " ".join(company.split())
    if not name:
        return None
    for code, pattern in _LEGAL_FORMS:
        found = pattern.search(name)
        if found is not None:
            return code, found.group(0).strip()
    found = _LTD.search(name)
    return ("GB", found.group(0)) if found is not None else None


def region_choices(current: str, others: Sequence[str] = ()) -> list[str]:
    """The countries to step through when the user changes the assumed one: the current,
    the ones the setting and the clues gave, then the common ones."""
    common = ("CN", "US", "DE", "GB", "FR", "ES", "IT", "JP", "HK", "TW", "SG", "IN", "AU")
    seen: dict[str, None] = {}
    for code in (current, *others, *common):
        if code in phonenumbers.SUPPORTED_REGIONS:
            seen.setdefault(code, None)
    return list(seen)


def _fold(text: str) -> str:
    return _FOLD.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    names = {code.casefold(): code for code in phonenumbers.SUPPORTED_REGIONS}
    names.pop("uk", None)
    for code, written in _NAMES.items():
        for name in written:
            names[_fold(name)] = code
    return names


def _calling_code(region: str) -> int:
    return int(phonenumbers.country_code_for_region(region))
