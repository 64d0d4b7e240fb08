"""One row of a sheet, under a mapping, as a record to import, with every problem named.

No database here: the preview and the validation scan run this alone. Names of owners,
events, companies and stages stay names; the resolver turns them into records when the
import runs. A row with a problem is not imported: the report lists it with its sheet
row number, the column and the reason, and the cells as read, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from crm_desktop.services.card_data import join_name
from crm_desktop.services.cleaning import clean_text
from crm_desktop.services.imports import values as conv
from crm_desktop.services.imports.cells import (
    CellValue,
    DateOrder,
    FlaggedRow,
    cell_date,
    cell_text,
)
from crm_desktop.services.imports.fields import (
    CUSTOM,
    IGNORE,
    REQUIRED,
    ImportField,
    Target,
    fields_of,
)
from crm_desktop.services.imports.plan import ImportPlan
from crm_desktop.services.phone_country import guess_region
from crm_desktop.services.phones import carries_country, read_phone

PEOPLE: Final = frozenset(("leads", "contacts"))
PHONE_KINDS: Final = frozenset(("phone", "mobile", "fax", "whatsapp"))
_ADDRESS_PARTS: Final = frozenset(("street", "city", "region"))


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row is not imported: the column (or field) and the reason."""

    field: str
    reason: str


@dataclass(slots=True)
class MethodValue:
    kind: str  # a MethodKind value
    value: str  # as written in the file
    normalized: str | None
    label: str | None = None


@dataclass(slots=True)
class RowRecord:
    """A row turned into field values (names of referenced records still as text)."""

    row: int  # the sheet row number (1-based), or the card number in a vCard file
    values: dict[str, Any] = field(default_factory=dict)
    methods: list[MethodValue] = field(default_factory=list)
    custom: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    photo: bytes | None = None
    problems: list[Problem] = field(default_factory=list)
    # Imported, but the user should look: a phone number kept as written, or read with a guess.
    flags: list[Problem] = field(default_factory=list)
    raw: Sequence[CellValue] = ()
    blank: bool = False
    group: bool = False  # a vCard contact group: not a person, skipped and counted

    @property
    def cells(self) -> list[str]:
        """The row as text, as a person reads it (for the problem list and sheet)."""
        return [cell_text(cell) for cell in self.raw]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.blank and not self.group

    def name(self, target: Target) -> str:
        return str(self.values.get(REQUIRED[target]) or "")


@dataclass(frozen=True, slots=True)
class _PendingPhone:
    index: int  # in record.methods
    header: str
    numeric: bool  # the cell was a spreadsheet number (no "+" or leading 0 left in it)


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    field: ImportField | None  # None: CUSTOM
    order: DateOrder | None
    label: str | None  # the method label: the header, when several columns share a kind


