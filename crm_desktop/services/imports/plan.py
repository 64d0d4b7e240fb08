"""What an import will do: the file, the header row, the target, the mapping and the rules.

An ImportPlan is everything the wizard or the command line decided; run_import needs
nothing else, and the batch keeps it (as JSON) so an interrupted import can be resumed
with exactly the same decisions. Mappings are also remembered per header row: the next
file with the same headers is mapped the same way without asking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Setting
from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.imports.cells import ALL_ORDERS, DateOrder
from crm_desktop.services.imports.fields import (
    CUSTOM,
    IGNORE,
    REQUIRED,
    Target,
    check_target,
    fields_of,
)

OnDuplicate = Literal["skip", "fill", "overwrite", "create", "review"]
ON_DUPLICATE: Final[tuple[OnDuplicate, ...]] = ("skip", "fill", "overwrite", "create", "review")
# A possible duplicate (a close name at the same company, or one shared e-mail or mobile and
# one conflicting: services/same_person.py) is another person until someone says otherwise.
OnPossible = Literal["create", "skip", "merge"]
ON_POSSIBLE: Final[tuple[OnPossible, ...]] = ("create", "skip", "merge")
DEFAULT_THRESHOLD: Final = 85
_MAPPING_KEY: Final = "import.mapping."


class PlanError(ValueError):
    """A plan that cannot run; the message names what is wrong."""


@dataclass(frozen=True)
class Review:
    """The user's decision on one duplicate or possible duplicate row under
    on_duplicate="review" (a possible duplicate nobody decided on follows on_possible).

    action: "skip" the row, "create" a new record anyway, or "merge" it into the match;
    when merging, `take_file` lists the fields whose file value replaces the record's.
    """

    action: Literal["skip", "create", "merge"]
    take_file: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ImportPlan:
    path: str
    target: Target
    headers: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # per column: a field key, CUSTOM or IGNORE
    format: str = ""  # "vcf" for vCards (no mapping: the card says what each value is)
    sheet: str | None = None
    header_row: int = 0  # 0-based index of the header row in the sheet
    encoding: str | None = None
    delimiter: str | None = None
    on_duplicate: OnDuplicate = "skip"  # rows that are duplicates (the same e-mail or mobile)
    on_possible: OnPossible = "create"  # rows that are possible duplicates ("merge" fills)
    threshold: int = DEFAULT_THRESHOLD  # percent; a close name at the same company
    region: str = "CN"
    date_orders: Mapping[int, DateOrder] = field(default_factory=dict)  # column -> order
    defaults: Mapping[str, str] = field(default_factory=dict)  # field -> value for empty cells
    overrides: Mapping[int, Mapping[int, str]] = field(default_factory=dict)  # row -> col -> text
    excluded: frozenset[int] = frozenset()  # sheet row numbers left out by the user
    reviews: Mapping[int, Review] = field(default_factory=dict)  # sheet row number -> decision

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def first_data_row(self) -> int:
        """The sheet row number (1-based) of the first row under the header."""
        return self.header_row + 2

    def check(self) -> None:
        """PlanError unless every column names a field of the target and the rules are known."""
        if self.format == "vcf":
            if self.target not in ("leads", "contacts"):
                raise PlanError("a vCard file holds people: import it as leads or contacts")
        elif len(self.columns) != len(self.headers):
            raise PlanError("the mapping does not cover every column")
        known = fields_of(self.target)
        for header, key in zip(self.headers, self.columns, strict=False):
            if key not in known and key not in (CUSTOM, IGNORE):
                raise PlanError(f"column {header!r}: {key!r} is no field of {self.target}")
        for key in self.defaults:
            if key not in known:
                raise PlanError(f"default for {key!r}: no field of {self.target}")
        if self.on_duplicate not in ON_DUPLICATE:
            raise PlanError(f"{self.on_duplicate!r}: use one of {', '.join(ON_DUPLICATE)}")
        if self.on_possible not in ON_POSSIBLE:
            raise PlanError(f"{self.on_possible!r}: use one of {', '.join(ON_POSSIBLE)}")
        if not 50 <= self.threshold <= 100:
            raise PlanError("the name similarity threshold must be between 50 and 100")

    def check_required(self) -> None:
        """PlanError unless some column gives what every record needs (a name, a title)."""
        if self.format == "vcf":
            return
        need = (
            {"full_name", "given_name", "family_name"}
            if self.target in ("leads", "contacts")
            else {REQUIRED[self.target]}
        )
        if need & set(self.columns) or need & set(self.defaults):
            return
        label = fields_of(self.target)[REQUIRED[self.target]].label.lower()
        shown = ", ".join(repr(h) for h in self.headers[:12] if h) or "none"
        raise PlanError(
            f"{self.file_name}: no column is mapped to the {label} (columns: {shown}); "
            "map one in the wizard or with --mapping"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "target": self.target,
            "headers": list(self.headers),
            "columns": list(self.columns),
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "on_duplicate": self.on_duplicate,
            "on_possible": self.on_possible,
            "threshold": self.threshold,
            "region": self.region,
            "date_orders": {str(k): v for k, v in self.date_orders.items()},
            "defaults": dict(self.defaults),
            "overrides": {
                str(row): {str(col): text for col, text in cells.items()}
                for row, cells in self.overrides.items()
            },
            "excluded": sorted(self.excluded),
            "reviews": {
                str(row): {"action": r.action, "take_file": sorted(r.take_file)}
                for row, r in self.reviews.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportPlan:
        try:
            return cls(
                path=str(data["path"]),
                target=check_target(str(data["target"])),
                headers=tuple(str(h) for h in data.get("headers", ())),
                columns=tuple(str(c) for c in data.get("columns", ())),
                format=str(data.get("format", "")),
                sheet=data.get("sheet"),
                header_row=int(data.get("header_row", 0)),
                encoding=data.get("encoding"),
                delimiter=data.get("delimiter"),
                on_duplicate=cast(OnDuplicate, data.get("on_duplicate", "skip")),
                on_possible=cast(OnPossible, data.get("on_possible", "create")),
                threshold=int(data.get("threshold", DEFAULT_THRESHOLD)),
                region=str(data.get("region", "CN")),
                date_orders={
                    int(k): _order(v) for k, v in dict(data.get("date_orders", {})).items()
                },
                defaults={str(k): str(v) for k, v in dict(data.get("defaults", {})).items()},
                overrides={
                    int(row): {int(col): str(text) for col, text in cells.items()}
                    for row, cells in dict(data.get("overrides", {})).items()
                },
                excluded=frozenset(int(r) for r in data.get("excluded", ())),
                reviews={
                    int(row): Review(r["action"], frozenset(r.get("take_file", ())))
                    for row, r in dict(data.get("reviews", {})).items()
                },
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanError(f"not a saved import plan ({exc})") from exc


def _order(text: str) -> DateOrder:
    if text not in ALL_ORDERS:
        raise ValueError(f"{text!r} is not a date order (DMY, MDY or YMD)")
    return text


# ---- mapping files (crm-desktop import --mapping FILE.json) ------------------------------------


_MAPPING_BYTES = 1 << 20


def read_mapping_file(path: Path, plan: ImportPlan) -> ImportPlan:
    """Apply a mapping file to a plan: {"target": ..., "columns": {header: field}, ...}.

    Columns the file does not name keep the plan's (automatic) mapping. A header the file
    names but the sheet lacks is an error, so a mapping never silently misses a column.
    """
    try:
        refuse_database_file(path)  # the database's own file: never opened (sqlite_files.py)
        if path.stat().st_size > _MAPPING_BYTES:
            raise PlanError(f"{path.name}: a mapping file this large is no mapping file")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PlanError(f"{path.name}: not a readable mapping file ({exc})") from exc
    if not isinstance(data, dict):
        raise PlanError(f"{path.name}: a mapping file holds one JSON object")
    try:
        return _apply_mapping(path, plan, data)
    except PlanError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:  # "columns": [1, 2] and the like
        raise PlanError(f"{path.name}: not a mapping file this program wrote ({exc})") from exc


def _apply_mapping(path: Path, plan: ImportPlan, data: dict[str, Any]) -> ImportPlan:
    target = check_target(str(data.get("target", plan.target)))
    columns = list(plan.columns)
    named = dict(data.get("columns", {}))
    positions = {h: i for i, h in enumerate(plan.headers)}
    for header, key in named.items():
        if header not in positions:
            raise PlanError(f"{path.name}: the file has no column {header!r}")
        columns[positions[header]] = IGNORE if key in (None, "ignore") else str(key)
    orders = {
        positions[h]: _order(str(v))
        for h, v in dict(data.get("date_orders", {})).items()
        if h in positions
    }
    result = replace(
        plan,
        target=target,
        columns=tuple(columns),
        date_orders={**plan.date_orders, **orders},
        defaults={**plan.defaults, **{str(k): str(v) for k, v in data.get("defaults", {}).items()}},
    )
    result.check()
    return result


def mapping_json(plan: ImportPlan) -> dict[str, Any]:
    """The mapping of a plan as a mapping file would hold it (by header)."""
    return {
        "target": plan.target,
        "columns": {h: c for h, c in zip(plan.headers, plan.columns, strict=False) if h},
        "date_orders": {plan.headers[c]: o for c, o in plan.date_orders.items()},
    }


# ---- remembered mappings ----------------------------------------------------------------------


def header_signature(headers: Sequence[str], target: Target) -> str:
    """The key a mapping is remembered under: the target and the headers, case and space blind."""
    text = "\x1f".join([target, *(" ".join(h.split()).casefold() for h in headers)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def remember_mapping(sessions: sessionmaker[Session], plan: ImportPlan) -> None:
    """Keep this mapping for the next file with the same headers and target."""
    if plan.format == "vcf" or not plan.headers:
        return
    key = _MAPPING_KEY + header_signature(plan.headers, plan.target)
    value = json.dumps(
        {
            "columns": list(plan.columns),
            "date_orders": {str(c): o for c, o in plan.date_orders.items()},
        },
        ensure_ascii=False,
    )
    with sessions.begin() as session:
        setting = session.scalars(select(Setting).where(Setting.key == key)).one_or_none()
        if setting is None:
            session.add(Setting(key=key, value=value))
        elif setting.value != value:
            setting.value = value


def remembered_mapping(
    sessions: sessionmaker[Session], headers: Sequence[str], target: Target
) -> tuple[tuple[str, ...], dict[int, DateOrder]] | None:
    """The mapping last used for these headers and this target, if any."""
    key = _MAPPING_KEY + header_signature(headers, target)
    with sessions() as session:
        value = session.scalars(select(Setting.value).where(Setting.key == key)).one_or_none()
    if value is None:
        return None
    try:
        data = json.loads(value)
        columns = tuple(str(c) for c in data["columns"])
        orders = {int(k): _order(v) for k, v in data.get("date_orders", {}).items()}
    except (ValueError, KeyError, TypeError):
        return None
    known = fields_of(target)
    if len(columns) != len(headers) or any(
        c not in known and c not in (CUSTOM, IGNORE) for c in columns
    ):
        return None
    return columns, orders
