"""Capturing leads: a business card typed in, a vCard dropped, a QR code scanned."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ContactMethod, Event, Lead, MethodKind
from crm_desktop.services.card_data import CardData
from crm_desktop.services.changes import Changes
from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.normalize import check_email, normalize_method
from crm_desktop.services.phone_country import RegionGuess, guess_region
from crm_desktop.services.phones import is_mobile, read_phone
from crm_desktop.services.settings import default_region


class LeadValidationError(ValueError):
    """A lead that cannot be saved; `field` names the LeadInput field that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LeadInput:
    """A new lead as the user typed it (or as a card said it)."""

    person_name: str
    company_name: str = ""
    title: str = ""
    phones: Sequence[str] = ()
    emails: Sequence[str] = ()
    note: str = ""
    event_id: uuid.UUID | None = None
    source_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    card_image: bytes | None = None
    faxes: Sequence[str] = ()
    websites: Sequence[str] = ()
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    # Imports keep a phone that does not parse (as entered) instead of refusing the card.
    lenient_phones: bool = False
    # The country numbers without "+" are read in, as card entry shows it (guessed from the
    # card or chosen by the user); "" guesses it here from the card (lead_region).
    phone_region: str = ""


@dataclass(frozen=True)
class LeadCreated:
    id: uuid.UUID
    changes: Changes


@dataclass(frozen=True)
class LeadDetail:
    """A lead as the conversion dialog shows it."""

    id: uuid.UUID
    person_name: str
    company_name: str
    title: str
    status: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    notes: str
    event_name: str | None
    owner_id: uuid.UUID | None
    converted_at: dt.datetime | None


MAX_LENGTHS = {"person_name": 300, "company_name": 300, "title": 300}


def lead_input_from_card(
    card: CardData,
    *,
    event_id: uuid.UUID | None = None,
    source_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
) -> LeadInput:
    """A card's data as a lead; a card without a person's name is named by its e-mail.

    Phone numbers that do not parse are kept as written: a card file is not the
    place to argue with the user about one odd number.
    """
    name = card.full_name or (card.emails[0] if card.emails else "")
    return LeadInput(
        person_name=name,
        company_name=card.company,
        title=card.title,
        phones=card.all_phones,
        emails=card.emails,
        note=card.note,
        event_id=event_id,
        source_id=source_id,
        owner_id=owner_id,
        faxes=card.faxes,
        websites=card.websites,
        street=card.street,
        city=card.city,
        region=card.region,
        postal_code=card.postal_code,
        country=card.country,
        lenient_phones=True,
    )


def _clean(text: str) -> str:
    return " ".join(clean_text(text, multiline=False).split())


def _one_line(text: str) -> str:
    """A value as typed, without control characters or line breaks (a phone, a city)."""
    return clean_text(text, multiline=False).strip()


def _lines(text: str) -> str:
    """A field that may hold several lines (notes, street), cleaned like every other path."""
    return clean_text(text).strip()


def lead_region(data: LeadInput, default: str) -> RegionGuess:
    """The country the lead's numbers are read in: the one given, else what the card says
    (address, a "+" number, e-mail domain, company form), else `default` (the setting)."""
    if data.phone_region:
        return RegionGuess(data.phone_region.upper(), "chosen")
    return guess_region(
        default,
        country=data.country,
        phones=[*data.phones, *data.faxes],
        emails=data.emails,
        company=data.company_name,
    )


def _methods(data: LeadInput, default: str) -> list[ContactMethod]:
    """Contact-method rows for the input, or LeadValidationError naming the bad field."""
    region = lead_region(data, default).region
    rows: list[ContactMethod] = []
    for value in (_one_line(v) for v in data.emails):
        if not value:
            continue
        checked = check_email(value)
        if not checked.ok:
            raise LeadValidationError(
                "emails", f"'{value}' is not an e-mail address: {checked.error}"
            )
        rows.append(
            ContactMethod(kind=MethodKind.EMAIL.value, value=value, normalized=checked.normalized)
        )
    for field, values in (("phones", data.phones), ("faxes", data.faxes)):
        for value in (_one_line(v) for v in values):
            if not value:
                continue
            number = read_phone(value, region)
            # A number that is no valid number of the card's country is kept as typed (card
            # entry shows why); only text that is no phone number at all is refused.
            if number.status == "refused" and not data.lenient_phones:
                raise LeadValidationError(
                    field, f"'{value}' is not a phone number: {number.problem}"
                )
            kind = MethodKind.PHONE
            if field == "faxes":
                kind = MethodKind.FAX
            elif is_mobile(number):
                kind = MethodKind.MOBILE
            rows.append(ContactMethod(kind=kind.value, value=value, normalized=number.key))
    for value in (_one_line(v) for v in data.websites):
        if value:
            rows.append(
                ContactMethod(
                    kind=MethodKind.WEBSITE.value,
                    value=value,
                    normalized=normalize_method(MethodKind.WEBSITE, value, region),
                )
            )
    for position, row in enumerate(rows):
        row.position = position
    return rows


def validate_lead(data: LeadInput, region: str) -> list[ContactMethod]:
    """Check a lead without saving it; returns its contact methods ready to store.

    region: the database's setting, for numbers of a card that names no country."""
    if not _clean(data.person_name):
        raise LeadValidationError("person_name", "A lead needs the person's name.")
    for field, limit in MAX_LENGTHS.items():
        if len(_clean(getattr(data, field))) > limit:
            raise LeadValidationError(field, f"At most {limit} characters.")
    return _methods(data, region)


def create_lead(sessions: sessionmaker[Session], data: LeadInput) -> LeadCreated:
    """Save a new lead with its e-mails and phones (read in the card's country)."""
    region = default_region(sessions)
    methods = validate_lead(data, region)
    lead = Lead(
        person_name=_clean(data.person_name),
        company_name=_clean(data.company_name) or None,
        title=_clean(data.title) or None,
        notes=_lines(data.note) or None,
        event_id=data.event_id,
        source_id=data.source_id,
        owner_id=data.owner_id,
        card_image=data.card_image,
        street=_lines(data.street) or None,
        city=_one_line(data.city) or None,
        region=_one_line(data.region) or None,
        postal_code=_one_line(data.postal_code) or None,
        country=_one_line(data.country) or None,
    )
    with sessions.begin() as session:
        session.add(lead)
        session.flush()
        for method in methods:
            method.lead_id = lead.id
            session.add(method)
    return LeadCreated(lead.id, Changes(leads=True))


def get_lead(sessions: sessionmaker[Session], lead_id: uuid.UUID) -> LeadDetail | None:
    """A lead with its e-mails and phones, or None when it does not exist (or was deleted)."""
    with sessions() as session:
        lead = session.get(Lead, lead_id)
        if lead is None or lead.deleted_at is not None:
            return None
        methods = session.scalars(
            select(ContactMethod)
            .where(ContactMethod.lead_id == lead_id, ContactMethod.deleted_at.is_(None))
            .order_by(ContactMethod.position)
        ).all()
        event_name = (
            session.scalar(select(Event.name).where(Event.id == lead.event_id))
            if lead.event_id
            else None
        )
        return LeadDetail(
            id=lead.id,
            person_name=lead.person_name,
            company_name=lead.company_name or "",
            title=lead.title or "",
            status=lead.status,
            emails=tuple(m.value for m in methods if m.kind == MethodKind.EMAIL),
            phones=tuple(
                m.value for m in methods if m.kind in (MethodKind.PHONE, MethodKind.MOBILE)
            ),
            notes=lead.notes or "",
            event_name=event_name,
            owner_id=lead.owner_id,
            converted_at=lead.converted_at,
        )
