"""A first plan for a file: its sheet, header row, column mapping and date orders.

The wizard shows this and lets the user change every part; the command line runs it
as it is (with a mapping file on top, if given). A mapping used before for the same
headers and target is taken again; otherwise headers are matched to fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.imports.card_preview import CardPreview, card_preview
from crm_desktop.services.imports.cells import (
    CellValue,
    DateOrder,
    FlaggedRow,
    cell_text,
    date_orders,
)
from crm_desktop.services.imports.fields import IGNORE, Target, fields_of
from crm_desktop.services.imports.header import detect_header
from crm_desktop.services.imports.headers import match_headers
from crm_desktop.services.imports.plan import ImportPlan, remembered_mapping
from crm_desktop.services.imports.source import (
    FileInfo,
    ImportFileError,
    default_sheet,
    inspect_file,
    preview_rows,
)
from crm_desktop.services.imports.workbooks import check_sheet
from crm_desktop.services.settings import default_region

PREVIEW_ROWS = 200
SAMPLE_ROWS = 50


@dataclass(frozen=True)
class Prepared:
    """A file read far enough to plan its import."""

    info: FileInfo
    plan: ImportPlan
    preview: list[list[CellValue]]  # the first rows of the sheet, as read
    remembered: bool  # the mapping is the one used last time for these headers
    ambiguous_dates: dict[int, frozenset[DateOrder]]  # column -> orders that fit every value
    cards: CardPreview | None = None  # a vCard file: its first cards, as the preview


def prepare_import(
    sessions: sessionmaker[Session] | None,
    path: Path,
    target: Target = "contacts",
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    region: str | None = None,
) -> Prepared:
    """Read the start of `path` and propose a plan. ImportFileError when it is unreadable."""
    info = inspect_file(path, encoding, delimiter)
    if region is None:
        region = default_region(sessions) if sessions is not None else "CN"
    base = ImportPlan(
        path=str(info.path),
        target=target,
        encoding=info.encoding,
        delimiter=info.delimiter,
        region=region,
    )
    if info.format == "vcf":
        plan = replace(base, format="vcf")
        plan.check()
        cards = card_preview(info.path, target, region)
        return Prepared(info, plan, [], False, {}, cards)
    if sheet is not None and sheet not in info.sheets:
        raise ImportFileError(f"{info.path.name} has no sheet named {sheet!r}")
    sheet = sheet if sheet is not None else default_sheet(info)  # the plan names it
    if sheet is not None:
        # Refused now, not after the columns are mapped (the preview reads only the start);
        # a sheet of fifty thousand rows and more is measured when it is read whole.
        check_sheet(info.path, info.sha256, sheet, quick=True)
    preview = preview_rows(info, sheet, PREVIEW_ROWS)
    if not any(any(cell_text(c) for c in row) for row in preview):
        _refuse_unread(info, preview)
        raise ImportFileError(f"{info.path.name}: the sheet is empty")
    row = detect_header(preview) if header_row is None else header_row
    if 0 <= row < len(preview) and isinstance(preview[row], FlaggedRow) and not preview[row]:
        _refuse_unread(info, preview[row : row + 1], row)
    prepared = _with_header(sessions, info, replace(base, sheet=sheet), preview, row)
    if not any(any(cell_text(c) for c in r) for r in preview[row + 1 :]):
        raise ImportFileError(f"{info.path.name} has no rows under its header (row {row + 1})")
    return prepared


def _refuse_unread(info: FileInfo, rows: Sequence[Sequence[CellValue]], first: int = 0) -> None:
    """A file whose only rows (or whose header) the reader could not read: say why."""
    for number, row in enumerate(rows, start=first + 1):
        if isinstance(row, FlaggedRow):
            reason = "; ".join(reason for _column, reason in row.flags)
            raise ImportFileError(f"{info.path.name}: row {number} cannot be read: {reason}")


def _with_header(
    sessions: sessionmaker[Session] | None,
    info: FileInfo,
    base: ImportPlan,
    preview: list[list[CellValue]],
    row: int,
) -> Prepared:
    if not 0 <= row < len(preview):
        raise ImportFileError(f"{info.path.name}: there is no row {row + 1} to take as the header")
    width = max((len(r) for r in preview[row : row + 1 + SAMPLE_ROWS]), default=0)
    headers = tuple(_header_text(preview[row], i) for i in range(width))
    samples = preview[row + 1 : row + 1 + SAMPLE_ROWS]
    remembered = remembered_mapping(sessions, headers, base.target) if sessions else None
    if remembered is not None:
        columns, orders = remembered
    else:
        columns, orders = tuple(match_headers(headers, base.target, samples)), {}
        # The columns a problem sheet adds (history.save_problem_rows) are no data.
        columns = tuple(
            IGNORE if h.startswith("crm-desktop: ") else c
            for h, c in zip(headers, columns, strict=True)
        )
    ambiguous = ambiguous_date_columns(base.target, columns, preview[row + 1 :])
    plan = replace(base, headers=headers, columns=columns, header_row=row, date_orders=orders)
    plan.check()
    return Prepared(info, plan, preview, remembered is not None, ambiguous)


def with_header_row(
    sessions: sessionmaker[Session] | None, prepared: Prepared, row: int
) -> Prepared:
    """The same file with another row taken as the header (the user moved it)."""
    return _with_header(sessions, prepared.info, prepared.plan, prepared.preview, row)


def with_target(
    sessions: sessionmaker[Session] | None, prepared: Prepared, target: Target
) -> Prepared:
    """The same file mapped for another target (leads, contacts, companies, deals)."""
    plan = replace(prepared.plan, target=target, defaults={})
    if plan.format == "vcf":
        plan.check()
        cards = card_preview(prepared.info.path, target, plan.region)  # its fields differ
        return replace(prepared, plan=plan, cards=cards)
    return _with_header(sessions, prepared.info, plan, prepared.preview, plan.header_row)


def ambiguous_date_columns(
    target: Target, columns: Sequence[str], rows: Sequence[Sequence[CellValue]]
) -> dict[int, frozenset[DateOrder]]:
    """Date columns whose values read as day-month and as month-day: ask the user once."""
    known = fields_of(target)
    found: dict[int, frozenset[DateOrder]] = {}
    for index, key in enumerate(columns):
        spec = known.get(key)
        if spec is None or spec.type != "date":
            continue
        orders = date_orders(row[index] if index < len(row) else None for row in rows)
        if len(orders) > 1:
            found[index] = orders
    return found


def _header_text(row: Sequence[CellValue], index: int) -> str:
    return " ".join(cell_text(row[index]).split()) if index < len(row) else ""
