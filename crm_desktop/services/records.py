"""One record at a time: load it for a form, validate and save it, delete and undo.

Saving checks the version the form loaded against the database's: if someone
else saved the record meanwhile, `StaleRecordError` is raised and nothing is
written (services/versioned.py; the database's own version check catches the race
between the two).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    PHONE_KINDS,
    Company,
    ContactMethod,
    Deal,
    Event,
    Lead,
    LeadSource,
    LeadStatus,
    MethodKind,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
    utcnow,
)
from crm_desktop.models import Contact as ContactEntity
from crm_desktop.services.changes import Changes
from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.listing import ENTITIES, Entity, Kind, Option
from crm_desktop.services.normalize import check_email, domain_of, normalize_method
from crm_desktop.services.phone_country import record_region
from crm_desktop.services.phones import phone_display, read_phone
from crm_desktop.services.pipeline.history import log_stage_change, set_stage
from crm_desktop.services.query_text import clean_query, escape_like
from crm_desktop.services.settings import default_currency, default_region
from crm_desktop.services.users import current_user_id
from crm_desktop.services.versioned import StaleRecordError, check_version, stale_as_error

__all__ = [
    "FIELDS",
    "DeleteResult",
    "FieldSpec",
    "FormOptions",
    "Link",
    "MethodDetail",
    "MethodInput",
    "RecordDetail",
    "RecordNotFoundError",
    "RecordState",
    "SaveResult",
    "StaleRecordError",
    "UndoToken",
    "ValidationError",
    "blank_record",
    "delete_record",
    "field_problem",
    "find_records",
    "form_options",
    "load_record",
    "method_problem",
    "save_record",
    "undo_delete",
]


@dataclass(frozen=True)
class FieldSpec:
    """An editable field of a record kind, as forms show it and save_record checks it.

    type: text, multiline, decimal, percent, date, currency, status, or ref (an id;
    `ref` names what it refers to: owners, events, sources, stages, companies, contacts).
    """

    key: str
    label: str  # English; views translate it
    type: str = "text"
    required: bool = False
    max_length: int | None = None
    ref: str | None = None


def _address() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("street", "Street", "multiline"),
        FieldSpec("city", "City", max_length=200),
        FieldSpec("region", "Region", max_length=200),
        FieldSpec("postal_code", "Postal code", max_length=40),
        FieldSpec("country", "Country", max_length=100),
    )


_OWNER = FieldSpec("owner_id", "Owner", "ref", ref="owners")
_EVENT = FieldSpec("event_id", "Event", "ref", ref="events")
_SOURCE = FieldSpec("source_id", "Source", "ref", ref="sources")
_NOTES = FieldSpec("notes", "Notes", "multiline")

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "leads": (
        FieldSpec("person_name", "Name", required=True, max_length=300),
        FieldSpec("company_name", "Company", max_length=300),
        FieldSpec("title", "Title", max_length=300),
        FieldSpec("status", "Status", "status"),
        _EVENT,
        _SOURCE,
        _OWNER,
        *_address(),
        _NOTES,
    ),
    "contacts": (
        FieldSpec("full_name", "Full name", required=True, max_length=300),
        FieldSpec("given_name", "Given name", max_length=200),
        FieldSpec("family_name", "Family name", max_length=200),
        FieldSpec("phonetic_name", "Phonetic name", max_length=300),
        FieldSpec("title", "Title", max_length=300),
        FieldSpec("company_id", "Company", "ref", ref="companies"),
        FieldSpec("birthday", "Birthday", "date"),
        _EVENT,
        _SOURCE,
        _OWNER,
        *_address(),
        _NOTES,
    ),
    "companies": (
        FieldSpec("name", "Name", required=True, max_length=300),
        FieldSpec("website", "Website", max_length=500),
        FieldSpec("industry", "Industry", max_length=200),
        _OWNER,
        *_address(),
        _NOTES,
    ),
    "deals": (
        FieldSpec("title", "Title", required=True, max_length=300),
        FieldSpec("company_id", "Company", "ref", ref="companies"),
        FieldSpec("contact_id", "Contact", "ref", ref="contacts"),
        FieldSpec("amount", "Amount", "decimal"),
        FieldSpec("currency", "Currency", "currency"),
        FieldSpec("stage_id", "Stage", "ref", ref="stages"),
        FieldSpec("probability", "Probability %", "percent"),
        FieldSpec("expected_close", "Expected close", "date"),
        _EVENT,
        _SOURCE,
        _OWNER,
        FieldSpec("lost_reason", "Lost reason", max_length=300),
        _NOTES,
    ),
}


class RecordNotFoundError(LookupError):
    """The record does not exist or was deleted."""


class ValidationError(ValueError):
    """Values that cannot be saved, by field key ("email", "methods.2", ...)."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class MethodDetail:
    kind: str
    label: str
    value: str
    normalized: str | None
    display: str  # phones as phones.phone_display shows them, else the value
    id: uuid.UUID | None = None
    # A phone number that is no valid number of the record's country: kept as written, and
    # this says so ("not a valid CN number; kept as written").
    problem: str | None = None


