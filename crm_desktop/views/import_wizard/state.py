"""What the wizard's pages share: the file as prepared, the plan the user shapes, the report.

Each page reads the plan when it is shown and writes its part back (mapping, fixes,
duplicate rule, reviews); nothing else holds import state. Questions go through the
injected Prompts, file dialogs through the injected FileChooser, so tests drive the
wizard without modal boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.services.events import list_events, list_sources, list_users
from crm_desktop.services.imports.plan import ImportPlan, PlanError
from crm_desktop.services.imports.prepare import Prepared
from crm_desktop.services.imports.run import ImportReport
from crm_desktop.services.imports.source import ImportFileError
from crm_desktop.services.imports.undo import UndoCancelled, UndoError
from crm_desktop.views.dialogs import Prompts
from crm_desktop.views.file_dialogs import ask_open_file, ask_save_file

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #c62828;"

# The wizard's page ids, in order.
FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, DUPLICATES_PAGE, RUN_PAGE, SUMMARY_PAGE = range(6)

OPEN_FILTER = (
    "Import files (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt *.vcf *.vcard);;All files (*)"
)


class FileChooser(Protocol):
    """Open and save file dialogs (tests pass one that answers without a dialog)."""

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None: ...

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> Path | None: ...


class QtFileChooser:
    """The real thing: Qt's file dialogs, which never open the database's files
    (views/file_dialogs.py)."""

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None:
        return ask_open_file(parent, title, filters)

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> Path | None:
        return ask_save_file(parent, title, suggested, filters)


@dataclass(frozen=True)
class Choices:
    """The names the "values for every row" boxes offer."""

    events: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)


def load_choices(sessions: sessionmaker[Session]) -> Choices:
    """Runs off the GUI thread."""
    return Choices(
        [e.name for e in list_events(sessions)],
        [s.name for s in list_sources(sessions)],
        [u.name for u in list_users(sessions)],
    )


class WizardState:
    def __init__(
        self, sessions: sessionmaker[Session], prompts: Prompts, files: FileChooser
    ) -> None:
        self.sessions = sessions
        self.prompts = prompts
        self.files = files
        self.prepared: Prepared | None = None
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.choices: Choices | None = None

    def require_plan(self) -> ImportPlan:
        if self.plan is None:
            raise RuntimeError("no file is prepared yet")
        return self.plan

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        """A background task failed: log it and tell the user (never raised into Qt)."""
        log.error("%s: %s", title, message)
        self.prompts.show_error(parent, title, message)


@dataclass(frozen=True)
class Refused:
    """A file or plan the services refused, with their one-line reason (shown on the page)."""

    message: str


def attempt(*, service: Callable[..., Any], **kwargs: Any) -> Any:
    """service(**kwargs), or Refused(reason) when the file cannot be read or the plan is wrong.

    Runs off the GUI thread. Other errors propagate: the worker reports them as failures.
    """
    try:
        return service(**kwargs)
    except (ImportFileError, PlanError, UndoError, UndoCancelled) as exc:
        return Refused(str(exc))
