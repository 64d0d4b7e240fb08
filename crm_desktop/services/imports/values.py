"""Cell text to field values: e-mails, amounts, percents, names, tags, statuses.

Each converter returns the value to store or raises ValueError with a short reason the
import report shows beside the row. They are written for a million rows: a plain ASCII
e-mail address takes a regular-expression fast path, everything else goes through
email-validator, as the forms do. Phone numbers are read by services/phones.py, the one
reader the forms, card entry and duplicate checks use too.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from crm_desktop.services.normalize import check_email, domain_of, fold_name

# A plain address: ASCII local part without leading, trailing or doubled dots, a domain of
# letter-digit-hyphen labels and a letter TLD. Anything else asks email-validator.
_SIMPLE_EMAIL: Final = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_MULTI_SPLIT: Final = re.compile(r"\s*(?:[;；、\n]|\s/\s)\s*")
_EMAIL_SPLIT: Final = re.compile(r"[\s;；,，、]+")
_TAG_SPLIT: Final = re.compile(r"\s*(?:[;；,，、\n]|:::)\s*")
_AMOUNT_NOISE: Final = re.compile(r"[\s'’_]|[A-Za-z]{3}$|^[A-Za-z]{3}|[¥￥$€£₩₹]|元|人民币|RMB")
_PERCENT_SIGN: Final = re.compile(r"\s*[%％]\s*$")
_NAME_SUFFIXES: Final = frozenset(("jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq"))
_CJK: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")

LEAD_STATUSES: Final[dict[str, str]] = {
    **{s: s for s in ("new", "contacted", "qualified", "disqualified", "converted")},
    "open": "new",
    "open - not contacted": "new",
    "not contacted": "new",
    "working": "contacted",
    "working - contacted": "contacted",
    "in progress": "contacted",
    "closed - converted": "converted",
    "closed - not converted": "disqualified",
    "unqualified": "disqualified",
    "junk": "disqualified",
    "新": "new",
    "新建": "new",
    "新线索": "new",
    "未联系": "new",
    "已联系": "contacted",
    "跟进中": "contacted",
    "合格": "qualified",
    "有效": "qualified",
    "不合格": "disqualified",
    "无效": "disqualified",
    "已转化": "converted",
    "已转换": "converted",
}


def split_multi(text: str) -> list[str]:
    """Several values in one cell: "a; b", "a\\nb", "a、b", "a / b"."""
    return [part for part in _MULTI_SPLIT.split(text) if part]


def split_emails(text: str) -> list[str]:
    if "@" not in text or text.count("@") == 1:
        return [text]
    return [part for part in _EMAIL_SPLIT.split(text) if part]


def split_tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in _TAG_SPLIT.split(text):
        part = part.strip().lstrip("*").strip()  # Google marks system groups "* myContacts"
        if part and len(part) <= 100:
            seen.setdefault(part, None)
    return list(seen)


def email_key(text: str) -> str:
    """The normalized form of an e-mail address (lower case); ValueError when it is none."""
    if len(text) <= 254 and _SIMPLE_EMAIL.fullmatch(text) and ".." not in text:
        return text.lower()
    checked = check_email(text)
    if checked.normalized is None:
        raise ValueError(f"not an e-mail address ({checked.error})")
    return checked.normalized


def is_cn_mobile(e164: str) -> bool:
    """+86 1[3-9]x xxxx xxxx: a Chinese mobile, whatever column it came in."""
    return len(e164) == 14 and e164.startswith("+861") and e164[4] in "3456789"


def website_key(text: str) -> str | None:
    return domain_of(text)


def im_key(text: str) -> str | None:
    return fold_name(text) or None


def amount(text: str) -> Decimal:
    """ "12,345.60", "12.345,60", "¥ 12 000", "1.5万", "USD 900" -> Decimal (2 places)."""
    raw = text
    text = _AMOUNT_NOISE.sub("", text.strip())
    factor = Decimal(1)
    if text.endswith("万"):
        text, factor = text[:-1], Decimal(10000)
    elif text.endswith(("k", "K")):
        text, factor = text[:-1], Decimal(1000)
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if "," in text and "." in text:
        # The later of the two is the decimal mark.
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else _swap(text)
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = head.replace(",", "") + "." + tail if len(tail) != 3 else text.replace(",", "")
    try:
        value = Decimal(text) * factor
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount") from None
    if not value.is_finite() or abs(value) >= Decimal("1e16"):
        raise ValueError(f"{raw!r} is not an amount")
    return (-value if negative else value).quantize(Decimal("0.01"))


def _swap(text: str) -> str:
    return text.replace(".", "").replace(",", ".")


def percent(text: str) -> int:
    """ "40", "40%", "0.4" (a fraction from an Excel percent cell) -> 40."""
    raw = text
    text = _PERCENT_SIGN.sub("", text.strip()).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a percentage") from None
    if 0 < number < 1 and not raw.strip().endswith(("%", "％")):
        number *= 100
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(f"{raw!r} is not between 0 and 100")
    return int(number.to_integral_value())


def currency(text: str) -> str:
    code = {"¥": "CNY", "￥": "CNY", "元": "CNY", "人民币": "CNY", "RMB": "CNY", "$": "USD"}.get(
        text.strip(), text.strip().upper()
    )
    code = {"€": "EUR", "£": "GBP", "美元": "USD", "欧元": "EUR"}.get(code, code)
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise ValueError(f"{text!r} is not a three-letter currency code")
    return code


def lead_status(text: str) -> str:
    status = LEAD_STATUSES.get(" ".join(text.split()).casefold())
    if status is None:
        choices = ", ".join(sorted({v for v in LEAD_STATUSES.values()}))
        raise ValueError(f"{text!r} is not a lead status (use {choices})")
    return status


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def split_full_name(full: str) -> tuple[str, str, str]:
    """(full name as kept, given, family). "Müller, Anna" -> ("Anna Müller", "Anna", "Müller").

    A Chinese, Japanese or Korean name stays whole and gets no parts: which characters are
    the family name is not reliably known (欧阳 is one family name).
    """
    full = " ".join(full.split())
    if not full or has_cjk(full):
        return full, "", ""
    if full.count(",") == 1:
        family, given = (part.strip() for part in full.split(","))
        if family and given and given.rstrip(".").casefold() not in _NAME_SUFFIXES:
            return f"{given} {family}", given, family
    words = full.split(",")[0].split(" ")
    if len(words) < 2:
        return full, "", ""
    return full, " ".join(words[:-1]), words[-1]
