"""One contact or lead as a vCard 3.0, written with vobject.

Names are kept exactly as written: FN is the full name; N gets the stored parts,
or, for a name typed as one string, a split a phone's address book expects
(a Chinese name: the family name first, 欧阳 and other two-character family
names kept whole; a Western name: the last word is the family name).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import vobject

from crm_desktop.models import MethodKind

if TYPE_CHECKING:
    from crm_desktop.services.export import Record

# Family names of two characters; a name starting with one is split after it.
COMPOUND_FAMILY_NAMES = frozenset(
    ("欧阳", "司马", "上官", "诸葛", "慕容", "东方", "皇甫", "尉迟", "公孙",
     "令狐", "夏侯", "端木", "独孤", "长孙", "宇文", "司徒", "西门", "南宫")
)  # fmt: skip
_TEL_TYPES = {
    MethodKind.PHONE: ["WORK", "VOICE"],
    MethodKind.MOBILE: ["CELL", "VOICE"],
    MethodKind.FAX: ["WORK", "FAX"],
}
_IM_PROPERTIES = {
    MethodKind.WECHAT: "X-WECHAT",
    MethodKind.QQ: "X-QQ",
    MethodKind.WHATSAPP: "X-WHATSAPP",
    MethodKind.IM: "X-IM",
}


def is_cjk_name(name: str) -> bool:
    """True for a name written in Chinese (or Japanese/Korean) characters, no spaces."""
    return bool(name) and " " not in name and all(_is_cjk(c) or c in "·・" for c in name)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x2FA1F  # extensions B-F, compatibility supplement
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x3040 <= code <= 0x30FF  # kana
        or 0xAC00 <= code <= 0xD7AF  # hangul
    )


def split_name(full: str, family: str | None, given: str | None) -> tuple[str, str]:
    """(family, given) for vCard N: the stored parts, else a sensible split of `full`."""
    if family or given:
        return family or "", given or ""
    name = full.strip()
    if is_cjk_name(name):
        if "·" in name or "・" in name:  # a transliterated foreign name: 约翰·史密斯
            first, _, last = name.replace("・", "·").rpartition("·")
            return last, first
        if len(name) >= 3 and name[:2] in COMPOUND_FAMILY_NAMES:
            return name[:2], name[2:]
        if len(name) >= 2:
            return name[0], name[1:]
        return name, ""
    words = name.split()
    if len(words) >= 2:
        return words[-1], " ".join(words[:-1])
    return "", name


def _phonetic(card: Any, phonetic: str, full: str) -> None:
    """SORT-STRING (vCard 3.0) and the X-PHONETIC-* names Apple and Android read."""
    card.add("sort-string").value = phonetic
    words = phonetic.split()
    if len(words) < 2:
        return
    if is_cjk_name(full):  # pinyin follows the Chinese order: family name first
        last, first = words[0], " ".join(words[1:])
    else:
        last, first = words[-1], " ".join(words[:-1])
    card.add("x-phonetic-last-name").value = last
    card.add("x-phonetic-first-name").value = first


def person_vcard(record: Record, *, lead: bool = False) -> str:
    card = vobject.vCard()
    full = str(record.get("person_name" if lead else "full_name") or "").strip()
    family, given = split_name(full, record.get("family_name"), record.get("given_name"))
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("fn").value = full
    org = record.get("company_name" if lead else "company")
    if org:
        card.add("org").value = [org]
    if record.get("title"):
        card.add("title").value = record.get("title")
    if record.get("phonetic_name"):
        _phonetic(card, record.get("phonetic_name"), full)
    for method in record.methods:
        _add_method(card, method.kind, method.label, method.value, method.normalized)
    _add_address(card, record)
    notes = record.get("notes")
    if notes:
        card.add("note").value = notes
    birthday = record.get("birthday")
    if isinstance(birthday, dt.date):
        card.add("bday").value = birthday.isoformat()
    if record.tags:
        card.add("categories").value = list(record.tags)
    card.add("uid").value = f"urn:uuid:{record.get('id')}"
    updated = record.get("updated_at")
    if isinstance(updated, dt.datetime):
        card.add("rev").value = updated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(card.serialize())


def _add_method(
    card: Any, kind: str, label: str | None, value: str, normalized: str | None
) -> None:
    if kind in _TEL_TYPES:
        tel = card.add("tel")
        # E.164 reads right in any country; the number as typed may be national.
        tel.value = normalized if normalized and normalized.startswith("+") else value
        tel.params["TYPE"] = list(_TEL_TYPES[MethodKind(kind)])
    elif kind == MethodKind.EMAIL:
        email = card.add("email")
        email.value = value
        place = "HOME" if (label or "").lower() in ("personal", "home", "private") else "WORK"
        email.params["TYPE"] = ["INTERNET", place]
    elif kind == MethodKind.WEBSITE:
        card.add("url").value = value
    elif kind in _IM_PROPERTIES:
        card.add(_IM_PROPERTIES[MethodKind(kind)].lower()).value = value


def _add_address(card: Any, record: Record) -> None:
    parts = {
        "street": record.get("street") or "",
        "city": record.get("city") or "",
        "region": record.get("region") or "",
        "code": record.get("postal_code") or "",
        "country": record.get("country") or "",
    }
    if any(parts.values()):
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(**parts)
        adr.params["TYPE"] = ["WORK"]
