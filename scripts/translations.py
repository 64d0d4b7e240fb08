"""Build the translations: `python scripts/translations.py` (from the repository root).

The window's texts are English in the code. Counts are written once with Qt's `%n`
("%n record(s)") and get their real singular and plural from a translation:

- `crm_en.ts` holds the English forms of every `%n` text the code has. New texts
  are filled in by the rules below ("record(s)" -> "record" / "records", "are" -> "is" for
  one); a form written by hand in the .ts is never overwritten. The forms use `%Ln`, so
  counts get the locale's thousands separators ("1,000,000 records").
- every other `crm_<language>.ts` in the folder (a full translation, once there is one) is
  updated with lupdate the same way.

Then lrelease compiles each .ts into the .qm the program loads (views/translations.py).
tests/views/test_translations.py fails when a .qm is older than its sources.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "crm_desktop" / "resources" / "translations"
ENGLISH = FOLDER / "crm_en.ts"
_TOOLS = Path(sys.executable).parent


def sources() -> list[Path]:
    package = ROOT / "crm_desktop"
    return sorted(
        p for p in package.rglob("*.py") if "migrations" not in p.parts and p.name != "__init__.py"
    )


def lupdate(ts: Path) -> None:
    command = [str(_TOOLS / "pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete"]
    command += [*(str(p) for p in sources()), "-ts", str(ts)]
    subprocess.run(command, check=True, cwd=ROOT)


def lrelease(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    command = [str(_TOOLS / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)]
    subprocess.run(command, check=True, cwd=ROOT)
    return qm


_WORD = re.compile(r"(\w+)\((s|es|ies)\)")


def english_forms(source: str) -> tuple[str, str]:
    """The singular and plural of a `%n` text: "%n record(s) were" -> "%Ln record was" and
    "%Ln records were"."""
    counted = source.replace("%n", "%Ln")

    def one(match: re.Match[str]) -> str:
        return match[1]

    def many(match: re.Match[str]) -> str:
        word, ending = match[1], match[2]
        return word[:-1] + "ies" if ending == "ies" else word + ending

    singular = _WORD.sub(one, counted)
    # The verb after the counted word agrees with it ("1 record was edited").
    singular = re.sub(r"(%Ln [^.,:;]*?\b\w+) (are|were|have)\b", _singular_verb, singular)
    return singular, _WORD.sub(many, counted)


def _singular_verb(match: re.Match[str]) -> str:
    verb = {"are": "is", "were": "was", "have": "has"}[match[2]]
    return f"{match[1]} {verb}"


def update_english() -> int:
    """Rewrite crm_en.ts: every text with a count, with its English forms; returns how many
    were new. Forms already in the file (perhaps corrected by hand) are kept.

    lupdate marks only `self.tr(text, "", n)` as plural; texts counted through
    QCoreApplication.translate(context, text, None, n) are found here by their "%n".
    """
    kept: dict[tuple[str, str, str], list[str]] = {}
    if ENGLISH.exists():
        for context, message in _messages(ENGLISH):
            forms = [f.text or "" for f in message.iter("numerusform")]
            if forms and all(forms):
                kept[_key(context, message)] = forms
    found = FOLDER / "crm_en.all.ts"
    lupdate(found)
    try:
        messages = _messages(found)
    finally:
        found.unlink()
    root = ET.Element("TS", version="2.1", language="en_US")
    contexts: dict[str, ET.Element] = {}
    new = 0
    for context, message in messages:
        source = message.findtext("source") or ""
        if "%n" not in source and "%Ln" not in source:
            continue
        if context not in contexts:
            contexts[context] = ET.SubElement(root, "context")
            ET.SubElement(contexts[context], "name").text = context
        out = ET.SubElement(contexts[context], "message", numerus="yes")
        ET.SubElement(out, "source").text = source
        comment = message.findtext("comment")
        if comment:
            ET.SubElement(out, "comment").text = comment
        forms = kept.get(_key(context, message))
        if forms is None:
            forms, new = list(english_forms(source)), new + 1
        translation = ET.SubElement(out, "translation")
        for text in forms:
            ET.SubElement(translation, "numerusform").text = text
    tree = ET.ElementTree(root)
    ET.indent(tree, space="    ")
    with ENGLISH.open("wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(handle, encoding="utf-8", xml_declaration=False)
        handle.write(b"\n")
    return new


def _messages(ts: Path) -> list[tuple[str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [
        (context.findtext("name") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def _key(context: str, message: ET.Element) -> tuple[str, str, str]:
    return (context, message.findtext("source") or "", message.findtext("comment") or "")


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    print(f"{ENGLISH.name}: {update_english()} new texts with a count")
    for ts in sorted(FOLDER.glob("crm_*.ts")):
        if ts != ENGLISH:
            lupdate(ts)
    for ts in sorted(FOLDER.glob("crm_*.ts")):
        print(f"{lrelease(ts).name} built")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
