"""Make contact files to time imports with: xlsx sheets of N rows and a vCard file of N cards.

    python benchmarks/make_import_files.py                       # 100,000 rows, 10,000 cards
    python benchmarks/make_import_files.py --rows 100000 1048575 --cards 10000 --out /tmp/x

The content follows from --seed (the zip and document timestamps inside an xlsx do not).
Each sheet has a header row and 12 columns (see HEADERS); half the people are Chinese, half
European or American. What an importer should find is planned and counted:
- about 5% of the rows repeat an earlier row's person and e-mail (a fifth of those in other
  letter case), with a new phone or note: duplicates inside the file;
- about 1% have a malformed e-mail (`anna@@x` and similar);
- about 1% have no name, only an e-mail;
- some mobiles are Excel numbers (13800138000), the rest text (`+49 151 12345678`);
  some postal codes are numbers, so a leading zero is lost (08001 -> 8001), as in real exports;
- birthdays are real Excel dates; notes are often empty and sometimes span two lines.
The vCard file is 3.0 in UTF-8 with CRLF lines folded at 75 octets; some cards carry a
small base64 photo, and a few are Apple-style groups (X-ADDRESSBOOKSERVER-KIND:group).
The counts of every file go to manifest.json in the output folder.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import random
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook
from PIL import Image, ImageDraw

# Only the word pools: plain data, no database or Qt import.
from crm_desktop.services import demo_pools as pools
from crm_desktop.services.demo_pools import City, Country, PhonePlan

HEADERS = (
    "Full name", "Company", "Job title", "Mobile", "Phone", "E-mail",
    "Street", "City", "Postal code", "Country", "Birthday", "Notes",
)  # fmt: skip
MOBILE, EMAIL, BIRTHDAY, NOTES = 3, 5, 10, 11  # indexes into HEADERS
EXCEL_MAX_ROWS = 1_048_575  # below the header: 1,048,576 rows in all
DUPLICATE_SHARE = 0.05
BAD_EMAIL_SHARE = 0.01
NO_NAME_SHARE = 0.01
COMPANIES = 3000
RESERVOIR = 100_000  # earlier people a duplicate may repeat; bounds memory at a million rows

_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "'": "", " ": ""}
)
_CN_COUNTRY_NAMES = ("China", "中国", "PR China")


def ascii_fold(text: str) -> str:
    """'Jürgen Groß' -> 'juergengross', as people write names in e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-.")).lower()


@dataclass(frozen=True)
class Person:
    full: str
    given: str
    family: str
    phonetic: tuple[str, str] | None  # (family, given) in pinyin
    mail_given: str
    mail_family: str
    culture: str


@dataclass(frozen=True)
class Employer:
    name: str
    domain: str
    country: Country
    city: City


@dataclass
class Counts:
    rows: int = 0
    duplicates: int = 0
    duplicates_other_case: int = 0
    bad_emails: int = 0
    no_name: int = 0
    numeric_mobiles: int = 0
    numeric_postal_codes: int = 0
    birthdays: int = 0
    notes: int = 0
    photos: int = 0
    groups: int = 0