@dataclass(frozen=True)
class MethodInput:
    kind: str
    value: str
    label: str = ""
    id: uuid.UUID | None = None  # an existing row to update, or None for a new one


@dataclass(frozen=True)
class Link:
    kind: Kind
    id: uuid.UUID
    label: str
    role: str  # "contact", "deal", "event", "company", "converted to"...


@dataclass(frozen=True)
class RecordDetail:
    kind: Kind
    id: uuid.UUID | None  # None: a new record not saved yet
    version: int
    fields: Mapping[str, Any]
    labels: Mapping[str, str] = field(default_factory=dict)  # text of reference fields
    methods: tuple[MethodDetail, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # The database's phone region; a record's numbers are read in its own country when it
    # says one (address, "+" numbers, e-mail domain, company form: phone_country.py).
    default_region: str = "CN"
    phone_region: str = ""


@dataclass(frozen=True)
class RecordState:
    """What a save of an existing record replaced, for undo (services/undo.py): the
    fields it changed, and the methods and tags before it (None: those did not change)."""

    values: Mapping[str, Any]
    methods: tuple[MethodInput, ...] | None = None
    tags: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SaveResult:
    detail: RecordDetail
    changes: Changes
    previous: RecordState | None = None  # None for a new record


@dataclass(frozen=True)
class UndoToken:
    kind: Kind
    id: uuid.UUID
    deleted_at: dt.datetime
    label: str
    version: int | None = None  # the record's version once deleted; undo checks it


@dataclass(frozen=True)
class DeleteResult:
    token: UndoToken
    changes: Changes


@dataclass(frozen=True)
class FormOptions:
    owners: tuple[Option, ...]
    events: tuple[Option, ...]
    sources: tuple[Option, ...]
    stages: tuple[Option, ...]
    statuses: tuple[Option, ...]


_FIELD_KEYS = {kind: frozenset(spec.key for spec in specs) for kind, specs in FIELDS.items()}
_METHOD_PARENT = {
    "leads": ContactMethod.lead_id,
    "contacts": ContactMethod.contact_id,
    "companies": ContactMethod.company_id,
}
_TAG_TARGET = {
    "leads": Tagging.lead_id,
    "contacts": Tagging.contact_id,
    "companies": Tagging.company_id,
    "deals": Tagging.deal_id,
}


def _changes(kind: Kind, tags: bool = False) -> Changes:
    """What a change to one record of this kind can alter in the lists on screen."""
    if kind == "companies":  # contacts and deals lists show the company's name
        return Changes(companies=True, contacts=True, deals=True, tags=tags)
    return Changes(**{kind: True}, tags=tags)


# ---- loading ---------------------------------------------------------------------------------


def load_record(sessions: sessionmaker[Session], kind: Kind, record_id: uuid.UUID) -> RecordDetail:
    with sessions() as session:
        entity = session.get(ENTITIES[kind], record_id)
        if entity is None or entity.deleted_at is not None:
            raise RecordNotFoundError(f"{kind} {record_id} not found")
        return _detail(session, kind, entity, default_region(sessions))


def _detail(session: Session, kind: Kind, entity: Any, default: str) -> RecordDetail:
    values = {spec.key: getattr(entity, spec.key) for spec in FIELDS[kind]}
    labels = _labels(session, values)
    rows = _method_rows(session, kind, entity.id)
    region = _region(default, values, ((m.kind, m.value) for m in rows))
    return RecordDetail(
        kind=kind,
        id=entity.id,
        version=entity.version,
        fields=values,
        labels=labels,
        methods=tuple(_method_detail(m, region, default) for m in rows),
        tags=_tags(session, kind, entity.id),
        links=_links(session, kind, entity),
        default_region=default,
        phone_region=region,
    )


def _region(default: str, values: Mapping[str, Any], methods: Iterable[tuple[str, str]]) -> str:
    """The country a record's numbers are read in (phone_country.record_region)."""
    return record_region(default, str(values.get("country") or ""), methods).region


def _labels(session: Session, values: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, Any] = {
        "company_id": Company.name,
        "contact_id": ContactEntity.full_name,
        "event_id": Event.name,
        "owner_id": User.name,
        "source_id": LeadSource.name,
        "stage_id": Stage.name,
    }
    labels = {}
    for key, column in names.items():
        value = values.get(key)
        if value is not None:
            owner = column.class_
            labels[key] = session.scalar(select(column).where(owner.id == value)) or ""
    return labels


def _method_rows(session: Session, kind: Kind, record_id: uuid.UUID) -> list[ContactMethod]:
    if kind not in _METHOD_PARENT:
        return []
    return list(
        session.scalars(
            select(ContactMethod)
            .where(_METHOD_PARENT[kind] == record_id, ContactMethod.deleted_at.is_(None))
            .order_by(ContactMethod.position, ContactMethod.id)
        )
    )


def _method_detail(m: ContactMethod, region: str, home: str) -> MethodDetail:
    """home: the database's region, whose numbers show in national form."""
    display, problem = m.value, None
    if m.kind in PHONE_KINDS or m.kind == MethodKind.WHATSAPP:
        if m.normalized and m.normalized.startswith("+"):
            display = phone_display(m.value, m.normalized, home)  # saved as a valid number
        else:
            problem = read_phone(m.value, region).problem
    return MethodDetail(
        kind=m.kind,
        label=m.label or "",
        value=m.value,
        normalized=m.normalized,
        display=display,
        id=m.id,
        problem=problem,
    )


def _tags(session: Session, kind: Kind, record_id: uuid.UUID) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(Tag.name)
            .join(Tagging, Tagging.tag_id == Tag.id)
            .where(_TAG_TARGET[kind] == record_id, Tagging.deleted_at.is_(None))
            .order_by(Tag.name)
        )
    )


