"""Translated texts for the values the import services name in English.

The services speak English (field labels, statuses, targets); the wizard shows them
through these functions. Field labels come from fields.py at run time, so translators
add them under the "ImportField" context; the rest are in the "ImportWizard" context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from crm_desktop.services.imports.fields import CUSTOM, FIELDS, IGNORE
from crm_desktop.services.imports.tally import DuplicateCounts


def _field(text: str) -> str:
    return QCoreApplication.translate("ImportField", text)


def _wizard(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def field_label(label: str) -> str:
    """A field's English label from fields.py, translated."""
    return _field(label)


def mapping_choice(key: str, target: str) -> str:
    """What a column becomes, as the mapping combo shows it."""
    if key == CUSTOM:
        return _wizard("Keep as custom field")
    if key == IGNORE:
        return _wizard("Leave out")
    for spec in FIELDS[target]:  # type: ignore[index]
        if spec.key == key:
            return field_label(spec.label)
    return key


def target_label(target: str) -> str:
    return {
        "leads": _wizard("Leads"),
        "contacts": _wizard("Contacts"),
        "companies": _wizard("Companies"),
        "deals": _wizard("Deals"),
    }.get(target, target)


def status_label(status: str) -> str:
    return {
        "running": _wizard("Running"),
        "complete": _wizard("Complete"),
        "cancelled": _wizard("Cancelled"),
        "interrupted": _wizard("Interrupted"),
        "undone": _wizard("Undone"),
    }.get(status, status)


def rule_label(rule: str) -> str:
    return {
        "skip": _wizard("&Skip the row"),
        "fill": _wizard("&Fill empty fields of the record"),
        "overwrite": _wizard("&Overwrite the record's fields"),
        "create": _wizard("&Create a new record anyway"),
        "review": _wizard("&Review each pair"),
    }.get(rule, rule)


def possible_rule_label(rule: str) -> str:
    return {
        "create": _wizard("Create a new record (&another person)"),
        "skip": _wizard("Skip &this row"),
        "merge": _wizard("Merge: fill the record's &empty fields"),
    }.get(rule, rule)


def reason_label(category: str) -> str:
    """Why a row matched, as the counts per reason name it."""
    return {
        "email": _wizard("same e-mail"),
        "mobile": _wizard("same mobile"),
        "name": _wizard("same name at the same company, no conflicting e-mail or mobile"),
        "email_other_mobile": _wizard("same e-mail but another mobile"),
        "mobile_other_email": _wizard("same mobile but another e-mail"),
        "phone": _wizard("same phone"),
        "company_name": _wizard("same company name"),
        "website": _wizard("same website"),
        "deal_title": _wizard("same deal title at the same company"),
    }.get(category, category)


def outcome_label(action: str) -> str:
    """What was (or would be) done with matching rows."""
    return {
        "skipped": _wizard("skipped"),
        "merged": _wizard("merged"),
        "created": _wizard("created"),
        "failed": _wizard("failed"),
    }.get(action, action)


def duplicate_counts_text(counts: DuplicateCounts) -> str:
    """'Duplicates: 127, skipped (same e-mail: 85, skipped; …)' and the same for possible ones,
    one line each, or "" when no row matched."""
    lines = []
    heads = (
        (False, _wizard("Duplicates: %1 (%2)")),
        (True, _wizard("Possible duplicates: %1 (%2)")),
    )
    for possible, head in heads:
        categories = counts.categories(possible)
        if not categories:
            continue
        parts = [
            f"{reason_label(c)}: {_done(sum(counts.counts[c].values()), counts.actions([c]))}"
            for c in categories
        ]
        total = _done(counts.total(possible), counts.actions(categories))
        lines.append(head.replace("%1", total).replace("%2", "; ".join(parts)))
    return "\n".join(lines)


def _done(rows: int, actions: dict[str, int]) -> str:
    if len(actions) == 1:
        return f"{rows:,}, {outcome_label(next(iter(actions)))}"
    done = ", ".join(f"{n:,} {outcome_label(a)}" for a, n in actions.items())
    return f"{rows:,}: {done}"


def order_label(order: str) -> str:
    return {
        "DMY": _wizard("Day first (31/12/2024)"),
        "MDY": _wizard("Month first (12/31/2024)"),
        "YMD": _wizard("Year first (2024/12/31)"),
    }.get(order, order)


def decision_label(action: str | None) -> str:
    return {
        "merge": _wizard("Merge"),
        "create": _wizard("Create new"),
        "skip": _wizard("Skip"),
        None: _wizard("Skip (not reviewed)"),
    }.get(action, str(action))


def encodings() -> tuple[tuple[str, str], ...]:
    """Codec names as Python spells them, with what users call them."""
    return (
        ("utf-8", "UTF-8"),
        ("utf-8-sig", _wizard("UTF-8 with BOM")),
        ("gb18030", _wizard("GB18030 (Simplified Chinese)")),
        ("big5", _wizard("Big5 (Traditional Chinese)")),
        ("shift_jis", _wizard("Shift_JIS (Japanese)")),
        ("cp1252", _wizard("windows-1252 (Western)")),
        ("utf-16", "UTF-16"),
    )


def encoding_label(codec: str | None) -> str:
    """What users call an encoding found in a file; "utf-8+gb18030" is a file whose lines
    are in either (each line read in its own)."""
    names = dict(encodings())
    if codec and "+" in codec:
        first, second = (names.get(part, part) for part in codec.split("+", 1))
        return _wizard("%1 and %2, line by line").replace("%1", first).replace("%2", second)
    return names.get(codec or "", codec or "")


def delimiters() -> tuple[tuple[str, str], ...]:
    return (
        (",", _wizard("Comma ( , )")),
        (";", _wizard("Semicolon ( ; )")),
        ("\t", _wizard("Tab")),
        ("|", _wizard("Pipe ( | )")),
    )
