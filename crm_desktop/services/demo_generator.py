"""Builds the demo's rows: people, companies, leads and deals from the word pools.

Rows are plain tuples in the column order of `demo_bulk`, with values already
in the form the database stores; the only ORM work is the few reference rows
(the demo team, tags and trade shows) made in `DemoGenerator.__init__`.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_desktop.models import Event, LeadSource, LeadStatus, MethodKind, Pipeline, Stage, Tag, User
from crm_desktop.services import demo_pools as pools
from crm_desktop.services.activities.schedule import at_local, local_zone
from crm_desktop.services.demo_bulk import BulkWriter, new_id
from crm_desktop.services.demo_pools import City, Country, PhonePlan
from crm_desktop.services.users import current_user_id

# Stage name -> weight; unknown (renamed) stages get weight 10.
_STAGE_WEIGHTS = {
    "Qualification": 20,
    "Needs analysis": 15,
    "Proposal": 15,
    "Negotiation": 10,
    "Won": 22,
    "Lost": 18,
}
_OPEN_LEAD_STATUSES = (
    (LeadStatus.NEW.value, 30),
    (LeadStatus.CONTACTED.value, 25),
    (LeadStatus.QUALIFIED.value, 15),
    (LeadStatus.DISQUALIFIED.value, 10),
)
# Logged (done) activities: kind -> weight. Open to-dos: tasks, planned meetings and calls.
_DONE_KINDS, _DONE_WEIGHTS = ["call", "email", "meeting", "note"], [40, 30, 15, 15]
_OPEN_KINDS, _OPEN_WEIGHTS = ["task", "meeting", "call"], [60, 25, 15]
# When an open to-do is due: up to 21 days overdue, later today, or up to 6 weeks ahead.
_DUE_SLOTS, _DUE_WEIGHTS = ["overdue", "today", "upcoming"], [30, 4, 66]
_CALL_MINUTES = (3, 5, 5, 10, 10, 15, 20, 30, 45)
_MEETING_MINUTES = (30, 45, 60, 60, 90, 120)
_OFFICE_QUARTERS = 32  # 09:00 to 16:45 in quarter hours
_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "'": "", " ": ""}
)


@functools.lru_cache(maxsize=4096)
def ascii_fold(text: str) -> str:
    """'Jürgen Groß' -> 'jurgen gross' style for e-mail addresses and domains."""
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-.")).lower()


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    short: str
    domain: str
    country: Country
    city: City
    street: str
    owner: str


@dataclass(frozen=True)
class Customer:
    """What a contact's activities link to and are written in."""

    contact: str
    company: str
    owner: str
    created: dt.datetime
    culture: str
    mail: str | None  # the contact's work e-mail
    lead: str | None  # the lead it was converted from
    deal: tuple[str, str] | None  # (id, creation stamp) of its first deal


@dataclass(frozen=True)
class Person:
    full: str
    given: str | None
    family: str | None
    phonetic: str | None
    mail_given: str
    mail_family: str
    culture: str


def phone_number(rng: random.Random, plan: PhonePlan, country: Country) -> tuple[str, str]:
    """A number valid in `country`: (the value as a person would type it, its E.164 form)."""
    area = rng.choice(plan.areas)
    rest = plan.national_len - len(area) - 1
    national = area + rng.choice(plan.first_digits) + f"{rng.randrange(10**rest):0{rest}d}"
    parts, pos = [], 0
    for size in plan.groups:
        parts.append(national[pos : pos + size])
        pos += size
    e164 = f"+{country.calling_code}{national}"
    if country.code == "CN" and rng.random() < 0.6:
        # Chinese numbers are often typed the national way; the default region is CN.
        if plan.kind == "mobile":
            return (" ".join(parts) if rng.random() < 0.6 else national), e164
        return f"0{parts[0]}-{''.join(parts[1:])}", e164
    sep = "-" if country.code == "US" and rng.random() < 0.5 else " "
    return f"+{country.calling_code} " + sep.join(parts), e164