def _links(session: Session, kind: Kind, entity: Any) -> tuple[Link, ...]:
    links: list[Link] = []

    def add(link_kind: Kind, rows: Any, role: str) -> None:
        links.extend(Link(link_kind, row[0], row[1], role) for row in rows)

    def deals_where(*conditions: Any) -> Any:
        return session.execute(
            select(Deal.id, Deal.title)
            .where(*conditions, Deal.deleted_at.is_(None))
            .order_by(Deal.sort_key)
            .limit(200)
        )

    def company(company_id: uuid.UUID | None, role: str) -> None:
        if company_id is not None:
            add(
                "companies",
                session.execute(
                    select(Company.id, Company.name).where(
                        Company.id == company_id, Company.deleted_at.is_(None)
                    )
                ),
                role,
            )

    def contact(contact_id: uuid.UUID | None, role: str) -> None:
        if contact_id is not None:
            add(
                "contacts",
                session.execute(
                    select(ContactEntity.id, ContactEntity.full_name).where(
                        ContactEntity.id == contact_id, ContactEntity.deleted_at.is_(None)
                    )
                ),
                role,
            )

    if kind == "companies":
        add(
            "contacts",
            session.execute(
                select(ContactEntity.id, ContactEntity.full_name)
                .where(ContactEntity.company_id == entity.id, ContactEntity.deleted_at.is_(None))
                .order_by(ContactEntity.sort_key)
                .limit(200)
            ),
            "contact",
        )
        add("deals", deals_where(Deal.company_id == entity.id), "deal")
    elif kind == "contacts":
        company(entity.company_id, "company")
        add("deals", deals_where(Deal.contact_id == entity.id), "deal")
    elif kind == "leads":
        if entity.event_id is not None:
            name = session.scalar(select(Event.name).where(Event.id == entity.event_id))
            # Events have no list of their own; the link is shown, opening it is up to the view.
            links.append(Link("leads", entity.event_id, name or "", "event"))
        company(entity.converted_company_id, "converted to")
        contact(entity.converted_contact_id, "converted to")
        add("deals", deals_where(Deal.lead_id == entity.id), "converted to")
    elif kind == "deals":
        company(entity.company_id, "company")
        contact(entity.contact_id, "contact")
        if entity.lead_id is not None:
            add(
                "leads",
                session.execute(
                    select(Lead.id, Lead.person_name).where(
                        Lead.id == entity.lead_id, Lead.deleted_at.is_(None)
                    )
                ),
                "lead",
            )
    return tuple(links)