class RowTransformer:
    """Turns the rows of one sheet into RowRecords under an ImportPlan."""

    def __init__(self, plan: ImportPlan, date1904: bool = False) -> None:
        self.plan = plan
        self.target: Target = plan.target
        self.date1904 = date1904
        self.region = plan.region
        known = fields_of(plan.target)
        shared: dict[str, int] = {}
        for key in plan.columns:
            shared[key] = shared.get(key, 0) + 1
        columns: list[_Column] = []
        custom_names: dict[str, int] = {}
        for index, (header, key) in enumerate(zip(plan.headers, plan.columns, strict=False)):
            if key == IGNORE:
                continue
            if key == CUSTOM:
                name = header.strip() or f"Column {index + 1}"
                custom_names[name] = custom_names.get(name, 0) + 1
                if custom_names[name] > 1:
                    name = f"{name} ({custom_names[name]})"
                columns.append(_Column(index, name, None, None, None))
                continue
            spec = known[key]
            label = header.strip() if spec.type == "method" and shared[key] > 1 else None
            columns.append(_Column(index, header, spec, plan.date_orders.get(index), label))
        self._columns = columns
        self._defaults = {k: v for k, v in plan.defaults.items() if v.strip()}
        self._fields = known

    def transform(self, number: int, row: Sequence[CellValue]) -> RowRecord:
        """The record of sheet row `number` (1-based), with the user's cell fixes applied."""
        fixes = self.plan.overrides.get(number)
        cells: list[CellValue] = list(row)
        if fixes:
            width = max(fixes) + 1
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
            for index, fixed in fixes.items():
                cells[index] = fixed
        record = RowRecord(number, raw=cells)
        if isinstance(row, FlaggedRow) and self._unread(record, row, fixes or {}):
            return record
        if all(c is None or (type(c) is str and not c.strip()) for c in cells):
            record.blank = True
            return record
        texts: dict[str, list[str]] = {}
        phones: list[_PendingPhone] = []
        width = len(cells)
        for column in self._columns:
            value = cells[column.index] if column.index < width else None
            if value is None:
                continue
            text = value.strip() if type(value) is str and "\r" not in value else cell_text(value)
            if not text:
                continue
            spec = column.field
            # Line breaks and tabs stay only where the field may hold them (and the user's
            # fixes, typed in the wizard, are cleaned like the file's cells).
            text = clean_text(text, multiline=spec is None or spec.type == "multiline")
            if spec is None:
                record.custom[column.header] = text
            elif spec.type == "method":
                numeric = type(value) is int or type(value) is float
                self._methods(record, column, spec.key, text, numeric, phones)
            elif spec.type == "tags":
                record.tags.extend(t for t in conv.split_tags(text) if t not in record.tags)
            elif spec.type == "date":
                self._date(record, column, spec.key, value)
            elif spec.type in _CONVERTERS:
                _convert(record, column, spec.key, text, _CONVERTERS[spec.type])
            else:
                texts.setdefault(spec.key, []).append(text)
        for key, parts in texts.items():
            record.values[key] = _join(self._fields[key], parts)
        if phones:
            self._read_phones(record, phones)
        apply_defaults(record, self._defaults, self._fields)
        if self.target in PEOPLE:
            self._names(record)
        self._check_lengths(record)
        required = REQUIRED[self.target]
        if not record.values.get(required):
            record.problems.append(Problem(self._fields[required].label, _missing(self.target)))
        return record

    # ---- pieces ----------------------------------------------------------------------------

    def _unread(self, record: RowRecord, row: FlaggedRow, fixes: Mapping[int, Any]) -> bool:
        """The reader's reasons for not importing the row, as problems; a cell the user has
        fixed no longer counts. True when a reason is left."""
        headers = self.plan.headers
        for column, reason in row.flags:
            if column is not None and column in fixes:
                continue
            named = headers[column] if column is not None and column < len(headers) else ""
            label = named or (f"Column {column + 1}" if column is not None else "")
            record.problems.append(Problem(label, reason))
        return bool(record.problems)

    def _methods(
        self,
        record: RowRecord,
        column: _Column,
        kind: str,
        text: str,
        numeric: bool,
        phones: list[_PendingPhone],
    ) -> None:
        parts = conv.split_emails(text) if kind == "email" else conv.split_multi(text)
        for part in parts:
            if kind in PHONE_KINDS:
                # Read once the row's country is known (a Country column may come later).
                phones.append(_PendingPhone(len(record.methods), column.header, numeric))
                record.methods.append(MethodValue(kind, part, None, column.label))
                continue
            try:
                normalized = _normalize_method(kind, part)
            except ValueError as exc:
                record.problems.append(Problem(column.header, f"{part!r}: {exc}"))
                continue
            record.methods.append(MethodValue(kind, part, normalized, column.label))

    def _read_phones(self, record: RowRecord, pending: list[_PendingPhone]) -> None:
        """The row's numbers, read in the row's country: its Country column, else the one
        country its "+" numbers name, else the import's."""
        methods = record.methods
        # A "+" number names its own country whatever the row's is: read those once.
        own = {
            p.index: read_phone(methods[p.index].value, self.region)
            for p in pending
            if carries_country(methods[p.index].value)
        }
        country = str(record.values.get("country") or "")
        carried = {n.region for n in own.values() if n.valid}
        region = self.region
        if country or carried:
            region = guess_region(self.region, country=country, carried=carried).region
        refused: list[int] = []
        for phone in pending:
            method = methods[phone.index]
            number = own.get(phone.index) or read_phone(
                method.value, region, number_cell=phone.numeric
            )
            if number.status == "refused":
                record.problems.append(Problem(phone.header, f"{method.value!r}: {number.problem}"))
                refused.append(phone.index)
                continue
            if number.flag is not None:
                record.flags.append(Problem(phone.header, f"{method.value!r}: {number.flag}"))
            method.normalized = number.key
            if method.kind == "phone" and number.valid and conv.is_cn_mobile(number.key or ""):
                method.kind = "mobile"
        if refused:
            record.methods = [m for i, m in enumerate(methods) if i not in refused]

    def _date(self, record: RowRecord, column: _Column, key: str, value: CellValue) -> None:
        try:
            day = cell_date(value, column.order, self.date1904)
        except ValueError as exc:
            record.problems.append(Problem(column.header, str(exc)))
            return
        if day is not None:
            record.values[key] = day

    def _names(self, record: RowRecord) -> None:
        values = record.values
        given = str(values.get("given_name") or "")
        middle = str(values.pop("middle_name", "") or "")
        family = str(values.get("family_name") or "")
        if middle:
            given = f"{given} {middle}".strip()
            values["given_name"] = given
        full = str(values.get("full_name") or "")
        if not full and (given or family):
            values["full_name"] = join_name(given, family)
        elif full and not (given or family):
            kept, first, last = conv.split_full_name(full)
            values["full_name"] = kept
            if first or last:
                values["given_name"], values["family_name"] = first, last
        if self.target == "leads":  # leads keep the name whole
            values.pop("given_name", None)
            values.pop("family_name", None)

    def _check_lengths(self, record: RowRecord) -> None:
        for key, value in record.values.items():
            spec = self._fields.get(key)
            if spec and spec.max_length and isinstance(value, str) and len(value) > spec.max_length:
                record.problems.append(
                    Problem(spec.label, f"longer than {spec.max_length} characters")
                )