class DemoGenerator:
    """Holds the lookups and the random source; each method builds rows for one table."""

    def __init__(self, session: Session, writer: BulkWriter, rng: random.Random) -> None:
        self.w = writer
        self.rng = rng
        self.now = dt.datetime.now(dt.UTC)
        self.today = self.now.date()
        self.start = self.now - dt.timedelta(days=730)
        self.span = (self.now - self.start).total_seconds()
        self.zone = local_zone()  # office hours on the user's wall clock, like the Tasks page
        self.report: dict[str, int] = {}
        self.user_email: dict[str, str] = {}
        self._setup(session)
        weights = [c.weight for c in pools.COUNTRIES]
        self.country_pick = [
            c for c, w in zip(pools.COUNTRIES, weights, strict=True) for _ in range(w)
        ]
        self.used_domains: set[str] = set()
        self.cycle: dict[str, int] = {}

    # ---- reference data through the ORM -------------------------------------------------

    def _setup(self, session: Session) -> None:
        existing = {u.email: u for u in session.scalars(select(User)) if u.email}
        users_made = 0
        team: list[tuple[User, str]] = []
        for name, role, email in pools.DEMO_USERS:
            user = existing.get(email)
            if user is None:
                user = User(name=name, role=role, email=email)
                session.add(user)
                users_made += 1
            team.append((user, role))
        me = current_user_id(session)
        local = session.get(User, me) if me is not None else None
        tags_by_name = {t.name: t for t in session.scalars(select(Tag))}
        tags_made = 0
        for name, color in pools.TAGS:
            if name not in tags_by_name:
                tags_by_name[name] = Tag(name=name, color=color)
                session.add(tags_by_name[name])
                tags_made += 1
        session.flush()
        manager = next((u for u, role in team if role == "manager"), None)
        events = self._events(session, manager.id if manager else None)
        session.flush()
        self.report.update(users=users_made, tags=tags_made)
        self.user_email = {u.id.hex: u.email for u, _ in team if u.email}
        # Reps own most records; the manager and the local user a share each.
        owners = [u.id.hex for u, role in team for _ in range(1 if role == "manager" else 4)]
        if local is not None:
            owners += [local.id.hex] * 3
        self.owners = owners
        self.tags = [tags_by_name[name].id.hex for name, _ in pools.TAGS]
        self.past_events = [
            (e.id.hex, e.starts_on or self.today)
            for e in events
            if (e.starts_on or self.today) <= self.today
        ]
        sources = {s.name: s.id.hex for s in session.scalars(select(LeadSource))}
        self.sources: list[str | None] = [*sources.values()] or [None]
        self.trade_show = sources.get("Trade show", self.sources[0])
        pipeline = session.scalar(
            select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.position).limit(1)
        )
        if pipeline is None:
            raise ValueError("the database has no sales pipeline")
        self.pipeline = pipeline.id.hex
        self.stages = list(
            session.scalars(
                select(Stage)
                .where(Stage.pipeline_id == pipeline.id, Stage.deleted_at.is_(None))
                .order_by(Stage.position)
            )
        )
        self.stage_weights = [_STAGE_WEIGHTS.get(s.name, 10) for s in self.stages]

    def _events(self, session: Session, manager: uuid.UUID | None) -> list[Event]:
        known = {
            e.name: e for e in session.scalars(select(Event).where(Event.deleted_at.is_(None)))
        }
        made = 0
        result: list[Event] = []
        horizon = self.today + dt.timedelta(days=120)
        for year in range(self.today.year - 2, self.today.year + 2):
            for show in pools.SHOWS:
                if show.every_other_year and year % 2:
                    continue
                starts = dt.date(year, show.month, show.day)
                if not self.start.date() <= starts <= horizon:
                    continue
                name = f"{show.name} {year}"
                event = known.get(name)
                if event is None:
                    event = Event(
                        name=name,
                        starts_on=starts,
                        ends_on=starts + dt.timedelta(days=show.days - 1),
                        place=show.place,
                        cost=Decimal(show.cost + self.rng.randrange(0, 40) * 500),
                        currency=show.currency,
                        owner_id=manager,
                    )
                    session.add(event)
                    made += 1
                result.append(event)
        self.report["events"] = made
        return result

    # ---- small helpers ------------------------------------------------------------------

    def when(self, after: dt.datetime | None = None) -> dt.datetime:
        """A moment in the last two years (after `after` when given)."""
        if after is None:
            return self.start + dt.timedelta(seconds=self.rng.random() * self.span)
        room = max((self.now - after).total_seconds(), 0.0)
        return after + dt.timedelta(seconds=self.rng.random() * room)

    def cycled(self, key: str, options: list[Any], weights: list[int]) -> Any:
        """Round-robin for the first few picks, so even a tiny demo has every value."""
        seen = self.cycle.get(key, 0)
        self.cycle[key] = seen + 1
        if seen < len(options):
            return options[seen]
        return self.rng.choices(options, weights)[0]

    def phone(self, plan: PhonePlan, country: Country) -> tuple[str, str]:
        return phone_number(self.rng, plan, country)

    def person(self, culture: str) -> Person:
        rng = self.rng
        if culture == "zh":
            family, family_py = rng.choice(pools.CN_FAMILY)
            given, given_py = rng.choice(pools.CN_GIVEN)
            return Person(
                full=family + given,
                given=given,
                family=family,
                phonetic=f"{family_py} {given_py}",
                # Pinyin ü is written v in addresses: 吕 Lü -> lv.
                mail_given=ascii_fold(given_py.replace("ü", "v")),
                mail_family=ascii_fold(family_py.replace("ü", "v")),
                culture=culture,
            )
        givens, families = pools.WESTERN_NAMES[culture]
        given = rng.choice(givens)
        family = rng.choice(families)
        return Person(
            full=f"{given} {family}",
            given=given,
            family=family,
            phonetic=None,
            mail_given=ascii_fold(given),
            mail_family=ascii_fold(family),
            culture=culture,
        )

    def email(self, person: Person, domain: str) -> str:
        g, f = person.mail_given, person.mail_family
        pattern = self.rng.randrange(4)
        if pattern == 0:
            local = f"{g}.{f}"
        elif pattern == 1:
            local = f"{g[0]}.{f}" if person.culture != "zh" else f"{f}{g}"
        elif pattern == 2:
            local = f"{f}.{g}" if person.culture == "zh" else f"{g}{f[0]}"
        else:
            local = f"{g}_{f}"
        return f"{local}@{domain}"

    def culture_at(self, country: Country) -> str:
        roll = self.rng.random()
        if country.culture == "zh":
            return "zh" if roll < 0.95 else self.rng.choice(("en", "de"))
        if roll < 0.1:
            return "zh"
        if country.culture == "de" and roll < 0.2:
            return "en"
        return country.culture

    def method(
        self,
        made: dt.datetime | str,
        kind: str,
        label: str | None,
        value: str,
        normalized: str | None,
        position: int,
        lead: str | None = None,
        contact: str | None = None,
        company: str | None = None,
    ) -> tuple[Any, ...]:
        stamp = made if isinstance(made, str) else self.w.ts(made)
        return (
            new_id(),
            stamp,
            stamp,
            1,
            None,
            kind,
            label,
            value,
            normalized,
            position,
            lead,
            contact,
            company,
        )

    def tagging(
        self,
        made: str,
        lead: str | None = None,
        contact: str | None = None,
        company: str | None = None,
        deal: str | None = None,
    ) -> tuple[Any, ...]:
        return (
            new_id(),
            made,
            made,
            1,
            None,
            self.rng.choice(self.tags),
            lead,
            contact,
            company,
            deal,
        )

    # ---- companies ----------------------------------------------------------------------

    def postal(self, country: Country, city: City) -> str:
        rng = self.rng
        if country.code == "GB":
            letters = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
            return f"{city.postal_prefix}{rng.randint(1, 20)} {rng.randint(1, 9)}{letters}"
        width = {"CN": 6, "DE": 5, "US": 5, "FR": 5, "ES": 5}[country.code]
        tail = width - len(city.postal_prefix)
        low = 1 if country.code in ("FR", "ES") else 0
        return city.postal_prefix + f"{rng.randint(low, min(20, 10**tail - 1)):0{tail}d}"

    def street(self, country: Country) -> str:
        return self.rng.choice(pools.STREETS[country.code]).format(n=self.rng.randint(1, 300))

    def company_identity(self, country: Country, city: City) -> tuple[str, str, str, str]:
        """(legal name, short name, domain slug, industry) of a plausible company."""
        rng = self.rng
        industry = rng.choice(pools.INDUSTRIES)
        if country.culture == "zh":
            core, core_py = rng.choice(pools.CN_COMPANY_CORES)
            town = city.name + ("市" if rng.random() < 0.5 else "")
            name = f"{town}{core}{industry[1]}{rng.choice(pools.CN_COMPANY_SUFFIXES)}"
            return name, core + industry[1], f"{core_py}-{industry[5]}", industry[0]
        lang = country.culture
        word = {"de": industry[2], "fr": industry[3], "es": industry[4]}.get(
            lang, industry[0].title()
        )
        if rng.random() < 0.4:
            base = rng.choice(pools.WESTERN_NAMES[lang][1])
        else:
            base = rng.choice(pools.WESTERN_COMPANY_CORES[lang])
        short = f"{base} {word}"
        if lang in ("fr", "es") and rng.random() < 0.3:
            short = f"{'Groupe' if lang == 'fr' else 'Grupo'} {short}"
        name = f"{short} {rng.choice(pools.WESTERN_COMPANY_FORMS[country.code])}"
        return name, short, f"{ascii_fold(base)}-{industry[5]}", industry[0]

    def unique_domain(self, slug: str, country: Country) -> str:
        tld = self.rng.choice(country.tlds)
        domain = slug + tld
        n = 1
        while domain in self.used_domains:
            n += 1
            domain = f"{slug}{n}{tld}"
        self.used_domains.add(domain)
        return domain

    def companies(self, count: int) -> tuple[list[Company], dict[str, list[tuple[Any, ...]]]]:
        rng = self.rng
        made: list[Company] = []
        rows: list[tuple[Any, ...]] = []
        methods: list[tuple[Any, ...]] = []
        taggings: list[tuple[Any, ...]] = []
        for _ in range(count):
            country = rng.choice(self.country_pick)
            city = rng.choice(country.cities)
            name, short, slug, industry = self.company_identity(country, city)
            domain = self.unique_domain(slug, country)
            company = Company(
                new_id(),
                name,
                short,
                domain,
                country,
                city,
                self.street(country),
                rng.choice(self.owners),
            )
            made.append(company)
            created = self.when()
            stamp = self.w.ts(created)
            updated = stamp if rng.random() < 0.7 else self.w.ts(self.when(created))
            notes = rng.choice(pools.NOTES[country.culture]) if rng.random() < 0.1 else None
            rows.append(
                (
                    company.id,
                    stamp,
                    updated,
                    1,
                    None,
                    name,
                    f"https://www.{domain}" if rng.random() < 0.85 else None,
                    domain,
                    industry,
                    notes,
                    company.owner,
                    company.street,
                    city.name,
                    city.region,
                    self.postal(country, city),
                    country.name,
                )
            )
            position = 0
            if rng.random() < 0.9:
                value, e164 = self.phone(city.landline, country)
                methods.append(
                    self.method(
                        stamp, MethodKind.PHONE, "main", value, e164, position, company=company.id
                    )
                )
                position += 1
            if rng.random() < 0.5:
                mail = f"{rng.choice(('info', 'sales', 'contact'))}@{domain}"
                methods.append(
                    self.method(
                        stamp, MethodKind.EMAIL, "work", mail, mail, position, company=company.id
                    )
                )
                position += 1
            if country.code in ("CN", "DE") and rng.random() < 0.15:
                value, e164 = self.phone(city.landline, country)
                methods.append(
                    self.method(
                        stamp, MethodKind.FAX, "fax", value, e164, position, company=company.id
                    )
                )
            if rng.random() < 0.15:
                taggings.append(self.tagging(stamp, company=company.id))
        return made, {"company": rows, "contact_method": methods, "tagging": taggings}

    # ---- contacts, with the leads they came from and their deals -------------------------

    def met_at_event(self) -> tuple[str | None, dt.datetime | None]:
        """An event in the past and a moment in the days after it, or (None, None)."""
        if not self.past_events:
            return None, None
        event_id, starts = self.rng.choice(self.past_events)
        moment = dt.datetime.combine(starts, dt.time(9), dt.UTC)
        moment += dt.timedelta(seconds=self.rng.random() * 20 * 86400)
        return event_id, min(max(moment, self.start), self.now)

    def person_methods(
        self,
        person: Person,
        country: Country,
        city: City,
        domain: str | None,
        stamp: str,
        owner_key: dict[str, str],
    ) -> list[tuple[str, str, str, str]]:
        """(kind, label, value, normalized) rows for a person's e-mails, phones and IM."""
        rng = self.rng
        out: list[tuple[str, str, str, str]] = []
        if domain and rng.random() < 0.95:
            mail = self.email(person, domain)
            out.append((MethodKind.EMAIL, "work", mail, mail))
        mobile: tuple[str, str] | None = None
        if rng.random() < 0.8:
            mobile = self.phone(country.mobile, country)
            out.append((MethodKind.MOBILE, "mobile", *mobile))
        if rng.random() < 0.4:
            out.append((MethodKind.PHONE, "work", *self.phone(city.landline, country)))
        if rng.random() < 0.1:
            free = rng.choice(country.free_mail)
            if free == "qq.com":
                mail = f"{rng.randrange(10_000_000, 3_999_999_999)}@qq.com"
            else:
                mail = f"{person.mail_given}{person.mail_family}{rng.randrange(1, 99)}@{free}"
            out.append((MethodKind.EMAIL, "personal", mail, mail))
        if person.culture == "zh" and rng.random() < 0.35:
            handle = f"{person.mail_family}{person.mail_given}{rng.randrange(1, 9999)}"
            if rng.random() < 0.3:
                handle = "wxid_" + "".join(rng.choices("abcdefghijkmnpqrstuvwxyz0123456789", k=12))
            out.append((MethodKind.WECHAT, "WeChat", handle, handle.casefold()))
        elif mobile and country.code in ("ES", "FR", "GB") and rng.random() < 0.15:
            out.append((MethodKind.WHATSAPP, "WhatsApp", *mobile))
        if rng.random() < 0.03:
            out.append((MethodKind.FAX, "fax", *self.phone(city.landline, country)))
        return out

    def chunk(
        self, companies: list[Company], count: int, lead_count: int, deal_count: int
    ) -> dict[str, list[tuple[Any, ...]]]:
        rng = self.rng
        w = self.w
        contacts: list[tuple[Any, ...]] = []
        methods: list[tuple[Any, ...]] = []
        taggings: list[tuple[Any, ...]] = []
        people: list[
            tuple[
                str,
                Company,
                dt.datetime,
                str,
                str | None,
                str | None,
                Person,
                str | None,
                list[tuple[str, str, str, str]],
            ]
        ] = []
        for _ in range(count):
            company = rng.choice(companies)
            country, city = company.country, company.city
            person = self.person(self.culture_at(country))
            event_id, created = self.met_at_event() if rng.random() < 0.4 else (None, None)
            if created is None:
                created = self.when()
                source = rng.choice(self.sources) if rng.random() < 0.7 else None
            else:
                source = self.trade_show
            stamp = w.ts(created)
            updated = stamp if rng.random() < 0.7 else w.ts(self.when(created))
            owner = company.owner if rng.random() < 0.7 else rng.choice(self.owners)
            contact_id = new_id()
            given, family = person.given, person.family
            if person.culture == "zh" and rng.random() < 0.1:
                given = family = None  # typed as one name, parts never filled in
            title = rng.choice(pools.TITLES[person.culture]) if rng.random() < 0.9 else None
            birthday = (
                dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.3
                else None
            )
            notes = rng.choice(pools.NOTES[person.culture]) if rng.random() < 0.15 else None
            contacts.append(
                (
                    contact_id,
                    stamp,
                    updated,
                    1,
                    None,
                    person.full,
                    given,
                    family,
                    person.phonetic,
                    title,
                    company.id,
                    birthday,
                    notes,
                    source,
                    event_id,
                    owner,
                    self.street(country) if rng.random() < 0.3 else None,
                    city.name,
                    city.region,
                    None,
                    country.name,
                )
            )
            own = self.person_methods(person, country, city, company.domain, stamp, {})
            for position, (kind, label, value, normalized) in enumerate(own):
                methods.append(
                    self.method(stamp, kind, label, value, normalized, position, contact=contact_id)
                )
            if rng.random() < 0.08:
                taggings.append(self.tagging(stamp, contact=contact_id))
            people.append(
                (contact_id, company, created, owner, event_id, source, person, title, own)
            )
        if deal_count <= len(people):
            dealt = rng.sample(people, deal_count)
        else:
            dealt = rng.choices(people, k=deal_count)
        converted = min(max(1, round(lead_count * 0.2)) if lead_count else 0, len(dealt))
        leads: list[tuple[Any, ...]] = []
        lead_of: dict[str, str] = {}
        for contact_id, company, created, owner, event_id, source, person, title, own in dealt[
            :converted
        ]:
            lead_id = new_id()
            lead_of[contact_id] = lead_id
            made = max(created - dt.timedelta(days=rng.randint(1, 20)), self.start)
            stamp = w.ts(made)
            leads.append(
                (
                    lead_id,
                    stamp,
                    w.ts(created),
                    1,
                    None,
                    person.full,
                    company.name,
                    title,
                    event_id,
                    source,
                    LeadStatus.CONVERTED.value,
                    None,
                    w.ts(created),
                    company.id,
                    contact_id,
                    owner,
                    None,
                    company.city.name,
                    company.city.region,
                    None,
                    company.country.name,
                )
            )
            kept = [m for m in own if m[0] in (MethodKind.EMAIL, MethodKind.MOBILE)][:2]
            for position, (kind, label, value, normalized) in enumerate(kept):
                methods.append(
                    self.method(stamp, kind, label, value, normalized, position, lead=lead_id)
                )
        for _ in range(lead_count - converted):
            leads.append(self.open_lead(companies, methods, taggings))
        history: list[tuple[Any, ...]] = []
        deals = [self.deal(p, lead_of.get(p[0]), taggings, history) for p in dealt]
        # The first deal of each contact (its id and creation stamp) for the activities.
        deal_of: dict[str, tuple[str, str]] = {}
        for row in deals:
            deal_of.setdefault(row[7], (row[0], row[1]))
        activities: list[tuple[Any, ...]] = []
        for contact_id, company, created, owner, _, _, person, _, own in people:
            work_mail = next((m[2] for m in own if m[0] == MethodKind.EMAIL), None)
            activities += self.activities(
                Customer(
                    contact_id,
                    company.id,
                    owner,
                    created,
                    person.culture,
                    work_mail,
                    lead_of.get(contact_id),
                    deal_of.get(contact_id),
                )
            )
        return {
            "contact": contacts,
            "lead": leads,
            "contact_method": methods,
            "deal": deals,
            "deal_stage_change": history,
            "activity": activities,
            "tagging": taggings,
        }

    def open_lead(
        self,
        companies: list[Company],
        methods: list[tuple[Any, ...]],
        taggings: list[tuple[Any, ...]],
    ) -> tuple[Any, ...]:
        """A lead not converted (yet): a card from a trade show, a web form, a referral."""
        rng = self.rng
        if rng.random() < 0.5:
            known = rng.choice(companies)
            country, city, company_name, domain = (
                known.country,
                known.city,
                known.name,
                known.domain,
            )
        else:
            country = rng.choice(self.country_pick)
            city = rng.choice(country.cities)
            company_name, _, slug, _ = self.company_identity(country, city)
            domain = slug + rng.choice(country.tlds)
        person = self.person(self.culture_at(country))
        event_id, created = self.met_at_event() if rng.random() < 0.65 else (None, None)
        if created is None:
            created = self.when()
            source = rng.choice(self.sources) if rng.random() < 0.8 else None
        else:
            source = self.trade_show
        stamp = self.w.ts(created)
        updated = stamp if rng.random() < 0.6 else self.w.ts(self.when(created))
        status = self.cycled(
            "lead", [s for s, _ in _OPEN_LEAD_STATUSES], [n for _, n in _OPEN_LEAD_STATUSES]
        )
        lead_id = new_id()
        own = self.person_methods(person, country, city, domain, stamp, {})
        for position, (kind, label, value, normalized) in enumerate(own):
            methods.append(
                self.method(stamp, kind, label, value, normalized, position, lead=lead_id)
            )
        if rng.random() < 0.2:
            taggings.append(self.tagging(stamp, lead=lead_id))
        return (
            lead_id,
            stamp,
            updated,
            1,
            None,
            person.full,
            company_name,
            rng.choice(pools.TITLES[person.culture]) if rng.random() < 0.8 else None,
            event_id,
            source,
            status,
            rng.choice(pools.NOTES[person.culture]) if rng.random() < 0.2 else None,
            None,
            None,
            None,
            rng.choice(self.owners),
            None,
            city.name,
            city.region,
            None,
            country.name,
        )

    def deal(
        self,
        person_row: tuple[Any, ...],
        lead_id: str | None,
        taggings: list[tuple[Any, ...]],
        history: list[tuple[Any, ...]],
    ) -> tuple[Any, ...]:
        rng = self.rng
        contact_id, company, contact_created, owner, event_id, source, _, _, _ = person_row
        stage = self.cycled("stage", self.stages, self.stage_weights)
        created = self.when(contact_created)
        currency = company.country.currency
        amount = min(max(rng.lognormvariate(9.6, 1.0), 500.0), 2_000_000.0)
        if currency == "CNY":
            amount *= 7
        cents = rng.randrange(100) if rng.random() < 0.2 else 0
        money = Decimal(int(amount) // 10 * 10) + Decimal(cents) / 100
        culture = "zh" if company.country.culture == "zh" else "other"
        title = f"{company.short} – {rng.choice(pools.DEAL_SUBJECTS[culture])}"
        probability = None
        closed: dt.datetime | None = None
        if stage.is_won or stage.is_lost:
            closed = min(created + dt.timedelta(days=rng.uniform(7, 150)), self.now)
            expected = closed.date() + dt.timedelta(days=rng.randint(-20, 20))
            entered = closed
        else:
            expected = self.today + dt.timedelta(days=rng.randint(-45, 180))
            entered = self.when(created)
            if rng.random() < 0.1:
                probability = rng.choice((15, 30, 40, 60, 80, 90))
        deal_id = new_id()
        stamp = self.w.ts(created)
        if rng.random() < 0.15:
            taggings.append(self.tagging(stamp, deal=deal_id))
        deal_owner = owner if rng.random() < 0.8 else rng.choice(self.owners)
        lost_reason = rng.choice(pools.LOST_REASONS) if stage.is_lost else None
        history += self.stage_history(deal_id, stage, created, entered, deal_owner, lost_reason)
        return (
            deal_id,
            stamp,
            self.w.ts(entered),
            1,
            None,
            title,
            company.id,
            contact_id,
            self.w.money(money),
            currency,
            self.pipeline,
            stage.id.hex,
            probability,
            expected,
            self.w.ts(entered),
            source if rng.random() < 0.9 else rng.choice(self.sources),
            event_id,
            lead_id,
            lost_reason,
            self.w.ts(closed) if closed else None,
            None,
            deal_owner,
        )

    def stage_history(
        self,
        deal_id: str,
        stage: Stage,
        created: dt.datetime,
        entered: dt.datetime,
        owner: str | None,
        lost_reason: str | None,
    ) -> list[tuple[Any, ...]]:
        """The moves that brought a deal to `stage`: created in the first stage, then one
        stage at a time (won deals through every open stage, lost ones from wherever they
        were), the last move at `entered`; as the board and the deal form write them."""
        open_stages = [s for s in self.stages if not (s.is_won or s.is_lost)]
        if stage.is_won:
            path = [*open_stages, stage]
        elif stage.is_lost:
            path = [*open_stages[: self.rng.randint(1, len(open_stages))], stage]
        else:
            path = open_stages[: open_stages.index(stage) + 1]
        span = max((entered - created).total_seconds(), 0.0)
        rows: list[tuple[Any, ...]] = []
        previous: Stage | None = None
        for step, current in enumerate(path):
            last = step == len(path) - 1
            moment = (
                entered
                if last and step
                else created + dt.timedelta(seconds=span * step / max(len(path) - 1, 1))
            )
            stamp = self.w.ts(moment)
            rows.append(
                (
                    new_id(),
                    stamp,
                    stamp,
                    1,
                    None,
                    deal_id,
                    previous.id.hex if previous else None,
                    current.id.hex,
                    previous.name if previous else None,
                    current.name,
                    owner,
                    stamp,
                    lost_reason if current.is_lost else None,
                )
            )
            previous = current
        return rows

    # ---- activities: calls, meetings, e-mails and notes logged; tasks and plans ahead ----

    def office_time(self, day: dt.date) -> dt.datetime:
        """A quarter hour between 09:00 and 16:45 on `day`, on the user's wall clock."""
        quarter = self.rng.randrange(_OFFICE_QUARTERS)
        return at_local(day, dt.time(9 + quarter // 4, quarter % 4 * 15), self.zone)

    def activities(self, who: Customer) -> list[tuple[Any, ...]]:
        """A contact's history (for about 40%), its open to-dos (about 8%), done tasks (3%)."""
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        if rng.random() < 0.4:
            # A few key accounts have a long history; most people one to four entries.
            count = rng.randint(10, 40) if rng.random() < 0.005 else rng.randint(1, 4)
            for _ in range(count):
                rows.append(self.logged(who))
        if rng.random() < 0.08:
            planned = 1 if rng.random() < 0.8 else 2
            self.report["open_activities"] = self.report.get("open_activities", 0) + planned
            for _ in range(planned):
                rows.append(self.planned(who))
        if rng.random() < 0.03:
            rows.append(self.done_task(who))
        return rows

    def _texts(self, culture: str, kind: str) -> tuple[str, str | None]:
        lang = culture if culture in ("zh", "de") else "en"
        subject, body = self.rng.choice(pools.ACTIVITY_TEXTS[lang][kind])
        return subject, body

    def _past(self, after: dt.datetime) -> dt.datetime:
        """A moment between `after` and now, at office hours when the day allows it."""
        moment = self.when(after)
        snapped = self.office_time(moment.astimezone(self.zone).date())
        return snapped if after <= snapped <= self.now else moment

    def _activity(
        self,
        who: Customer,
        kind: str,
        occurs: dt.datetime,
        created: dt.datetime,
        *,
        done_at: dt.datetime | None,
        duration: int | None = None,
        outcome: str | None = None,
        remind: dt.datetime | None = None,
        mails: tuple[str | None, str | None] = (None, None),
    ) -> tuple[Any, ...]:
        w = self.w
        subject, body = self._texts(who.culture, kind)
        stamp = w.ts(created)
        deal = who.deal[0] if who.deal and who.deal[1] <= w.ts(occurs) else None
        if deal is None and who.deal and done_at is None:
            deal = who.deal[0]  # what is planned is about the deal already
        reminded = None
        if remind is not None and remind <= self.now:
            reminded = w.ts(remind + dt.timedelta(seconds=self.rng.randint(5, 600)))
        return (
            new_id(),
            stamp,
            stamp,
            1,
            None,
            kind,
            subject,
            body,
            w.ts(occurs),
            duration,
            outcome,
            done_at is not None,
            w.ts(done_at) if done_at else None,
            who.lead,
            who.contact,
            who.company,
            deal,
            who.owner,
            w.ts(remind) if remind else None,
            reminded,
            mails[0],
            mails[1],
        )

    def logged(self, who: Customer) -> tuple[Any, ...]:
        """A call, meeting, e-mail or note in the past, logged when it happened."""
        rng = self.rng
        kind = self.cycled("done-kind", _DONE_KINDS, _DONE_WEIGHTS)
        occurs = self._past(who.created)
        duration = outcome = None
        mails: tuple[str | None, str | None] = (None, None)
        if kind == "call":
            duration = rng.choice(_CALL_MINUTES)
            lang = who.culture if who.culture in ("zh", "de") else "en"
            outcome = rng.choice(pools.CALL_OUTCOMES[lang])
        elif kind == "meeting":
            duration = rng.choice(_MEETING_MINUTES)
        elif kind == "email" and who.mail:
            rep = self.user_email.get(who.owner)
            mails = (who.mail, rep) if rng.random() < 0.5 else (rep, who.mail)
        logged = occurs + dt.timedelta(minutes=(duration or 0) + rng.randint(1, 30))
        logged = min(logged, self.now)
        return self._activity(
            who,
            kind,
            occurs,
            logged,
            done_at=logged,
            duration=duration,
            outcome=outcome,
            mails=mails,
        )

    def planned(self, who: Customer) -> tuple[Any, ...]:
        """An open task, planned meeting or call: due from 3 weeks ago to 6 weeks ahead."""
        rng = self.rng
        kind = self.cycled("open-kind", _OPEN_KINDS, _OPEN_WEIGHTS)
        due = self._due(self.cycled("due", _DUE_SLOTS, _DUE_WEIGHTS))
        if due < who.created:
            due = self._due("upcoming")  # nothing was due before the contact was known
        earliest = min(who.created, due, self.now)
        created = earliest + (min(due, self.now) - earliest) * rng.random() * 0.9
        remind = None
        if rng.random() < 0.6:
            remind = due - dt.timedelta(minutes=15) if kind == "meeting" else due
        duration = rng.choice(_MEETING_MINUTES) if kind == "meeting" else None
        return self._activity(
            who, kind, due, created, done_at=None, duration=duration, remind=remind
        )

    def _due(self, slot: str) -> dt.datetime:
        rng = self.rng
        local_now = self.now.astimezone(self.zone)
        today = local_now.date()
        if slot == "today":
            # Later today: in office hours while they last, else in the evening.
            start = local_now.replace(minute=local_now.minute // 15 * 15, second=0, microsecond=0)
            start += dt.timedelta(minutes=30)
            last = local_now.replace(hour=16, minute=45, second=0, microsecond=0)
            if start > last:
                last = local_now.replace(hour=23, minute=45, second=0, microsecond=0)
            if start.date() == today and start <= last:
                steps = int((last - start).total_seconds() // 900) + 1
                # One draw whatever the hour, so the rest of the demo follows the seed alone.
                quarters = int(rng.random() * steps)
                wall = start.replace(tzinfo=None) + dt.timedelta(minutes=15 * quarters)
                return at_local(wall.date(), wall.time(), self.zone)
            slot = "upcoming"  # too late in the day for anything later today
        if slot == "overdue":
            due = self.office_time(today - dt.timedelta(days=rng.randint(0, 21)))
            if due >= self.now:
                due -= dt.timedelta(days=1)
            return due
        return self.office_time(today + dt.timedelta(days=rng.randint(1, 42)))

    def done_task(self, who: Customer) -> tuple[Any, ...]:
        """A task checked off in the past, a little before or after it was due."""
        rng = self.rng
        due = self._past(who.created)
        done = min(due + dt.timedelta(hours=rng.uniform(-24, 48)), self.now)
        done = max(done, who.created)
        created = max(who.created, due - dt.timedelta(days=rng.randint(0, 14)))
        created = min(created, done)
        remind = due if rng.random() < 0.5 else None
        return self._activity(who, "task", due, created, done_at=done, remind=remind)
