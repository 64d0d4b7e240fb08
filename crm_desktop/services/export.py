"""Export leads, contacts, companies or deals to CSV, Excel (xlsx) or vCard 3.0.

Rows are streamed from one query in pages (a million contacts never sit in
memory as objects); each page fetches its contact methods and tags with one
query each. The file is written beside the target and renamed at the end, so a
failed or cancelled export never leaves half a file under the user's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import operator
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm_desktop.models import (
    Company,
    Contact,
    ContactMethod,
    Deal,
    Event,
    Lead,
    LeadSource,
    MethodKind,
    Pipeline,
    Stage,
    Tag,
    Tagging,
    User,
)
from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.phones import international_display
from crm_desktop.services.sheet_cells import quote_formula, xlsx_cells

if TYPE_CHECKING:
    AnySelect = Select[*tuple[Any, ...]]

ExportKind = Literal["contacts", "companies", "leads", "deals"]
ExportFormat = Literal["csv", "xlsx", "vcf"]
KINDS: tuple[ExportKind, ...] = ("contacts", "companies", "leads", "deals")
FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "vcf")
PEOPLE: tuple[ExportKind, ...] = ("contacts", "leads")
PAGE = 2000
SEPARATOR = "; "  # between several values in one cell (two e-mails, three tags)
Progress = Callable[[float, str], None]

_IM_KINDS = {
    MethodKind.WECHAT: "WeChat",
    MethodKind.QQ: "QQ",
    MethodKind.WHATSAPP: "WhatsApp",
    MethodKind.IM: "IM",
}


_PHONE_KINDS = frozenset((MethodKind.PHONE, MethodKind.MOBILE, MethodKind.FAX))


class ExportError(ValueError):
    """The export cannot be done as asked; the message is one line for the user."""


@dataclass(frozen=True)
class ExportReport:
    kind: str
    format: str
    path: Path
    rows: int
    seconds: float
    cancelled: bool = False


class Method(NamedTuple):
    kind: str
    label: str | None
    value: str
    normalized: str | None


@dataclass(slots=True)
class Record:
    """One exported row: its columns (derived "@" columns included), methods and tags."""

    values: dict[str, Any]
    methods: tuple[Method, ...]
    tags: tuple[str, ...]

    def get(self, key: str) -> Any:
        return self.values.get(key)


# (header, key): the key is a column of the query, or a derived value (see _cell).
COLUMNS: dict[ExportKind, tuple[tuple[str, str], ...]] = {
    "contacts": (
        ("Full name", "full_name"), ("Given name", "given_name"), ("Family name", "family_name"),
        ("Phonetic name", "phonetic_name"), ("Title", "title"), ("Company", "company"),
        ("E-mail", "@email"), ("Phone", "@phone"), ("Mobile", "@mobile"), ("Fax", "@fax"),
        ("Website", "@website"), ("IM", "@im"), ("Street", "street"), ("City", "city"),
        ("Region", "region"), ("Postal code", "postal_code"), ("Country", "country"),
        ("Birthday", "birthday"), ("Source", "source"), ("Event", "event"), ("Owner", "owner"),
        ("Tags", "@tags"), ("Notes", "notes"), ("Created", "created_at"),
        ("Updated", "updated_at"), ("ID", "id"),
    ),
    "companies": (
        ("Name", "name"), ("Website", "website"), ("Domain", "domain"), ("Industry", "industry"),
        ("E-mail", "@email"), ("Phone", "@phone"), ("Fax", "@fax"), ("Street", "street"),
        ("City", "city"), ("Region", "region"), ("Postal code", "postal_code"),
        ("Country", "country"), ("Owner", "owner"), ("Tags", "@tags"), ("Notes", "notes"),
        ("Created", "created_at"), ("Updated", "updated_at"), ("ID", "id"),
    ),
    "leads": (
        ("Name", "person_name"), ("Company", "company_name"), ("Title", "title"),
        ("Status", "status"), ("E-mail", "@email"), ("Phone", "@phone"), ("Mobile", "@mobile"),
        ("Fax", "@fax"), ("Website", "@website"), ("IM", "@im"), ("Street", "street"),
        ("City", "city"), ("Region", "region"), ("Postal code", "postal_code"),
        ("Country", "country"), ("Event", "event"), ("Source", "source"), ("Owner", "owner"),
        ("Tags", "@tags"), ("Notes", "notes"), ("Converted", "converted_at"),
        ("Created", "created_at"), ("Updated", "updated_at"), ("ID", "id"),
    ),
    "deals": (
        ("Title", "title"), ("Company", "company"), ("Contact", "contact"),
        ("Amount", "amount"), ("Currency", "currency"), ("Pipeline", "pipeline"),
        ("Stage", "stage"), ("Probability %", "@probability"),
        ("Expected close", "expected_close"), ("Closed", "closed_at"),
        ("Lost reason", "lost_reason"), ("Source", "source"), ("Event", "event"),
        ("Owner", "owner"), ("Tags", "@tags"), ("Notes", "notes"), ("Created", "created_at"),
        ("Updated", "updated_at"), ("ID", "id"),
    ),
}  # fmt: skip


def headers(kind: ExportKind) -> list[str]:
    return [header for header, _ in COLUMNS[kind]]


def check_request(kind: str, fmt: str) -> tuple[ExportKind, ExportFormat]:
    """Validate a kind and a format before any file or database is touched."""
    if kind not in KINDS:
        raise ExportError(f"cannot export '{kind}': choose one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
    if fmt == "vcf" and kind not in PEOPLE:
        raise ExportError(f"vCard export is for people (contacts or leads), not {kind}")
    return kind, fmt


def export_records(
    sessions: sessionmaker[Session],
    kind: str,
    fmt: str,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ExportReport:
    """Write every live record of `kind` to `path` in `fmt` (csv, xlsx or vcf)."""
    checked_kind, checked_fmt = check_request(kind, fmt)
    target = Path(path)
    started = time.monotonic()
    report = progress or _silent
    partial = target.with_name(f".{target.name}.part")
    try:
        refuse_database_file(target)  # replacing it would destroy the database
        sink = _open_sink(checked_fmt, checked_kind, partial)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    written = 0
    cancelled = False
    try:
        with sessions() as session:
            total = _count(session, checked_kind)
            report(0.0, f"Exporting {total:,} {checked_kind}")
            for page in _pages(session, checked_kind):
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                for record in page:
                    sink.write(record)
                written += len(page)
                report(written / total if total else 1.0, f"{written:,}/{total:,} {checked_kind}")
        sink.close()
        if cancelled:
            partial.unlink(missing_ok=True)
        else:
            os.replace(partial, target)
    except BaseException:
        sink.abort()
        partial.unlink(missing_ok=True)
        raise
    report(1.0, "Cancelled" if cancelled else "Done")
    return ExportReport(
        checked_kind, checked_fmt, target, written, time.monotonic() - started, cancelled
    )


def _silent(_fraction: float, _message: str = "") -> None:
    pass


# ---- reading ----------------------------------------------------------------------------------


def _base_query(kind: ExportKind) -> AnySelect:
    owner = aliased(User)
    event = aliased(Event)
    source = aliased(LeadSource)
    if kind == "contacts":
        company = aliased(Company)
        return (
            select(
                Contact.id,
                Contact.full_name,
                Contact.given_name,
                Contact.family_name,
                Contact.phonetic_name,
                Contact.title,
                company.name.label("company"),
                Contact.street,
                Contact.city,
                Contact.region,
                Contact.postal_code,
                Contact.country,
                Contact.birthday,
                source.name.label("source"),
                event.name.label("event"),
                owner.name.label("owner"),
                Contact.notes,
                Contact.created_at,
                Contact.updated_at,
            )
            .outerjoin(company, (company.id == Contact.company_id) & company.deleted_at.is_(None))
            .outerjoin(source, source.id == Contact.source_id)
            .outerjoin(event, event.id == Contact.event_id)
            .outerjoin(owner, owner.id == Contact.owner_id)
            .where(Contact.deleted_at.is_(None))
            .order_by(Contact.sort_key, Contact.id)
        )
    if kind == "companies":
        return (
            select(
                Company.id,
                Company.name,
                Company.website,
                Company.domain,
                Company.industry,
                Company.street,
                Company.city,
                Company.region,
                Company.postal_code,
                Company.country,
                owner.name.label("owner"),
                Company.notes,
                Company.created_at,
                Company.updated_at,
            )
            .outerjoin(owner, owner.id == Company.owner_id)
            .where(Company.deleted_at.is_(None))
            .order_by(Company.sort_key, Company.id)
        )
    if kind == "leads":
        return (
            select(
                Lead.id,
                Lead.person_name,
                Lead.company_name,
                Lead.title,
                Lead.status,
                Lead.street,
                Lead.city,
                Lead.region,
                Lead.postal_code,
                Lead.country,
                event.name.label("event"),
                source.name.label("source"),
                owner.name.label("owner"),
                Lead.notes,
                Lead.converted_at,
                Lead.created_at,
                Lead.updated_at,
            )
            .outerjoin(source, source.id == Lead.source_id)
            .outerjoin(event, event.id == Lead.event_id)
            .outerjoin(owner, owner.id == Lead.owner_id)
            .where(Lead.deleted_at.is_(None))
            .order_by(Lead.sort_key, Lead.id)
        )
    company = aliased(Company)
    contact = aliased(Contact)
    return (
        select(
            Deal.id,
            Deal.title,
            company.name.label("company"),
            contact.full_name.label("contact"),
            Deal.amount,
            Deal.currency,
            Pipeline.name.label("pipeline"),
            Stage.name.label("stage"),
            Deal.probability,
            Stage.probability.label("stage_probability"),
            Deal.expected_close,
            Deal.closed_at,
            Deal.lost_reason,
            source.name.label("source"),
            event.name.label("event"),
            owner.name.label("owner"),
            Deal.notes,
            Deal.created_at,
            Deal.updated_at,
        )
        .outerjoin(company, (company.id == Deal.company_id) & company.deleted_at.is_(None))
        .outerjoin(contact, (contact.id == Deal.contact_id) & contact.deleted_at.is_(None))
        .outerjoin(Pipeline, Pipeline.id == Deal.pipeline_id)
        .outerjoin(Stage, Stage.id == Deal.stage_id)
        .outerjoin(source, source.id == Deal.source_id)
        .outerjoin(event, event.id == Deal.event_id)
        .outerjoin(owner, owner.id == Deal.owner_id)
        .where(Deal.deleted_at.is_(None))
        .order_by(Deal.sort_key, Deal.id)
    )


_ENTITY = {"contacts": Contact, "companies": Company, "leads": Lead, "deals": Deal}
_METHOD_OWNER = {
    "contacts": ContactMethod.contact_id,
    "companies": ContactMethod.company_id,
    "leads": ContactMethod.lead_id,
}
_TAG_TARGET = {
    "contacts": Tagging.contact_id,
    "companies": Tagging.company_id,
    "leads": Tagging.lead_id,
    "deals": Tagging.deal_id,
}


def _count(session: Session, kind: ExportKind) -> int:
    entity = _ENTITY[kind]
    stmt = select(func.count()).select_from(entity).where(entity.deleted_at.is_(None))
    return int(session.scalar(stmt) or 0)


def _pages(session: Session, kind: ExportKind) -> Iterator[list[Record]]:
    """Records in pages of PAGE, from one streamed query (a server-side cursor on PostgreSQL)."""
    stmt = _base_query(kind)
    connection = session.connection()
    result = connection.execution_options(yield_per=PAGE).execute(stmt)
    for rows in result.mappings().partitions(PAGE):
        ids = [row["id"] for row in rows]
        methods = _methods(session, kind, ids)
        tags = _tags(session, kind, ids)
        page = []
        for row in rows:
            values = dict(row)
            own = tuple(methods.get(values["id"], ()))
            labels = tuple(tags.get(values["id"], ()))
            derive(values, own, labels)
            page.append(Record(values, own, labels))
        yield page


def _methods(session: Session, kind: ExportKind, ids: list[uuid.UUID]) -> dict[Any, list[Method]]:
    found: dict[Any, list[Method]] = defaultdict(list)
    owner = _METHOD_OWNER.get(kind)
    if owner is None or not ids:
        return found
    stmt = (
        select(
            owner,
            ContactMethod.kind,
            ContactMethod.label,
            ContactMethod.value,
            ContactMethod.normalized,
        )
        .where(owner.in_(ids), ContactMethod.deleted_at.is_(None))
        .order_by(owner, ContactMethod.position)
    )
    for parent, method_kind, label, value, normalized in session.execute(stmt):
        found[parent].append(Method(method_kind, label, value, normalized))
    return found


def _tags(session: Session, kind: ExportKind, ids: list[uuid.UUID]) -> dict[Any, list[str]]:
    found: dict[Any, list[str]] = defaultdict(list)
    target = _TAG_TARGET[kind]
    if not ids:
        return found
    stmt = (
        select(target, Tag.name)
        .join(Tag, Tag.id == Tagging.tag_id)
        .where(target.in_(ids), Tagging.deleted_at.is_(None), Tag.deleted_at.is_(None))
        .order_by(target, Tag.name)
    )
    for parent, name in session.execute(stmt):
        if name not in found[parent]:
            found[parent].append(name)
    return found


# ---- cells ------------------------------------------------------------------------------------


def derive(values: dict[str, Any], methods: Sequence[Method], tags: Sequence[str]) -> None:
    """Add the derived "@" columns: methods of a kind and tags joined by '; '."""
    by_kind: dict[str, list[str]] = {}
    for method in methods:
        if method.kind in _IM_KINDS:
            text = f"{_IM_KINDS[MethodKind(method.kind)]}: {method.value}"
            by_kind.setdefault("im", []).append(text)
        elif method.kind in _PHONE_KINDS:
            # Formatted, and international always: the file may be imported into a database
            # of another region, and "+49 176 95455361" reads back to the same number anywhere.
            shown = international_display(method.value, method.normalized)
            by_kind.setdefault(method.kind, []).append(shown)
        else:
            by_kind.setdefault(method.kind, []).append(method.value)
    for name in ("email", "phone", "mobile", "fax", "website", "im"):
        found = by_kind.get(name)
        values["@" + name] = SEPARATOR.join(found) if found else None
    values["@tags"] = SEPARATOR.join(tags) if tags else None
    if "stage_probability" in values:
        own = values["probability"]
        values["@probability"] = own if own is not None else values["stage_probability"]


def text_of(value: Any) -> str:
    """A value as CSV text: ISO dates, UTC times to the second, exact decimals."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        stamp: str = value.isoformat(" ", "seconds")
        return stamp[:19]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