def apply_defaults(
    record: RowRecord, defaults: Mapping[str, str], fields: Mapping[str, ImportField]
) -> None:
    """The values chosen for every row (event, source, owner, tags) where the row has none."""
    for key, text in defaults.items():
        spec = fields[key]
        if not text.strip():
            continue
        if spec.type == "tags":
            record.tags.extend(t for t in conv.split_tags(text) if t not in record.tags)
        elif key not in record.values:
            column = _Column(-1, spec.label, spec, None, None)
            if spec.type in _CONVERTERS:
                _convert(record, column, key, text, _CONVERTERS[spec.type])
            else:
                record.values[key] = text


def _normalize_method(kind: str, text: str) -> str | None:
    """The normalized form of an e-mail, website or IM handle (phones: _read_phones)."""
    if kind == "email":
        return conv.email_key(text)
    if kind == "website":
        return conv.website_key(text)
    return conv.im_key(text)


_CONVERTERS: Final[dict[str, Callable[[str], Any]]] = {
    "decimal": conv.amount,
    "percent": conv.percent,
    "currency": conv.currency,
    "status": conv.lead_status,
}


def _convert(
    record: RowRecord, column: _Column, key: str, text: str, fn: Callable[[str], Any]
) -> None:
    try:
        record.values[key] = fn(text)
    except ValueError as exc:
        record.problems.append(Problem(column.header, str(exc)))


def _join(spec: ImportField, parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    if spec.key in _ADDRESS_PARTS and all(conv.has_cjk(p) for p in parts):
        return "".join(parts)  # 广东省 + 深圳市 + 南山区: Chinese address parts run together
    return spec.joiner.join(parts)


def _missing(target: Target) -> str:
    return {
        "leads": "no name: a lead needs the person's name",
        "contacts": "no name: a contact needs the person's name",
        "companies": "no company name",
        "deals": "no deal title",
    }[target]


def record_summary(record: RowRecord, target: Target) -> Mapping[str, Any]:
    """The record's values for a preview table: field key -> text (methods by kind)."""
    shown: dict[str, Any] = {
        k: v.isoformat() if isinstance(v, dt.date) else v for k, v in record.values.items()
    }
    for method in record.methods:
        key = method.kind
        shown[key] = f"{shown[key]}; {method.value}" if key in shown else method.value
    if record.tags:
        shown["tags"] = "; ".join(record.tags)
    return shown