class PeopleSource:
    """People, their employers, phones and addresses, drawn from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.countries = list(pools.COUNTRIES)
        self.weights = [c.weight for c in self.countries]
        self.used_emails: set[str] = set()
        used_domains: set[str] = set()
        self.employers = [self._employer(used_domains) for _ in range(COMPANIES)]
        self.by_country: dict[str, list[Employer]] = {}
        for employer in self.employers:
            self.by_country.setdefault(employer.country.code, []).append(employer)

    def country(self) -> Country:
        return self.rng.choices(self.countries, self.weights)[0]

    def culture_at(self, country: Country) -> str:
        roll = self.rng.random()
        if country.culture == "zh":
            return "zh" if roll < 0.95 else self.rng.choice(("en", "de"))
        if roll < 0.1:
            return "zh"
        return country.culture

    def person(self, culture: str) -> Person:
        rng = self.rng
        if culture == "zh":
            family, family_py = rng.choice(pools.CN_FAMILY)
            given, given_py = rng.choice(pools.CN_GIVEN)
            return Person(
                family + given,
                given,
                family,
                (family_py, given_py),
                # Pinyin ü is written v in addresses: 吕 Lü -> lv.
                ascii_fold(given_py.replace("ü", "v")),
                ascii_fold(family_py.replace("ü", "v")),
                culture,
            )
        givens, families = pools.WESTERN_NAMES[culture]
        given, family = rng.choice(givens), rng.choice(families)
        return Person(
            f"{given} {family}", given, family, None, ascii_fold(given), ascii_fold(family), culture
        )

    def employer(self, country: Country) -> Employer:
        return self.rng.choice(self.by_country[country.code])

    def email(self, person: Person, employer: Employer | None, country: Country) -> str:
        """A new address, unique in the file: only planned duplicates repeat one."""
        rng = self.rng
        g, f = person.mail_given, person.mail_family
        if employer is None or rng.random() < 0.25:
            domain = rng.choice(country.free_mail)
            if domain == "qq.com" and rng.random() < 0.5:
                local = str(rng.randrange(10_000_000, 3_999_999_999))
            else:
                local = f"{g}{f}{rng.randrange(1, 99)}" if rng.random() < 0.5 else f"{g}.{f}"
        else:
            domain = employer.domain
            local = rng.choice((f"{g}.{f}", f"{g[0]}.{f}", f"{f}{g}", f"{g}_{f}"))
        address = f"{local}@{domain}"
        n = 1
        while address in self.used_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used_emails.add(address)
        return address

    def bad_email(self, person: Person, country: Country) -> str:
        local = person.mail_given or "anna"
        domain = self.rng.choice(country.free_mail)
        return self.rng.choice(
            (
                f"{local}@@{domain.split('.')[0]}",
                f"{local}@@{domain}",
                f"{local}@",
                f"{local} {person.mail_family}@{domain}",
                f"{local}.{domain}",
                f"{local}@{domain}.",
            )
        )

    def phone(self, plan: PhonePlan, country: Country) -> tuple[str, str]:
        """(as a person would type it, the national digits) for a number in `plan`."""
        rng = self.rng
        area = rng.choice(plan.areas)
        rest = plan.national_len - len(area) - 1
        national = area + rng.choice(plan.first_digits) + f"{rng.randrange(10**rest):0{rest}d}"
        parts, pos = [], 0
        for size in plan.groups:
            parts.append(national[pos : pos + size])
            pos += size
        if country.code == "CN" and rng.random() < 0.6:
            if plan.kind == "mobile":
                return (" ".join(parts) if rng.random() < 0.6 else national), national
            return f"0{parts[0]}-{''.join(parts[1:])}", national
        sep = "-" if country.code == "US" and rng.random() < 0.5 else " "
        return f"+{country.calling_code} " + sep.join(parts), national

    def mobile_cell(self, country: Country) -> str | int | None:
        """A mobile as text, or as the Excel number an export leaves when it drops the '+'."""
        roll = self.rng.random()
        if roll < 0.05:
            return None
        text, national = self.phone(country.mobile, country)
        if roll < 0.35:
            return int(national) if country.code == "CN" else int(country.calling_code + national)
        return text

    def street(self, country: Country) -> str:
        return self.rng.choice(pools.STREETS[country.code]).format(n=self.rng.randint(1, 300))

    def postal(self, country: Country, city: City) -> str:
        rng = self.rng
        if country.code == "GB":
            letters = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
            return f"{city.postal_prefix}{rng.randint(1, 20)} {rng.randint(1, 9)}{letters}"
        width = {"CN": 6, "DE": 5, "US": 5, "FR": 5, "ES": 5}[country.code]
        tail = width - len(city.postal_prefix)
        low = 1 if country.code in ("FR", "ES") else 0
        return city.postal_prefix + f"{rng.randint(low, min(20, 10**tail - 1)):0{tail}d}"

    def country_name(self, country: Country) -> str:
        return self.rng.choice(_CN_COUNTRY_NAMES) if country.code == "CN" else country.name

    def birthday(self) -> dt.date:
        return dt.date(1955, 1, 1) + dt.timedelta(days=self.rng.randrange(17_500))

    def note(self, culture: str) -> str:
        notes = pools.NOTES[culture]
        if self.rng.random() < 0.1:
            return f"{self.rng.choice(notes)}\n{self.rng.choice(notes)}"
        return self.rng.choice(notes)

    def _employer(self, used_domains: set[str]) -> Employer:
        rng = self.rng
        country = self.country()
        city = rng.choice(country.cities)
        industry = rng.choice(pools.INDUSTRIES)
        if country.culture == "zh":
            core, core_py = rng.choice(pools.CN_COMPANY_CORES)
            town = city.name + ("市" if rng.random() < 0.5 else "")
            name = f"{town}{core}{industry[1]}{rng.choice(pools.CN_COMPANY_SUFFIXES)}"
            slug = f"{core_py}-{industry[5]}"
        else:
            lang = country.culture
            word = {"de": industry[2], "fr": industry[3], "es": industry[4]}.get(
                lang, industry[0].title()
            )
            if rng.random() < 0.4:
                base = rng.choice(pools.WESTERN_NAMES[lang][1])
            else:
                base = rng.choice(pools.WESTERN_COMPANY_CORES[lang])
            name = f"{base} {word} {rng.choice(pools.WESTERN_COMPANY_FORMS[country.code])}"
            slug = f"{ascii_fold(base)}-{industry[5]}"
        tld = rng.choice(country.tlds)
        domain, n = slug + tld, 1
        while domain in used_domains:
            n += 1
            domain = f"{slug}{n}{tld}"
        used_domains.add(domain)
        return Employer(name, domain, country, city)


def _remember(
    rng: random.Random,
    earlier: list[tuple[list[object], Country]],
    row: tuple[list[object], Country],
) -> None:
    if len(earlier) < RESERVOIR:
        earlier.append(row)
    else:
        earlier[rng.randrange(RESERVOIR)] = row


def _other_case(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    if rng.random() < 0.5:
        return email.upper()
    return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.capitalize()


def _new_row(source: PeopleSource, roll: float, counts: Counts) -> tuple[list[object], Country]:
    """A row for a new person, and the person's country."""
    rng = source.rng
    country = source.country()
    culture = source.culture_at(country)
    person = source.person(culture)
    employer = source.employer(country) if rng.random() < 0.92 else None
    city = employer.city if employer and rng.random() < 0.8 else rng.choice(country.cities)
    name: str | None = person.full
    if roll < BAD_EMAIL_SHARE:
        counts.bad_emails += 1
        email = source.bad_email(person, country)
    else:
        email = source.email(person, employer, country)
        if roll < BAD_EMAIL_SHARE + NO_NAME_SHARE:
            counts.no_name += 1
            name = None
    postal: str | int = source.postal(country, city)
    if rng.random() < 0.3 and postal.isdigit():
        counts.numeric_postal_codes += 1
        postal = int(postal)
    row = [
        name,
        employer.name if employer else None,
        rng.choice(pools.TITLES[culture]) if rng.random() < 0.9 else None,
        source.mobile_cell(country),
        source.phone(city.landline, country)[0] if rng.random() < 0.6 else None,
        email,
        source.street(country) if rng.random() < 0.85 else None,
        city.name,
        postal,
        source.country_name(country),
        source.birthday() if rng.random() < 0.7 else None,
        source.note(culture) if rng.random() < 0.45 else None,
    ]
    return row, country