def blank_record(sessions: sessionmaker[Session], kind: Kind) -> RecordDetail:
    """What a new record's form starts with: empty fields and sensible defaults."""
    values: dict[str, Any] = {spec.key: None for spec in FIELDS[kind]}
    with sessions() as session:
        values["owner_id"] = current_user_id(session)
        if kind == "leads":
            values["status"] = LeadStatus.NEW.value
        if kind == "deals":
            values["stage_id"] = _first_stage(session)
            values["currency"] = default_currency(sessions)
        labels = _labels(session, values)
    return RecordDetail(kind=kind, id=None, version=0, fields=values, labels=labels)


def _first_stage(session: Session) -> uuid.UUID | None:
    return session.scalar(
        select(Stage.id)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .where(Stage.deleted_at.is_(None), Pipeline.deleted_at.is_(None))
        .order_by(Pipeline.is_default.desc(), Pipeline.position, Stage.position)
    )


# ---- saving ----------------------------------------------------------------------------------


def save_record(
    sessions: sessionmaker[Session],
    kind: Kind,
    record_id: uuid.UUID | None,
    expected_version: int | None,
    values: Mapping[str, Any],
    methods: Sequence[MethodInput] | None = None,
    tags: Sequence[str] | None = None,
) -> SaveResult:
    """Create (record_id None) or update a record after validating every field.

    `values` holds the fields to set (keys of FIELDS[kind]); fields left out keep
    their value. `methods` and `tags`, when given, replace the record's own.
    """
    default = default_region(sessions)
    clean, errors = _clean_values(kind, values, creating=record_id is None)
    clean_methods: list[tuple[MethodInput, str | None]] = []
    if methods is not None:
        if kind not in _METHOD_PARENT:
            raise ValueError(f"{kind} have no contact methods")
        region = _saving_region(sessions, kind, record_id, default, values, methods)
        clean_methods, method_errors = _clean_methods(methods, region)
        errors.update(method_errors)
    if errors:
        raise ValidationError(errors)
    created_tags = False
    with stale_as_error(), sessions.begin() as session:
        entity = _entity_for_save(session, kind, record_id, expected_version)
        before = _state_before(session, kind, entity, clean, methods, tags)
        moved = _apply_values(session, kind, entity, clean)
        # Touch the row so its version moves even when only methods or tags changed.
        entity.updated_at = utcnow()
        session.flush()
        if moved is not None:
            log_stage_change(session, entity, *moved)
        if methods is not None:
            _replace_methods(session, kind, entity.id, clean_methods)
        if tags is not None:
            created_tags = _replace_tags(session, kind, entity.id, tags)
        session.flush()
        detail = _detail(session, kind, entity, default)
        previous = _replaced(before, entity, detail) if before is not None else None
    return SaveResult(detail, _changes(kind, tags=created_tags), previous)


def _state_before(
    session: Session,
    kind: Kind,
    entity: Any,
    clean: Mapping[str, Any],
    methods: Sequence[MethodInput] | None,
    tags: Sequence[str] | None,
) -> RecordState | None:
    """The record as it is before a save changes it (nothing for a new record)."""
    if not inspect(entity).persistent:
        return None
    old_methods = None
    if methods is not None:
        old_methods = tuple(
            MethodInput(kind=m.kind, value=m.value, label=m.label or "")
            for m in _method_rows(session, kind, entity.id)
        )
    old_tags = _tags(session, kind, entity.id) if tags is not None else None
    return RecordState({key: getattr(entity, key) for key in clean}, old_methods, old_tags)


def _replaced(before: RecordState, entity: Any, detail: RecordDetail) -> RecordState:
    """Of the state before a save, only what the save changed."""
    values = {k: v for k, v in before.values.items() if getattr(entity, k) != v}
    methods = before.methods
    if methods is not None:
        after = tuple((m.kind, m.label, m.value) for m in detail.methods)
        if after == tuple((m.kind, m.label, m.value) for m in methods):
            methods = None
    tags = before.tags if before.tags is not None and before.tags != detail.tags else None
    return RecordState(values, methods, tags)


