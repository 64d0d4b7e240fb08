"""Counts read as English ("1 record", "2 records", "1,000,000 records"), and the
translations are built from the texts in the code (scripts/translations.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from crm_desktop.views.translations import FOLDER

ROOT = Path(__file__).resolve().parents[2]
_COUNTED = re.compile(r'"([^"\n]*%L?n[^"\n]*)"')


def _english() -> dict[str, list[str]]:
    root = ET.parse(FOLDER / "crm_en.ts").getroot()
    return {
        m.findtext("source") or "": [f.text or "" for f in m.iter("numerusform")]
        for m in root.iter("message")
    }


def test_every_counted_text_has_its_english_forms() -> None:
    english = _english()
    texts = {
        text
        for path in (ROOT / "crm_desktop" / "views").rglob("*.py")
        for text in _COUNTED.findall(path.read_text(encoding="utf-8"))
    }
    assert texts
    # A text split over lines is found by its first part.
    done = [source for source, forms in english.items() if forms and all(forms)]
    missing = sorted(t for t in texts if not any(source.startswith(t) for source in done))
    assert not missing, "run scripts/translations.py (or simplify the tr() call): " + repr(missing)


def test_the_qm_files_are_built_from_the_ts_files(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease not installed")
    for ts in FOLDER.glob("crm_*.ts"):
        built = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(built)], check=True)
        assert built.read_bytes() == ts.with_suffix(".qm").read_bytes(), ts.name


@pytest.mark.parametrize(
    ("context", "source", "n", "shown"),
    [
        ("MainWindow", "%Ln record(s)", 1, "1 record"),
        ("MainWindow", "%Ln record(s)", 0, "0 records"),
        ("MainWindow", "%Ln record(s)", 1_000_000, "1,000,000 records"),
        ("UndoFlow", "%n company(ies)", 1, "1 company"),
        ("UndoFlow", "%n company(ies)", 12_345, "12,345 companies"),
        ("PipelineBoard", "%n open deal(s)", 1, "1 open deal"),
        (
            "UndoFlow",
            "%n record(s) were edited after the import:",
            1,
            "1 record was edited after the import:",
        ),
    ],
)
def test_counts_have_singular_plural_and_separators(
    context: str, source: str, n: int, shown: str
) -> None:
    assert QCoreApplication.translate(context, source, None, n) == shown
