"""Names in a file turned into records: owners, events, sources, stages, companies, contacts, tags.

Owners and stages must exist (an unknown one is a problem on the row, naming the choices);
events, lead sources and tags are created when missing, as the forms do; a company or
contact person named by a row is found by name or created, marked with the import batch so
that undoing the import removes it again. Lookups are cached for the whole import: a
million rows naming 3,000 companies ask the database about each company once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_desktop.models import (
    Company,
    Contact,
    Event,
    LeadSource,
    Pipeline,
    Stage,
    Tag,
    User,
)
from crm_desktop.services.duplicates import company_key
from crm_desktop.services.normalize import fold_name

_CHUNK = 500


class UnknownName(ValueError):
    """A name in the file that matches no owner, pipeline or stage; says what exists."""


@dataclass
class PendingRow:
    """A row to insert at the end of the batch (a company or contact a row named)."""

    table: str
    values: dict[str, Any]


@dataclass
class Resolver:
    """Caches and creates the records rows refer to by name, inside the import's session."""

    session: Session
    batch_id: uuid.UUID
    owner_id: uuid.UUID | None
    now: dt.datetime
    dry_run: bool = False
    # Writes nothing (the wizard's "Find duplicates"): events, sources and tags it would
    # create get an id and a name in memory only; companies and contacts stay pending.
    read_only: bool = False
    pending: list[PendingRow] = field(default_factory=list)
    created_companies: list[uuid.UUID] = field(default_factory=list)
    created_contacts: list[uuid.UUID] = field(default_factory=list)
    created_events: bool = False
    created_tags: bool = False
    _users: dict[str, uuid.UUID] | None = None
    _events: dict[str, uuid.UUID] | None = None
    _sources: dict[str, uuid.UUID] | None = None
    _tags: dict[str, uuid.UUID] | None = None
    _stages: dict[tuple[uuid.UUID, str], tuple[uuid.UUID, bool]] | None = None
    _pipelines: dict[str, uuid.UUID] | None = None
    _default_pipeline: uuid.UUID | None = None
    _first_stage: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    _companies: dict[str, uuid.UUID] | None = None
    company_names: dict[uuid.UUID, str] = field(default_factory=dict)
    contact_names: dict[uuid.UUID, str] = field(default_factory=dict)
    _labels: dict[tuple[str, uuid.UUID], str] = field(default_factory=dict)
    _contacts: dict[tuple[str, uuid.UUID | None], uuid.UUID] = field(default_factory=dict)
    _contacts_by_name: dict[str, uuid.UUID] = field(default_factory=dict)
    _contacts_asked: set[str] = field(default_factory=set)

    # ---- owners, events, sources, tags -------------------------------------------------------

    def owner(self, name: str) -> uuid.UUID:
        if self._users is None:
            self._users = {}
            for user_id, user_name, email in self.session.execute(
                select(User.id, User.name, User.email).where(User.deleted_at.is_(None))
            ):
                self._users.setdefault(fold_name(user_name), user_id)
                if email:
                    self._users.setdefault(email.strip().lower(), user_id)
        found = self._users.get(fold_name(name))
        if found is None:
            names = sorted({n for n in self._users if "@" not in n})
            raise UnknownName(f"no user named {name!r} (users: {', '.join(names)})")
        return found

    def event(self, name: str) -> uuid.UUID:
        if self._events is None:
            self._events = {
                fold_name(n): i
                for i, n in self.session.execute(
                    select(Event.id, Event.name)
                    .where(Event.deleted_at.is_(None))
                    .order_by(Event.created_at)
                )
            }
        key = fold_name(name)
        found = self._events.get(key)
        if found is None:
            found = self._create(Event, name=" ".join(name.split()), owner_id=self.owner_id)
            self._events[key] = found
            self.created_events = True
        return found

    def source(self, name: str) -> uuid.UUID:
        if self._sources is None:
            self._sources = {
                fold_name(n): i
                for i, n in self.session.execute(
                    select(LeadSource.id, LeadSource.name).where(LeadSource.deleted_at.is_(None))
                )
            }
        key = fold_name(name)
        found = self._sources.get(key)
        if found is None:
            found = self._create(LeadSource, name=" ".join(name.split())[:200])
            self._sources[key] = found
            self.created_events = True
        return found

    def tag(self, name: str) -> uuid.UUID:
        if self._tags is None:
            self._tags = {
                fold_name(n): i
                for i, n in self.session.execute(
                    select(Tag.id, Tag.name).where(Tag.deleted_at.is_(None))
                )
            }
        key = fold_name(name)
        found = self._tags.get(key)
        if found is None:
            found = self._create(Tag, name=" ".join(name.split())[:100])
            self._tags[key] = found
            self.created_tags = True
        return found

    def label(self, column: str, record_id: uuid.UUID) -> str | None:
        """The name of the record an id column points to (for the duplicate review)."""
        if column == "company_id":
            if record_id not in self.company_names:
                self.company_names[record_id] = self._name_of(Company, Company.name, record_id)
            return self.company_names[record_id] or None
        if column == "contact_id":
            if record_id not in self.contact_names:
                name = self._name_of(Contact, Contact.full_name, record_id)
                self.contact_names[record_id] = name
            return self.contact_names[record_id] or None
        model, name_column = {
            "owner_id": (User, User.name),
            "event_id": (Event, Event.name),
            "source_id": (LeadSource, LeadSource.name),
        }[column]
        return self._name_of(model, name_column, record_id) or None

    def _name_of(self, model: Any, column: Any, record_id: uuid.UUID) -> str:
        key = (model.__tablename__, record_id)
        if key not in self._labels:
            self._labels[key] = (
                self.session.scalar(select(column).where(model.id == record_id)) or ""
            )
        return self._labels[key]

    def _create(self, model: Any, **values: Any) -> uuid.UUID:
        """Insert one small record (event, source, tag) now, in the batch's transaction."""
        new_id = uuid.uuid4()
        if self.read_only:
            self._labels[(model.__tablename__, new_id)] = str(values.get("name") or "")
            return new_id
        row = {"id": new_id, "created_at": self.now, "updated_at": self.now, "version": 1}
        self.session.execute(insert(model), [{**row, **values}])
        return new_id

    # ---- pipelines and stages -----------------------------------------------------------------

    def _load_stages(self) -> None:
        self._pipelines = {}
        self._stages = {}
        for pipeline_id, name in self.session.execute(
            select(Pipeline.id, Pipeline.name)
            .where(Pipeline.deleted_at.is_(None))
            .order_by(Pipeline.is_default.desc(), Pipeline.position)
        ):
            self._pipelines.setdefault(fold_name(name), pipeline_id)
            if self._default_pipeline is None:
                self._default_pipeline = pipeline_id
        for stage_id, pipeline_id, name, closed in self.session.execute(
            select(Stage.id, Stage.pipeline_id, Stage.name, Stage.is_won | Stage.is_lost)
            .where(Stage.deleted_at.is_(None))
            .order_by(Stage.position)
        ):
            self._stages.setdefault((pipeline_id, fold_name(name)), (stage_id, bool(closed)))
            self._first_stage.setdefault(pipeline_id, stage_id)

    def stage(self, pipeline: str | None, stage: str | None) -> tuple[uuid.UUID, uuid.UUID, bool]:
        """(pipeline id, stage id, closed) for names from the file; the first stage by default."""
        if self._stages is None or self._pipelines is None:
            self._load_stages()
        assert self._stages is not None and self._pipelines is not None
        if pipeline:
            pipeline_id = self._pipelines.get(fold_name(pipeline))
            if pipeline_id is None:
                raise UnknownName(
                    f"no pipeline named {pipeline!r} (pipelines: {', '.join(self._pipelines)})"
                )
        elif self._default_pipeline is not None:
            pipeline_id = self._default_pipeline
        else:
            raise UnknownName("the database has no pipeline")
        if not stage:
            stage_id = self._first_stage.get(pipeline_id)
            if stage_id is None:
                raise UnknownName("the pipeline has no stages")
            return pipeline_id, stage_id, False
        found = self._stages.get((pipeline_id, fold_name(stage)))
        if found is None:
            names = [name for (pid, name) in self._stages if pid == pipeline_id]
            raise UnknownName(f"no stage named {stage!r} (stages: {', '.join(names)})")
        return pipeline_id, found[0], found[1]

    # ---- companies and contact persons ---------------------------------------------------------

    def _load_companies(self) -> dict[str, uuid.UUID]:
        if self._companies is None:
            self._companies = {}
            rows = self.session.execute(
                select(Company.id, Company.name)
                .where(Company.deleted_at.is_(None))
                .order_by(Company.created_at)
            )
            for company_id, name in rows:
                key = company_key(name) or fold_name(name)
                self.company_names[company_id] = name
                if key:
                    self._companies.setdefault(key, company_id)
        return self._companies

    def find_company(self, name: str) -> uuid.UUID | None:
        key = company_key(name) or fold_name(name)
        return self._load_companies().get(key) if key else None

    def company(self, name: str, owner_id: uuid.UUID | None) -> uuid.UUID:
        """The company of this name (legal form and case do not matter), created if missing."""
        clean = " ".join(name.split())
        found = self.find_company(clean)
        if found is not None:
            return found
        new_id = uuid.uuid4()
        key = company_key(clean) or fold_name(clean)
        self._load_companies()[key] = new_id
        self.company_names[new_id] = clean
        self.pending.append(
            PendingRow("company", self._entity(new_id, name=clean, owner_id=owner_id))
        )
        self.created_companies.append(new_id)
        return new_id

    def prefetch_contacts(self, names: Iterable[str]) -> None:
        """Look up contact persons named by a batch of deal rows, in one query per 500 names."""
        wanted = sorted({" ".join(n.split()) for n in names if n} - self._contacts_asked)
        self._contacts_asked.update(wanted)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.session.execute(
                select(Contact.id, Contact.full_name, Contact.company_id)
                .where(Contact.full_name.in_(chunk), Contact.deleted_at.is_(None))
                .order_by(Contact.created_at)
            )
            for contact_id, full_name, company_id in rows:
                self.contact_names[contact_id] = full_name
                self._contacts.setdefault((fold_name(full_name), company_id), contact_id)
                self._contacts_by_name.setdefault(fold_name(full_name), contact_id)

    def contact(
        self, name: str, company_id: uuid.UUID | None, owner_id: uuid.UUID | None
    ) -> uuid.UUID:
        """The contact of this name (at the deal's company if there is one), created if missing."""
        clean = " ".join(name.split())
        key = fold_name(clean)
        if clean not in self._contacts_asked:
            self.prefetch_contacts([clean])
        found = self._contacts.get((key, company_id)) or self._contacts_by_name.get(key)
        if found is not None:
            return found
        new_id = uuid.uuid4()
        self._contacts[(key, company_id)] = new_id
        self._contacts_by_name[key] = new_id
        self.contact_names[new_id] = clean
        values = self._entity(new_id, full_name=clean, company_id=company_id, owner_id=owner_id)
        self.pending.append(PendingRow("contact", values))
        self.created_contacts.append(new_id)
        return new_id

    def _entity(self, new_id: uuid.UUID, **values: Any) -> dict[str, Any]:
        return {
            "id": new_id,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
            "import_batch_id": self.batch_id,
            **values,
        }

    def take_pending(self) -> list[PendingRow]:
        rows, self.pending = self.pending, []
        return rows