def _entity_for_save(
    session: Session, kind: Kind, record_id: uuid.UUID | None, expected_version: int | None
) -> Any:
    model: Entity = ENTITIES[kind]
    if record_id is None:
        entity = model()
        session.add(entity)
        return entity
    found = session.get(model, record_id, populate_existing=True)
    if found is None or found.deleted_at is not None:
        raise RecordNotFoundError(f"{kind} {record_id} was deleted")
    check_version(found, expected_version)
    return found


def _clean_values(
    kind: Kind, values: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    specs = {spec.key: spec for spec in FIELDS[kind]}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in values.items():
        spec = specs.get(key)
        if spec is None:
            raise ValueError(f"{kind} have no field {key!r}")
        try:
            clean[key] = _convert(spec, raw)
        except ValueError as exc:
            errors[key] = str(exc)
    for spec in specs.values():
        missing = clean.get(spec.key) is None and (creating or spec.key in clean)
        if spec.required and missing and spec.key not in errors:
            errors[spec.key] = f"{spec.label} is required"
    if kind == "leads" and clean.get("status") not in (None, *[s.value for s in LeadStatus]):
        errors["status"] = f"unknown status {clean['status']!r}"
    if kind == "companies" and clean.get("website"):
        clean["domain"] = domain_of(clean["website"])
    elif kind == "companies" and "website" in clean:
        clean["domain"] = None
    return clean, errors


def field_problem(kind: Kind, key: str, raw: Any) -> str | None:
    """What save_record would say is wrong with one value of a form (None: nothing).

    The form asks while the user types, so a field's error goes as soon as it is fixed.
    """
    spec = next(s for s in FIELDS[kind] if s.key == key)
    try:
        value = _convert(spec, raw)
    except ValueError as exc:
        return str(exc)
    if spec.required and value is None:
        return f"{spec.label} is required"
    return None


def method_problem(kind: str, value: str, region: str) -> str | None:
    """What save_record would say is wrong with one e-mail, phone... (None: nothing)."""
    _clean, errors = _clean_methods([MethodInput(kind, value)], region)
    return errors.get("methods.0")


def _convert(spec: FieldSpec, raw: Any) -> Any:
    """A form's value as the column's type; ValueError says what is wrong."""
    if isinstance(raw, str):
        # Control characters out, line breaks only where the field holds lines (cleaning.py).
        raw = clean_text(raw, multiline=spec.type == "multiline").strip()
        if raw == "":
            raw = None
    if raw is None:
        return None
    if spec.type == "decimal":
        try:
            amount = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not an amount") from None
        if not amount.is_finite() or abs(amount) >= Decimal("1e16"):
            raise ValueError(f"'{raw}' is not an amount")
        return amount.quantize(Decimal("0.01"))
    if spec.type == "percent":
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"'{raw}' is not a whole number") from None
        if not 0 <= number <= 100:
            raise ValueError("must be between 0 and 100")
        return number
    if spec.type == "date":
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise ValueError(f"'{raw}' is not a date (YYYY-MM-DD)") from None
    if spec.type == "ref":
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    if spec.type == "currency":
        code = str(raw).upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"'{raw}' is not a three-letter currency code")
        return code
    text = str(raw)
    if spec.max_length and len(text) > spec.max_length:
        raise ValueError(f"longer than {spec.max_length} characters")
    return text


def _saving_region(
    sessions: sessionmaker[Session],
    kind: Kind,
    record_id: uuid.UUID | None,
    default: str,
    values: Mapping[str, Any],
    methods: Sequence[MethodInput],
) -> str:
    """The country the numbers being saved are read in: the record's as it will be."""
    country = values.get("country")
    if "country" not in values and record_id is not None and "country" in _FIELD_KEYS[kind]:
        with sessions() as session:
            entity = session.get(ENTITIES[kind], record_id)
            country = getattr(entity, "country", None)
    return _region(default, {"country": country}, ((m.kind, m.value) for m in methods))