def _duplicate(
    source: PeopleSource, earlier: tuple[list[object], Country], counts: Counts
) -> list[object]:
    """An earlier person again, as a second export would have them: a new mobile or note."""
    rng = source.rng
    row, country = list(earlier[0]), earlier[1]
    counts.duplicates += 1
    if rng.random() < 0.2:
        counts.duplicates_other_case += 1
        row[EMAIL] = _other_case(rng, str(row[EMAIL]))
    if rng.random() < 0.5:
        row[MOBILE] = source.mobile_cell(country)
    if rng.random() < 0.5:
        row[NOTES] = rng.choice(("Met again at the trade show", "新名片", "Updated contact"))
    return row


def contact_rows(source: PeopleSource, n: int, counts: Counts) -> Iterator[list[object]]:
    """N rows in HEADERS order, counting the planned oddities in `counts`."""
    rng = source.rng
    earlier: list[tuple[list[object], Country]] = []
    for _ in range(n):
        roll = rng.random()
        if roll < DUPLICATE_SHARE and earlier:
            row = _duplicate(source, rng.choice(earlier), counts)
        else:
            roll = (roll - DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE)
            row, country = _new_row(source, roll, counts)
            if roll >= BAD_EMAIL_SHARE + NO_NAME_SHARE:  # duplicates repeat plain rows only
                _remember(rng, earlier, (row, country))
        counts.numeric_mobiles += isinstance(row[MOBILE], int)
        counts.birthdays += row[BIRTHDAY] is not None
        counts.notes += row[NOTES] is not None
        counts.rows += 1
        yield row


