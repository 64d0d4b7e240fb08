"""Helpers for the import wizard tests: scripted prompts and file dialogs, and page moves."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QWidget, QWizard

from crm_desktop.models.database import Database
from crm_desktop.services.records import MethodInput, save_record
from crm_desktop.views.import_wizard import ImportWizard

PEOPLE_CSV = (
    "Name,Company,E-mail,Mobile,City,Remarks\n"
    "王小明,深圳华信电子有限公司,xiaoming@huaxin.cn,13800138000,深圳,老客户\n"
    "Anna Berg,Acme GmbH,anna@acme.de,+49 151 12345678,Berlin,met at CES\n"
    "李娜,深圳华信电子有限公司,li.na@huaxin,13900139000,深圳,\n"
    "José García,Sol S.L.,jose@sol.es,+34 600 123 456,Madrid,\n"
    "Test Row,,not-an-email,,,\n"
)

VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nORG:Acme GmbH\r\n"
    "EMAIL:anna@schmidt.de\r\nTEL;TYPE=CELL:+49 171 2345678\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王小明\r\nORG:华为\r\nTEL:+86 138 0013 8000\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nKIND:group\r\nFN:Booth team\r\nEND:VCARD\r\n"
)


class ScriptedPrompts:
    """Answers yes/no questions from a script and records everything it was shown."""

    def __init__(self, *answers: bool) -> None:
        self.answers = deque(answers)
        self.questions: list[str] = []
        self.errors: list[str] = []
        self.infos: list[str] = []

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.questions.append(text)
        if not self.answers:
            raise AssertionError(f"unexpected question: {text}")
        return self.answers.popleft()

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.errors.append(text)

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.infos.append(text)


class ScriptedFiles:
    """The file dialogs, answered with fixed paths."""

    def __init__(self, open_path: Path | None = None, save_path: Path | None = None) -> None:
        self.open_path = open_path
        self.save_path = save_path
        self.asked: list[str] = []

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None:
        self.asked.append(title)
        return self.open_path

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> Path | None:
        self.asked.append(suggested)
        return self.save_path


def add_contact(db: Database, name: str, email: str, **values: str) -> None:
    save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {"full_name": name, **values},
        methods=[MethodInput("email", email)],
    )


def open_wizard(qtbot, db: Database, path: Path | None, prompts=None, files=None) -> ImportWizard:  # type: ignore[no-untyped-def]
    wizard = ImportWizard(
        db.sessions, prompts or ScriptedPrompts(), files or ScriptedFiles(), None, path
    )
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def forward_button(wizard: QWizard) -> QAbstractButton:
    """Next, or Import on the commit page."""
    page = wizard.currentPage()
    which = (
        QWizard.WizardButton.CommitButton
        if page is not None and page.isCommitPage()
        else QWizard.WizardButton.NextButton
    )
    button = wizard.button(which)
    assert button is not None
    return button


def go_next(qtbot, wizard: QWizard, expect: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page lets the user go on, click Next (or Import), land on `expect`."""
    qtbot.waitUntil(
        lambda: forward_button(wizard).isEnabled() and forward_button(wizard).isVisible()
    )
    forward_button(wizard).click()
    qtbot.waitUntil(lambda: wizard.currentId() == expect)