def _clean_methods(
    methods: Sequence[MethodInput], region: str
) -> tuple[list[tuple[MethodInput, str | None]], dict[str, str]]:
    kinds = {k.value for k in MethodKind}
    clean: list[tuple[MethodInput, str | None]] = []
    errors: dict[str, str] = {}
    for index, method in enumerate(methods):
        value = clean_text(method.value, multiline=False).strip()
        if not value:
            continue  # an empty row in the editor is no method
        where = f"methods.{index}"
        if method.kind not in kinds:
            errors[where] = f"unknown kind {method.kind!r}"
            continue
        if method.kind == MethodKind.EMAIL:
            checked = check_email(value)
            if not checked.ok:
                errors[where] = f"not a valid e-mail address: {checked.error}"
                continue
        key: str | None
        if method.kind in PHONE_KINDS or method.kind == MethodKind.WHATSAPP:
            number = read_phone(value, region)
            if number.status == "refused":
                errors[where] = number.problem or "not a phone number"
                continue
            key = (
                number.key
            )  # not valid in the record's country: stored as typed (the form says so)
        else:
            key = normalize_method(method.kind, value, region)
        label = clean_text(method.label, multiline=False)
        clean.append((replace(method, value=value, label=label), key))
    return clean, errors


def _apply_values(
    session: Session, kind: Kind, entity: Any, clean: Mapping[str, Any]
) -> tuple[Stage | None, Stage] | None:
    """Set the fields; for a deal whose stage changed, return (from, to) for its history."""
    moved = None
    with session.no_autoflush:
        old_stage = getattr(entity, "stage_id", None)
        for key, value in clean.items():
            setattr(entity, key, value)
        if kind == "deals":
            moved = _apply_stage(session, entity, old_stage)
        if getattr(entity, "owner_id", None) is None and "owner_id" not in clean:
            entity.owner_id = current_user_id(session)
    return moved


def _apply_stage(
    session: Session, deal: Any, old_stage: uuid.UUID | None
) -> tuple[Stage | None, Stage] | None:
    """A deal's pipeline follows its stage; a changed stage is returned as (from, to).

    The history row is written once the deal is flushed (`log_stage_change`).
    """
    if deal.stage_id is None:
        deal.stage_id = _first_stage(session)
    stage = session.get(Stage, deal.stage_id)
    if stage is None:
        raise ValidationError({"stage_id": "no such stage"})
    deal.pipeline_id = stage.pipeline_id
    if not deal.currency:
        deal.currency = "USD"
    if deal.stage_id != old_stage:
        if stage.deleted_at is not None:
            raise ValidationError({"stage_id": f"the stage {stage.name!r} was removed"})
        set_stage(deal, stage)
        previous = session.get(Stage, old_stage) if old_stage is not None else None
        return previous, stage
    return None


def _replace_methods(
    session: Session,
    kind: Kind,
    parent_id: uuid.UUID,
    methods: Sequence[tuple[MethodInput, str | None]],
) -> None:
    parent = _METHOD_PARENT[kind]
    existing = {
        m.id: m
        for m in session.scalars(
            select(ContactMethod).where(parent == parent_id, ContactMethod.deleted_at.is_(None))
        )
    }
    keep: set[uuid.UUID] = set()
    for position, (method, normalized) in enumerate(methods):
        row = existing.get(method.id) if method.id is not None else None
        if row is None:
            row = ContactMethod(**{parent.key: parent_id})
            session.add(row)
        else:
            keep.add(row.id)
            normalized = _kept_key(row, method, normalized)
        if (row.kind, row.label or "", row.value, row.normalized, row.position) != (
            method.kind,
            method.label.strip(),
            method.value.strip(),
            normalized,
            position,
        ):
            row.kind = method.kind
            row.label = method.label.strip() or None
            row.value = method.value.strip()
            row.normalized = normalized
            row.position = position
    now = utcnow()
    for row_id, row in existing.items():
        if row_id not in keep:
            row.deleted_at = now  # a tombstone sync can carry


def _kept_key(row: ContactMethod, method: MethodInput, normalized: str | None) -> str | None:
    """A number saved as a valid one keeps its key while it stays as typed: it was read in
    a country (an import's, a card's) that the record itself may not name."""
    phones = (*PHONE_KINDS, MethodKind.WHATSAPP)
    if (
        row.kind in phones
        and method.kind in phones
        and row.value == method.value.strip()
        and (row.normalized or "").startswith("+")
        and not (normalized or "").startswith("+")
    ):
        return row.normalized
    return normalized


