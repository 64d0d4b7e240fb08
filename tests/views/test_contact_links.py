"""E-mail addresses and phone numbers open the mail program and the dialer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from test_main_window import FakePrompts, _add_contacts, _settle

from crm_desktop.models.database import Database
from crm_desktop.services.records import MethodInput, save_record
from crm_desktop.views.contact_links import contact_url
from crm_desktop.views.main_window import MainWindow


class Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened():
    catcher = Opened()
    for scheme in ("mailto", "tel", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("mailto", "tel", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.mark.parametrize(
    ("kind", "value", "normalized", "url"),
    [
        ("email", "Anna@Acme.de", "anna@acme.de", "mailto:anna@acme.de"),
        ("email", "not an address", None, None),
        ("phone", "+49 (30) 1234-56", "+4930123456", "tel:+4930123456"),
        ("mobile", "138 0013 8000", None, "tel:13800138000"),
        ("website", "acme.de", None, "https://acme.de"),
        ("wechat", "wxid_123", None, None),
        ("phone", "", None, None),
    ],
)
def test_contact_url(kind: str, value: str, normalized: str | None, url: str | None) -> None:
    found = contact_url(kind, value, normalized)
    assert (found.toString() if found else None) == url


def test_form_buttons_open_mail_and_dialer(
    qtbot, sqlite_db: Database, tmp_path: Path, opened: Opened
) -> None:
    detail = save_record(
        sqlite_db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "王小明"},
        methods=[
            MethodInput("email", "wang@example.cn"),
            MethodInput("mobile", "+86 138 0013 8000"),
        ],
    ).detail
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.show_record("contacts", detail.id)
    form = window.list_pages["contacts"].form
    qtbot.waitUntil(lambda: form.methods.row_count() == 2)
    form.methods.row_widgets(0).open.click()
    form.methods.row_widgets(1).open.click()
    qtbot.waitUntil(lambda: len(opened.urls) == 2)
    assert opened.urls == ["mailto:wang@example.cn", "tel:+8613800138000"]


def test_list_row_menu_offers_mail_and_call(
    qtbot, sqlite_db: Database, tmp_path: Path, opened: Opened
) -> None:
    _add_contacts(sqlite_db, "Anna")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, prompts=FakePrompts(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.show_page("contacts")
    _settle(qtbot, window)
    page = window.list_pages["contacts"]
    qtbot.waitUntil(lambda: page.model.index(0, 0).data() == "Anna")
    menu = page.row_menu(0)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Write an e-mail to 0@example.com"]
    menu.actions()[0].trigger()
    assert opened.urls == ["mailto:0@example.com"]