# ---- writers ----------------------------------------------------------------------------------


class _Sink(Protocol):
    def write(self, record: Record) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


class _CsvSink:
    """UTF-8 with a BOM, so Excel shows Chinese and umlauts right when it opens the file."""

    def __init__(self, kind: ExportKind, path: Path) -> None:
        self._row = operator.itemgetter(*(key for _, key in COLUMNS[kind]))
        self._file: IO[str] = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(headers(kind))

    def write(self, record: Record) -> None:
        # Text is quoted against formulas; amounts and dates (not str) are plain values.
        self._writer.writerow(
            [quote_formula(v) if type(v) is str else text_of(v) for v in self._row(record.values)]
        )

    def close(self) -> None:
        self._file.close()

    def abort(self) -> None:
        self._file.close()


class _XlsxSink:
    """openpyxl in write-only mode: rows go to disk as they come, fast for a million."""

    def __init__(self, kind: ExportKind, path: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        self._path = path
        self._row = operator.itemgetter(*(key for _, key in COLUMNS[kind]))
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(kind.capitalize())
        self._sheet.freeze_panes = "A2"
        self._cell = xlsx_cells(self._sheet)
        bold = Font(bold=True)
        header = []
        for title in headers(kind):
            c = self._cell(title)
            c.font = bold
            header.append(c)
        self._sheet.append(header)
        path.touch()  # fail now, not after a million rows, when the folder is not writable

    def write(self, record: Record) -> None:
        self._sheet.append([self._cell(_xlsx_value(v)) for v in self._row(record.values)])

    def close(self) -> None:
        self._book.save(self._path)

    def abort(self) -> None:
        self._book.close()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class _VcfSink:
    """vCard 3.0, one card per person, written with vobject."""

    def __init__(self, kind: ExportKind, path: Path) -> None:
        from crm_desktop.services.vcard_out import person_vcard

        self._card = person_vcard
        self._kind = kind
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")

    def write(self, record: Record) -> None:
        self._file.write(self._card(record, lead=self._kind == "leads"))

    def close(self) -> None:
        self._file.close()

    def abort(self) -> None:
        self._file.close()


def _open_sink(fmt: ExportFormat, kind: ExportKind, path: Path) -> _Sink:
    if fmt == "csv":
        return _CsvSink(kind, path)
    if fmt == "xlsx":
        return _XlsxSink(kind, path)
    return _VcfSink(kind, path)
