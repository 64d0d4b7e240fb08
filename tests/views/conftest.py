"""The window's tests run with the translations the program installs at start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale

from crm_desktop.views.translations import install_translations


@pytest.fixture(autouse=True, scope="session")
def _translations(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    installed = install_translations(qapp, QLocale(QLocale.Language.English))
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
