"""Business-card data from vCards (2.1, 3.0, 4.0) and MeCards, as plain values.

vCard files in the wild break every rule, so bytes are handled before text
(vcard_lines: byte-order marks and UTF-16 without one, lines folded in the middle
of a UTF-8 character, quoted-printable soft line breaks, 2.1 base64 blocks whose
lines are not indented; linear, and bounded per card). A tolerant reader then
turns each line into a property (per-property CHARSET, control characters
cleaned) and one mapping makes CardData of them.

vobject is not used to read cards: version 0.9.9 keeps only the text before
the first comma of a text value ("FN:Mustermann, Heiko" becomes "Mustermann",
a NOTE loses everything after its first comma) and leaves "\\:" escapes in
place, so reading through it loses data that the tolerant reader keeps.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports.limits import VCARD_BYTES, size_text
from crm_desktop.services.vcard_lines import TooLarge, cards
from crm_desktop.services.vcard_values import (
    ab_label,
    im_entry,
    is_im_property,
    photo_bytes,
    type_label,
)


class CardParseError(ValueError):
    """A text that is neither a vCard nor a MeCard, or one with nothing in it."""


@dataclass(frozen=True)
class CardData:
    """What a business card says, as written.

    Labels: ``phone_labels`` runs parallel to ``phones`` (``mobile_labels`` to
    ``mobiles``, and so on for faxes, e-mails, websites and ims); the label is an
    Apple ``X-ABLabel`` of the same ``itemN`` group ("Work" for
    ``_$!<Work>!$_``, a custom text as written), else the TYPE ("Work", "Home",
    "Other", "iPhone", ...), else "". A label tuple may be shorter than its
    values when a card is built by hand: read them through ``contact_methods``.
    ``ims`` are (kind, handle) with kind "wechat", "qq", "whatsapp" or "im"
    (MethodKind values); an im's label names the service ("Skype", "Jabber").
    """

    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    company: str = ""
    title: str = ""
    phones: tuple[str, ...] = ()
    mobiles: tuple[str, ...] = ()
    faxes: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    note: str = ""
    is_group: bool = False
    phone_labels: tuple[str, ...] = ()
    mobile_labels: tuple[str, ...] = ()
    fax_labels: tuple[str, ...] = ()
    email_labels: tuple[str, ...] = ()
    website_labels: tuple[str, ...] = ()
    ims: tuple[tuple[str, str], ...] = ()
    im_labels: tuple[str, ...] = ()
    birthday: str = ""  # BDAY as written ("1970-01-01", "--0203", "circa 1800")
    photo: bytes | None = field(default=None, repr=False)  # an inline image, never a URL

    @property
    def all_phones(self) -> tuple[str, ...]:
        """Phones and mobiles in card order (faxes are kept apart)."""
        return self.mobiles + self.phones

    @property
    def contact_methods(self) -> tuple[tuple[str, str, str], ...]:
        """(kind, value, label) of every e-mail, phone, website and IM handle.

        kind is a MethodKind value: email, mobile, phone, fax, website, wechat, qq,
        whatsapp or im; the order is the one a contact form lists them in.
        """

        def rows(kind: str, values: Sequence[str], labels: Sequence[str]) -> list[tuple[str, ...]]:
            return [(kind, v, labels[i] if i < len(labels) else "") for i, v in enumerate(values)]

        out: list[tuple[str, ...]] = []
        out += rows("email", self.emails, self.email_labels)
        out += rows("mobile", self.mobiles, self.mobile_labels)
        out += rows("phone", self.phones, self.phone_labels)
        out += rows("fax", self.faxes, self.fax_labels)
        out += rows("website", self.websites, self.website_labels)
        for i, (kind, handle) in enumerate(self.ims):
            out.append((kind, handle, self.im_labels[i] if i < len(self.im_labels) else ""))
        return tuple((k, v, label) for k, v, label in out)

    def is_empty(self) -> bool:
        return not (self.full_name or self.company or self.emails or self.phones or self.mobiles)


@dataclass(frozen=True)
class ParsedCard:
    """One card of a file: its 1-based number and its data, or why it could not be read."""

    number: int
    card: CardData | None
    error: str | None = None


@dataclass(frozen=True)
class VCardFile:
    """Every card of a .vcf file and how many of them are people, groups and failures.

    ``people`` counts parsed person cards that hold a name, company, phone or
    e-mail; ``groups`` the contact-group cards (kept in ``cards``, not people);
    ``failed`` the cards that could not be used, each with its reason in
    ``ParsedCard.error``.
    """

    cards: list[ParsedCard]
    people: int
    groups: int
    failed: int


@dataclass(frozen=True)
class _Prop:
    name: str  # upper case, without group
    types: frozenset[str]  # upper case TYPE values and bare 2.1 parameters
    parts: tuple[str, ...]  # unescaped structured components (one for plain text)
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    group: str = ""  # upper case "ITEM1" of "item1.TEL", or ""

    @property
    def text(self) -> str:
        return ";".join(self.parts).strip()


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_STRUCTURE = re.compile(r"\\.?|;|[^\\;]+", re.DOTALL)


def join_name(given: str, family: str) -> str:
    """A full name from its parts: Chinese, Japanese and Korean names family first, no space."""
    given, family = given.strip(), family.strip()
    if _CJK.search(given + family):
        return family + given
    return " ".join(p for p in (given, family) if p)


# ---------------------------------------------------------------------------- one property


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _decode(value: bytes, charset: str | None) -> str:
    for codec in (charset, "utf-8", "cp1252"):
        if not codec:
            continue
        try:
            return value.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return value.decode("utf-8", errors="replace")  # pragma: no cover - cp1252 decodes most


def _head_and_value(line: bytes) -> tuple[str, bytes] | None:
    """Split 'NAME;PARAMS:value' at the first colon that is not inside quotes."""
    colon = line.find(b":")
    if colon >= 0 and b'"' not in line[:colon]:
        return _decode(line[:colon], None), line[colon + 1 :]
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            # Parameters may hold UTF-8 too (X-SERVICE-TYPE="Mike’s IM").
            return _decode(line[:index], None), line[index + 1 :]
    return None


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append("\n" if nxt in "nN" and nxt else nxt)
    return "".join(out)


def _split_structured(text: str) -> list[str]:
    """The value's components at each ";" that is not escaped, unescaped. Runs of plain
    text are taken whole (a photo's base64 is megabytes long)."""
    if "\\" not in text and ";" not in text:
        return [text]
    parts: list[str] = []
    buf: list[str] = []
    for token in _STRUCTURE.findall(text):
        if token == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(token)  # an escape stays for _unescape, a run of text as it is
    parts.append("".join(buf))
    return [_unescape(p) for p in parts]


def _parse_line(line: bytes) -> _Prop | None:
    split = _head_and_value(line)
    if split is None:
        return None
    head, raw_value = split
    pieces = _split_unquoted(head, ";")
    group, _, name = pieces[0].strip().upper().rpartition(".")
    params: dict[str, str] = {}
    types: set[str] = set()
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        key, val = key.strip().upper(), val.strip().strip('"')
        if not eq:
            types.add(key)  # vCard 2.1: "TEL;CELL;WORK:"
        elif key == "TYPE":
            types.update(v.strip().upper() for v in val.split(",") if v.strip())
        else:
            params[key] = val
    encoding = params.get("ENCODING", "").upper()
    quoted = encoding == "QUOTED-PRINTABLE" or "QUOTED-PRINTABLE" in types
    charset = params.get("CHARSET") or None
    if quoted:
        raw_value = quopri.decodestring(raw_value)
    # NUL and other control characters out (PostgreSQL refuses NUL), as on every path.
    value = clean_text(_decode(raw_value, charset))
    if quoted:
        # Decoded line breaks are real text; in vCard 2.1 nothing else is escaped.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    parts = tuple(_split_structured(value)) if not quoted else tuple(value.split(";"))
    return _Prop(name=name, types=frozenset(types), parts=parts, params=params, group=group)


# ---------------------------------------------------------------------------- props to card


def _tel_value(text: str) -> str:
    """A TEL value as a person writes it: "tel:+1-418-656-9254;ext=102" -> "+1-418-656-9254
    ext. 102" (the extension is kept; other URI parameters are not part of the number)."""
    value = text.strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
    number, *params = value.split(";")
    extension = next((p[4:] for p in params if p.lower().startswith("ext=") and p[4:]), "")
    return f"{number.strip()} ext. {extension.strip()}" if extension else number.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _nonempty(values: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return tuple(seen)


def _labelled(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Values without blanks or repeats, and their labels (a repeat may supply a missing one)."""
    values: list[str] = []
    labels: list[str] = []
    for value, label in pairs:
        value = value.strip()
        if not value:
            continue
        if value in values:
            index = values.index(value)
            labels[index] = labels[index] or label
            continue
        values.append(value)
        labels.append(label)
    return tuple(values), tuple(labels)


def _label(prop: _Prop, ab_labels: dict[str, str]) -> str:
    return (ab_labels.get(prop.group, "") if prop.group else "") or type_label(prop.types)


def _ims(props: Sequence[_Prop], ab_labels: dict[str, str]) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for prop in props:
        if not is_im_property(prop.name):
            continue
        label = ab_labels.get(prop.group, "") if prop.group else ""
        # KAddressBook joins several handles of one service with U+E000.
        for value in prop.text.split("\ue000"):
            entry = im_entry(prop.name, value, prop.params, prop.types, label)
            if entry is None:
                continue
            kind, handle, im_label, service = entry
            key = (kind, service, handle.casefold())
            if key not in seen:  # X-AIM and IMPP;X-SERVICE-TYPE=aim often repeat one handle
                seen.add(key)
                found.append((kind, handle, im_label))
    return found


def _photo(props: Sequence[_Prop]) -> bytes | None:
    for prop in props:
        if prop.name == "PHOTO":
            data = photo_bytes(prop.text, prop.params, prop.types)
            if data is not None:
                return data
    return None


def _address(props: Sequence[_Prop]) -> list[str]:
    """The first address with any text in it (an empty ADR before it does not hide it)."""
    for prop in props:
        if prop.name == "ADR" and any(p.strip() for p in prop.parts):
            return list(prop.parts) + [""] * (7 - len(prop.parts))
    return [""] * 7


def _card_from_props(props: Sequence[_Prop]) -> CardData:
    first: dict[str, _Prop] = {}
    ab_labels: dict[str, str] = {}
    for prop in props:
        first.setdefault(prop.name, prop)
        if prop.name == "X-ABLABEL" and prop.group:
            ab_labels.setdefault(prop.group, ab_label(prop.text))
    n_parts = list(first["N"].parts) if "N" in first else []
    n_parts += [""] * (5 - len(n_parts))
    family, given = n_parts[0].strip(), n_parts[1].strip()
    full = first["FN"].text if "FN" in first else ""
    if not full:
        full = " ".join(
            p for p in (n_parts[3].strip(), join_name(given, family), n_parts[4].strip()) if p
        )
    org = first["ORG"].parts[0].strip() if "ORG" in first else ""
    title = first["TITLE"].text if "TITLE" in first else ""
    if not title and "ROLE" in first:
        title = first["ROLE"].text
    phones: list[tuple[str, str]] = []
    mobiles: list[tuple[str, str]] = []
    faxes: list[tuple[str, str]] = []
    for prop in props:
        if prop.name != "TEL":
            continue
        number = (_tel_value(prop.text), _label(prop, ab_labels))
        if "FAX" in prop.types:
            faxes.append(number)
        elif prop.types & {"CELL", "MOBILE", "IPHONE"}:
            mobiles.append(number)
        else:
            phones.append(number)
    emails = _labelled(
        (p.text.removeprefix("mailto:"), _label(p, ab_labels)) for p in props if p.name == "EMAIL"
    )
    websites = _labelled((p.text, _label(p, ab_labels)) for p in props if p.name == "URL")
    adr = _address(props)
    street = ", ".join(s.strip() for s in (adr[2], adr[1], adr[0]) if s.strip())
    notes = [p.text for p in props if p.name == "NOTE" and p.text]
    kind = (first["KIND"].text if "KIND" in first else "") or (
        first["X-ADDRESSBOOKSERVER-KIND"].text if "X-ADDRESSBOOKSERVER-KIND" in first else ""
    )
    phone_values, mobile_values, fax_values = (_labelled(x) for x in (phones, mobiles, faxes))
    ims = _ims(props, ab_labels)
    return CardData(
        full_name=_one_line(full),
        given_name=given,
        family_name=family,
        company=_one_line(org),
        title=_one_line(title),
        phones=phone_values[0],
        mobiles=mobile_values[0],
        faxes=fax_values[0],
        emails=emails[0],
        websites=websites[0],
        street=street,
        city=adr[3].strip(),
        region=adr[4].strip(),
        postal_code=adr[5].strip(),
        country=adr[6].strip(),
        note="\n".join(notes),
        is_group=kind.strip().lower() == "group",
        phone_labels=phone_values[1],
        mobile_labels=mobile_values[1],
        fax_labels=fax_values[1],
        email_labels=emails[1],
        website_labels=websites[1],
        ims=tuple((k, h) for k, h, _ in ims),
        im_labels=tuple(label for _, _, label in ims),
        birthday=first["BDAY"].text if "BDAY" in first else "",
        photo=_photo(props),
    )


def _parse_card(lines: Sequence[bytes]) -> CardData:
    props = [p for p in (_parse_line(line) for line in lines) if p is not None]
    if not props:
        raise CardParseError("the card is empty")
    return _card_from_props(props)


def iter_vcards(chunks: Iterable[bytes]) -> Iterator[ParsedCard]:
    """Every card of a .vcf file given in chunks, numbered from 1, each parsed or with the
    reason it was not, read one card at a time (vcard_lines bounds what is held)."""
    for number, lines in enumerate(cards(chunks), start=1):
        if isinstance(lines, TooLarge):
            reason = (
                f"the card holds {size_text(lines.size)} (its {lines.largest} "
                f"{size_text(lines.largest_size)}), more than the {size_text(VCARD_BYTES)} "
                "a card may hold: it is not imported"
            )
            yield ParsedCard(number, None, reason)
            continue
        try:
            card = _parse_card(lines)
        except CardParseError as exc:
            yield ParsedCard(number, None, str(exc))
            continue
        yield ParsedCard(number, card)


def parse_vcards(data: bytes | str) -> list[ParsedCard]:
    """Every card of a .vcf file, numbered from 1, each parsed or with the reason it was not."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(iter_vcards([raw]))


_NOTHING_TO_IMPORT = "the card has no name, company, phone or e-mail"


def read_vcard_file(data: bytes) -> VCardFile:
    """A whole address-book export: person cards, group cards and the cards that failed.

    A person card with no name, company, phone or e-mail (only a note, a photo
    or an address) is a failure: there is nothing to make a contact of.
    """
    found: list[ParsedCard] = []
    people = groups = failed = 0
    for parsed in classified(parse_vcards(data)):
        card = parsed.card
        if card is not None and card.is_group:
            groups += 1
        elif card is None:
            failed += 1
        else:
            people += 1
        found.append(parsed)
    return VCardFile(found, people, groups, failed)


def classified(parsed_cards: Iterable[ParsedCard]) -> Iterator[ParsedCard]:
    """The cards with a person card that has nothing to import turned into a failure."""
    for parsed in parsed_cards:
        card = parsed.card
        if card is not None and not card.is_group and card.is_empty():
            yield ParsedCard(parsed.number, None, _NOTHING_TO_IMPORT)
        else:
            yield parsed


# ---------------------------------------------------------------------------- MeCard


def _split_mecard(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            buf.append(next(chars, ""))
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def parse_mecard(text: str) -> CardData:
    """A MeCard ("MECARD:N:Doe,John;TEL:123;;"), as QR codes on business cards carry."""
    body = text.strip()
    if not body.upper().startswith("MECARD:"):
        raise CardParseError("not a MeCard")
    fields: dict[str, list[str]] = {}
    # Split on unescaped ";" but keep escapes for the name's "," split.
    for raw in _split_keep_escapes(body[len("MECARD:") :]):
        key, sep, value = raw.partition(":")
        if sep:
            fields.setdefault(key.strip().upper(), []).append(value)
    name_raw = fields.get("N", [""])[0]
    name_parts = [p.strip() for p in _split_mecard(name_raw, ",")]
    family = name_parts[0] if name_parts else ""
    given = name_parts[1] if len(name_parts) > 1 else ""

    def values(key: str) -> tuple[str, ...]:
        return _nonempty(_unescape_mecard(v) for v in fields.get(key, []))

    card = CardData(
        full_name=join_name(given, family),
        given_name=given,
        family_name=family,
        company=(values("ORG") or ("",))[0],
        title=(values("TITLE") or ("",))[0],
        phones=values("TEL") + values("TEL-AV"),
        emails=values("EMAIL"),
        websites=values("URL"),
        street=(values("ADR") or ("",))[0],
        note="\n".join(values("NOTE")),
    )
    if card.is_empty():
        raise CardParseError("the MeCard has no name, company, phone or e-mail")
    return card


def _unescape_mecard(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _split_keep_escapes(text: str) -> list[str]:
    parts: list[str] = []
    buf: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            buf.append(ch + next(chars, ""))
        elif ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p for p in parts if p]


def parse_card_text(text: str) -> CardData:
    """The first person card in a vCard or MeCard text (what a QR code carries)."""
    stripped = text.strip()
    if stripped.upper().startswith("MECARD:"):
        return parse_mecard(stripped)
    if "BEGIN:VCARD" in stripped.upper():
        for parsed in parse_vcards(stripped):
            if parsed.card is not None and not parsed.card.is_group and not parsed.card.is_empty():
                return parsed.card
        raise CardParseError("the vCard has no name, company, phone or e-mail")
    raise CardParseError("the text is neither a vCard nor a MeCard")