def write_xlsx(path: Path, rows: int, seed: int) -> Counts:
    if not 0 < rows <= EXCEL_MAX_ROWS:
        raise SystemExit(f"--rows must be 1..{EXCEL_MAX_ROWS:,} (Excel's limit below the header)")
    counts = Counts()
    source = PeopleSource(random.Random(f"{seed}-xlsx-{rows}"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADERS)
    for row in contact_rows(source, rows, counts):
        sheet.append(row)
    book.save(path)
    return counts


def tiny_photos(seed: int) -> list[tuple[str, str]]:
    """A few small valid images as (vCard TYPE, base64), drawn once with Pillow."""
    rng = random.Random(f"{seed}-photos")
    photos = []
    for kind in ("JPEG", "PNG", "JPEG", "JPEG"):
        image = Image.new("RGB", (48, 48), tuple(rng.randrange(80, 220) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        draw.ellipse((14, 6, 34, 26), fill=(250, 240, 230))
        draw.rectangle((8, 30, 40, 48), fill=(250, 240, 230))
        buffer = io.BytesIO()
        if kind == "JPEG":
            image.save(buffer, "JPEG", quality=60)
        else:
            image.quantize(8).save(buffer, "PNG", optimize=True)
        photos.append((kind, base64.b64encode(buffer.getvalue()).decode("ascii")))
    return photos


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 2425)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines begin with one space
    return "\r\n ".join(parts)


def person_card(source: PeopleSource, uid: str, photos: list[tuple[str, str]], c: Counts) -> str:
    rng = source.rng
    country = source.country()
    culture = source.culture_at(country)
    person = source.person(culture)
    employer = source.employer(country) if rng.random() < 0.9 else None
    city = employer.city if employer else rng.choice(country.cities)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid}",
        f"N:{_escape(person.family)};{_escape(person.given)};;;",
        f"FN:{_escape(person.full)}",
    ]
    if person.phonetic and rng.random() < 0.5:
        lines += [f"X-PHONETIC-LAST-NAME:{person.phonetic[0]}"]
        lines += [f"X-PHONETIC-FIRST-NAME:{person.phonetic[1]}"]
    if employer:
        lines.append(f"ORG:{_escape(employer.name)};")
        if rng.random() < 0.85:
            lines.append(f"TITLE:{_escape(rng.choice(pools.TITLES[culture]))}")
    if rng.random() < 0.9:
        lines.append(f"TEL;TYPE=CELL:{source.phone(country.mobile, country)[0]}")
    if rng.random() < 0.6:
        lines.append(f"TEL;TYPE=WORK:{source.phone(city.landline, country)[0]}")
    lines.append(f"EMAIL;TYPE=INTERNET:{source.email(person, employer, country)}")
    if rng.random() < 0.8:
        adr = (
            source.street(country),
            city.name,
            city.region,
            source.postal(country, city),
            source.country_name(country),
        )
        lines.append("ADR;TYPE=WORK:;;" + ";".join(_escape(part) for part in adr))
    if rng.random() < 0.4:
        c.birthdays += 1
        lines.append(f"BDAY:{source.birthday().isoformat()}")
    if rng.random() < 0.3:
        c.notes += 1
        lines.append(f"NOTE:{_escape(source.note(culture))}")
    if rng.random() < 0.08:
        c.photos += 1
        kind, data = rng.choice(photos)
        lines.append(f"PHOTO;ENCODING=b;TYPE={kind}:{data}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def group_card(uid: str, name: str, members: list[str]) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid}",
        f"N:{_escape(name)};;;;",
        f"FN:{_escape(name)}",
        "X-ADDRESSBOOKSERVER-KIND:group",
        *(f"X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:{member}" for member in members),
        "END:VCARD",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def write_vcf(path: Path, cards: int, seed: int) -> Counts:
    rng = random.Random(f"{seed}-vcf-{cards}")
    source = PeopleSource(rng)
    photos = tiny_photos(seed)
    counts = Counts()
    groups = min(max(cards // 1000, 1), len(pools.TAGS) + len(pools.SHOWS), cards - 1)
    uids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(cards)]
    people = uids[: cards - groups]
    group_names = [tag for tag, _colour in pools.TAGS] + [show.name for show in pools.SHOWS]
    with path.open("w", encoding="utf-8", newline="") as out:
        for uid in people:
            out.write(person_card(source, uid, photos, counts))
            counts.rows += 1
        for uid, name in zip(uids[len(people) :], group_names, strict=False):
            members = rng.sample(people, min(len(people), rng.randint(3, 40)))
            out.write(group_card(uid, name, members))
            counts.rows += 1
            counts.groups += 1
    return counts


def _report(path: Path, counts: Counts, seconds: float) -> dict[str, object]:
    size = path.stat().st_size
    print(f"{path}  {size / 1e6:8.1f} MB  {seconds:7.1f} s  ({counts.rows / seconds:,.0f} rows/s)")
    entry: dict[str, object] = {"file": path.name, "bytes": size, "seconds": round(seconds, 2)}
    entry.update({k: v for k, v in vars(counts).items() if v})
    print("    " + ", ".join(f"{k} {v:,}" for k, v in entry.items() if isinstance(v, int)))
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, nargs="*", default=[100_000], help="rows per xlsx (default 100000)"
    )
    parser.add_argument("--cards", type=int, default=10_000, help="vCards (default 10000; 0: none)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-import"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    started = time.monotonic()
    jobs = [(args.out / f"contacts-{n}.xlsx", n, write_xlsx) for n in args.rows if n]
    if args.cards:
        jobs.append((args.out / f"cards-{args.cards}.vcf", args.cards, write_vcf))
    for path, n, write in jobs:
        t0 = time.monotonic()
        counts = write(path, n, args.seed)
        manifest[path.name] = {"seed": args.seed} | _report(path, counts, time.monotonic() - t0)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"manifest     {manifest_path}")
    print(f"total        {time.monotonic() - started:7.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