def _replace_tags(session: Session, kind: Kind, record_id: uuid.UUID, names: Sequence[str]) -> bool:
    """Set the record's tags by name, creating missing tags; True if a tag was created."""
    target = _TAG_TARGET[kind]
    cleaned = (clean_text(name, multiline=False).strip() for name in names)
    wanted = {name: None for name in cleaned if name}
    created = False
    tag_ids: dict[str, uuid.UUID] = {}
    for name in wanted:
        tag = session.scalar(select(Tag).where(Tag.name == name))
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
            created = True
        elif tag.deleted_at is not None:
            tag.deleted_at = None
            created = True
        tag_ids[name] = tag.id
    current = list(session.scalars(select(Tagging).where(target == record_id)))
    now = utcnow()
    live = set(tag_ids.values())
    have: set[uuid.UUID] = set()
    for tagging in current:
        if tagging.tag_id in live:
            have.add(tagging.tag_id)
            if tagging.deleted_at is not None:
                tagging.deleted_at = None
        elif tagging.deleted_at is None:
            tagging.deleted_at = now
    for tag_id in live - have:
        session.add(Tagging(tag_id=tag_id, **{target.key: record_id}))
    return created


# ---- deleting --------------------------------------------------------------------------------


def delete_record(
    sessions: sessionmaker[Session], kind: Kind, record_id: uuid.UUID
) -> DeleteResult:
    """Soft-delete a record; the token undoes exactly this deletion."""
    model = ENTITIES[kind]
    now = utcnow()
    with sessions.begin() as session:
        entity: Any = session.get(model, record_id)
        if entity is None or entity.deleted_at is not None:
            raise RecordNotFoundError(f"{kind} {record_id} not found")
        entity.deleted_at = now
        label = _record_label(kind, entity)
        session.flush()
        stamp = entity.deleted_at
        version = entity.version
    return DeleteResult(UndoToken(kind, record_id, stamp, label, version), _changes(kind))


def _record_label(kind: Kind, entity: Any) -> str:
    return str(
        {
            "leads": lambda: entity.person_name,
            "contacts": lambda: entity.full_name,
            "companies": lambda: entity.name,
            "deals": lambda: entity.title,
        }[kind]()
    )


def undo_delete(sessions: sessionmaker[Session], token: UndoToken) -> Changes:
    """Restore a record deleted by delete_record (only if it is still that deletion).

    A record changed since it was deleted (its version moved on) is not restored over
    that change: StaleRecordError.
    """
    model = ENTITIES[token.kind]
    with stale_as_error(), sessions.begin() as session:
        entity: Any = session.get(model, token.id, populate_existing=True)
        if entity is None or entity.deleted_at is None:
            raise RecordNotFoundError(f"{token.kind} {token.id} is not deleted")
        check_version(entity, token.version)
        entity.deleted_at = None
    return _changes(token.kind)


# ---- choices for forms -----------------------------------------------------------------------


def form_options(sessions: sessionmaker[Session]) -> FormOptions:
    from crm_desktop.services.listing import filter_options

    base = filter_options(sessions)
    with sessions() as session:
        sources = session.execute(
            select(LeadSource.id, LeadSource.name)
            .where(LeadSource.deleted_at.is_(None))
            .order_by(LeadSource.name)
        ).all()
    return FormOptions(
        owners=base.owners,
        events=base.events,
        sources=tuple(Option(str(i), name) for i, name in sources),
        stages=base.stages,
        statuses=base.statuses,
    )


def find_records(
    sessions: sessionmaker[Session], kind: Kind, text: str, limit: int = 20
) -> list[Option]:
    """Records whose name starts with text (then contains it), for reference pickers."""
    model: Any = ENTITIES[kind]
    name = {
        "leads": Lead.person_name,
        "contacts": ContactEntity.full_name,
        "companies": Company.name,
        "deals": Deal.title,
    }[kind]
    order = model.sort_key  # names as the lists order them (models/sort_keys.py)
    pattern = escape_like(clean_query(text).strip())
    found: list[Option] = []
    seen: set[uuid.UUID] = set()
    with sessions() as session:
        for like in (f"{pattern}%", f"%{pattern}%"):
            if len(found) >= limit:
                break
            rows = session.execute(
                select(model.id, name)
                .where(name.ilike(like, escape="\\"), model.deleted_at.is_(None))
                .order_by(order, model.id)
                .limit(limit)
            )
            for row_id, label in rows:
                if row_id not in seen and len(found) < limit:
                    seen.add(row_id)
                    found.append(Option(str(row_id), label))
    return found
